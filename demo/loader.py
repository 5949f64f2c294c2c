"""Builds the demo data set: one province, two units, about 25 lecturers, programmes,
classes and teaching sessions, one demo account per role (password ``lectern-demo``), and a
year of observed lessons made through the review services, so every rule and the audit log
hold for them as for real ones."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from accounts import services as account_services
from accounts.enums import Role, UnitKind
from accounts.models import Province, Unit, User
from core.extensions import db
from demo.content import (ADJUNCT_POSITIONS, FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, HOME_BODIES, MALE_GIVEN,
                          MALE_MIDDLE, PLACES, TOPICS)
from demo.meetings import load_meetings
from demo.observations import EXTRA_REVIEWERS, ObservedLessons
from demo.contests import load_contests
from demo.plans_and_practice import load_plans_and_practice
from lecturers import services as lecturer_services
from lecturers.enums import ClassStatus, Degree, Gender, LecturerKind, TheoryLevel, WorkloadRole
from lecturers.models import Lecturer, Programme, TeachingSession, Topic, TrainingClass

# B105: demo data only; refused outside LECTERN_ENV=demo
DEMO_PASSWORD = "lectern-demo"  # nosec B105


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


class DemoBuilder:
    def __init__(self, *, now: datetime, seed: int = 2026) -> None:
        self.now = now
        self.today = now.date()
        # B311: reproducible demo data, not security
        self.random = random.Random(seed)  # nosec B311
        self.used_names: set[str] = set()
        self.admin: User | None = None
        self.accounts: dict[str, User] = {}

    def build(self) -> None:
        province = account_services.create_province(name="Tỉnh Nghệ An", actor=_System(), now=self.now)
        board = self._unit(province, "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An", UnitKind.PROVINCIAL_BOARD)
        centre = self._unit(province, "Trung tâm Chính trị huyện Nam Đàn", UnitKind.DISTRICT_CENTRE)
        faculty = self._unit(province, "Khoa Xây dựng Đảng - Trường Chính trị tỉnh Nghệ An", UnitKind.FACULTY)
        self.admin = self._user("admin", "Nguyễn Văn Quản", [(centre, Role.ADMIN)])
        centre_lecturers = self._staff(centre, full_time=5, adjunct=11)
        faculty_lecturers = self._staff(faculty, full_time=7, adjunct=2)
        self._link("director", "Trần Văn Đức", centre_lecturers[0], [(centre, Role.DIRECTOR), (centre, Role.REVIEWER)])
        self._link("reviewer", None, centre_lecturers[1], [(centre, Role.REVIEWER), (centre, Role.LECTURER)])
        self._link("reviewer2", None, centre_lecturers[2], [(centre, Role.REVIEWER), (centre, Role.LECTURER)])
        self._link("lecturer", None, centre_lecturers[3], [(centre, Role.LECTURER)])
        self._user("secretary", "Lê Thị Thu Hằng", [(centre, Role.SECRETARY)])
        self._user("overseer", "Phạm Quang Vinh", [(board, Role.OVERSEER)])
        self._link("director2", None, faculty_lecturers[0], [(faculty, Role.DIRECTOR), (faculty, Role.REVIEWER)])
        for unit, lecturers in ((centre, centre_lecturers), (faculty, faculty_lecturers)):
            self._classes(unit, lecturers)
        db.session.flush()
        self._observations({centre: centre_lecturers, faculty: faculty_lecturers})
        load_meetings(unit=centre, lecturers=centre_lecturers, secretary=self.accounts["secretary"],
                      director=self.accounts["director"], now=self.now, rng=self.random)
        load_plans_and_practice(unit=centre, accounts=self.accounts, now=self.now, rng=self.random)
        load_contests(unit=centre, lecturers=centre_lecturers, accounts=self.accounts, now=self.now, rng=self.random)

    # -- units and people ------------------------------------------------------------------
    def _unit(self, province: Province, name: str, kind: UnitKind) -> Unit:
        unit = account_services.save_unit(None, values={"province_id": province.id, "name": name, "kind": kind,
                                                        "address": province.name}, actor=_System(), now=self.now)
        if kind != UnitKind.PROVINCIAL_BOARD:
            lecturer_services.seed_standard_programmes(unit)
            self._topics(unit)
        return unit

    def _topics(self, unit: Unit) -> None:
        programmes = db.session.scalars(sa.select(Programme).where(Programme.unit_id == unit.id))
        for programme in programmes:
            for code, title, periods in TOPICS.get(programme.code, []):
                db.session.add(Topic(programme_id=programme.id, code=code, title=title, periods=periods))
        db.session.flush()

    def _user(self, username: str, full_name: str, grants: list[tuple[Unit, Role]]) -> User:
        user = account_services.create_user(username=username, full_name=full_name, password=DEMO_PASSWORD,
                                            grants=[(unit.id, role) for unit, role in grants],
                                            actor=self.admin, now=self.now)
        self.accounts[username] = user
        return user

    def _link(self, username: str, full_name: str | None, lecturer: Lecturer,
              grants: list[tuple[Unit, Role]]) -> User:
        if full_name:
            lecturer.set_name(full_name)
        user = self._user(username, lecturer.full_name, grants)
        lecturer.user_id = user.id
        return user

    def _name(self, gender: Gender) -> str:
        while True:
            middle = MALE_MIDDLE if gender == Gender.MALE else FEMALE_MIDDLE
            given = MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN
            name = f"{self.random.choice(FAMILY_NAMES)} {self.random.choice(middle)} {self.random.choice(given)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _staff(self, unit: Unit, *, full_time: int, adjunct: int) -> list[Lecturer]:
        roles = [WorkloadRole.DIRECTOR, WorkloadRole.DEPUTY] + [WorkloadRole.FULL_TIME] * (full_time - 3) \
            + [WorkloadRole.FULL_TIME_ADMIN]
        positions = {WorkloadRole.DIRECTOR: "Giám đốc", WorkloadRole.DEPUTY: "Phó Giám đốc"}
        topic_ids = list(db.session.scalars(sa.select(Topic.id).join(Programme).where(Programme.unit_id == unit.id)))
        lecturers = []
        for index in range(full_time + adjunct):
            is_full_time = index < full_time
            gender = self.random.choice(list(Gender))
            values = {
                "full_name": self._name(gender), "gender": gender,
                "birth_year": self.random.randint(1968, 1995),
                "kind": LecturerKind.FULL_TIME if is_full_time else LecturerKind.ADJUNCT,
                "workload_role": roles[index] if is_full_time else WorkloadRole.ADJUNCT,
                "position": positions.get(roles[index], "Giảng viên") if is_full_time
                else self.random.choice(ADJUNCT_POSITIONS),
                "home_body": "" if is_full_time else self.random.choice(HOME_BODIES),
                "theory_level": self.random.choice([TheoryLevel.ADVANCED, TheoryLevel.ADVANCED, TheoryLevel.BACHELOR,
                                                    TheoryLevel.INTERMEDIATE]),
                "degree": self.random.choice([Degree.BACHELOR, Degree.BACHELOR, Degree.MASTER]),
                "has_methods_certificate": is_full_time or self.random.random() < 0.6,
                "start_date": date(self.random.randint(2005, 2024), self.random.randint(1, 12), 1),
                "topic_ids": self.random.sample(topic_ids, k=min(len(topic_ids), self.random.randint(2, 6))),
            }
            lecturers.append(lecturer_services.save_lecturer(None, unit=unit, values=values, actor=_System(),
                                                             now=self.now))
        return lecturers

    # -- classes and sessions --------------------------------------------------------------
    def _classes(self, unit: Unit, lecturers: list[Lecturer]) -> None:
        programmes = [p for p in db.session.scalars(sa.select(Programme).where(Programme.unit_id == unit.id))
                      if p.code in TOPICS]
        start = self.today - timedelta(days=330)
        for number in range(12):
            programme = programmes[number % len(programmes)]
            begin = start + timedelta(days=number * 28 + self.random.randint(0, 6))
            end = begin + timedelta(days=len(TOPICS[programme.code]) + 2)
            status = ClassStatus.COMPLETED if end < self.today else (
                ClassStatus.ONGOING if begin <= self.today else ClassStatus.PLANNED)
            training_class = TrainingClass(
                unit_id=unit.id, programme_id=programme.id, name=f"Lớp {programme.name} khóa {number + 1}/{begin.year}",
                start_date=begin, end_date=end, place=self.random.choice(PLACES),
                is_cluster=self.random.random() < 0.3, learner_count=self.random.randint(35, 120), status=status)
            db.session.add(training_class)
            db.session.flush()
            for offset, topic in enumerate(programme.topics):
                teachers = [lecturer for lecturer in lecturers if topic in lecturer.topics] or lecturers
                db.session.add(TeachingSession(class_id=training_class.id, topic_id=topic.id,
                                               lecturer_id=self.random.choice(teachers).id,
                                               date=begin + timedelta(days=offset), periods=topic.periods))
        db.session.flush()

    # -- observed lessons ----------------------------------------------------------------
    def _observations(self, staff: dict[Unit, list[Lecturer]]) -> None:
        """A few more reviewer accounts, then a year of observed lessons through the review
        services (see demo/observations.py)."""
        units = list(staff)
        for username, unit_index, lecturer_index in EXTRA_REVIEWERS:
            unit = units[unit_index]
            self._link(username, None, staff[unit][lecturer_index], [(unit, Role.REVIEWER), (unit, Role.LECTURER)])
        ObservedLessons(self).build(staff)


class _System:
    """The actor recorded for changes made by the demo loader."""

    id = None


def load_demo(*, now: datetime, seed: int = 2026) -> None:
    DemoBuilder(now=now, seed=seed).build()
