"""Property-based fuzzing of the HTML forms (security item 24, positive validation): scores,
dates, choices and texts of every kind are posted to the forms, and each answer must be a
2xx/3xx/4xx, never a 5xx; a refused form (422) shows a translated error and keeps what the
user typed; Vietnamese text is stored exactly as typed (Lectern does not normalise to NFC,
so NFC and NFD both survive unchanged), apart from trimming and the documented whitespace
folding of personal names (``Lecturer.set_name``).

CSRF is off in the test configuration (tests/test_csrf.py checks it on its own)."""
from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from typing import Callable

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from core.extensions import db
from lecturers.models import Lecturer, Programme
from reviews.forms import score_field_name

FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --- what is typed ------------------------------------------------------------------------------

_WORDS = ["Nguyễn", "Thị", "Hương", "Đảng", "Nghị quyết", "Bồi dưỡng", "khóa", "khoá", "Ủy ban", "ưu tiên",
          "Hồ Chí Minh", "giảng viên", "x", "1", " ", "  "]
VIETNAMESE = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8).map(" ".join).filter(str.strip).flatmap(
    lambda text: st.sampled_from([unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)]))
_ODD = ["🎓", "👩🏽‍🏫", "\x00", "\x07", "\x1b", "\u202e", "\ufeff", "\u200b", "\r\n", "\t", "<script>", "&amp;",
        "' OR 1=1 --", "%s", "{{ 7*7 }}", "\ud7ff", "\U0010ffff"]
TEXT = st.one_of(
    VIETNAMESE,
    st.lists(st.sampled_from(_WORDS + _ODD), min_size=0, max_size=10).map("".join),
    st.text(max_size=40),
    st.sampled_from(["", "x" * 301, "Đ" * 10_000]),
)
NUMBER = st.one_of(
    st.sampled_from(["", "0", "1", "2", "1.5", "1,5", "0,25", "-1", "-0", "1e309", "-1e309", "NaN", "nan", "inf",
                     "Infinity", "١٢", "１２", "²", "12" * 30, "99999999999999999999999", "0.000000001", " 2 ",
                     "1_000", "0x10", "2.", ".5", "+3", "1.2.3", "\x00", "Đ"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
DATE = st.one_of(
    st.sampled_from(["", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "10000-01-01", "-2026-01-01",
                     "31/12/2026", "12/31/2026", "2026-1-1", "2026-03-03T07:30", "١٢-٠١-٢٠٢٦", "hôm nay",
                     "2026-03-03\x00", "2026-W10"]),
    st.dates().map(lambda day: day.isoformat()),
)
TIME = st.sampled_from(["", "07:30", "7:30", "25:00", "07:61", "07:30:00", "sáng", "-1:00", "23:59", "\x00"])
MONTH = st.sampled_from(["", "2026-03", "2026-13", "0000-01", "9999-12", "03/2026", "2026-3", "tháng 3"])
CODE = st.one_of(st.sampled_from(["", "xyz", "0", "-1", "99999999999", "2147483648", "1e3", "ĐẢNG", "\x00",
                                  "None", "true"]), st.text(max_size=12))

# Default English messages of WTForms and of the app: a refused form must show none of them.
_ENGLISH = ("This field is required.", "Not a valid", "Field must be", "Invalid Choice", "Not a valid choice")


@dataclass
class FormCase:
    url: Callable  # world → URL
    fields: dict[str, st.SearchStrategy]
    role: str = "director"
    fixed: Callable = lambda world: {}  # world → values every post carries (e.g. a valid choice)
    echo: str | None = None  # a text field the refused page must show again


def _programme_id(world):
    return str(world.programme.id)


CASES = {
    "programme": FormCase(lambda world: "/programmes/new",
                          {"code": TEXT, "name": TEXT, "name_en": TEXT}, echo="name"),
    "topic": FormCase(lambda world: f"/programmes/{world.programme.id}/topics/new",
                      {"code": TEXT, "title": TEXT, "periods": NUMBER}, echo="title"),
    "lecturer": FormCase(lambda world: "/lecturers/new",
                         {"full_name": TEXT, "birth_year": NUMBER, "gender": CODE, "kind": CODE,
                          "workload_role": CODE, "theory_level": CODE, "degree": CODE, "start_date": DATE,
                          "position": TEXT, "topic_ids": CODE, "user_id": CODE},
                         fixed=lambda world: {"kind": "full_time", "workload_role": "full_time"}, echo="full_name"),
    "class": FormCase(lambda world: "/classes/new",
                      {"name": TEXT, "start_date": DATE, "end_date": DATE, "place": TEXT, "learner_count": NUMBER,
                       "status": CODE, "programme_id": CODE},
                      fixed=lambda world: {"programme_id": _programme_id(world)}, echo="name"),
    "session": FormCase(lambda world: f"/classes/{world.training_class.id}/sessions",
                        {"topic_id": CODE, "lecturer_id": CODE, "date": DATE, "periods": NUMBER, "note": TEXT},
                        echo="note"),
    "component": FormCase(lambda world: f"/contests/{world.contest_urls['contest_id']}/components",
                          {"component-code": TEXT, "component-name": TEXT, "component-max_points": NUMBER,
                           "component-weight": NUMBER, "component-time_limit_minutes": NUMBER},
                          echo="component-name"),
    "entry": FormCase(lambda world: f"/contests/{world.contest_urls['contest_id']}/entries",
                      {"entry-lecturer_id": CODE, "entry-topic": TEXT},
                      fixed=lambda world: {"entry-lecturer_id": str(world.colleague.id)}, echo="entry-topic"),
    "criterion": FormCase(lambda world: f"/rubrics/domains/{world.rubric.versions[0].domains[0].id}/criteria/new",
                          {"code": TEXT, "title": TEXT, "max_points": NUMBER, "step": NUMBER}, echo="title"),
    "sheet": FormCase(lambda world: f"/observations/{world.observation.id}/sheet",
                      {"notes": TEXT, "strengths": TEXT, "action": st.sampled_from(["save", "submit", "x"])},
                      echo="strengths"),
    "observation": FormCase(lambda world: "/observations/new",
                            {"kind": CODE, "lecturer_id": CODE, "session_id": CODE, "topic_id": CODE,
                             "topic_text": TEXT, "date": DATE, "version_id": CODE, "observer_ids": CODE,
                             "chair_id": CODE}, echo="topic_text"),
    "meeting": FormCase(lambda world: "/meetings/new",
                        {"month": MONTH, "number": TEXT, "held_on": DATE, "start_time": TIME, "end_time": TIME,
                         "place": TEXT, "chair_id": CODE, "secretary_id": CODE, "conclusion": TEXT},
                        role="secretary", echo="place"),
    "contest": FormCase(lambda world: "/contests/new",
                        {"name": TEXT, "level": CODE, "year": NUMBER, "starts_on": DATE, "ends_on": DATE,
                         "eligibility": CODE, "aggregation": CODE, "tie_break": TEXT, "quota_first": NUMBER},
                        echo="name"),
    "candidates": FormCase(lambda world: "/candidates",
                           {"months": NUMBER, "eligibility": CODE, "nominee": CODE, "contest_id": CODE,
                            "rationale": TEXT}),
    "province": FormCase(lambda world: "/admin/provinces", {"name": TEXT}, role="admin", echo="name"),
    "user": FormCase(lambda world: "/admin/users/new",
                     {"username": TEXT, "full_name": TEXT, "password": TEXT, "roles": CODE}, role="admin",
                     echo="full_name"),
    "password": FormCase(lambda world: "/account/password", {"current": TEXT, "new": TEXT}),
}


def _sheet_scores(world) -> dict[str, st.SearchStrategy]:
    return {score_field_name(criterion): NUMBER for criterion in world.observation.rubric_version.criteria[:3]}


def _assert_answer(response, typed: dict, echo: str | None) -> None:
    status = response.status_code
    page = response.get_data(as_text=True)
    assert status < 500, page[:500]
    if status != 422:
        return
    assert "field-errors" in page or "alert-error" in page, page[:500]
    assert '<html lang="vi">' in page
    assert not any(message in page for message in _ENGLISH), page[:500]
    if echo and isinstance(typed.get(echo), str) and typed[echo].strip():
        assert str(escape(typed[echo])) in page, f"{echo!r} not kept on the refused page"


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_never_fails_and_keeps_what_was_typed(world, client, login, name):
    case = CASES[name]
    login(world.user(case.role))
    url = case.url(world)
    fields = dict(case.fields)
    if name == "sheet":
        fields.update(_sheet_scores(world))
    fixed = case.fixed(world)

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional=fields), use_fixed=st.booleans())
    def post(data, use_fixed):
        typed = {**data, **(fixed if use_fixed else {})}
        response = client.post(url, data=typed)
        _assert_answer(response, typed, case.echo)

    post()


# --- Vietnamese text round-trips ----------------------------------------------------------------


_codes = itertools.count(1)


@FUZZ
@given(name=VIETNAMESE)
def test_programme_name_is_stored_exactly_as_typed_but_trimmed(world, client, login, name):
    login(world.director)
    code = f"FZ{next(_codes)}"

    response = client.post("/programmes/new", data={"code": code, "name": name, "name_en": ""})

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    stored = db.session.scalar(sa.select(Programme.name).where(Programme.unit_id == world.unit.id,
                                                               Programme.code == code))
    assert stored == name.strip()  # NFC stays NFC and NFD stays NFD


@FUZZ
@given(name=VIETNAMESE)
def test_lecturer_name_is_stored_as_typed_up_to_spacing(world, client, login, name):
    login(world.director)

    response = client.post("/lecturers/new", data={"full_name": name, "kind": "full_time",
                                                   "workload_role": "full_time"})

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    lecturer_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert db.session.get(Lecturer, lecturer_id).full_name == " ".join(name.split())


# --- NUL: PostgreSQL cannot store it, so every form refuses it on its field ----------------------

_VALID = {
    "programme": (lambda world: "/programmes/new", {"code": "NUL", "name": "Bồi dưỡng"}, "name"),
    "lecturer": (lambda world: "/lecturers/new",
                 {"full_name": "Lê Văn An", "kind": "full_time", "workload_role": "full_time"}, "full_name"),
    "sheet": (lambda world: f"/observations/{world.observation.id}/sheet", {"notes": "Ghi chép"}, "notes"),
    "candidates": (lambda world: "/candidates",
                   {"months": "12", "eligibility": "all", "nominee": "1", "rationale": "Lý do"}, "rationale"),
}


@pytest.mark.parametrize("name", sorted(_VALID))
def test_text_with_a_nul_character_is_refused_not_a_server_error(world, client, login, name):
    url, valid, text_field = _VALID[name]
    login(world.director)
    url = url(world)

    @settings(FUZZ, max_examples=6)
    @given(text=VIETNAMESE, at=st.integers(min_value=0))
    def post(text, at):
        at %= len(text) + 1
        typed = {**valid, text_field: text[:at] + "\x00" + text[at:]}
        response = client.post(url, data=typed)
        assert response.status_code == 422, response.get_data(as_text=True)[:500]
        _assert_answer(response, typed, None)

    post()


# --- search boxes (GET forms) -------------------------------------------------------------------


@pytest.mark.parametrize("role, url", [("director", "/lecturers"), ("admin", "/admin/users")])
def test_search_box_never_fails(world, client, login, role, url):
    login(world.user(role))

    @settings(FUZZ, max_examples=10)
    @given(q=st.one_of(TEXT, st.just("a\x00b")))
    def search(q):
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]

    search()
