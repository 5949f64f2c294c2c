"""Every version of a lesson plan keeps its own file: an older version's file is still
downloaded, under its original name and with its own bytes, after a newer version replaced it."""
from __future__ import annotations

import io
from urllib.parse import unquote

import pytest

from core.extensions import db
from core.models import utcnow
from core.uploads import Upload
from lecturers import lesson_plans
from tests import documents, factories

FIRST_NAME = "Giáo án Điều lệ Đảng.pdf"
SECOND_NAME = "bai-giang-lan-2.docx"


def _filename(response) -> str:
    """The download name the Content-Disposition header gives (its UTF-8 form when it has one)."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment;"), header
    parts = dict(part.strip().split("=", 1) for part in header.split(";")[1:])
    if "filename*" in parts:
        encoding, _, quoted = parts["filename*"].split("'", 2)
        assert encoding.upper() == "UTF-8"
        return unquote(quoted)
    return parts["filename"].strip('"')


@pytest.fixture
def revised(world):
    """A plan whose version 1 (a PDF) was sent back, and whose version 2 carries a new .docx."""
    plan = factories.make_plan(world.lecturer, topic=world.topic, submit=True, filename=FIRST_NAME,
                               data=documents.PDF)
    lesson_plans.request_changes(plan, comments={"general": "Cần bổ sung liên hệ thực tiễn."}, actor=world.reviewer,
                                 now=utcnow())
    lesson_plans.start_revision(plan, actor=world.lecturer_user, now=utcnow())
    second_file = documents.docx_bytes("Giáo án lần 2")
    lesson_plans.save_draft(plan, values={}, upload=Upload(second_file, SECOND_NAME), actor=world.lecturer_user,
                            now=utcnow())
    first, second = plan.versions
    assert first.file_id != second.file_id
    return plan, second_file


def test_the_lecturer_downloads_the_first_version_after_a_second_replaced_its_file(world, login, revised):
    plan, second_file = revised
    client = login(world.lecturer_user)

    old = client.get(f"/lesson-plans/{plan.id}/versions/1/file")
    new = client.get(f"/lesson-plans/{plan.id}/versions/2/file")

    assert old.status_code == 200
    assert (old.data, _filename(old)) == (documents.PDF, FIRST_NAME)
    assert old.mimetype == "application/pdf"
    assert new.status_code == 200
    assert (new.data, _filename(new)) == (second_file, SECOND_NAME)


def test_the_plan_page_links_each_versions_own_file(world, login, revised):
    plan, _ = revised
    client = login(world.lecturer_user)

    first_page = client.get(f"/lesson-plans/{plan.id}", query_string={"version": 1}).get_data(as_text=True)

    assert f"/lesson-plans/{plan.id}/versions/1/file" in first_page
    assert FIRST_NAME in first_page


def test_a_reviewer_still_downloads_the_old_version_once_the_new_one_is_approved(world, login, revised):
    plan, second_file = revised
    lesson_plans.submit(plan, actor=world.lecturer_user, now=utcnow())
    lesson_plans.approve(plan, actor=world.reviewer, now=utcnow())
    client = login(world.reviewer)

    old = client.get(f"/lesson-plans/{plan.id}/versions/1/file")
    new = client.get(f"/lesson-plans/{plan.id}/versions/2/file")

    assert (old.status_code, old.data, _filename(old)) == (200, documents.PDF, FIRST_NAME)
    assert (new.status_code, new.data, _filename(new)) == (200, second_file, SECOND_NAME)


def test_the_draft_of_the_new_version_stays_hidden_from_a_reviewer_but_not_the_old_file(world, login, revised):
    plan, _ = revised
    client = login(world.reviewer)

    old = client.get(f"/lesson-plans/{plan.id}/versions/1/file")
    draft = client.get(f"/lesson-plans/{plan.id}/versions/2/file")

    assert (old.status_code, old.data) == (200, documents.PDF)
    assert draft.status_code == 404


def test_a_version_replaced_through_the_draft_form_keeps_the_old_file(world, login):
    plan = factories.make_plan(world.lecturer, topic=world.topic, submit=True, filename=FIRST_NAME)
    lesson_plans.request_changes(plan, comments={"general": "Sửa lại."}, actor=world.reviewer, now=utcnow())
    client = login(world.lecturer_user)
    slides = documents.pptx_bytes()
    revise = client.post(f"/lesson-plans/{plan.id}/revise")
    db.session.refresh(plan)
    draft = plan.latest
    edit = client.post(f"/lesson-plans/{plan.id}/edit", data={
        "title": plan.title, "version": str(draft.version), "outline": "I. Mở đầu — 5 phút",
        "file": (io.BytesIO(slides), "Bài giảng.pptx")}, content_type="multipart/form-data")

    old = client.get(f"/lesson-plans/{plan.id}/versions/1/file")
    new = client.get(f"/lesson-plans/{plan.id}/versions/2/file")

    assert (revise.status_code, draft.number, edit.status_code) == (302, 2, 302)
    assert (old.status_code, old.data, _filename(old)) == (200, factories.PDF_BYTES, FIRST_NAME)
    assert (new.status_code, new.data, _filename(new)) == (200, slides, "Bài giảng.pptx")


def test_an_unknown_version_number_is_a_404(world, login, revised):
    plan, _ = revised

    assert login(world.lecturer_user).get(f"/lesson-plans/{plan.id}/versions/3/file").status_code == 404
