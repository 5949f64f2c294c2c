"""Demo data: the centre's teaching contests, run through the contests services as a director
and judges would. Last year's unit-level contest (6 entries, 5 judges, one declared conflict)
is published, so its prizes show in the lecturers' history; next quarter's is being set up.

Call from demo/loader.py after the people exist::

    load_contests(unit=centre, lecturers=centre_lecturers, accounts=self.accounts, now=self.now, rng=self.random)
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from accounts.models import Unit, User
from contests import services
from contests.models import Contest
from lecturers.models import Lecturer

COMPONENTS = [
    {"code": "plan", "name": "Soạn giáo án", "max_points": "20", "weight": "1"},
    {"code": "lecture", "name": "Giảng trực tiếp (25 phút)", "max_points": "20", "weight": "3",
     "time_limit_minutes": 25},
    {"code": "qa", "name": "Trả lời câu hỏi của Ban Giám khảo (7 phút)", "max_points": "20", "weight": "1",
     "time_limit_minutes": 7},
]
TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng Đảng",
    "Đảng Cộng sản Việt Nam — người lãnh đạo và tổ chức mọi thắng lợi của cách mạng Việt Nam",
    "Nhiệm vụ của đảng viên và công tác quản lý đảng viên ở chi bộ",
    "Xây dựng nông thôn mới ở huyện Nam Đàn: kết quả và bài học kinh nghiệm",
    "Đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng",
    "Quan điểm của Đảng về phát triển kinh tế tư nhân trong giai đoạn mới",
]
QUOTAS = {"first": 1, "second": 1, "third": 2, "consolation": None}


def _at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=7)  # local time → UTC


def _mark(rng: random.Random, strength: float) -> Decimal:
    value = min(20.0, max(10.0, rng.gauss(strength, 0.9)))
    return (Decimal(str(value)) * 4).quantize(Decimal(1)) / 4  # steps of 0.25


def _published_contest(unit: Unit, entrants: Sequence[Lecturer], judges: Sequence[User], director: User,
                       year: int, rng: random.Random) -> Contest:
    start = date(year, 10, 14)
    contest = services.create_contest(
        unit=unit, actor=director, now=_at(date(year, 8, 20)), components=COMPONENTS,
        values={"name": f"Hội thi giảng viên lý luận chính trị giỏi cấp cơ sở năm {year}", "level": "unit",
                "year": year, "starts_on": start, "ends_on": start + timedelta(days=1), "eligibility": "all",
                "aggregation": "trimmed_mean", "tie_break": ["lecture", "plan"], "prize_quotas": QUOTAS})
    setup_at = _at(date(year, 9, 5))
    for judge in judges:
        services.add_judge(contest, user=judge, actor=director, now=setup_at)
    entries = [services.add_entry(contest, lecturer=lecturer, topic=topic, actor=director, now=setup_at)
               for lecturer, topic in zip(entrants, TOPICS)]
    services.set_contest_phase(contest, "judging", actor=director, now=_at(start, 7))
    # A judge related to one contestant declares it and does not mark that entry.
    services.declare_conflict(entries[2], judge=judges[-1], reason="relative",
                              note="Là anh rể của thí sinh", now=_at(start, 7))
    strengths = [rng.uniform(14.5, 18.5) for _ in entries]
    for entry, strength in zip(entries, strengths):
        for judge in judges:
            if judge.id in entry.conflicted_judge_ids():
                continue
            marks = {c["code"]: _mark(rng, strength) for c in COMPONENTS}
            services.save_marks(entry, judge=judge, marks=marks, now=_at(start, 15))
    services.set_contest_phase(contest, "closed", actor=director, now=_at(start + timedelta(days=1), 17))
    services.set_contest_phase(contest, "published", actor=director, now=_at(start + timedelta(days=3), 9))
    return contest


def _planned_contest(unit: Unit, entrants: Sequence[Lecturer], judges: Sequence[User], director: User,
                     today: date, now: datetime) -> Contest:
    quarter_start = date(today.year + (today.month > 9), (((today.month - 1) // 3 + 1) % 4) * 3 + 1, 1)
    contest = services.create_contest(
        unit=unit, actor=director, now=now, components=COMPONENTS[:2],
        values={"name": f"Hội thi giảng viên giỏi cấp cơ sở năm {quarter_start.year}", "level": "unit",
                "year": quarter_start.year, "starts_on": quarter_start + timedelta(days=20),
                "ends_on": quarter_start + timedelta(days=21), "eligibility": "all", "aggregation": "mean",
                "tie_break": ["lecture", "plan"], "prize_quotas": {"first": 1, "second": 1, "third": 1,
                                                                   "consolation": None}})
    for judge in judges:
        services.add_judge(contest, user=judge, actor=director, now=now)
    for lecturer, topic in zip(entrants, TOPICS[3:]):
        services.add_entry(contest, lecturer=lecturer, topic=topic, actor=director, now=now)
    return contest


def load_contests(*, unit: Unit, lecturers: Sequence[Lecturer], accounts: dict[str, User], now: datetime,
                  rng: random.Random) -> list[Contest]:
    """Last year's published unit contest and next quarter's contest in setup."""
    director = accounts["director"]
    judges = [accounts[name] for name in ("director", "reviewer", "reviewer2", "director2", "overseer")]
    judge_ids = {judge.id for judge in judges}
    entrants = [lecturer for lecturer in lecturers if lecturer.user_id not in judge_ids and lecturer.is_active][:6]
    published = _published_contest(unit, entrants, judges, director, now.year - 1, rng)
    planned = _planned_contest(unit, entrants[:2], judges[:3], director, now.date(), now)
    return [published, planned]
