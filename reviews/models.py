"""Observations (observed lessons and practice lectures), observers' sheets, consolidated
results, amendments, declared conflicts and lecturers' responses.

Submitted sheets, finalised observations, their consolidated scores and amendments are
protected in the database itself (see the migration's guards): finalised results never
change; a correction is a new Amendment row carrying its reason and the old and new values.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from core.extensions import db
from core.models import TimestampMixin, utcnow
from lecturers.models import Lecturer, TeachingSession, Topic
from reviews.enums import ConsolidationMethod, ObservationKind, ObservationState, Rating, SheetState
from reviews.rubrics import POINTS, Criterion, RubricVersion


class ReviewSettings(db.Model):
    """A unit's choices for scoring: how sheets are consolidated when there are ≥ 5 of them."""

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), primary_key=True)
    consolidation_method: Mapped[str] = mapped_column(sa.String(16), default=ConsolidationMethod.MEAN)


class Observation(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24), default=ObservationKind.OBSERVED_LESSON, index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teaching_session.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topic.id"))
    topic_text: Mapped[str] = mapped_column(sa.String(300), default="")
    date: Mapped[date] = mapped_column(index=True)
    rubric_version_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_version.id"), index=True)
    is_unannounced: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(16), default=ObservationState.PLANNED, index=True)
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    planned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The consolidated result, stored at finalisation (and never changed afterwards).
    total: Mapped[Decimal | None] = mapped_column(POINTS)
    percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    rating: Mapped[str | None] = mapped_column(sa.String(16))
    method: Mapped[str | None] = mapped_column(sa.String(16))
    sheet_count: Mapped[int | None]
    spread_stdev: Mapped[Decimal | None] = mapped_column(POINTS)
    spread_range: Mapped[Decimal | None] = mapped_column(POINTS)
    disagreement: Mapped[bool | None]
    debrief: Mapped[str] = mapped_column(sa.Text, default="")
    action_points: Mapped[str] = mapped_column(sa.Text, default="")
    finalized_at: Mapped[datetime | None] = mapped_column(index=True)
    finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    lecturer: Mapped[Lecturer] = relationship()
    session: Mapped[TeachingSession | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    rubric_version: Mapped[RubricVersion] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    sheets: Mapped[list[Sheet]] = relationship(back_populates="observation", order_by="Sheet.id",
                                               cascade="all, delete-orphan")
    scores: Mapped[list[ObservationScore]] = relationship(back_populates="observation")
    amendments: Mapped[list[Amendment]] = relationship(back_populates="observation", order_by="Amendment.id")
    response: Mapped[ObservationResponse | None] = relationship(back_populates="observation", uselist=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.Index("ix_observation_unit_date", "unit_id", "date"),
                      sa.Index("ix_observation_unit_kind_state_date", "unit_id", "kind", "state", "date"))

    @property
    def state_enum(self) -> ObservationState:
        return ObservationState(self.state)

    @property
    def kind_enum(self) -> ObservationKind:
        return ObservationKind(self.kind)

    @property
    def is_finalized(self) -> bool:
        return self.state == ObservationState.FINALIZED

    @property
    def topic_title(self) -> str:
        return self.topic.title if self.topic else self.topic_text

    def summary(self) -> dict[str, Any]:
        """Total, percent and rating in effect (amended where amended), without the breakdown."""
        if self.amendments:
            after = self.amendments[-1].after
            return {"total": Decimal(after["total"]), "percent": Decimal(after["percent"]), "rating": after["rating"]}
        return {"total": self.total, "percent": self.percent, "rating": self.rating}

    def result(self) -> dict[str, Any]:
        """The effective result: the latest amendment's values, else the finalised ones."""
        if self.amendments:
            after = self.amendments[-1].after
            return {"total": Decimal(after["total"]), "percent": Decimal(after["percent"]), "rating": after["rating"],
                    "action_points": after["action_points"],
                    "per_criterion": {int(key): Decimal(value) for key, value in after["per_criterion"].items()}}
        return {"total": self.total, "percent": self.percent, "rating": self.rating,
                "action_points": self.action_points,
                "per_criterion": {score.criterion_id: score.value for score in self.scores}}


    def result_by_code(self) -> dict[str, Decimal]:
        """The effective per-criterion result keyed by criterion code."""
        codes = {criterion.id: criterion.code for criterion in self.rubric_version.criteria}
        return {codes[criterion_id]: value for criterion_id, value in self.result()["per_criterion"].items()}


class Sheet(db.Model):
    """One observer's scoresheet (phiếu dự giờ) for one observation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default=SheetState.DRAFT)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    shortcomings: Mapped[str] = mapped_column(sa.Text, default="")
    recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    total: Mapped[Decimal | None] = mapped_column(POINTS)
    percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    rating: Mapped[str | None] = mapped_column(sa.String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    observation: Mapped[Observation] = relationship(back_populates="sheets")
    observer: Mapped[User] = relationship()
    scores: Mapped[list[SheetScore]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("observation_id", "observer_id"),
                      sa.Index("ix_sheet_observation_state", "observation_id", "state", "observer_id", "percent"))

    @property
    def is_submitted(self) -> bool:
        return self.state == SheetState.SUBMITTED

    def score_map(self) -> dict[str, Decimal]:
        """Scores by criterion code."""
        return {score.criterion.code: score.value for score in self.scores}


class SheetScore(db.Model):
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("sheet.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), primary_key=True)
    value: Mapped[Decimal] = mapped_column(POINTS)

    sheet: Mapped[Sheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ObservationScore(db.Model):
    """A consolidated per-criterion score, written once at finalisation."""

    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), primary_key=True)
    value: Mapped[Decimal] = mapped_column(POINTS)

    observation: Mapped[Observation] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Amendment(db.Model):
    """A correction of a finalised result: who, when, why, and the values before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    observation: Mapped[Observation] = relationship(back_populates="amendments")
    by: Mapped[User] = relationship()


class ObserverConflict(db.Model):
    """A declared conflict: this user must not observe this lecturer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    observer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    declared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    observer: Mapped[User] = relationship(foreign_keys=[observer_id])
    lecturer: Mapped[Lecturer] = relationship()

    __table_args__ = (sa.UniqueConstraint("observer_id", "lecturer_id"),)


class ObservationResponse(db.Model):
    """The observed lecturer's written response to a finalised result."""

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id"), unique=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    observation: Mapped[Observation] = relationship(back_populates="response")
    author: Mapped[User] = relationship()


RATING_CODES = tuple(rating.value for rating in Rating)


class PracticeLecture(db.Model):
    """What a practice lecture (luyện giảng) adds to its observation: purpose, audience,
    durations, the lecturer's self-assessment and the chair's verdict."""

    observation_id: Mapped[int] = mapped_column(sa.ForeignKey("observation.id"), primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    audience: Mapped[str] = mapped_column(sa.String(300), default="")
    allowed_minutes: Mapped[int] = mapped_column(default=45)
    actual_minutes: Mapped[int | None]
    self_assessment: Mapped[str] = mapped_column(sa.Text, default="")
    self_assessed_at: Mapped[datetime | None]
    verdict: Mapped[str | None] = mapped_column(sa.String(16))
    rehearse_by: Mapped[date | None]
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("observation.id"))
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("observation.id"))

    observation: Mapped[Observation] = relationship(
        foreign_keys=[observation_id], backref=sa.orm.backref("practice", uselist=False))


class PracticeComment(db.Model):
    """An attendee's comments at a practice lecture, under the five headings of SPEC §3.7."""

    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("sheet.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[str] = mapped_column(sa.Text, default="")
    method: Mapped[str] = mapped_column(sa.Text, default="")
    demeanour: Mapped[str] = mapped_column(sa.Text, default="")
    slides: Mapped[str] = mapped_column(sa.Text, default="")
    timing: Mapped[str] = mapped_column(sa.Text, default="")

    sheet: Mapped[Sheet] = relationship(backref=sa.orm.backref("practice_comment", uselist=False,
                                                               cascade="all, delete-orphan"))

    def any_text(self) -> bool:
        return any(getattr(self, heading).strip() for heading in ("content", "method", "demeanour", "slides",
                                                                   "timing"))
