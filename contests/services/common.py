"""Helpers shared by the contest services."""
from __future__ import annotations

from contests.models import Contest
from core.errors import DomainError
from core.i18n import lazy_gettext as _l

MAX_TEXT = 20_000


def text(value: str | None, limit: int = MAX_TEXT) -> str:
    return (value or "").strip()[:limit]


def required(value: str | None, field: str, limit: int) -> str:
    cleaned = text(value, limit)
    if not cleaned:
        raise DomainError(_l("This field is required."), field=field)
    return cleaned


def check_setup(contest: Contest) -> None:
    if not contest.is_setup:
        raise DomainError(_l("The contest is no longer being set up: its components, entries and judges are fixed."),
                          status=409, code="conflict")
