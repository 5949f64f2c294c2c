"""Lecturer profiles, programmes and topics, classes and teaching sessions, lesson plans."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from core.extensions import db
from core.models import TimestampMixin, utcnow
from core.uploads import StoredFile
from core.vietnamese import fold, name_sort_key
from lecturers.enums import ClassStatus, Degree, Gender, LecturerKind, PlanSection, PlanState, TheoryLevel, WorkloadRole

lecturer_topic = sa.Table(
    "lecturer_topic",
    db.metadata,
    sa.Column("lecturer_id", sa.ForeignKey("lecturer.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship()
    topics: Mapped[list[Topic]] = relationship(back_populates="programme", order_by="Topic.code")

    __table_args__ = (sa.UniqueConstraint("unit_id", "code"),)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


class Topic(TimestampMixin, db.Model):
    """A teachable unit of a programme (chuyên đề / bài giảng)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    periods: Mapped[int] = mapped_column(default=4)
    is_active: Mapped[bool] = mapped_column(default=True)

    programme: Mapped[Programme] = relationship(back_populates="topics")

    __table_args__ = (sa.UniqueConstraint("programme_id", "code"), sa.Index("ix_topic_updated_at", "updated_at"))

    @property
    def unit_id(self) -> int:
        return self.programme.unit_id


class Lecturer(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    sort_key: Mapped[str] = mapped_column(sa.String(800), index=True)
    search_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(16), default=LecturerKind.FULL_TIME)
    home_body: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    workload_role: Mapped[str] = mapped_column(sa.String(16), default=WorkloadRole.FULL_TIME)
    theory_level: Mapped[str | None] = mapped_column(sa.String(16))
    degree: Mapped[str | None] = mapped_column(sa.String(16))
    has_methods_certificate: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    # Raised by the database (migration 0012) when one of their observations is finalised or amended.
    results_version: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit] = relationship()
    user: Mapped[User | None] = relationship(backref=sa.orm.backref("lecturer", uselist=False))
    topics: Mapped[list[Topic]] = relationship(secondary=lecturer_topic, order_by="Topic.code")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.Index("ix_lecturer_unit_sort", "unit_id", "sort_key"),)

    def set_name(self, full_name: str) -> None:
        self.full_name = " ".join(full_name.split())
        self.sort_key = name_sort_key(self.full_name)
        self.search_name = fold(self.full_name)

    @property
    def kind_enum(self) -> LecturerKind:
        return LecturerKind(self.kind)

    def label(self, field: str) -> str:
        """The translated label of one of the lecturer's coded fields, or "" when unset."""
        value = getattr(self, field)
        return _FIELD_ENUMS[field](value).label if value else ""


_FIELD_ENUMS = {"gender": Gender, "kind": LecturerKind, "theory_level": TheoryLevel, "degree": Degree,
                "workload_role": WorkloadRole}


class TrainingClass(TimestampMixin, db.Model):
    """A class (lớp): one run of a programme, with dates, place and learners."""

    __tablename__ = "training_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    start_date: Mapped[date]
    end_date: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    is_cluster: Mapped[bool] = mapped_column(default=False)  # held at a commune (lớp cụm)
    learner_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(16), default=ClassStatus.PLANNED)

    unit: Mapped[Unit] = relationship()
    programme: Mapped[Programme] = relationship()
    sessions: Mapped[list[TeachingSession]] = relationship(
        back_populates="training_class", order_by="TeachingSession.date", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    @property
    def status_enum(self) -> ClassStatus:
        return ClassStatus(self.status)


class TeachingSession(TimestampMixin, db.Model):
    """A teaching session (buổi giảng): one lecturer, one topic, one class, one date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("training_class.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    date: Mapped[date] = mapped_column(index=True)
    periods: Mapped[int] = mapped_column(default=4)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")
    topic: Mapped[Topic] = relationship()
    lecturer: Mapped[Lecturer] = relationship()

    __table_args__ = (sa.CheckConstraint("periods > 0 AND periods <= 20", name="periods_range"),
                      sa.Index("ix_teaching_session_class_date", "class_id", "date", "lecturer_id", "periods"))

    @property
    def unit_id(self) -> int:
        return self.training_class.unit_id


class LessonPlan(TimestampMixin, db.Model):
    """A lecturer's lesson plan (giáo án) for a topic: a series of versions, all kept.

    Its state is its latest version's. Unit, lecturer, programme and topic are fixed when the
    plan is created: a plan for another topic is another plan."""

    __tablename__ = "lesson_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))

    unit: Mapped[Unit] = relationship()
    lecturer: Mapped[Lecturer] = relationship()
    programme: Mapped[Programme | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    versions: Mapped[list[LessonPlanVersion]] = relationship(back_populates="plan", order_by="LessonPlanVersion.number")

    @property
    def latest(self) -> LessonPlanVersion:
        return self.versions[-1]

    @property
    def state(self) -> str:
        return self.latest.state

    @property
    def state_enum(self) -> PlanState:
        return PlanState(self.state)

    @property
    def approved_version(self) -> LessonPlanVersion | None:
        return next((version for version in self.versions if version.state == PlanState.APPROVED), None)

    @property
    def was_submitted(self) -> bool:
        """Whether reviewers have ever been given a version (drafts are the lecturer's own)."""
        return any(version.state != PlanState.DRAFT for version in self.versions)

    def version(self, number: int) -> LessonPlanVersion | None:
        return next((version for version in self.versions if version.number == number), None)


class LessonPlanVersion(TimestampMixin, db.Model):
    """One version of a lesson plan: the structured fields and the attached file.

    Only a draft changes. Once submitted, the content is fixed — in the database too (see
    migration 0003): only the state moves on, along ``lecturers.enums.PLAN_TRANSITIONS``."""

    __tablename__ = "lesson_plan_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_plan.id"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(sa.String(24), default=PlanState.DRAFT, index=True)
    audience: Mapped[str] = mapped_column(sa.String(300), default="")
    duration_periods: Mapped[int | None]
    aims_knowledge: Mapped[str] = mapped_column(sa.Text, default="")
    aims_skills: Mapped[str] = mapped_column(sa.Text, default="")
    aims_attitude: Mapped[str] = mapped_column(sa.Text, default="")
    outline: Mapped[str] = mapped_column(sa.Text, default="")
    methods: Mapped[str] = mapped_column(sa.Text, default="")
    aids: Mapped[str] = mapped_column(sa.Text, default="")
    readings: Mapped[str] = mapped_column(sa.Text, default="")
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[LessonPlan] = relationship(back_populates="versions")
    file: Mapped[StoredFile | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    comments: Mapped[list[PlanComment]] = relationship(back_populates="plan_version", order_by="PlanComment.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "number"),
        sa.CheckConstraint("duration_periods IS NULL OR (duration_periods > 0 AND duration_periods <= 60)",
                           name="duration_range"),
        # At most one approved version, and at most one version in the works, per plan.
        sa.Index("uq_lesson_plan_version_approved", "plan_id", unique=True,
                 sqlite_where=sa.text("state = 'approved'"), postgresql_where=sa.text("state = 'approved'")),
        sa.Index("uq_lesson_plan_version_open", "plan_id", unique=True,
                 sqlite_where=sa.text("state IN ('draft', 'submitted')"),
                 postgresql_where=sa.text("state IN ('draft', 'submitted')")),
    )

    @property
    def state_enum(self) -> PlanState:
        return PlanState(self.state)

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT

    def comments_by_section(self) -> dict[PlanSection, list[PlanComment]]:
        grouped: dict[PlanSection, list[PlanComment]] = {}
        for comment in self.comments:
            grouped.setdefault(PlanSection(comment.section), []).append(comment)
        return {section: grouped[section] for section in PlanSection if section in grouped}


class PlanComment(db.Model):
    """A reviewer's comment on one version, on the whole plan or on one section. Comments are
    never changed or deleted (the database refuses it)."""

    __tablename__ = "plan_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_plan_version.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    section: Mapped[str] = mapped_column(sa.String(16), default=PlanSection.GENERAL)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan_version: Mapped[LessonPlanVersion] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

    @property
    def section_enum(self) -> PlanSection:
        return PlanSection(self.section)
