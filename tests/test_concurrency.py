"""Requests that really overlap (``threading.Barrier``), through the HTTP layer, on a database
whose writes commit (a SQLite file, or PostgreSQL with TEST_DATABASE_URL): every submitted
sheet is stored, an observation is finalised once, a double click changes things once, and of
two editors of one sheet the later one is told and keeps what they typed."""
from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from markupsafe import escape

from accounts.enums import Role
from core.extensions import db
from core.models import AuditLog, utcnow
from reviews import services
from reviews.enums import ObservationState, SheetState
from reviews.forms import score_field_name
from reviews.models import Observation, ObservationScore, Sheet, SheetScore
from tests import factories
from tests.live import count, live_app, logged_in, prepare

pytestmark = pytest.mark.slow

OBSERVERS = 20
JOIN_TIMEOUT = 60


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One application for the module, with the usual world and OBSERVERS extra reviewers."""
    with live_app(tmp_path_factory.mktemp("concurrency")) as application:
        def build():
            world = factories.make_world()
            reviewers = [factories.make_user((world.unit, Role.REVIEWER), username=f"observer{n}")
                         for n in range(OBSERVERS)]
            version = factories.shipped_version()
            application.extensions["test_world"] = {
                "unit_id": world.unit.id, "lecturer_id": world.colleague.id,
                "director": world.director.username, "observers": [user.username for user in reviewers],
                "scores": {score_field_name(c): str(c.max_points) for c in version.criteria},
                "criteria": len(version.criteria)}
        prepare(application, build)
        yield application


def _plan(application, observers: list[str], submitted: list[str] = ()) -> int:
    """A planned observation by ``observers`` (usernames); the sheets of ``submitted`` are submitted."""
    from accounts.models import User, Unit
    from lecturers.models import Lecturer

    facts = application.extensions["test_world"]

    def build():
        users = {u.username: u for u in db.session.scalars(sa.select(User).where(
            User.username.in_([*observers, facts["director"]])))}
        observation = services.plan_observation(
            unit=db.session.get(Unit, facts["unit_id"]), lecturer=db.session.get(Lecturer, facts["lecturer_id"]),
            version=factories.shipped_version(), observers=[users[name] for name in observers],
            on=date(2026, 3, 3), actor=users[facts["director"]], now=utcnow(),
            chair=users[facts["director"]])
        db.session.flush()
        version = factories.shipped_version()
        for sheet in observation.sheets:
            if sheet.observer.username in submitted:
                factories.submit(sheet, factories.full_scores(version), sheet.observer)
        return observation.id

    return prepare(application, build)


def _sheet_form(application, *, action: str = "submit", version: int = 1, notes: str = "") -> dict:
    return {**application.extensions["test_world"]["scores"], "version": str(version), "action": action,
            "notes": notes}


def _together(calls) -> list:
    """Run every call in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=JOIN_TIMEOUT)
        try:
            results[index] = call()
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


def _post(client, url: str, data: dict):
    return lambda: client.post(url, data=data)


def _full_scores(application) -> dict[str, str]:
    with application.app_context():
        return factories.full_scores(factories.shipped_version())


def _audit(application, action: str, object_id: int) -> int:
    return count(application, AuditLog, AuditLog.action == action, AuditLog.object_id == object_id)


def _sheet_ids(application, observation_id: int) -> list[int]:
    with application.app_context():
        return list(db.session.scalars(sa.select(Sheet.id).where(Sheet.observation_id == observation_id)))


def test_twenty_observers_submitting_at_once_are_all_stored(live):
    observers = live.extensions["test_world"]["observers"]
    observation_id = _plan(live, observers)
    clients = [logged_in(live, name) for name in observers]
    url = f"/observations/{observation_id}/sheet"
    responses = _together([_post(client, url, _sheet_form(live)) for client in clients])
    assert [r.status_code for r in responses] == [302] * OBSERVERS
    assert count(live, Sheet, Sheet.observation_id == observation_id, Sheet.state == SheetState.SUBMITTED) \
        == OBSERVERS
    assert sum(_audit(live, "sheet_submitted", sheet_id) for sheet_id in _sheet_ids(live, observation_id)) \
        == OBSERVERS
    # The observation went from planned to in progress once, whoever came first.
    assert _audit(live, "observation_state", observation_id) == 1
    with live.app_context():
        assert db.session.get(Observation, observation_id).state == ObservationState.IN_PROGRESS


def test_finalising_while_observers_submit_is_consistent_and_happens_once(live):
    facts = live.extensions["test_world"]
    observers = facts["observers"][:15]
    observation_id = _plan(live, observers, submitted=observers[:1])
    submitters = [logged_in(live, name) for name in observers[1:]]
    finalisers = [logged_in(live, facts["director"]) for _ in range(6)]
    sheet_url, final_url = f"/observations/{observation_id}/sheet", f"/observations/{observation_id}/finalize"
    calls = [_post(client, sheet_url, _sheet_form(live)) for client in submitters] + \
        [_post(client, final_url, {"debrief": "Rút kinh nghiệm", "action_points": ""}) for client in finalisers]
    responses = _together(calls)
    assert [r.status_code for r in responses] == [302] * len(calls)
    assert _audit(live, "observation_finalized", observation_id) == 1
    with live.app_context():
        observation = db.session.get(Observation, observation_id)
        assert observation.state == ObservationState.FINALIZED
        submitted = [s for s in observation.sheets if s.is_submitted]
        # Every sheet submitted is in the result: none slipped in after the finalisation.
        assert observation.sheet_count == len(submitted) >= 1
        assert all(sheet.submitted_at <= observation.finalized_at for sheet in submitted)
    assert count(live, ObservationScore, ObservationScore.observation_id == observation_id) == facts["criteria"]


def test_a_double_clicked_submit_changes_the_sheet_once(live):
    name = live.extensions["test_world"]["observers"][0]
    observation_id = _plan(live, [name])
    first, second = logged_in(live, name), logged_in(live, name)
    url = f"/observations/{observation_id}/sheet"
    responses = _together([_post(first, url, _sheet_form(live)), _post(second, url, _sheet_form(live))])
    assert [r.status_code for r in responses] == [302, 302]
    (sheet_id,) = _sheet_ids(live, observation_id)
    assert _audit(live, "sheet_submitted", sheet_id) == 1
    assert _audit(live, "observation_state", observation_id) == 1
    assert count(live, SheetScore, SheetScore.sheet_id == sheet_id) == live.extensions["test_world"]["criteria"]


def test_a_double_clicked_submit_through_the_api_changes_the_sheet_once(live):
    name = live.extensions["test_world"]["observers"][1]
    observation_id = _plan(live, [name])
    client = live.test_client()
    answer = client.post("/api/v1/tokens", json={"username": name, "password": factories.PASSWORD})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    token = answer.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    scores = _full_scores(live)
    assert client.put(f"/api/v1/observations/{observation_id}/my-sheet", json={"scores": scores},
                      headers=headers).status_code == 200
    url = f"/api/v1/observations/{observation_id}/my-sheet/submit"
    clients = [live.test_client(), live.test_client()]
    responses = _together([lambda c=c: c.post(url, headers=headers) for c in clients])
    assert [r.status_code for r in responses] == [200, 200]
    assert all(r.get_json()["state"] == SheetState.SUBMITTED for r in responses)
    (sheet_id,) = _sheet_ids(live, observation_id)
    assert _audit(live, "sheet_submitted", sheet_id) == 1


def test_a_double_clicked_finalise_finalises_once(live):
    facts = live.extensions["test_world"]
    observers = facts["observers"][2:4]
    observation_id = _plan(live, observers, submitted=observers)
    clients = [logged_in(live, facts["director"]) for _ in range(2)]
    url = f"/observations/{observation_id}/finalize"
    responses = _together([_post(client, url, {"debrief": "", "action_points": ""}) for client in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert _audit(live, "observation_finalized", observation_id) == 1
    assert _audit(live, "observation_state", observation_id) == 2  # planned → in progress → finalised
    assert count(live, ObservationScore, ObservationScore.observation_id == observation_id) == facts["criteria"]


def test_of_two_editors_of_one_sheet_the_later_is_told_and_keeps_their_input(live):
    name = live.extensions["test_world"]["observers"][4]
    observation_id = _plan(live, [name])
    tab_a, tab_b = logged_in(live, name), logged_in(live, name)
    url = f"/observations/{observation_id}/sheet"
    notes = {"a": "Ghi chú của cửa sổ A", "b": "Ghi chú của cửa sổ B"}
    responses = _together([_post(tab_a, url, _sheet_form(live, action="save", notes=notes["a"])),
                           _post(tab_b, url, _sheet_form(live, action="save", notes=notes["b"]))])
    assert sorted(r.status_code for r in responses) == [302, 409]
    winner = "a" if responses[0].status_code == 302 else "b"
    loser = responses[1] if winner == "a" else responses[0]
    body = loser.get_data(as_text=True)
    assert notes["b" if winner == "a" else "a"] in body  # what the later editor typed is still on the page
    with live.test_request_context(), force_locale("vi"):
        message = services._l("This sheet was saved from another window after you opened it. "
                              "Your input is kept below: check it and save again.")
        assert str(escape(str(message))) in body
    (sheet_id,) = _sheet_ids(live, observation_id)
    with live.app_context():
        sheet = db.session.get(Sheet, sheet_id)
        assert (sheet.notes, sheet.version, sheet.state) == (notes[winner], 2, SheetState.DRAFT)



def test_a_double_clicked_create_form_creates_one_record(live):
    """Two sendings of one "plan an observation" page at the same moment (the token is the
    page's): one observation; both answers lead to it."""
    import re

    facts = live.extensions["test_world"]
    clients = [logged_in(live, facts["director"]) for _ in range(2)]
    page = clients[0].get("/observations/new").get_data(as_text=True)
    token = re.search(r'name="submission"[^>]*value="([^"]+)"', page).group(1)
    with live.app_context():
        from accounts.models import User
        observer = db.session.scalar(sa.select(User.id).where(User.username == facts["observers"][5]))
        version_id = factories.shipped_version().id
    data = {"kind": "observed_lesson", "lecturer_id": str(facts["lecturer_id"]),
            "version_id": str(version_id), "observer_ids": [str(observer)],
            "date": "2026-04-04", "topic_text": "Bấm đúp", "submission": token}
    before = count(live, Observation)

    responses = _together([_post(client, "/observations/new", data) for client in clients])

    assert [r.status_code for r in responses] == [302, 302]
    assert count(live, Observation) == before + 1
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
