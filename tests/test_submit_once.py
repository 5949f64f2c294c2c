"""A create form sent twice (a double click, the browser's resend) creates one record: each
rendering carries a one-time token, claimed in the transaction that writes the record; the
repeat is sent to what the first submission created (issue 8). The same under real overlap:
tests/test_concurrency.py."""
from __future__ import annotations

import re

import sqlalchemy as sa

from contests.models import Contest
from core.extensions import db
from core.models import FormSubmission
from lecturers.models import Lecturer, LessonPlan
from reviews.models import Observation
from tests import factories


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="submission"[^>]*value="([^"]+)"', page).group(1)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _twice(client, url: str, data: dict, **kwargs):
    token = _token(client, url)
    first = client.post(url, data={**data, "submission": token}, **kwargs)
    again = client.post(url, data={**data, "submission": token}, **kwargs)
    return first, again


def test_a_planned_observation_sent_twice_is_planned_once(world, login):
    client = login(world.director)
    before = _count(Observation)

    first, again = _twice(client, "/observations/new", {
        "kind": "observed_lesson", "lecturer_id": str(world.colleague.id),
        "version_id": str(factories.shipped_version().id), "observer_ids": [str(world.reviewer.id)],
        "date": "2026-03-03", "topic_text": "Bài 1"})

    assert _count(Observation) == before + 1
    assert (first.status_code, again.status_code) == (302, 302)
    assert again.headers["Location"] == first.headers["Location"]  # to the observation the first one planned
    assert "đã được gửi" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_lecturer_added_twice_is_added_once(world, login):
    client = login(world.director)
    before = _count(Lecturer)

    first, again = _twice(client, "/lecturers/new", {"full_name": "Lê Văn Hai Lần", "kind": "adjunct",
                                                     "workload_role": "adjunct"})

    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert _count(Lecturer) == before + 1
    assert again.headers["Location"] == first.headers["Location"]


def test_a_lesson_plan_uploaded_twice_is_created_once(world, login):
    client = login(world.lecturer_user)
    before = _count(LessonPlan)
    token = _token(client, "/lesson-plans/new")

    def send():
        return client.post("/lesson-plans/new", data={
            "title": "Giáo án gửi hai lần", "submission": token,
            "file": (__import__("io").BytesIO(factories.PDF_BYTES), "giao-an.pdf")},
            content_type="multipart/form-data")

    first, again = send(), send()

    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert _count(LessonPlan) == before + 1
    assert again.headers["Location"] == first.headers["Location"]


def test_a_contest_created_twice_is_created_once(world, login):
    client = login(world.director)
    before = _count(Contest)

    first, again = _twice(client, "/contests/new", {"name": "Hội thi bấm hai lần", "level": "unit", "year": "2026",
                                                    "eligibility": "all", "aggregation": "mean"})

    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert _count(Contest) == before + 1
    assert again.headers["Location"].split("#")[0] == first.headers["Location"].split("#")[0]


def test_a_form_with_errors_keeps_its_token_and_a_fresh_page_gets_a_new_one(world, login):
    client = login(world.director)
    token = _token(client, "/observations/new")

    refused = client.post("/observations/new", data={"kind": "observed_lesson", "submission": token})

    assert refused.status_code == 422
    assert f'value="{token}"' in refused.get_data(as_text=True)  # the corrected form is still the same sending
    assert _token(client, "/observations/new") != token
    assert db.session.get(FormSubmission, token) is None  # nothing was written, nothing claimed
