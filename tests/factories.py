"""Plain factory functions with keyword overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count

from accounts import services as account_services
from accounts.enums import Role, UnitKind
from accounts.models import Province, Unit, User
from core.extensions import db
from core.models import utcnow
from lecturers.enums import LecturerKind, WorkloadRole
from lecturers.models import Lecturer, Programme, TeachingSession, Topic, TrainingClass

PASSWORD = "correct horse battery"
_sequence = count(1)


def make_province(name: str | None = None) -> Province:
    province = Province(name=name or f"Tỉnh Thử {next(_sequence)}")
    db.session.add(province)
    db.session.flush()
    return province


def make_unit(province: Province | None = None, *, name: str | None = None,
              kind: UnitKind = UnitKind.DISTRICT_CENTRE) -> Unit:
    unit = Unit(province_id=(province or make_province()).id, name=name or f"Trung tâm {next(_sequence)}", kind=kind)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(*grants: tuple[Unit, Role], username: str | None = None, full_name: str = "Nguyễn Văn Thử",
              password: str = PASSWORD) -> User:
    return account_services.create_user(
        username=username or f"user{next(_sequence)}", full_name=full_name, password=password,
        grants=[(unit.id, role) for unit, role in grants], actor=None, now=utcnow())


def make_lecturer(unit: Unit, *, full_name: str = "Trần Thị Hương", user: User | None = None,
                  kind: LecturerKind = LecturerKind.FULL_TIME, **values) -> Lecturer:
    lecturer = Lecturer(unit_id=unit.id, kind=kind, user_id=user.id if user else None,
                        workload_role=values.pop("workload_role", WorkloadRole.FULL_TIME), **values)
    lecturer.set_name(full_name)
    db.session.add(lecturer)
    db.session.flush()
    return lecturer


def make_programme(unit: Unit, *, code: str | None = None, name: str = "Bồi dưỡng nhận thức về Đảng") -> Programme:
    programme = Programme(unit_id=unit.id, code=code or f"P{next(_sequence)}", name=name)
    db.session.add(programme)
    db.session.flush()
    return programme


def make_topic(programme: Programme, *, code: str | None = None, title: str = "Điều lệ Đảng", periods: int = 4) -> Topic:
    topic = Topic(programme_id=programme.id, code=code or f"B{next(_sequence)}", title=title, periods=periods)
    db.session.add(topic)
    db.session.flush()
    return topic


def make_class(unit: Unit, programme: Programme, *, start: date = date(2026, 3, 2), end: date = date(2026, 3, 6),
               name: str = "Lớp nhận thức về Đảng khóa 1") -> TrainingClass:
    training_class = TrainingClass(unit_id=unit.id, programme_id=programme.id, name=name, start_date=start,
                                   end_date=end, learner_count=60)
    db.session.add(training_class)
    db.session.flush()
    return training_class


def make_session(training_class: TrainingClass, topic: Topic, lecturer: Lecturer, *, on: date | None = None,
                 periods: int = 4) -> TeachingSession:
    session = TeachingSession(class_id=training_class.id, topic_id=topic.id, lecturer_id=lecturer.id,
                              date=on or training_class.start_date, periods=periods)
    db.session.add(session)
    db.session.flush()
    return session


@dataclass
class World:
    province: Province
    board: Unit
    unit: Unit
    sibling: Unit
    other_province_unit: Unit
    admin: User
    director: User
    reviewer: User
    secretary: User
    lecturer_user: User
    overseer: User
    outsider: User  # director of a unit in another province
    sibling_director: User  # director of another unit in the same province
    lecturer: Lecturer  # linked to lecturer_user
    colleague: Lecturer
    outsider_lecturer: Lecturer
    programme: Programme
    topic: Topic
    training_class: TrainingClass
    session: TeachingSession
    observation: object = None  # a planned, announced observation of ``lecturer`` by director and reviewer

    def user(self, role: str) -> User | None:
        return {"admin": self.admin, "director": self.director, "reviewer": self.reviewer,
                "secretary": self.secretary, "lecturer": self.lecturer_user, "overseer": self.overseer,
                "outsider": self.outsider, "sibling_director": self.sibling_director}.get(role)


def make_world() -> World:
    province = make_province("Tỉnh Nghệ An")
    board = make_unit(province, name="Ban Tuyên giáo Tỉnh ủy", kind=UnitKind.PROVINCIAL_BOARD)
    unit = make_unit(province, name="Trung tâm Chính trị huyện Nam Đàn")
    sibling = make_unit(province, name="Trung tâm Chính trị huyện Hưng Nguyên")
    other = make_unit(make_province("Tỉnh Hà Tĩnh"), name="Trung tâm Chính trị huyện Can Lộc")
    lecturer_user = make_user((unit, Role.LECTURER), username="lecturer", full_name="Trần Thị Hương")
    lecturer = make_lecturer(unit, full_name="Trần Thị Hương", user=lecturer_user)
    colleague = make_lecturer(unit, full_name="Lê Văn An", kind=LecturerKind.ADJUNCT,
                              workload_role=WorkloadRole.ADJUNCT)
    programme = make_programme(unit, code="NTD")
    topic = make_topic(programme, code="B1")
    training_class = make_class(unit, programme)
    world = World(
        province=province, board=board, unit=unit, sibling=sibling, other_province_unit=other,
        admin=make_user((unit, Role.ADMIN), username="admin", full_name="Nguyễn Văn Quản"),
        director=make_user((unit, Role.DIRECTOR), (unit, Role.REVIEWER), username="director",
                           full_name="Trần Văn Đức"),
        reviewer=make_user((unit, Role.REVIEWER), username="reviewer", full_name="Phạm Thị Lan"),
        secretary=make_user((unit, Role.SECRETARY), username="secretary", full_name="Lê Thị Hằng"),
        lecturer_user=lecturer_user,
        overseer=make_user((board, Role.OVERSEER), username="overseer", full_name="Phạm Quang Vinh"),
        outsider=make_user((other, Role.DIRECTOR), username="outsider", full_name="Hồ Văn Khánh"),
        sibling_director=make_user((sibling, Role.DIRECTOR), username="sibling", full_name="Đỗ Văn Nam"),
        lecturer=lecturer, colleague=colleague,
        outsider_lecturer=make_lecturer(other, full_name="Bùi Thị Mai"),
        programme=programme, topic=topic, training_class=training_class,
        session=make_session(training_class, topic, lecturer),
    )
    world.observation = make_observation(world, lecturer=lecturer)
    return world


# --- reviews ----------------------------------------------------------------------------------


def shipped_version(code: str = "llct"):
    """The published version of a shipped rubric template (seeded by migration 0002)."""
    import sqlalchemy as sa

    from reviews.rubrics import Rubric

    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.code == code, Rubric.unit_id.is_(None)))
    return rubric.current_version


def full_scores(version, value: str | None = None) -> dict[str, str]:
    """A score for every criterion: ``value`` capped at each maximum, or the maximum."""
    from decimal import Decimal

    return {c.code: str(min(Decimal(value), c.max_points) if value else c.max_points) for c in version.criteria}


def make_observation(world: World, *, observers: list[User] | None = None, lecturer: Lecturer | None = None,
                     unannounced: bool = False, version=None, chair: User | None = None):
    from reviews import services

    return services.plan_observation(
        unit=world.unit, lecturer=lecturer or world.colleague, version=version or shipped_version(),
        observers=observers or [world.director, world.reviewer], on=date(2026, 3, 3), actor=world.director,
        now=utcnow(), chair=chair, topic=world.topic, unannounced=unannounced)


def submit(sheet, scores: dict[str, str], actor: User, **texts):
    from reviews import services

    services.save_sheet(sheet, scores=scores, texts=texts, actor=actor, now=utcnow())
    return services.submit_sheet(sheet, actor=actor, now=utcnow())
