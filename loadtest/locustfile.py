"""Bounded load test of a running Lectern (``make loadtest`` starts one on the demo data).

Each simulated user signs in as its own demo account (so two users never save the same score
sheet), then mixes reading pages with, for reviewers, saving their open score sheet through the
form with its CSRF token, and reading a lecturer's progress over the API with a bearer token.
At the end it prints requests served, failures and the 95th-percentile latency, and exits
non-zero when any request failed.
"""
from __future__ import annotations

import html
import itertools
import random
import re
import threading

from locust import HttpUser, between, events, task

# B105: the demo data set's published password
PASSWORD = "lectern-demo"  # nosec B105
# Staff of the demo's first unit; reviewers have open sheets to save.
ACCOUNTS = ["director", "reviewer", "reviewer2", "reviewer3", "secretary", "overseer", "lecturer",
            "reviewer4", "reviewer5", "reviewer6"]
_next_account = itertools.cycle(ACCOUNTS)
_lock = threading.Lock()

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
LECTURER_LINK = re.compile(r'href="/lecturers/(\d+)"')
OBSERVATION_LINK = re.compile(r'href="/observations/(\d+)"')
SHEET_LINK = re.compile(r'href="/observations/(\d+)/sheet"')
IMG = re.compile(r'<img[^>]+src="(/reviews/lecturers/\d+/progress\.png[^"]*)"')
SELECT = re.compile(r'<select[^>]*name="(score_[^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="([^"]+)"')
HIDDEN_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def _pick(items: list):
    # B311: choosing the traffic mix, not security
    return random.choice(items)  # nosec B311


def _first(match: re.Match | None) -> str | None:
    return next((group for group in match.groups() if group), None) if match else None


class DemoUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with _lock:
            self.username = next(_next_account)
        self.lecturer_ids: list[int] = []
        self.observation_ids: list[int] = []
        self.sheet_ids: list[int] = []
        self.token: str | None = None
        self.login()
        response = self.client.post("/api/v1/tokens", json={"username": self.username, "password": PASSWORD},
                                    name="/api/v1/tokens")
        if response.status_code == 201:
            self.token = response.json()["token"]

    def login(self) -> None:
        page = self.client.get("/login", name="/login")
        token = html.unescape(_first(CSRF.search(page.text)) or "")
        with self.client.post("/login", data={"username": self.username, "password": PASSWORD, "csrf_token": token},
                              allow_redirects=False, name="/login [POST]", catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.username} answered {response.status_code}")

    @task(1)
    def sign_in_again(self) -> None:
        self.client.cookies.clear()
        self.login()

    @task(3)
    def lecturer_list(self) -> None:
        if self.username == "lecturer":
            self.client.get("/home", name="/home")
            return
        response = self.client.get("/lecturers", name="/lecturers")
        self.lecturer_ids = [int(i) for i in LECTURER_LINK.findall(response.text)] or self.lecturer_ids

    @task(3)
    def lecturer_page_and_chart(self) -> None:
        if self.username == "lecturer":
            response = self.client.get("/home", name="/home")
            ids = [int(i) for i in LECTURER_LINK.findall(response.text)]
        else:
            ids = self.lecturer_ids
        if not ids:
            return
        page = self.client.get(f"/lecturers/{_pick(ids)}", name="/lecturers/[id]")
        chart = IMG.search(page.text)
        if chart:
            with self.client.get(html.unescape(chart.group(1)), name="/reviews/lecturers/[id]/progress.png",
                                 catch_response=True) as response:
                if response.headers.get("Content-Type") != "image/png":
                    response.failure("the progress chart is not a PNG")

    @task(2)
    def observation_detail(self) -> None:
        if not self.observation_ids:
            if self.username == "lecturer":
                return
            listing = self.client.get("/observations", name="/observations")
            self.observation_ids = [int(i) for i in OBSERVATION_LINK.findall(listing.text)]
        if self.observation_ids:
            self.client.get(f"/observations/{_pick(self.observation_ids)}", name="/observations/[id]")

    @task(1)
    def dashboard(self) -> None:
        if self.username in ("director", "overseer"):
            self.client.get("/dashboard" if self.username == "director" else "/province", name="/dashboard")

    @task(2)
    def save_scoresheet(self) -> None:
        if not self.username.startswith("reviewer"):
            return
        mine = self.client.get("/observations/mine", name="/observations/mine")
        sheets = SHEET_LINK.findall(mine.text)
        if not sheets:
            return
        observation_id = _pick(sheets)
        form = self.client.get(f"/observations/{observation_id}/sheet", name="/observations/[id]/sheet")
        token, version = _first(CSRF.search(form.text)), _first(HIDDEN_VERSION.search(form.text))
        if not token or not version:
            return  # submitted or finalised meanwhile
        data = {"csrf_token": html.unescape(token), "version": version, "action": "save",
                "notes": "Ghi chép khi thử tải"}
        for name, options in SELECT.findall(form.text):
            values = OPTION.findall(options)
            if values:
                data[name] = _pick(values)
        with self.client.post(f"/observations/{observation_id}/sheet", data=data, allow_redirects=False,
                              name="/observations/[id]/sheet [POST]", catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"saving the sheet answered {response.status_code}")

    @task(2)
    def api_progress(self) -> None:
        if not self.token or not self.lecturer_ids:
            return
        self.client.get(f"/api/v1/lecturers/{_pick(self.lecturer_ids)}/progress",
                        headers={"Authorization": f"Bearer {self.token}"}, name="/api/v1/lecturers/[id]/progress")


@events.quitting.add_listener
def _report(environment, **_kwargs) -> None:
    total = environment.stats.total
    p95 = total.get_response_time_percentile(0.95) if total.num_requests else 0
    print(f"\nLoad test: {total.num_requests} requests served, {total.num_failures} failures, "
          f"p95 latency {p95:.0f} ms, median {total.median_response_time:.0f} ms, "
          f"{total.total_rps:.1f} requests/s")
    for error in environment.stats.errors.values():
        print(f"  failure: {error.method} {error.name}: {error.error} (×{error.occurrences})")
    environment.process_exit_code = 1 if total.num_failures or not total.num_requests else 0
