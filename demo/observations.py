"""A year of observed lessons for the demo, made only through the review services
(plan → save and submit sheets → finalise → respond → amend), so every rule and the audit
log hold for them as for real ones.

Scores come from a small model: each lecturer has an ability, a trend over the year and
stronger and weaker criteria; each observer a severity (some harsh, some lenient); each
sheet some noise. A few lessons are scored far apart by one observer (disagreements), a
few are unsatisfactory (a weak lecturer early in the year, and one lesson whose content had
serious errors: tính khoa học at 0). Comments follow the scores: strengths from the best
criteria, shortcomings and recommendations from the weakest.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from accounts.models import Unit, User
from core.extensions import db
from demo import content
from lecturers.enums import ClassStatus, LecturerKind
from lecturers.models import Lecturer, Programme, TeachingSession, TrainingClass
from reviews import authoring, services
from reviews.enums import ConflictKind, Rating, ResponseKind
from reviews.models import Observation

if TYPE_CHECKING:
    from demo.loader import DemoBuilder

# More reviewer accounts, linked to full-time lecturers: (username, unit index, lecturer index).
EXTRA_REVIEWERS = [("reviewer3", 0, 4), ("reviewer4", 1, 1), ("reviewer5", 1, 2), ("reviewer6", 1, 3)]
# Who each unit prefers for the lessons of the coming days (so "My observations" shows them).
LEADS = [("director", "reviewer"), ("director2", "reviewer4")]
# How far each observer's scores sit from the consensus, as a share of each criterion's maximum.
SEVERITY = {"director": -0.04, "reviewer": 0.05, "reviewer2": -0.07, "reviewer3": 0.02,
            "director2": -0.06, "reviewer4": 0.07, "reviewer5": 0.0, "reviewer6": -0.03}
DIVERGENT = -0.26  # the severity added to one observer of a lesson they judged much more harshly
CRITICAL = "2.2"  # tính khoa học: zero when the content had serious errors
DISPUTED = "2.3"  # tính thực tiễn: the criterion the demo lecturer disputes


@dataclass
class Profile:
    """How a lecturer teaches: a share of each maximum, its change per year, per-criterion offsets."""

    ability: float
    trend: float
    offsets: dict[str, float]


@dataclass
class Lesson:
    """A teaching session to observe and what becomes of it: "final", "in_progress" or "planned"."""

    session: TeachingSession
    stage: str = "final"
    unannounced: bool = False
    divergent: bool = False
    critical_error: bool = False
    disputed: bool = False
    response: str | None = None


class ObservedLessons:
    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.random = builder.random
        self.now = builder.now
        self.today = builder.today
        self.start = self.today - timedelta(days=365)
        self.accounts = builder.accounts
        self.conflicts: set[tuple[int, int]] = set()

    def build(self, staff: dict[Unit, list[Lecturer]]) -> None:
        """Observations of most lecturers of every unit in ``staff`` (the first is the centre,
        home of the demo lecturer and of the conflict and the content-error lesson)."""
        units = list(staff)
        own = self.accounts["lecturer"].lecturer
        self._give_sessions(own, count=5)
        self._declare_conflict(units[0], staff[units[0]])
        for (unit, lecturers), leads in zip(staff.items(), LEADS, strict=True):
            past = self._sessions(unit)
            ongoing, upcoming = self._current_classes(unit, lecturers, own)
            profiles = self._profiles(lecturers, own)
            version = authoring.default_version(unit)
            lessons = self._past_lessons(past, own, critical=unit is units[0])
            lessons += self._current_lessons(ongoing, upcoming, own)
            for lesson in lessons:
                self._observe(unit, version, lesson, profiles, leads)
        db.session.flush()

    # -- people and sessions ---------------------------------------------------------------
    def _scorers(self, unit: Unit) -> list[User]:
        return [user for _name, user in sorted(self.accounts.items())
                if user.roles_in(unit.id) & services.SCORER_ROLES]

    def _declare_conflict(self, unit: Unit, lecturers: list[Lecturer]) -> None:
        """reviewer2 is a sibling of one adjunct lecturer, so never observes them."""
        relative = next(lecturer for lecturer in lecturers if lecturer.kind == LecturerKind.ADJUNCT)
        observer = self.accounts["reviewer2"]
        services.declare_conflict(unit=unit, observer=observer, lecturer=relative, kind=ConflictKind.RELATIVE,
                                  note=content.CONFLICT_NOTE, actor=self.accounts["director"],
                                  now=self.now - timedelta(days=360))
        self.conflicts.add((observer.id, relative.id))

    def _sessions(self, unit: Unit) -> list[TeachingSession]:
        query = (sa.select(TeachingSession).join(TrainingClass)
                 .where(TrainingClass.unit_id == unit.id, TeachingSession.date < self.today - timedelta(days=3))
                 .order_by(TeachingSession.date, TeachingSession.id))
        return list(db.session.scalars(query))

    def _give_sessions(self, lecturer: Lecturer, *, count: int) -> None:
        """The demo lecturer teaches a session in several classes over the year (taken from
        colleagues who teach at least three)."""
        sessions = self._sessions(lecturer.unit)
        mine = [s for s in sessions if s.lecturer_id == lecturer.id]
        load = {s.lecturer_id: sum(1 for o in sessions if o.lecturer_id == s.lecturer_id) for s in sessions}
        classes = {s.class_id for s in mine}
        for session in self.random.sample(sessions, k=len(sessions)):
            if len(mine) >= count:
                break
            if session.class_id in classes or load[session.lecturer_id] < 3:
                continue
            load[session.lecturer_id] -= 1
            session.lecturer_id = lecturer.id
            mine.append(session)
            classes.add(session.class_id)
            if session.topic not in lecturer.topics:
                lecturer.topics.append(session.topic)
        db.session.flush()

    def _current_classes(self, unit: Unit, lecturers: list[Lecturer],
                         own: Lecturer) -> tuple[list[TeachingSession], list[TeachingSession]]:
        """A class running this week and one starting next week."""
        programmes = {p.code: p for p in db.session.scalars(sa.select(Programme).where(Programme.unit_id == unit.id))}
        made = []
        for number, (code, begin, status) in enumerate(
                (("NTD", self.today - timedelta(days=3), ClassStatus.ONGOING),
                 ("DVM", self.today + timedelta(days=4), ClassStatus.PLANNED)), start=13):
            programme = programmes[code]
            training_class = TrainingClass(
                unit_id=unit.id, programme_id=programme.id, name=f"Lớp {programme.name} khóa {number}/{begin.year}",
                start_date=begin, end_date=begin + timedelta(days=len(programme.topics) - 1),
                place=self.random.choice(content.PLACES), learner_count=self.random.randint(40, 90), status=status)
            for offset, topic in enumerate(programme.topics):
                teachers = [lecturer for lecturer in lecturers if topic in lecturer.topics] or lecturers
                training_class.sessions.append(TeachingSession(
                    topic_id=topic.id, lecturer_id=self.random.choice(teachers).id,
                    date=begin + timedelta(days=offset), periods=topic.periods))
            db.session.add(training_class)
            made.append(training_class)
        db.session.flush()
        ongoing, upcoming = made[0].sessions, made[1].sessions
        if own.unit_id == unit.id:
            upcoming[1].lecturer_id = own.id
            if upcoming[1].topic not in own.topics:
                own.topics.append(upcoming[1].topic)
        return ongoing, upcoming

    def _profiles(self, lecturers: list[Lecturer], own: Lecturer) -> dict[int, Profile]:
        criteria = authoring.default_version(lecturers[0].unit).criteria
        profiles = {}
        for lecturer in lecturers:
            full_time = lecturer.kind == LecturerKind.FULL_TIME
            profiles[lecturer.id] = Profile(
                ability=self.random.uniform(0.74, 0.94) if full_time else self.random.uniform(0.62, 0.86),
                trend=self.random.uniform(-0.03, 0.1),
                offsets={c.code: self.random.gauss(0, 0.06) - (0 if full_time or c.domain.code != "3" else 0.05)
                         for c in criteria})
        weakest = min(profiles.values(), key=lambda profile: profile.ability)
        weakest.ability, weakest.trend = 0.5, 0.22  # struggles early in the year, then improves
        if own.id in profiles:
            profiles[own.id].ability, profiles[own.id].trend = 0.74, 0.12
        return profiles

    # -- which lessons are observed --------------------------------------------------------
    def _past_lessons(self, sessions: list[TeachingSession], own: Lecturer, *, critical: bool) -> list[Lesson]:
        """Every lesson of the demo lecturer, one of every other lecturer, at least one in most
        classes, and a few more."""
        chosen = {s.id: s for s in sessions if s.lecturer_id == own.id}
        for lecturer_id in dict.fromkeys(s.lecturer_id for s in sessions):
            if not any(s.lecturer_id == lecturer_id for s in chosen.values()):
                session = self.random.choice([s for s in sessions if s.lecturer_id == lecturer_id])
                chosen[session.id] = session
        for class_id in dict.fromkeys(s.class_id for s in sessions):
            if not any(s.class_id == class_id for s in chosen.values()) and self.random.random() < 0.8:
                session = self.random.choice([s for s in sessions if s.class_id == class_id])
                chosen[session.id] = session
        for session in sessions:
            if session.id not in chosen and self.random.random() < 0.3:
                chosen[session.id] = session
        lessons = [Lesson(session, unannounced=self.random.random() < 0.1)
                   for session in sorted(chosen.values(), key=lambda s: (s.date, s.id))]
        others = [lesson for lesson in lessons if lesson.session.lecturer_id != own.id]
        for lesson in others:  # colleagues with an account sometimes acknowledge their result
            if lesson.session.lecturer.user_id and self.random.random() < 0.4:
                lesson.response = ResponseKind.ACKNOWLEDGE
        for lesson in self.random.sample(others, k=2):
            lesson.divergent = True
        if critical:
            adjuncts = [l for l in others if l.session.lecturer.kind == LecturerKind.ADJUNCT and not l.divergent]
            adjuncts[len(adjuncts) // 2].critical_error = True
        self._own_story([lesson for lesson in lessons if lesson.session.lecturer_id == own.id])
        return lessons

    def _own_story(self, lessons: list[Lesson]) -> None:
        """The demo lecturer: an unannounced visit, an acknowledged result, a disputed one."""
        if not lessons:
            return
        for lesson in lessons:
            lesson.unannounced = False
        lessons[1 % len(lessons)].unannounced = True
        lessons[0].response = ResponseKind.ACKNOWLEDGE
        lessons[-1].response, lessons[-1].disputed = ResponseKind.DISAGREE, True

    def _current_lessons(self, ongoing: list[TeachingSession], upcoming: list[TeachingSession],
                         own: Lecturer) -> list[Lesson]:
        lessons = [Lesson(ongoing[0], stage="in_progress"), Lesson(ongoing[1], stage="planned"),
                   Lesson(upcoming[0], stage="planned"), Lesson(upcoming[-1], stage="planned")]
        for session in upcoming[1:-1]:
            if session.lecturer_id == own.id:
                lessons.append(Lesson(session, stage="planned", unannounced=True))
        return lessons

    # -- one observation --------------------------------------------------------------------
    def _observers(self, unit: Unit, lecturer: Lecturer, lesson: Lesson, leads: tuple[str, str]) -> list[User]:
        allowed = [user for user in self._scorers(unit)
                   if user.id != lecturer.user_id and (user.id, lecturer.id) not in self.conflicts]
        wanted = 3 if lesson.divergent or self.random.random() < 0.35 else 2
        chosen = [self.accounts[name] for name in leads
                  if lesson.stage != "final" and self.accounts[name] in allowed]
        rest = [user for user in allowed if user not in chosen]
        chosen += self.random.sample(rest, k=max(0, min(len(rest), wanted - len(chosen))))
        return chosen

    def _at(self, day: date, hour: int) -> datetime:
        """A moment of that day (UTC; Vietnam is 7 hours ahead), never after the demo's now."""
        return min(datetime.combine(day, time(hour)), self.now - timedelta(minutes=30))

    def _observe(self, unit: Unit, version, lesson: Lesson, profiles: dict[int, Profile],
                 leads: tuple[str, str]) -> None:
        session = lesson.session
        lecturer = session.lecturer
        director = self.accounts[leads[0]]
        observers = self._observers(unit, lecturer, lesson, leads)
        chair = director if lecturer.user_id != director.id else observers[0]
        ahead = 1 if lesson.unannounced else self.random.randint(5, 12)
        observation = services.plan_observation(
            unit=unit, lecturer=lecturer, version=version, observers=observers, on=None, actor=chair,
            now=self._at(session.date - timedelta(days=ahead), 2), chair=chair, session=session,
            unannounced=lesson.unannounced)
        if lesson.stage == "planned":
            return
        divergent = self.random.randrange(len(observers)) if lesson.divergent else None
        for index, observer in enumerate(observers):
            severity = SEVERITY.get(observer.username, 0.0) + (DIVERGENT if index == divergent else 0.0)
            scores = self._scores(version, profiles[lecturer.id], severity, session.date, lesson)
            sheet = next(s for s in observation.sheets if s.observer_id == observer.id)
            drafting = lesson.stage == "in_progress" and observer.username in leads[1:]
            if drafting:  # still filling it in
                scores = dict(list(scores.items())[:6])
            services.save_sheet(sheet, scores=scores, texts=self._texts(version, scores, lesson, session),
                                actor=observer, now=self._at(session.date, 3))
            if not drafting:
                services.submit_sheet(sheet, actor=observer, now=self._at(session.date, 3 + 2 * index + 1))
        if lesson.stage == "final":
            self._finalise(observation, lesson, chair)

    def _scores(self, version, profile: Profile, severity: float, day: date, lesson: Lesson) -> dict[str, str]:
        years = (day - self.start).days / 365
        level = profile.ability + profile.trend * (years - 0.5) + severity + self.random.gauss(0, 0.03)
        scores = {}
        for criterion in version.criteria:
            share = level + profile.offsets[criterion.code] + self.random.gauss(0, 0.07)
            if lesson.disputed and criterion.code == DISPUTED:
                share = min(share, 0.45)
            steps = int(criterion.max_points / criterion.step)
            count = min(steps, max(0, math.floor(share * steps + 0.5)))
            if lesson.critical_error and criterion.code == CRITICAL:
                count = 0
            scores[criterion.code] = str(criterion.step * count)
        return scores

    # -- words --------------------------------------------------------------------------------
    def _texts(self, version, scores: dict[str, str], lesson: Lesson, session: TeachingSession) -> dict[str, str]:
        shares = sorted(((Decimal(scores[c.code]) / c.max_points, c.code) for c in version.criteria
                         if c.code in scores), key=lambda pair: pair[0])
        high = [code for share, code in reversed(shares) if share >= Decimal("0.8")][:2]
        low = [code for share, code in shares if share < Decimal("0.7")][:2]
        comments = content.CRITERION_COMMENTS
        strengths = [self.random.choice(comments[code]["strengths"]) for code in high] or \
            [self.random.choice(content.GENERAL_STRENGTHS)]
        shortcomings = [self.random.choice(comments[code]["shortcomings"]) for code in low]
        recommendations = [self.random.choice(comments[code]["recommendations"]) for code in low]
        if lesson.critical_error:
            shortcomings.insert(0, content.CRITICAL_ERROR[0])
            recommendations.insert(0, content.CRITICAL_ERROR[1])
        return {"notes": self._notes(session), "strengths": _bullets(strengths),
                "shortcomings": _bullets(shortcomings or [self.random.choice(content.NO_SHORTCOMINGS)]),
                "recommendations": _bullets(recommendations or [self.random.choice(content.NO_RECOMMENDATIONS)])}

    def _notes(self, session: TeachingSession) -> str:
        start = datetime.combine(session.date, time(7, 30) if self.random.random() < 0.6 else time(13, 30))
        lines = []
        for minutes, stage in zip((0, 15, 55, 120, 160), content.NOTE_STAGES, strict=True):
            lines.append(stage.format(time=f"{start + timedelta(minutes=minutes):%H:%M}", topic=session.topic.title,
                                      method=self.random.choice(content.NOTE_METHODS),
                                      local=self.random.choice(content.LOCAL_EXAMPLES)))
        return "\n".join(lines)

    def _finalise(self, observation: Observation, lesson: Lesson, chair: User) -> None:
        result = services.consolidate(observation)
        day = lesson.session.date + timedelta(days=self.random.randint(1, 3))
        opinions = list(dict.fromkeys(
            line for sheet in observation.sheets for line in sheet.shortcomings.splitlines()[:1]
            if line.removeprefix("- ") not in content.NO_SHORTCOMINGS))
        debrief = [self.random.choice(content.SELF_ASSESSMENTS)]
        if opinions:
            debrief.append("Ý kiến góp ý của các thành viên dự giờ:\n" + "\n".join(opinions))
        if result.disagreement:
            debrief.append(content.DISAGREEMENT_NOTE)
        debrief.append(content.CONCLUSIONS[result.rating])
        deadline = content.ACTION_DEADLINE.format(date=f"{day + timedelta(days=30):%d/%m/%Y}")
        advice = list(dict.fromkeys(line.removeprefix("- ") for sheet in observation.sheets
                                    for line in sheet.recommendations.splitlines()))[:3]
        if result.rating == Rating.UNSATISFACTORY:
            advice.insert(0, content.RETEACH_ACTION)
        actions = "\n".join(f"{number}. {text} {deadline}" for number, text in enumerate(advice, start=1))
        services.finalize_observation(observation, debrief="\n".join(debrief), action_points=actions, actor=chair,
                                      now=self._at(day, 9))
        if lesson.response:
            self._respond(observation, lesson, day)

    def _respond(self, observation: Observation, lesson: Lesson, finalised: date) -> None:
        author = observation.lecturer.user
        services.respond(observation, kind=lesson.response, text=self.random.choice(content.RESPONSES[lesson.response]),
                         actor=author, now=self._at(finalised + timedelta(days=1), 4))
        if not lesson.disputed:
            return
        criterion = next(c for c in observation.rubric_version.criteria if c.code == DISPUTED)
        current = observation.result_by_code()[DISPUTED]
        raised = ((current + Decimal("0.5")) / criterion.step).to_integral_value(rounding=ROUND_CEILING) * criterion.step
        services.amend_observation(observation, reason=content.AMENDMENT_REASON,
                                   scores={DISPUTED: str(min(raised, criterion.max_points))}, action_points=None,
                                   actor=self.accounts["director"], now=self._at(finalised + timedelta(days=4), 8))


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
