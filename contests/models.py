"""Teaching contests (Hội thi giảng viên giỏi): the contest and its components, judges,
entries with their documents, judges' conflict declarations and marks, the published
results; candidate decisions with their nominations; results of outside contests.

Guards in migration 0006 hold in the database itself: components, entries and judges change
only while the contest is set up; marks only while it is being judged; a published contest
and its results never change; decisions, nominations, conflicts and results are append-only.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from contests.enums import Aggregation, ContestLevel, ContestPhase, Eligibility
from core.extensions import db
from core.models import TimestampMixin, utcnow
from core.uploads import StoredFile
from lecturers.models import Lecturer
from reviews.rubrics import RubricVersion

POINTS = sa.Numeric(7, 2)


class Contest(TimestampMixin, db.Model):
    """A contest organised by ``unit`` (a centre for unit level, the provincial board above)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[str] = mapped_column(sa.String(16), default=ContestLevel.UNIT)
    year: Mapped[int]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    eligibility: Mapped[str] = mapped_column(sa.String(16), default=Eligibility.ALL)
    aggregation: Mapped[str] = mapped_column(sa.String(16), default=Aggregation.MEAN)
    tie_break: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # component codes, in order
    quota_first: Mapped[int | None]  # None: every entry left
    quota_second: Mapped[int | None]
    quota_third: Mapped[int | None]
    quota_consolation: Mapped[int | None]
    phase: Mapped[str] = mapped_column(sa.String(16), default=ContestPhase.SETUP, index=True)

    unit: Mapped[Unit] = relationship()
    organiser: Mapped[User] = relationship()
    components: Mapped[list[ContestComponent]] = relationship(
        back_populates="contest", order_by="(ContestComponent.position, ContestComponent.id)")
    judges: Mapped[list[ContestJudge]] = relationship(back_populates="contest", order_by="ContestJudge.id")
    entries: Mapped[list[ContestEntry]] = relationship(back_populates="contest", order_by="ContestEntry.id")

    __table_args__ = (
        sa.CheckConstraint("year >= 1945 AND year <= 2200", name="year_range"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    @property
    def phase_enum(self) -> ContestPhase:
        return ContestPhase(self.phase)

    @property
    def level_enum(self) -> ContestLevel:
        return ContestLevel(self.level)

    @property
    def eligibility_enum(self) -> Eligibility:
        return Eligibility(self.eligibility)

    @property
    def aggregation_enum(self) -> Aggregation:
        return Aggregation(self.aggregation)

    @property
    def quotas(self) -> dict[str, int | None]:
        return {"first": self.quota_first, "second": self.quota_second, "third": self.quota_third,
                "consolation": self.quota_consolation}

    @property
    def is_setup(self) -> bool:
        return self.phase == ContestPhase.SETUP

    @property
    def is_judging(self) -> bool:
        return self.phase == ContestPhase.JUDGING

    @property
    def is_closed(self) -> bool:
        """Judging is over (closed or published): marks are fixed and may be shown."""
        return self.phase in (ContestPhase.CLOSED, ContestPhase.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.phase == ContestPhase.PUBLISHED

    def judge_ids(self) -> set[int]:
        return {judge.user_id for judge in self.judges}


class ContestComponent(db.Model):
    """A part of the contest (phần thi): a maximum, a weight (hệ số), an optional time limit
    and an optional rubric the judges follow."""

    __tablename__ = "contest_component"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    weight: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(1))
    time_limit_minutes: Mapped[int | None]
    rubric_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rubric_version.id"))

    contest: Mapped[Contest] = relationship(back_populates="components")
    rubric_version: Mapped[RubricVersion | None] = relationship()  # judges score its criteria; see save_marks

    __table_args__ = (
        sa.UniqueConstraint("contest_id", "code"),
        sa.CheckConstraint("max_points > 0", name="max_positive"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_positive"),
    )


class ContestJudge(db.Model):
    """A member of the judging panel: judging rights come from this row alone."""

    __tablename__ = "contest_judge"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    is_head: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    contest: Mapped[Contest] = relationship(back_populates="judges")
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("contest_id", "user_id"),)


class ContestEntry(db.Model):
    """A contestant: a lecturer nominated by their unit, with a topic and documents."""

    __tablename__ = "contest_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)  # the nominating unit
    topic: Mapped[str] = mapped_column(sa.String(300))
    nomination_id: Mapped[int | None] = mapped_column(sa.ForeignKey("candidate_nomination.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contest: Mapped[Contest] = relationship(back_populates="entries")
    lecturer: Mapped[Lecturer] = relationship()
    unit: Mapped[Unit] = relationship()
    documents: Mapped[list[EntryDocument]] = relationship(back_populates="entry", order_by="EntryDocument.id")
    marks: Mapped[list[ContestMark]] = relationship(back_populates="entry", order_by="ContestMark.id")
    conflicts: Mapped[list[JudgeConflict]] = relationship(back_populates="entry", order_by="JudgeConflict.id")

    __table_args__ = (sa.UniqueConstraint("contest_id", "lecturer_id"),)

    def conflicted_judge_ids(self) -> set[int]:
        return {conflict.judge_id for conflict in self.conflicts}


class EntryDocument(db.Model):
    """A document of an entry (lesson plan, slides), stored through core.uploads."""

    __tablename__ = "contest_entry_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_entry.id"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(sa.String(200), default="")

    entry: Mapped[ContestEntry] = relationship(back_populates="documents")
    file: Mapped[StoredFile] = relationship()


class JudgeConflict(db.Model):
    """A judge's declared conflict of interest with one entry (append-only)."""

    __tablename__ = "contest_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[ContestEntry] = relationship(back_populates="conflicts")
    judge: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("entry_id", "judge_id"),)


class ContestMark(db.Model):
    """One judge's mark for one component of one entry. ``contest_id`` is repeated so the
    database guard can see the contest's phase."""

    __tablename__ = "contest_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_entry.id"), index=True)
    component_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_component.id"), index=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    points: Mapped[Decimal] = mapped_column(POINTS)
    scores: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)  # criterion code → score, on a rubric component
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[ContestEntry] = relationship(back_populates="marks")
    component: Mapped[ContestComponent] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("entry_id", "component_id", "judge_id"),
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
    )


class ContestResult(db.Model):
    """An entry's result as published (append-only): components, total, rank and prize."""

    __tablename__ = "contest_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_entry.id"), unique=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    total: Mapped[Decimal | None] = mapped_column(POINTS)
    rank: Mapped[int | None]
    prize: Mapped[str | None] = mapped_column(sa.String(16))
    components: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # code → combined mark (string) or None
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    contest: Mapped[Contest] = relationship()
    entry: Mapped[ContestEntry] = relationship()


class CandidateDecision(db.Model):
    """A director's decision on whom the unit nominates, with the evidence they saw (append-only)."""

    __tablename__ = "candidate_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    contest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contest.id"), index=True)
    window_months: Mapped[int]
    eligibility: Mapped[str] = mapped_column(sa.String(16), default=Eligibility.ALL)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    unit: Mapped[Unit] = relationship()
    contest: Mapped[Contest | None] = relationship()
    decided_by: Mapped[User] = relationship()
    nominations: Mapped[list[CandidateNomination]] = relationship(back_populates="decision",
                                                                  order_by="CandidateNomination.id")

    __table_args__ = (sa.CheckConstraint("window_months > 0 AND window_months <= 120", name="window_range"),)


class CandidateNomination(db.Model):
    """One lecturer nominated by a decision, with the director's reason (append-only)."""

    __tablename__ = "candidate_nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_decision.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    rationale: Mapped[str] = mapped_column(sa.Text, default="")

    decision: Mapped[CandidateDecision] = relationship(back_populates="nominations")
    lecturer: Mapped[Lecturer] = relationship()

    __table_args__ = (sa.UniqueConstraint("decision_id", "lecturer_id"),)


class OutsideResult(db.Model):
    """A lecturer's result in a contest run outside Lectern (e.g. a province-level prize)."""

    __tablename__ = "outside_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    year: Mapped[int]
    contest_name: Mapped[str] = mapped_column(sa.String(300))
    prize: Mapped[str | None] = mapped_column(sa.String(16))  # None: took part without a prize
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lecturer: Mapped[Lecturer] = relationship()
    recorded_by: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("year >= 1945 AND year <= 2200", name="year_range"),)
