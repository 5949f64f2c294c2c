"""The contest demo data loads on top of the demo people through the services."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from contests import queries
from contests.models import Contest
from core.extensions import db
from demo.loader import DemoBuilder


def test_demo_contests_load_a_published_and_a_planned_contest(app):
    DemoBuilder(now=datetime(2026, 11, 20, 3)).build()  # the demo loads its contests itself
    contests = list(db.session.scalars(sa.select(Contest).order_by(Contest.year, Contest.id)))
    published = next(c for c in contests if c.phase == "published")
    planned = next(c for c in contests if c.phase == "setup")

    assert (published.phase, len(published.entries), len(published.judges), published.year) == \
        ("published", 6, 5, 2025)
    ranking = queries.published_ranking(published).entries
    assert [row.rank for row in ranking][0] == 1 and ranking[0].prize == "first"
    assert (planned.phase, planned.starts_on.year, planned.starts_on.month) == ("setup", 2027, 1)
