"""Stored-XSS payloads in free-text fields and a file name render inert in a real browser:
no dialog opens and the Content-Security-Policy reports no violation. The records are made
over the API by the demo's second director (another unit than the other browser tests use);
this file runs last (the tests run in file order), so the payloads reach no other test."""
from __future__ import annotations

import pytest
import requests

from tests import documents
from tests.e2e.conftest import DEMO_PASSWORD, login

pytestmark = pytest.mark.e2e

PAYLOADS = ['<script>alert("xss")</script>', '"><img src=x onerror=alert(1)>', "<svg onload=alert(1)>"]
TEXT = " ".join(PAYLOADS)
WATCH_CSP = ("window.__violations = [];"
             "document.addEventListener('securitypolicyviolation',"
             " event => window.__violations.push(event.violatedDirective));")


class Api:
    def __init__(self, base_url: str, username: str):
        self.base = f"{base_url}/api/v1"
        token = requests.post(f"{self.base}/tokens", json={"username": username, "password": DEMO_PASSWORD},
                              timeout=10).json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(method, self.base + path, headers=self.headers, timeout=10, **kwargs)
        assert response.status_code in (200, 201), (path, response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="module")
def planted(live_server) -> list[str]:
    """The pages that show the payloads."""
    api = Api(live_server, "director2")
    me = api("GET", "/me")
    lecturer = api("POST", "/lecturers", json={"full_name": f"Nguyễn Văn {PAYLOADS[1]}", "kind": "adjunct"})
    rubric = api("GET", "/rubrics")["items"][0]
    observation = api("POST", "/observations", json={
        "lecturer_id": lecturer["id"], "rubric_id": rubric["id"], "date": "2026-11-02", "observer_ids": [me["id"]],
        "kind": "observed_lesson", "topic": TEXT})
    api("PUT", f"/observations/{observation['id']}/my-sheet",
        json={"scores": {}, "strengths": TEXT, "shortcomings": TEXT, "recommendations": TEXT})
    plan = api("POST", "/lesson-plans", data={"title": TEXT},
               files={"file": (f'{PAYLOADS[1]}.pdf', documents.PDF, "application/pdf")})
    contest = api("POST", "/contests", json={
        "name": TEXT[:200], "level": "unit", "year": 2027, "aggregation": "mean",
        "components": [{"code": "lecture", "name": PAYLOADS[0], "max_points": 20, "weight": 1}],
        "tie_break": ["lecture"], "prize_quotas": {"first": 1, "second": None, "third": None, "consolation": None}})
    api("POST", f"/contests/{contest['id']}/entries", json={"lecturer_id": lecturer["id"], "topic": TEXT})
    return ["/lecturers", f"/lecturers/{lecturer['id']}", f"/observations/{observation['id']}",
            f"/lesson-plans/{plan['id']}", "/lesson-plans", "/contests", f"/contests/{contest['id']}"]


def test_payloads_render_as_text_with_no_dialog_and_no_csp_violation(page, planted):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH_CSP)
    login(page, "director2")
    for path in planted:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__violations") == [], path
        text = page.locator("main").inner_text()
        assert any(payload in text for payload in PAYLOADS), path  # shown as text, not run
    assert dialogs == []
