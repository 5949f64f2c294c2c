"""The demo's twelve months of minutes are recorded through the services and hold together."""
from __future__ import annotations

import random
from datetime import datetime

import sqlalchemy as sa

from core.extensions import db
from demo.meetings import load_meetings
from meetings import queries
from meetings.enums import MinutesState
from meetings.models import ActionClosure
from tests import factories


def test_demo_meetings_cover_twelve_months_with_items_carried_and_closed(world):
    for number in range(4):
        factories.make_lecturer(world.unit, full_name=f"Nguyễn Văn Thứ {number}")
    now = datetime(2027, 6, 20, 3, 0)

    meetings = load_meetings(unit=world.unit, lecturers=[world.lecturer, world.colleague], secretary=world.secretary,
                             director=world.director, guests=[("Nguyễn Thị Lan", "Phó Trưởng Ban Tuyên giáo")],
                             now=now, rng=random.Random(3))

    assert [m.month.isoformat() for m in meetings][::11] == ["2026-07-01", "2027-06-01"]
    assert [m.state for m in meetings] == [MinutesState.APPROVED] * 11 + [MinutesState.DRAFT]
    assert all(m.agenda_items and m.action_items for m in meetings[:11])
    closed_at_meetings = db.session.scalar(sa.select(sa.func.count(ActionClosure.id))
                                           .where(ActionClosure.meeting_id.is_not(None)))
    assert closed_at_meetings > 5
    assert queries.carried_action_items(meetings[-1])  # open items reach this month's minutes
    assert queries.missing_months(world.unit.id, 2027, today=now.date()) == []
