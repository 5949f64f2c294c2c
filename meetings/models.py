"""Monthly professional meetings (sinh hoạt chuyên môn): the minutes, attendance, guests,
agenda items with contributions, content updates for lectures, action items and their
closing, the observations discussed, and amendments of approved minutes.

Approved minutes are protected in the database itself (see migration 0004's guards): the
meeting row and every row that belongs to it refuse INSERT, UPDATE and DELETE once the
meeting is approved; a correction is a new MeetingAmendment row (append-only) with its
reason and the values before and after. An action item is closed by inserting its
ActionClosure (append-only too), so closing never changes the minutes it came from.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from core.extensions import db
from core.models import TimestampMixin, utcnow
from lecturers.models import Lecturer, Topic
from meetings.enums import ActionStatus, AttendanceStatus, MinutesState
from reviews.models import Observation

meeting_observation = sa.Table(
    "meeting_observation",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id"), primary_key=True),
    # An observation is discussed at one meeting: the first one opened after it was finalised.
    sa.Column("observation_id", sa.ForeignKey("observation.id"), primary_key=True, unique=True),
)

content_update_topic = sa.Table(
    "content_update_topic",
    db.metadata,
    sa.Column("content_update_id", sa.ForeignKey("content_update.id"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topic.id"), primary_key=True, index=True),
)


class Meeting(TimestampMixin, db.Model):
    """The minutes (biên bản) of one unit's monthly meeting. ``month`` is the first day of the
    month the meeting is for; a unit holds one regular meeting a month."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    month: Mapped[date]
    number: Mapped[str] = mapped_column(sa.String(40))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    chair_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    secretary_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(16), default=MinutesState.DRAFT, index=True)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(Attendance.kind.desc(), Attendance.sort_key, Attendance.id)")
    guests: Mapped[list[Guest]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                               order_by="Guest.id")
    agenda_items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                          order_by="(AgendaItem.position, AgendaItem.id)")
    content_updates: Mapped[list[ContentUpdate]] = relationship(back_populates="meeting",
                                                                cascade="all, delete-orphan",
                                                                order_by="ContentUpdate.id")
    action_items: Mapped[list[ActionItem]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                          order_by="ActionItem.id")
    observations: Mapped[list[Observation]] = relationship(secondary=meeting_observation,
                                                           order_by="(Observation.date, Observation.id)")
    amendments: Mapped[list[MeetingAmendment]] = relationship(back_populates="meeting",
                                                              order_by="MeetingAmendment.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "month"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="times_in_order"),
    )

    @property
    def state_enum(self) -> MinutesState:
        return MinutesState(self.state)

    @property
    def is_approved(self) -> bool:
        return self.state == MinutesState.APPROVED

    def corrections(self) -> dict[tuple[str, int | None], dict[str, Any]]:
        """The values in effect after amendments: (target, target id) → the latest amendment's values."""
        return {(amendment.target, amendment.target_id): amendment.after for amendment in self.amendments}


class Attendance(db.Model):
    """One expected attendee (a lecturer of the unit when the minutes were opened) and whether
    they came. ``kind`` and ``sort_key`` are copied from the lecturer at that time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    lecturer_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    sort_key: Mapped[str] = mapped_column(sa.String(800), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=AttendanceStatus.EXPECTED)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    lecturer: Mapped[Lecturer] = relationship()

    __table_args__ = (sa.UniqueConstraint("meeting_id", "lecturer_id"),)

    @property
    def status_enum(self) -> AttendanceStatus:
        return AttendanceStatus(self.status)


class Guest(db.Model):
    """An invited guest who attended, e.g. a leader of the district propaganda board."""

    __tablename__ = "meeting_guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(300), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="guests")


class AgendaItem(db.Model):
    """An item of the agenda (chương trình): what was presented, the contributions, the conclusion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    contributions: Mapped[list[Contribution]] = relationship(back_populates="agenda_item",
                                                             cascade="all, delete-orphan",
                                                             order_by="Contribution.id")


class Contribution(db.Model):
    """One speaker's contribution (ý kiến phát biểu) to an agenda item."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    speaker: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="contributions")


class ContentUpdate(db.Model):
    """Content agreed for lectures (a new resolution, local information), linked to the topics
    whose lecturers must bring it in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="content_updates")
    topics: Mapped[list[Topic]] = relationship(secondary=content_update_topic, order_by="Topic.code")


class ActionItem(db.Model):
    """A task given at a meeting (nhiệm vụ giao): owner, due date; open until closed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("lecturer.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    meeting: Mapped[Meeting] = relationship(back_populates="action_items")
    owner: Mapped[Lecturer] = relationship()
    closure: Mapped[ActionClosure | None] = relationship(back_populates="action_item", uselist=False,
                                                        foreign_keys="ActionClosure.action_item_id")

    @property
    def status(self) -> ActionStatus:
        return ActionStatus(self.closure.status) if self.closure else ActionStatus.OPEN

    @property
    def is_open(self) -> bool:
        return self.closure is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class ActionClosure(db.Model):
    """How and when an action item was closed, and by whom. Written once (append-only)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(sa.ForeignKey("action_item.id"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    closed_at: Mapped[datetime]
    closed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"), index=True)  # closed at this meeting

    action_item: Mapped[ActionItem] = relationship(back_populates="closure", foreign_keys=[action_item_id])
    closed_by: Mapped[User] = relationship()
    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])


class MeetingAmendment(db.Model):
    """A correction of approved minutes: what, why, who, when, the values before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    target: Mapped[str] = mapped_column(sa.String(24))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    meeting: Mapped[Meeting] = relationship(back_populates="amendments")
    by: Mapped[User] = relationship()
