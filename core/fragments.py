"""Rendered page parts kept until what they show changes (issue 9).

A template wraps the costly part of a page in ``{% cache key %}…{% endcache %}``; the view
gives the key from ``fragment_key`` and hands the data over as functions the block calls, so
a kept part reads nothing. The key names who is looking (a part may hold links only they may
follow), the page and its query, the language, the day (figures "this year", "overdue") and
the content versions of the units the part reads (``core.content_versions``): any write to
those units, or to what units share, gives a new key. A ``None`` key renders the block every
time. Forms stay outside the block: their CSRF tokens belong to the request.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

from flask import request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from core import content_versions
from core.extensions import db
from core.memo import DerivedCache
from core.models import utcnow

FRAGMENTS: DerivedCache[Markup] = DerivedCache(size=256)


def fragment_key(*parts: Hashable, units: Iterable[int] = (), province: int | None = None,
                 stamp: int | None = None) -> tuple:
    """The key of a part that reads ``units`` (or, with ``province``, every unit of it), for the
    signed-in user on this request; ``stamp`` when the caller read the units' stamp already
    (``content_versions.stamp_of_unit``), with the row it loaded."""
    if stamp is None:
        connection = db.session.connection()
        stamp = (content_versions.province_stamp(connection, province) if province is not None
                 else content_versions.stamp(connection, units))
    return (request.path, request.query_string, current_user.id, _active_unit(), str(get_locale()),
            utcnow().date(), stamp, *parts)


def user_key(*parts: Hashable) -> tuple:
    """The key of a part that shows the signed-in user what units share (unit names, say)."""
    return ("user", current_user.id, content_versions.stamp(db.session.connection(), ()), *parts)


def _active_unit() -> int | None:
    unit = getattr(current_user, "active_unit", None)
    return unit.id if unit is not None else None


def nav_key() -> tuple:
    """The key of the signed-in user's menu: what its permission checks read (their grants,
    their lecturer profile, the unit they work in), all loaded with the session; no query."""
    user, unit = current_user, getattr(current_user, "active_unit", None)
    lecturer = getattr(user, "lecturer", None)
    return ("nav", request.path, str(get_locale()), user.id, user.is_admin,
            tuple(sorted((grant.role, grant.unit_id) for grant in user.grants)),
            (lecturer.id, lecturer.is_active) if lecturer is not None else None,
            (unit.id, unit.kind, unit.province_id, unit.is_active) if unit is not None else None)


class FragmentCacheExtension(Extension):
    """``{% cache key %}body{% endcache %}``: the body rendered once per key."""

    tags = {"cache"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    def _render(self, key: Hashable | None, caller) -> Markup:
        if key is None:
            return caller()
        return FRAGMENTS.get_or_compute(key, caller)
