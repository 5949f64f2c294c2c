"""Shared model pieces: timestamps, the append-only audit log, one-time form submissions."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


MAX_ID = 2**31 - 1  # the largest id the database holds (an INTEGER primary key on PostgreSQL)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditLog(db.Model):
    """Append-only record of every change to scores, states, decisions and accounts.

    The database refuses UPDATE and DELETE on this table (see the migration's triggers).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class FormSubmission(db.Model):
    """A create form's one-time token, claimed in the transaction that writes the record: a
    second submission of the same page (a double click, a resend) finds it and is sent to what
    the first one created instead of creating it again (see ``core.forms.OnceForm``)."""

    __tablename__ = "form_submission"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    location: Mapped[str] = mapped_column(sa.String(500), default="")


class ContentVersion(db.Model):
    """A count per unit (scope 0: what units share) that database triggers raise on every write
    to what the unit's pages show; see ``core.content_versions``."""

    __tablename__ = "content_version"

    scope: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def log_action(
    action: str,
    obj: Any,
    *,
    actor_id: int | None,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditLog:
    """Add an audit entry in the caller's transaction."""
    entry = AuditLog(
        at=now or utcnow(),
        actor_id=actor_id,
        unit_id=unit_id if unit_id is not None else getattr(obj, "unit_id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.add(entry)
    return entry


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: value if isinstance(value, (int, float, bool, type(None))) else str(value)
            for key, value in values.items()}


def changes(obj: Any, fields: list[str], new_values: dict[str, Any]) -> tuple[dict, dict]:
    """The (before, after) pair of the fields whose value ``new_values`` changes."""
    before, after = {}, {}
    for field in fields:
        if field in new_values and getattr(obj, field) != new_values[field]:
            before[field] = getattr(obj, field)
            after[field] = new_values[field]
    return before, after
