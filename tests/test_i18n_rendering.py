"""The fast paths of translated rendering give what Flask-Babel's own functions give: the
``|number`` filter formats as Babel's ``#,##0.##`` pattern, and the templates' ``_`` /
``ngettext`` / ``pgettext`` (bound once per page) translate, escape and format as Jinja's
newstyle gettext does."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import render_template_string
from flask_babel import force_locale, format_date, format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.i18n import DATE_PATTERNS, _date, _number

NUMBERS = st.one_of(
    st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=5))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=NUMBERS, digits=st.integers(0, 3), locale=st.sampled_from(["vi", "en"]))
def test_number_filter_matches_babel(app, value, digits, locale):
    with app.test_request_context(), force_locale(locale):
        assert _number(value, digits) == format_decimal(value, format="#,##0." + "#" * digits)


def test_number_filter_examples(app):
    with app.test_request_context():
        with force_locale("vi"):
            assert _number(1234567.891) == "1.234.567,89"
            assert _number(2.675) == "2,68"  # half-even on the written form, as Babel
            assert _number(Decimal("99.995")) == "100"
            assert _number(None) == "—"
            assert _number(float("nan")) == "NaN"
        with force_locale("en"):
            assert _number(1234567.891, 1) == "1,234,567.9"


def test_template_gettext_translates_escapes_and_formats(app):
    page = ('{{ _("Lecturers") }}|{{ _("Hello %(name)s", name="<b>") }}|{{ _("15 %% of the maximum") }}|'
            '{{ ngettext("%(num)s lecturer", "%(num)s lecturers", 3) }}|{{ pgettext("attendance", "Present") }}')
    with app.test_request_context():
        with force_locale("vi"):
            vi = render_template_string(page)
        with force_locale("en"):
            en = render_template_string(page)
    assert vi.split("|") == ["Giảng viên", "Hello &lt;b&gt;", "15 % of the maximum", "3 giảng viên", "Có mặt"]
    assert en.split("|") == ["Lecturers", "Hello &lt;b&gt;", "15 % of the maximum", "3 lecturers", "Present"]


def test_date_filter_matches_babel_every_day(app):
    days = [date(1999, 12, 25) + timedelta(days=n) for n in range(0, 366 * 30, 3)] + [date(1, 1, 1), date(9999, 12, 31)]
    with app.test_request_context():
        for locale in ("vi", "en"):
            with force_locale(locale):
                assert [_date(day) for day in days] == [format_date(day, DATE_PATTERNS[locale]) for day in days]
        with force_locale("en"):
            assert _date(date(2026, 12, 4)) == "4 Dec 2026"
        assert _date(date(2026, 12, 4)) == "04/12/2026"
