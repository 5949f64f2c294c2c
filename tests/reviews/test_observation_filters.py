"""The director's observation list and its filters, the coverage of this year's classes, and the
per-domain breakdown of a finalised observation as its lecturer reads it."""
from __future__ import annotations

import re
from datetime import date

import pytest

from core.models import utcnow
from lecturers.enums import ClassStatus
from reviews import practice, services
from reviews.enums import ObservationKind, ObservationState
from tests import factories
from tests.dashboards.helpers import finalized


def _listed(response) -> set[int]:
    """The ids of the observations the list page links to."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return {int(found) for found in re.findall(r'href="/observations/(\d+)"', response.get_data(as_text=True))}


def _sheet(observation, user):
    return next(s for s in observation.sheets if s.observer_id == user.id)


@pytest.fixture
def observations(world):
    """Four observations of unit A, each picked out by a different filter:

    - ``finalised``: world.lecturer, director + reviewer, observed lesson, 2026-03-03, finalised;
    - ``planned``: the colleague, the reviewer alone, observed lesson, 2026-04-10, planned;
    - ``rehearsal``: world.lecturer, the director alone, practice lecture, 2026-05-06, planned;
    - ``started``: the colleague, the director alone, observed lesson, 2026-06-15, in progress.
    """
    finalised = finalized(world, on=date(2026, 3, 3))
    planned = services.plan_observation(
        unit=world.unit, lecturer=world.colleague, version=factories.shipped_version(), observers=[world.reviewer],
        on=date(2026, 4, 10), actor=world.director, now=utcnow(), topic=world.topic)
    rehearsal = practice.schedule_practice(
        unit=world.unit, lecturer=world.lecturer, attendees=[world.director], on=date(2026, 5, 6),
        purpose="new_topic", audience="Đảng viên mới", allowed_minutes=45, actor=world.director, now=utcnow(),
        topic=world.topic)
    started = services.plan_observation(
        unit=world.unit, lecturer=world.colleague, version=factories.shipped_version(), observers=[world.director],
        on=date(2026, 6, 15), actor=world.director, now=utcnow(), topic=world.topic)
    services.save_sheet(started.sheets[0], scores={"1.1": "1.5"}, texts={}, actor=world.director, now=utcnow())
    assert (finalised.state, planned.state, rehearsal.state, started.state) == (
        ObservationState.FINALIZED, ObservationState.PLANNED, ObservationState.PLANNED, ObservationState.IN_PROGRESS)
    assert rehearsal.kind == ObservationKind.PRACTICE_LECTURE
    return {"finalised": finalised.id, "planned": planned.id, "rehearsal": rehearsal.id, "started": started.id}


# --- the list's filters -------------------------------------------------------------------------


def test_without_filters_the_list_shows_every_observation_of_the_unit(world, login, observations):
    client = login(world.director)

    assert _listed(client.get("/observations")) == set(observations.values())


def test_the_lecturer_filter_keeps_that_lecturers_observations(world, login, observations):
    client = login(world.director)

    mine = _listed(client.get("/observations", query_string={"lecturer_id": world.lecturer.id}))
    colleague = _listed(client.get("/observations", query_string={"lecturer_id": world.colleague.id}))

    assert mine == {observations["finalised"], observations["rehearsal"]}
    assert colleague == {observations["planned"], observations["started"]}


def test_the_observer_filter_keeps_the_observations_with_a_sheet_of_that_observer(world, login, observations):
    client = login(world.director)

    reviewer = _listed(client.get("/observations", query_string={"observer_id": world.reviewer.id}))
    director = _listed(client.get("/observations", query_string={"observer_id": world.director.id}))

    assert reviewer == {observations["finalised"], observations["planned"]}
    assert director == {observations["finalised"], observations["rehearsal"], observations["started"]}


@pytest.mark.parametrize("state, expected", [
    ("planned", {"planned", "rehearsal"}),
    ("in_progress", {"started"}),
    ("finalized", {"finalised"}),
])
def test_the_state_filter_keeps_the_observations_in_that_state(world, login, observations, state, expected):
    client = login(world.director)

    listed = _listed(client.get("/observations", query_string={"state": state}))

    assert listed == {observations[name] for name in expected}


@pytest.mark.parametrize("kind, expected", [
    ("practice_lecture", {"rehearsal"}),
    ("observed_lesson", {"finalised", "planned", "started"}),
])
def test_the_kind_filter_keeps_the_observations_of_that_kind(world, login, observations, kind, expected):
    client = login(world.director)

    listed = _listed(client.get("/observations", query_string={"kind": kind}))

    assert listed == {observations[name] for name in expected}


@pytest.mark.parametrize("dates, expected", [
    ({"date_from": "2026-04-10"}, {"planned", "rehearsal", "started"}),  # the first day is included
    ({"date_to": "2026-05-06"}, {"finalised", "planned", "rehearsal"}),  # and so is the last
    ({"date_from": "2026-04-01", "date_to": "2026-05-31"}, {"planned", "rehearsal"}),
    ({"date_from": "2026-04-11", "date_to": "2026-05-05"}, set()),
])
def test_the_date_range_keeps_the_observations_between_its_ends(world, login, observations, dates, expected):
    client = login(world.director)

    listed = _listed(client.get("/observations", query_string=dates))

    assert listed == {observations[name] for name in expected}


def test_filters_combine(world, login, observations):
    client = login(world.director)

    listed = _listed(client.get("/observations", query_string={
        "lecturer_id": world.lecturer.id, "observer_id": world.director.id, "state": "planned"}))

    assert listed == {observations["rehearsal"]}


def test_an_empty_result_says_so(world, login, observations):
    client = login(world.director)

    response = client.get("/observations", query_string={"lecturer_id": world.colleague.id,
                                                          "kind": "practice_lecture"})

    assert _listed(response) == set()
    assert '<td colspan="8">' in response.get_data(as_text=True)  # the "no observations match" row


# --- coverage of this year's classes --------------------------------------------------------------


def _classes_listed(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return {int(found) for found in re.findall(r'href="/classes/(\d+)"', response.get_data(as_text=True))}


def test_coverage_lists_the_years_classes_without_an_observation(world, login):
    observed = world.training_class  # 2–6 March 2026, with world.session taught by world.lecturer
    observation = services.plan_observation(
        unit=world.unit, lecturer=world.lecturer, version=factories.shipped_version(), observers=[world.reviewer],
        on=None, actor=world.director, now=utcnow(), session=world.session)
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version), world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())

    unobserved = factories.make_class(world.unit, world.programme, start=date(2026, 5, 4), end=date(2026, 5, 8),
                                      name="Lớp đảng viên mới khóa 2")
    factories.make_session(unobserved, world.topic, world.lecturer)
    # An ad hoc observation of the same lecturer during that class is not an observation of the class.
    finalized(world, on=date(2026, 5, 5))
    cancelled = factories.make_class(world.unit, world.programme, start=date(2026, 6, 1), end=date(2026, 6, 5),
                                     name="Lớp đã hủy")
    cancelled.status = ClassStatus.CANCELLED
    factories.make_session(cancelled, world.topic, world.lecturer)

    listed = _classes_listed(login(world.director).get("/observations/coverage", query_string={"year": 2026}))

    assert observation.session_id == world.session.id
    assert unobserved.id in listed
    assert observed.id not in listed
    assert cancelled.id not in listed
    assert listed == {unobserved.id}


def test_coverage_is_of_the_year_asked_for(world, login):
    last_year = factories.make_class(world.unit, world.programme, start=date(2025, 10, 6), end=date(2025, 10, 10),
                                     name="Lớp năm trước")
    client = login(world.director)

    this_year = _classes_listed(client.get("/observations/coverage", query_string={"year": 2026}))
    previous = _classes_listed(client.get("/observations/coverage", query_string={"year": 2025}))

    assert this_year == {world.training_class.id}
    assert previous == {last_year.id}


# --- the per-domain breakdown on the detail page ---------------------------------------------------

# The LLCT form: per criterion, the director's and the reviewer's scores (their mean is the result).
DIRECTOR = {"1.1": "2", "2.1": "2", "2.2": "1.5", "2.3": "1", "2.4": "1", "3.1": "2", "3.2": "0.5", "3.3": "1",
            "4.1": "1.75", "4.2": "0", "5.1": "3"}
REVIEWER = {"1.1": "1", "2.1": "2", "2.2": "2", "2.3": "1.5", "2.4": "0.5", "3.1": "1", "3.2": "1", "3.3": "0.5",
            "4.1": "2", "4.2": "1", "5.1": "2.5"}
# Domain by domain, Σ of the criteria's means (4.1: 1.875 → 1.88) over Σ of their maxima, as the
# Vietnamese page writes them.
DOMAINS = [
    ("1. Chuẩn bị", "1,5", "2"),
    ("2. Nội dung", "5,75", "7"),  # 2 + 1.75 + 1.25 + 0.75
    ("3. Phương pháp", "3", "5"),  # 1.5 + 0.75 + 0.75
    ("4. Tác phong, ngôn ngữ, trình chiếu, thời gian", "2,38", "3"),  # 1.88 + 0.5
    ("5. Hiệu quả", "2,75", "3"),
]


def _domain_rows(page: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r'<tr class="domain-row">(.*?)</tr>', page, re.S)
    parsed = []
    for row in rows:
        heading = re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)
        cell = re.search(r'<td class="num">(.*?)</td>', row, re.S).group(1)
        value, maximum = re.fullmatch(r'\s*(.*?)<span class="max">/(.*?)</span>\s*', cell, re.S).groups()
        parsed.append((" ".join(heading.split()), value.strip(), maximum.strip()))
    return parsed


def test_the_lecturer_reads_the_result_domain_by_domain(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer)
    factories.submit(_sheet(observation, world.director), DIRECTOR, world.director)
    factories.submit(_sheet(observation, world.reviewer), REVIEWER, world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())

    response = login(world.lecturer_user).get(f"/observations/{observation.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert str(observation.total) == "15.38"
    assert _domain_rows(page) == DOMAINS


def test_an_unfinalised_observation_shows_no_domain_breakdown(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer)
    factories.submit(_sheet(observation, world.director), DIRECTOR, world.director)

    page = login(world.director).get(f"/observations/{observation.id}").get_data(as_text=True)

    assert 'class="domain-row"' not in page
