"""Plain factory functions with keyword overrides."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
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

    # The rest is made on first use: most tests need none of it, and every test makes a world.

    @cached_property
    def observation(self):
        """A planned, announced observation of ``lecturer`` by director and reviewer."""
        return make_observation(self, lecturer=self.lecturer)

    @cached_property
    def rubric(self):
        """A draft rubric of the unit: one domain with two criteria, no bands yet."""
        return make_rubric(self.unit, actor=self.director, criteria=2)

    @cached_property
    def plan(self):
        """A submitted lesson plan of ``lecturer`` for ``topic``, with a PDF."""
        return make_plan(self.lecturer, topic=self.topic, submit=True)

    @cached_property
    def meeting_urls(self) -> dict:
        """Sample URL values: a draft meeting of unit A and its rows."""
        return meeting_urls(make_meeting(self, full=True))

    @cached_property
    def contest_urls(self) -> dict:
        """Sample URL values: a unit-A contest in setup (judge: reviewer)."""
        return contest_urls(self)

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
    return world


def complete(world: World) -> World:
    """Make every lazily made part of ``world`` now, for tests that count what a world holds."""
    for part in ("observation", "rubric", "plan", "meeting_urls", "contest_urls"):
        getattr(world, part)
    return world


# --- reviews ----------------------------------------------------------------------------------


def shipped_version(code: str = "llct"):
    """The published version of a shipped rubric template (seeded by migration 0002)."""
    import sqlalchemy as sa

    from reviews.rubrics import Rubric

    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.code == code, Rubric.unit_id.is_(None)))
    return rubric.current_version


def make_rubric(unit: Unit, *, actor: User, name: str = "Phiếu dự giờ của Trung tâm", criteria: int = 1):
    """A draft rubric of ``unit`` (version 1): domain 1 "Nội dung" with ``criteria`` criteria
    of 2 points each (1.1, 1.2, …, step 0.25), no rating bands yet."""
    from reviews import authoring

    rubric = authoring.create_rubric(unit=unit, name=name, name_en="", actor=actor, now=utcnow())
    version = rubric.versions[0]
    domain = authoring.save_domain(version, None, values={"code": "1", "title": "Nội dung"})
    for number in range(1, criteria + 1):
        authoring.save_criterion(version, None, domain=domain, values={
            "code": f"1.{number}", "title": f"Tiêu chí 1.{number}", "max_points": "2", "step": "0.25"})
    return rubric


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


# --- lesson plans -----------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_plan(lecturer: Lecturer, *, topic: Topic | None = None, title: str = "Giáo án: Điều lệ Đảng",
              submit: bool = False, filename: str = "Giáo án Điều lệ Đảng.pdf", data: bytes = PDF_BYTES, **values):
    """A lesson plan of ``lecturer`` (who must have a user account) through the real service,
    with a PDF attached; submitted when ``submit``."""
    from core.uploads import Upload
    from lecturers import lesson_plans

    fields = {"audience": "Quần chúng ưu tú", "duration_periods": 4, "aims_knowledge": "Nắm vững Điều lệ Đảng.",
              "outline": "I. Mở đầu — 15 phút\nII. Nội dung — 150 phút\nIII. Kết luận — 15 phút", **values}
    plan = lesson_plans.create_plan(lecturer=lecturer, title=title, values=fields,
                                    upload=Upload(data, filename) if data else None, actor=lecturer.user,
                                    now=utcnow(), topic_id=topic.id if topic else None)
    if submit:
        lesson_plans.submit(plan, actor=lecturer.user, now=utcnow())
    return plan


# --- meetings ---------------------------------------------------------------------------------


def make_meeting(world: World, *, month: date = date(2026, 3, 1), day: int = 5, actor: User | None = None,
                 full: bool = False, chair: User | None = None):
    """Draft minutes of unit A for ``month`` (held on ``day`` at 07:30–10:30 local time),
    chaired by the director with the secretary keeping them. With ``full``: a guest, an agenda
    item and an action item owned by ``world.lecturer``."""
    from datetime import datetime, timedelta

    from meetings import services

    starts_at = datetime(month.year, month.month, day, 0, 30)  # 07:30 in Asia/Ho_Chi_Minh
    meeting = services.open_meeting(
        unit=world.unit, month=month, number="", starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
        place="Hội trường Trung tâm", chair=chair or world.director, secretary=world.secretary,
        actor=actor or world.secretary, now=starts_at - timedelta(days=1))
    if full:
        now = starts_at
        services.add_guest(meeting, full_name="Nguyễn Thị Lan", position="Phó Trưởng Ban Tuyên giáo Huyện ủy",
                           actor=world.secretary, now=now)
        services.add_agenda_item(meeting, title="Đánh giá công tác giảng dạy tháng", summary="", conclusion="",
                                 actor=world.secretary, now=now)
        services.add_action_item(meeting, description="Cập nhật Nghị quyết vào bài giảng", owner=world.lecturer,
                                 due_on=date(month.year, month.month, 28), actor=world.secretary, now=now)
    return meeting


def meeting_urls(meeting) -> dict:
    """URL values naming ``meeting`` (made with ``full``) and its rows."""
    return {"meeting_id": meeting.id, "agenda_id": meeting.agenda_items[0].id,
            "action_id": meeting.action_items[0].id, "kind": "guest", "row_id": meeting.guests[0].id}


def record_everyone(meeting, actor: User, status: str = "present") -> None:
    from meetings import services

    services.record_attendance(meeting, statuses={a.id: (status, "Đi công tác" if status == "excused" else "")
                                                  for a in meeting.attendances},
                               expected_version=None, actor=actor, now=utcnow())


# --- contests ---------------------------------------------------------------------------------


def make_contest(world: World, *, name: str = "Hội thi giảng viên giỏi cấp cơ sở", year: int = 2026):
    """A unit-level contest of unit A in setup: lesson plan ×1 and live lecture ×3 (20 points each)."""
    from contests import services

    return services.create_contest(
        unit=world.unit, actor=world.director, now=utcnow(),
        values={"name": name, "level": "unit", "year": year,
                "prize_quotas": {"first": 1, "second": 1, "third": 1, "consolation": None}},
        components=[{"code": "plan", "name": "Soạn giáo án", "max_points": "20", "weight": "1"},
                    {"code": "lecture", "name": "Giảng trực tiếp", "max_points": "20", "weight": "3"}])


def contest_urls(world: World) -> dict:
    """The sample contest of unit A (setup; the reviewer judges; the lecturer is entered with a document)."""
    from contests import services
    from contests.models import EntryDocument

    contest = make_contest(world)
    services.add_judge(contest, user=world.reviewer, actor=world.director, now=utcnow())
    entry = services.add_entry(contest, lecturer=world.lecturer, topic="Điều lệ Đảng", actor=world.director,
                               now=utcnow())
    # The entry's document is the sample lesson plan's stored file: no second file on disk.
    document = EntryDocument(entry_id=entry.id, file_id=world.plan.latest.file_id, title="Giáo án")
    db.session.add(document)
    db.session.flush()
    return {"contest_id": contest.id, "entry_id": entry.id, "document_id": document.id}
