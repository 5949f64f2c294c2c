"""Candidate evidence (SPEC §3.5, §3.8): the window, eligibility, raw vs severity-adjusted
ranking, separability marks, trend, practice summary, ICC blocks; the candidate and severity
pages, the nomination decision with its snapshot, and GET /api/v1/candidates."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
import sqlalchemy as sa

from accounts.enums import Role
from core.extensions import db
from core.fragments import FRAGMENTS
from core.models import utcnow
from lecturers.enums import LecturerKind
from reviews import evidence
from reviews.enums import ObservationKind, ObservationState, SheetState
from reviews.models import Amendment, Observation, PracticeLecture, Sheet
from reviews.severity import pooled_icc
from tests import factories

TODAY = utcnow().date()  # the pages use today: the panel is dated relative to it


def lesson(world, lecturer, scores: dict, on: date, *, final: float | None = None,
           kind: str = ObservationKind.OBSERVED_LESSON, verdict: str | None = None) -> Observation:
    """An observation of ``lecturer`` on ``on`` with a submitted sheet per (reviewer → percent);
    finalised with ``final`` percent when given."""
    observation = Observation(
        unit_id=lecturer.unit_id, kind=kind, lecturer_id=lecturer.id, date=on,
        rubric_version_id=factories.shipped_version().id, chair_id=world.director.id,
        state=ObservationState.FINALIZED if final is not None else ObservationState.IN_PROGRESS,
        percent=None if final is None else Decimal(str(final)), total=None if final is None else Decimal("0"),
        finalized_at=utcnow() if final is not None else None)
    db.session.add(observation)
    db.session.flush()
    for reviewer, percent in scores.items():
        db.session.add(Sheet(observation_id=observation.id, observer_id=reviewer.id, state=SheetState.SUBMITTED,
                             percent=Decimal(str(percent)), total=Decimal("0"), submitted_at=utcnow()))
    if kind == ObservationKind.PRACTICE_LECTURE:
        db.session.add(PracticeLecture(observation_id=observation.id, purpose="contest", verdict=verdict))
    db.session.flush()
    return observation


@pytest.fixture
def panel(world):
    """A harsh reviewer (H) scores the better lecturer (A) most of the time; B is seen by
    neutral reviewers only; H and a neutral reviewer co-observe C."""
    unit = world.unit
    harsh = factories.make_user((unit, Role.REVIEWER), username="harsh", full_name="Ngô Văn Nghiêm")
    n1, n2 = world.reviewer, world.director
    a = factories.make_lecturer(unit, full_name="Lê Thị Giỏi")
    b = factories.make_lecturer(unit, full_name="Phan Văn Khá")
    c = factories.make_lecturer(unit, full_name="Vũ Văn Trung")
    start = TODAY - timedelta(days=250)

    def day(n: int) -> date:
        return start + timedelta(days=n)

    for n, score in enumerate([64, 66, 65, 63]):
        lesson(world, a, {harsh: score}, day(n))
    lesson(world, a, {harsh: 66, n1: 81}, day(10))
    for n, (reviewer, score) in enumerate([(n1, 71), (n2, 69), (n1, 70), (n2, 71), (n1, 69)]):
        lesson(world, b, {reviewer: score}, day(20 + n))
    lesson(world, c, {harsh: 45, n2: 61}, day(30))
    lesson(world, c, {harsh: 46, n2: 59}, day(31))
    return {"a": a, "b": b, "c": c, "harsh": harsh, "n1": n1, "n2": n2}


def _rows(world, months: int = 12, eligibility: str = "all", today: date = TODAY):
    return evidence.candidates([world.unit.id], evidence.window(months, today=today), eligibility=eligibility)


# --- the window -------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "months", "start"), [
    (date(2026, 11, 23), 12, date(2025, 11, 23)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 2, 29)),
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
    (date(2026, 11, 23), 120, date(2016, 11, 23)),
])
def test_the_window_goes_back_calendar_months(today, months, start):
    assert evidence.window(months, today=today) == evidence.Window(start, today, months)


@pytest.mark.parametrize("months", [0, 121, -1])
def test_the_window_is_1_to_120_months(months):
    with pytest.raises(ValueError):
        evidence.window(months, today=TODAY)


@pytest.mark.parametrize(("raw", "months"), [(None, 12), ("", 12), ("1", 1), ("120", 120), ("0", None),
                                             ("121", None), ("abc", None), ("-3", None), ("١٢", None)])
def test_months_from_a_query_string(raw, months):
    assert evidence.parse_months(raw) == months


def test_sheets_outside_the_window_or_unsubmitted_are_left_out(world, panel):
    old = lesson(world, panel["b"], {panel["n1"]: 10}, TODAY - timedelta(days=400))
    draft = lesson(world, panel["b"], {}, TODAY - timedelta(days=3))
    db.session.add(Sheet(observation_id=draft.id, observer_id=panel["n1"].id, state=SheetState.DRAFT,
                         percent=Decimal("5")))
    db.session.flush()

    sheets = evidence.submitted_sheets([world.unit.id], evidence.window(12, today=TODAY))

    assert len(sheets) == 15
    assert old.id not in {s.observation_id for s in sheets} and draft.id not in {s.observation_id for s in sheets}
    assert evidence.submitted_sheets([world.unit.id], evidence.window(1, today=TODAY)) == []


# --- raw vs adjusted --------------------------------------------------------------------------


def test_the_adjusted_ranking_puts_the_better_lecturer_first_where_the_raw_mean_does_not(world, panel):
    rows = _rows(world)

    assert [row.lecturer for row in rows] == [panel["a"], panel["b"], panel["c"]]
    by = {row.lecturer: row for row in rows}
    assert by[panel["a"]].raw_mean < by[panel["b"]].raw_mean  # the raw means rank B above A
    assert by[panel["a"]].raw_mean == pytest.approx(67.5)
    assert by[panel["a"]].adjusted.value > by[panel["b"]].adjusted.value
    assert (by[panel["a"]].n_sheets, by[panel["a"]].n_observations) == (6, 5)
    assert all(row.adjusted.stderr > 0 for row in rows)
    assert [row.rank for row in rows] == [1, 2, 3]


def test_overlapping_intervals_are_marked_not_separable_from_the_one_above(world, panel):
    rows = _rows(world)

    assert [row.not_separable_from_above for row in rows] == [False, True, False]


def test_the_fit_uses_every_sheet_even_of_lecturers_left_out(world, panel):
    """Eligibility filters the rows, not the fit: adjusted values are the same either way."""
    panel["c"].kind = LecturerKind.ADJUNCT
    panel["b"].is_active = False
    db.session.flush()
    everyone = {row.lecturer: row.adjusted.value for row in _rows(world)}

    full_time = _rows(world, eligibility="full_time")

    assert [row.lecturer for row in full_time] == [panel["a"]]
    assert full_time[0].adjusted.value == pytest.approx(everyone[panel["a"]])
    assert panel["b"] not in everyone  # inactive lecturers are never candidates
    assert panel["c"] in everyone


def test_no_sheets_means_no_candidates(world):
    assert _rows(world) == []


# --- trend, practice, past results -----------------------------------------------------------


def test_trend_comes_from_finalised_observed_lessons_in_the_window(world, panel):
    lecturer = world.lecturer
    for n, percent in enumerate([60, 70, 80]):
        lesson(world, lecturer, {panel["n1"]: percent}, TODAY - timedelta(days=300 - 120 * n), final=percent)

    row = next(row for row in _rows(world) if row.lecturer == lecturer)

    assert row.trend.n == 3
    assert row.trend.slope == pytest.approx(10 / (120 / 365.25), rel=1e-6)
    assert next(r for r in _rows(world) if r.lecturer == panel["a"]).trend is None  # never finalised


def test_an_amended_result_counts_with_its_amended_percent(world, panel):
    lecturer = world.lecturer
    observations = [lesson(world, lecturer, {panel["n1"]: 60}, TODAY - timedelta(days=300 - 120 * n), final=60)
                    for n in range(3)]
    db.session.add(Amendment(observation_id=observations[-1].id, by_id=world.director.id, reason="Sửa",
                             before={"percent": "60"}, after={"percent": "90", "total": "0", "rating": "good"}))
    db.session.flush()

    results = evidence.final_results([world.unit.id], evidence.window(12, today=TODAY))

    assert [r.percent for r in results if r.lecturer_id == lecturer.id] == [60.0, 60.0, 90.0]


def test_practice_summary_counts_rehearsals_with_the_last_verdict_and_mean_score(world, panel):
    a = panel["a"]
    lesson(world, a, {panel["n1"]: 70}, TODAY - timedelta(days=200), final=70, kind=ObservationKind.PRACTICE_LECTURE,
           verdict="again")
    lesson(world, a, {}, TODAY - timedelta(days=150), final=None, kind=ObservationKind.PRACTICE_LECTURE)  # not held yet
    unscored = lesson(world, a, {}, TODAY - timedelta(days=100), final=None, kind=ObservationKind.PRACTICE_LECTURE,
                      verdict="ready")
    db.session.execute(sa.update(Observation).where(Observation.id == unscored.id)
                       .values(state=ObservationState.FINALIZED))
    lesson(world, a, {panel["n1"]: 80}, TODAY - timedelta(days=50), final=80, kind=ObservationKind.PRACTICE_LECTURE,
           verdict="ready")

    row = next(row for row in _rows(world) if row.lecturer == a)

    assert row.practice == evidence.PracticeSummary(count=3, last_verdict="ready", mean_percent=75.0, scored=2)
    assert row.n_sheets == 6  # practice sheets are not in the severity fit
    assert next(r for r in _rows(world) if r.lecturer == panel["b"]).practice is None


def test_past_results_come_from_the_provider_given(world, panel):
    asked = []

    def provider(ids):
        asked.append(ids)
        return {panel["a"].id: ["2025 province first"]}

    rows = evidence.candidates([world.unit.id], evidence.window(12, today=TODAY), past_results=provider)

    assert asked == [sorted([panel["a"].id, panel["b"].id, panel["c"].id])]
    assert {row.lecturer: row.past_results for row in rows}[panel["a"]] == ["2025 province first"]


def test_the_snapshot_is_plain_json_with_every_figure(world, panel):
    import json

    win = evidence.window(12, today=TODAY)
    rows = _rows(world)

    snap = evidence.snapshot(rows, win, eligibility="all", unit_ids=[world.unit.id])

    assert json.loads(json.dumps(snap)) == snap
    assert snap["window"] == {"start": evidence.months_back(TODAY, 12).isoformat(), "end": TODAY.isoformat(),
                              "months": 12}
    first = snap["rows"][0]
    assert first["lecturer_id"] == panel["a"].id and first["raw_mean"] == 67.5
    assert set(first) >= {"adjusted", "stderr", "n_sheets", "trend", "practice", "not_separable_from_above"}


# --- severity and agreement -------------------------------------------------------------------


def test_agreement_blocks_group_lessons_by_the_same_set_of_observers(world, panel):
    third = factories.make_user((world.unit, Role.REVIEWER), username="third")
    lesson(world, panel["b"], {panel["n1"]: 70, panel["n2"]: 72}, TODAY - timedelta(days=30))
    lesson(world, panel["b"], {panel["n1"]: 60, panel["n2"]: 63}, TODAY - timedelta(days=29))
    lesson(world, panel["c"], {panel["n1"]: 50, panel["n2"]: 52}, TODAY - timedelta(days=27))
    lesson(world, panel["b"], {panel["n1"]: 60, panel["n2"]: 63, third: 61}, TODAY - timedelta(days=28))
    sheets = evidence.submitted_sheets([world.unit.id], evidence.window(12, today=TODAY))

    every = evidence.agreement_blocks(sheets, min_lessons=1)
    blocks = evidence.agreement_blocks(sheets)

    # (harsh, n1) once on A; (n1, n2, third) once; (harsh, n2) twice on C; (n1, n2) three times
    assert sorted(block.shape for block in every) == [(1, 2), (1, 3), (2, 2), (3, 2)]
    assert [block.shape for block in blocks] == [(3, 2)]
    first = 0 if panel["n1"].id < panel["n2"].id else 1  # observers in id order, one per column
    assert sorted(blocks[0][:, first]) == [50, 60, 70] and sorted(blocks[0][:, 1 - first]) == [52, 63, 72]
    icc, used = pooled_icc(blocks)
    assert used == 3 and icc == pytest.approx(0.97, abs=0.01)


def test_severity_report_finds_the_harsh_reviewer_with_raw_figures_beside(world, panel):
    sheets = evidence.submitted_sheets([world.unit.id], evidence.window(12, today=TODAY))

    report = evidence.severity_report(sheets)

    harsh = next(row for row in report.reviewers if row.reviewer_id == panel["harsh"].id)
    assert report.reviewers[0] == harsh  # the harshest first
    assert harsh.severity.value < 0 and harsh.severity.n == 7
    assert harsh.raw_mean == pytest.approx(np.mean([64, 66, 65, 63, 66, 45, 46]))
    assert harsh.raw_difference < harsh.severity.value  # the raw difference overstates it (it saw C)
    assert sum(row.severity.value for row in report.reviewers) == pytest.approx(0, abs=1e-9)
    assert report.sheets == 15
    assert (report.icc, report.icc_lessons) == (None, 0)  # C's two co-observed lessons are too few


def test_severity_report_of_nothing(world):
    report = evidence.severity_report([])

    assert (report.reviewers, report.fit, report.icc, report.sheets) == ([], None, None, 0)


# --- the pages --------------------------------------------------------------------------------


def _in_unit_a(login, user, world):
    client = login(user)
    client.post("/unit", data={"unit_id": world.unit.id})
    return client


def test_the_director_sees_raw_and_adjusted_side_by_side_with_marks_and_the_method(world, panel, login):
    client = _in_unit_a(login, world.director, world)

    response = client.get("/candidates")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index(panel["a"].full_name) < html.index(panel["b"].full_name) < html.index(panel["c"].full_name)
    assert html.count('class="candidate not-separable"') == 1
    assert "not-separable-mark" in html and "±" in html
    assert 'name="nominee"' in html and 'action="/candidates"' in html
    assert 'class="method"' in html


def test_the_table_sorts_by_the_query_string(world, panel, login):
    client = _in_unit_a(login, world.director, world)

    html = client.get("/candidates?sort=raw&dir=desc").get_data(as_text=True)

    assert html.index(panel["b"].full_name) < html.index(panel["a"].full_name) < html.index(panel["c"].full_name)
    html = client.get("/candidates?sort=name&dir=asc&months=abc&eligibility=zzz").get_data(as_text=True)
    assert html.index(panel["a"].full_name) < html.index(panel["b"].full_name)  # Giỏi < Khá (by given name)


def test_full_time_only_leaves_adjuncts_out_of_the_page(world, panel, login):
    panel["b"].kind = LecturerKind.ADJUNCT
    client = _in_unit_a(login, world.director, world)

    html = client.get("/candidates?eligibility=full_time").get_data(as_text=True)

    assert panel["a"].full_name in html and panel["b"].full_name not in html


@pytest.mark.parametrize("role", ["reviewer", "secretary", "lecturer"])
def test_unit_staff_other_than_the_director_may_not_open_the_candidates(world, panel, login, role):
    client = login(world.user(role))

    assert client.get("/candidates").status_code == 403
    assert client.get("/candidates/severity").status_code == 403
    assert client.get("/candidates/decisions").status_code == 403


def test_a_director_elsewhere_sees_their_own_unit_not_unit_a(world, panel, login):
    client = login(world.sibling_director)

    html = client.get("/candidates").get_data(as_text=True)

    assert panel["a"].full_name not in html
    assert client.post("/unit", data={"unit_id": world.unit.id}).status_code in (302, 403, 404)
    assert panel["a"].full_name not in client.get("/candidates").get_data(as_text=True)


def test_the_overseer_reads_the_candidates_without_the_nomination_form_or_severity(world, panel, login):
    client = _in_unit_a(login, world.overseer, world)

    response = client.get("/candidates")
    province = client.get("/candidates?scope=province")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert panel["a"].full_name in html and 'name="nominee"' not in html
    assert panel["a"].full_name in province.get_data(as_text=True)
    assert client.get("/candidates/severity").status_code == 403
    assert client.post("/candidates", data={"nominee": str(panel["a"].id), "rationale": "x"}).status_code == 403


def test_the_severity_page_shows_each_reviewer_and_the_agreement(world, panel, login):
    client = _in_unit_a(login, world.director, world)

    response = client.get("/candidates/severity")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert panel["harsh"].full_name in html and "ICC(2,1)" in html
    assert html.count('data-reviewer="') == 3


def test_the_candidate_page_runs_a_fixed_number_of_queries(world, panel, login, count_queries):
    lesson(world, panel["a"], {panel["n1"]: 80}, TODAY - timedelta(days=9), final=80)
    client = _in_unit_a(login, world.director, world)
    client.get("/candidates")
    FRAGMENTS.clear()  # the table as rendered for the data then: counted here as a page that reads it
    with count_queries() as few:
        client.get("/candidates")
    more = [factories.make_lecturer(world.unit, full_name=f"Giảng Viên {n}") for n in range(6)]
    for n, lecturer in enumerate(more):
        for day in range(3):
            lesson(world, lecturer, {panel["n1"]: 60 + n + day, panel["harsh"]: 50 + n},
                   TODAY - timedelta(days=day + 1), final=60 + n)
        lesson(world, lecturer, {panel["n2"]: 70}, TODAY - timedelta(days=5), final=70,
               kind=ObservationKind.PRACTICE_LECTURE, verdict="ready")
    FRAGMENTS.clear()  # not needed (the data changed), but the two counts are then alike
    with count_queries() as many:
        response = client.get("/candidates")

    assert response.status_code == 200
    assert many.n == few.n


# --- the decision -----------------------------------------------------------------------------


def test_the_director_nominates_and_the_evidence_is_kept(world, panel, login):
    from contests.models import CandidateDecision
    from core.models import AuditLog

    client = _in_unit_a(login, world.director, world)

    response = client.post("/candidates", data={
        "months": "12", "eligibility": "all", "nominee": [str(panel["a"].id), str(panel["b"].id)],
        f"rationale_{panel['a'].id}": "Điểm điều chỉnh cao nhất", f"rationale_{panel['b'].id}": "Không tách biệt với A",
        "rationale": "Chọn hai người dẫn đầu"})

    assert response.status_code == 302
    decision = db.session.scalar(sa.select(CandidateDecision))
    assert decision.rationale == "Chọn hai người dẫn đầu"
    assert [(n.lecturer_id, n.rationale) for n in decision.nominations] == [
        (panel["a"].id, "Điểm điều chỉnh cao nhất"), (panel["b"].id, "Không tách biệt với A")]
    assert [row["lecturer_id"] for row in decision.snapshot["rows"]] == [panel["a"].id, panel["b"].id, panel["c"].id]
    assert decision.snapshot["nominee_ids"] == [panel["a"].id, panel["b"].id]
    assert decision.snapshot["rows"][1]["not_separable_from_above"] is True
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.object_type == "CandidateDecision")) \
        == "contest.candidates_decided"
    listing = client.get("/candidates/decisions").get_data(as_text=True)
    assert "Chọn hai người dẫn đầu" in listing and "Không tách biệt với A" in listing


@pytest.mark.parametrize("data", [
    {"rationale": "Không ai"},  # nobody ticked
    {"nominee": "X", "rationale": "Lý do"},
    {"nominee": "999999", "rationale": "Lý do"},  # not in the table
    {"nominee": "A"},  # no overall rationale
    {"nominee": "A", "rationale": "Lý do", "contest_id": "999999"},
])
def test_a_refused_decision_keeps_the_input_and_stores_nothing(world, panel, login, data):
    from contests.models import CandidateDecision

    client = _in_unit_a(login, world.director, world)
    data = {key: str(panel["a"].id) if value == "A" else value for key, value in data.items()}

    response = client.post("/candidates", data={**data, f"rationale_{panel['a'].id}": "Lý do riêng"})

    assert response.status_code == 422
    assert "Lý do riêng" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CandidateDecision.id))) == 0


def test_each_nominee_needs_their_own_rationale(world, panel, login):
    from contests.models import CandidateDecision

    client = _in_unit_a(login, world.director, world)

    response = client.post("/candidates", data={
        "nominee": [str(panel["a"].id), str(panel["b"].id)], "rationale": "Hai người dẫn đầu",
        f"rationale_{panel['a'].id}": "Điểm điều chỉnh cao nhất", f"rationale_{panel['b'].id}": "  "})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Điểm điều chỉnh cao nhất" in page and "Hai người dẫn đầu" in page  # kept as typed
    assert f"Hãy ghi lý do đề cử {panel['b'].full_name}." in page
    assert db.session.scalar(sa.select(sa.func.count(CandidateDecision.id))) == 0


# --- the API ----------------------------------------------------------------------------------


def _api(client, user, **query):
    from tests.test_api import token_for

    return client.get("/api/v1/candidates", headers={"Authorization": f"Bearer {token_for(client, user)}"},
                      query_string=query)


def test_the_api_ranks_by_adjusted_with_the_contract_fields(client, world, panel):
    from tests.test_api import assert_conforms

    response = _api(client, world.director, unit_id=world.unit.id)

    assert response.status_code == 200
    body = response.get_json()
    assert [item["lecturer_id"] for item in body] == [panel["a"].id, panel["b"].id, panel["c"].id]
    assert set(body[0]) >= {"lecturer_id", "raw_mean", "adjusted", "stderr", "n_sheets", "trend"}
    assert body[0]["raw_mean"] == 67.5 and body[0]["n_sheets"] == 6 and body[0]["trend"] is None
    assert body[0]["adjusted"] > body[1]["adjusted"] and body[0]["raw_mean"] < body[1]["raw_mean"]
    openapi = client.get("/api/v1/openapi.json").get_json()
    assert_conforms(openapi, response)


def test_the_api_filters_by_eligibility_and_window(client, world, panel):
    panel["b"].kind = LecturerKind.ADJUNCT
    db.session.flush()

    full_time = _api(client, world.director, eligibility="full_time").get_json()
    recent = _api(client, world.director, months=1).get_json()

    assert panel["b"].id not in [item["lecturer_id"] for item in full_time]
    assert recent == []


@pytest.mark.parametrize("query", [{"months": "0"}, {"months": "121"}, {"months": "x"}, {"eligibility": "adjunct"}])
def test_the_api_refuses_bad_parameters_with_a_json_400(client, world, panel, query):
    from tests.test_api import assert_error

    assert_error(_api(client, world.director, **query), 400)


def test_the_api_is_for_directors_and_overseers_of_the_unit(client, world, panel):
    from tests.test_api import assert_error

    overseer = _api(client, world.overseer, unit_id=world.unit.id)

    assert overseer.status_code == 200 and len(overseer.get_json()) == 3
    assert_error(_api(client, world.reviewer), 403)
    assert_error(_api(client, world.sibling_director, unit_id=world.unit.id), 403)
    assert_error(_api(client, world.outsider, unit_id=world.unit.id), 403)
    assert client.get("/api/v1/candidates").status_code == 401


def test_past_contest_results_show_on_the_page_and_in_the_snapshot(world, panel, login):
    from contests import services as contest_services
    from contests.models import CandidateDecision

    contest_services.record_outside_result(panel["a"], level="province", year=TODAY.year - 1,
                                           contest_name="Hội thi giảng viên giỏi tỉnh", prize="first",
                                           actor=world.director, now=utcnow())
    client = _in_unit_a(login, world.director, world)

    html = client.get("/candidates").get_data(as_text=True)
    client.post("/candidates", data={"nominee": str(panel["a"].id), "rationale": "Có giải tỉnh",
                                     f"rationale_{panel['a'].id}": "Giải Nhất cấp tỉnh năm trước"})

    assert "Hội thi giảng viên giỏi tỉnh" in html
    snapshot = db.session.scalar(sa.select(CandidateDecision)).snapshot
    assert snapshot["rows"][0]["past_results"][0]["contest_name"] == "Hội thi giảng viên giỏi tỉnh"
    assert snapshot["rows"][0]["past_results"][0]["prize"] == "first"


def test_choosing_a_full_time_only_contest_lists_full_time_lecturers_only(world, panel, login):
    from contests import services as contest_services
    from lecturers.enums import LecturerKind

    panel["a"].kind, panel["b"].kind = LecturerKind.FULL_TIME, LecturerKind.ADJUNCT
    contest = contest_services.create_contest(
        unit=world.unit, actor=world.director, now=utcnow(),
        values={"name": "Hội thi dành cho giảng viên chuyên trách", "level": "unit", "year": 2026,
                "eligibility": "full_time", "prize_quotas": {}})
    db.session.commit()
    client = _in_unit_a(login, world.director, world)

    everyone = client.get("/candidates").get_data(as_text=True)
    for_contest = client.get(f"/candidates?contest_id={contest.id}").get_data(as_text=True)

    assert panel["b"].full_name in everyone
    assert panel["a"].full_name in for_contest and panel["b"].full_name not in for_contest
