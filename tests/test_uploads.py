"""Uploaded documents (SPEC §5; security notes §1.4 items 27–29, §2.7): checked by content
before anything is stored, refused with a translated message that keeps the rest of the form,
stored under generated names, and downloaded only as attachments by those who may read them."""
from __future__ import annotations

import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts import services as account_services
from core import uploads
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.uploads import Limits, StoredFile
from lecturers.models import LessonPlan
from tests import documents, factories


@pytest.fixture
def world(world):
    """These tests count the sample observation, plan, meeting and contest of a world too."""
    return factories.complete(world)


PLAN_FIELDS = {"title": "Giáo án Điều lệ Đảng", "audience": "Quần chúng ưu tú", "duration_periods": "4",
               "aims_knowledge": "Hiểu rõ bản chất của Đảng", "outline": "I. Mở đầu — 15 phút\nII. Nội dung — 150 phút",
               "methods": "Thuyết trình, nêu vấn đề", "aids": "Máy chiếu", "readings": "Giáo trình BTGTW"}


def _files(folder: str) -> list[Path]:
    return sorted(path for path in Path(folder).rglob("*") if path.is_file()) if os.path.isdir(folder) else []


def _refusal(data: bytes, filename: str, limits: Limits = Limits()) -> DomainError:
    with pytest.raises(DomainError) as caught:
        uploads.inspect(data, filename, limits)
    assert caught.value.field == "file"
    return caught.value


# --- What a document is: decided from its bytes ---------------------------------------------


@pytest.mark.parametrize("data, filename, kind", [
    (documents.PDF, "giáo án.pdf", "pdf"),
    (documents.docx_bytes(), "Giáo án.DOCX", "docx"),
    (documents.pptx_bytes(), "bài giảng.pptx", "pptx"),
])
def test_real_documents_are_accepted(app, data, filename, kind):
    assert uploads.inspect(data, filename) == kind


@pytest.mark.parametrize("data, filename", [
    (documents.EXE, "giao-an.pdf"),
    (documents.EXE, "giao-an.docx"),
    (documents.EXE, "giao-an.pptx"),
], ids=["exe-as-pdf", "exe-as-docx", "exe-as-pptx"])
def test_a_renamed_executable_is_refused(app, data, filename):
    assert _refusal(data, filename).status == 422


def test_html_disguised_as_a_pdf_is_refused(app):
    assert _refusal(documents.HTML, "giao-an.pdf").status == 422


@pytest.mark.parametrize("data, filename", [
    (documents.docx_bytes(), "giao-an.pdf"),
    (documents.PDF, "giao-an.docx"),
    (documents.docx_bytes(), "giao-an.pptx"),
    (documents.pptx_bytes(), "giao-an.docx"),
    (documents.zip_bytes({"readme.txt": b"hello"}), "giao-an.docx"),
])
def test_the_extension_must_agree_with_the_content(app, data, filename):
    _refusal(data, filename)


@pytest.mark.parametrize("filename", ["x.html", "x.exe", "x.txt", "x", "x.doc", "x.pdf.exe", ""])
def test_other_kinds_of_file_are_refused_by_name(app, filename):
    _refusal(documents.PDF, filename)


@pytest.mark.parametrize("data, filename", [
    (documents.macro_docx(), "giao-an.docm"),
    (documents.docx_bytes(), "giao-an.docm"),
    (documents.pptx_bytes(), "bai-giang.pptm"),
    (documents.macro_docx(), "giao-an.docx"),
    (documents.macro_content_type_docx(), "giao-an.docx"),
], ids=["docm", "docm-without-vba", "pptm", "vba-project-renamed-docx", "macro-enabled-content-type"])
def test_macro_enabled_documents_are_refused(app, data, filename):
    assert "macro" in str(_refusal(data, filename).message).lower()


@pytest.mark.parametrize("bomb", [documents.many_entries_docx, documents.declared_size_bomb_docx,
                                  documents.ratio_bomb_docx], ids=["many-entries", "declared-3GB", "ratio"])
def test_zip_bombs_are_refused_from_the_directory_in_well_under_a_second(app, bomb):
    data = bomb()

    started = time.perf_counter()
    error = _refusal(data, "giao-an.docx")

    assert time.perf_counter() - started < 1
    assert error.status == 422


def test_an_empty_or_truncated_file_is_refused(app):
    _refusal(b"", "giao-an.pdf")
    _refusal(documents.docx_bytes()[:200], "giao-an.docx")


def test_a_file_over_the_limit_is_a_413(app):
    assert _refusal(documents.PDF + b"0" * 100, "giao-an.pdf", Limits(max_bytes=50)).status == 413


@pytest.mark.parametrize("filename, kept", [
    ("../../x.pdf", "x.pdf"),
    ("..\\..\\Windows\\giáo án.pdf", "giáo án.pdf"),
    ("Gia\u0301o a\u0301n.pdf", "Giáo án.pdf"),  # decomposed accents, as some keyboards type them
    ("giáo\r\nán\x00.pdf", "giáoán.pdf"),
    ("/etc/passwd", "passwd"),
])
def test_the_original_name_is_kept_without_its_path_or_control_characters(filename, kept):
    assert uploads.clean_name(filename) == kept


def test_a_stored_file_gets_a_generated_name_inside_the_upload_folder(app, world):
    upload = uploads.Upload(documents.PDF, "../../x.pdf")

    stored = uploads.store(upload, kind="pdf", unit_id=world.unit.id, uploaded_by_id=world.lecturer_user.id,
                           now=utcnow())
    db.session.flush()

    folder = app.config["UPLOAD_FOLDER"]
    assert re.fullmatch(r"\d{4}/[0-9a-f]{32}", stored.stored_name)
    assert stored.original_name == "x.pdf"
    assert (stored.kind, stored.content_type, stored.size) == ("pdf", "application/pdf", len(documents.PDF))
    sample = Path(uploads.path_of(world.plan.latest.file))
    assert _files(folder) == sorted([sample, Path(folder, *stored.stored_name.split("/"))])
    assert Path(uploads.path_of(stored)).read_bytes() == documents.PDF
    assert not Path(folder).parent.joinpath("x.pdf").exists()


def test_stored_file_rows_cannot_be_changed_even_in_raw_sql(app, world):
    stored = world.plan.latest.file

    with pytest.raises(sa.exc.DatabaseError), db.session.begin_nested():
        db.session.execute(sa.update(StoredFile).where(StoredFile.id == stored.id).values(original_name="x.html"))


# --- Through the new-plan form ------------------------------------------------------------------


def _post_plan(client, data: bytes, filename: str, **fields):
    form = {**PLAN_FIELDS, **fields, "file": (io.BytesIO(data), filename)}
    return client.post("/lesson-plans/new", data=form, content_type="multipart/form-data")


def _plan_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LessonPlan))


@pytest.mark.parametrize("data, filename", [
    (documents.EXE, "giáo án.docx"),
    (documents.HTML, "giáo án.pdf"),
    (documents.macro_docx(), "giáo án.docm"),
    (documents.many_entries_docx(), "giáo án.docx"),
    (documents.HTML, "../../x.html"),
], ids=["renamed-exe", "html-as-pdf", "docm", "zip-bomb", "dotdot-html"])
def test_a_bad_file_is_a_422_that_keeps_everything_else_typed(app, world, login, data, filename):
    client = login(world.lecturer_user)
    before = _plan_count()

    response = _post_plan(client, data, filename)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Giáo án Điều lệ Đảng"' in page
    assert 'value="Quần chúng ưu tú"' in page
    assert "I. Mở đầu — 15 phút" in page and "Thuyết trình, nêu vấn đề" in page
    assert 'class="field-errors" id="file-errors"' in page
    assert _plan_count() == before
    assert len(_files(app.config["UPLOAD_FOLDER"])) == 1  # only the sample plan's file: nothing new, no leftovers


def test_a_file_over_the_configured_size_is_a_413_that_keeps_the_form(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1000)
    client = login(world.lecturer_user)

    response = _post_plan(client, documents.PDF + b"0" * 2000, "giáo án.pdf")

    assert response.status_code == 413
    assert 'value="Giáo án Điều lệ Đảng"' in response.get_data(as_text=True)
    assert _plan_count() == 1


def test_a_request_over_the_request_limit_gets_the_413_page(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    client = login(world.lecturer_user)

    response = _post_plan(client, documents.PDF + b"0" * 20_000, "giáo án.pdf")

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert _plan_count() == 1


def test_the_request_limit_stays_above_the_upload_limit(database_url):
    from app import create_app

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                              "MAX_UPLOAD_BYTES": 40 * 1024 * 1024})

    assert application.config["MAX_CONTENT_LENGTH"] > 40 * 1024 * 1024
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url}).config["MAX_UPLOAD_BYTES"] == \
        20 * 1024 * 1024
    with application.app_context():
        db.engine.dispose()


def test_a_dotdot_filename_is_stored_under_a_generated_name_and_offered_back_as_typed(app, world, login):
    client = login(world.lecturer_user)

    response = _post_plan(client, documents.PDF, "../../giáo án mới.pdf")

    plan = db.session.scalars(sa.select(LessonPlan).order_by(LessonPlan.id.desc())).first()
    stored = plan.latest.file
    assert response.status_code == 302
    assert stored.original_name == "giáo án mới.pdf"
    assert re.fullmatch(r"\d{4}/[0-9a-f]{32}", stored.stored_name)
    assert Path(uploads.path_of(stored)).parent.parent == Path(app.config["UPLOAD_FOLDER"]).resolve()


# --- Downloads ------------------------------------------------------------------------------------


def _download_url(world) -> str:
    return f"/lesson-plans/{world.plan.id}/versions/1/file"


@pytest.mark.parametrize("role", ["lecturer", "director", "reviewer", "overseer"])
def test_a_download_is_an_attachment_with_the_vietnamese_name_nosniff_and_a_sandbox(world, login, role):
    client = login(world.user(role))
    if role == "overseer":
        client.post("/unit", data={"unit_id": world.unit.id})

    response = client.get(_download_url(world))

    disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200
    assert response.data == factories.PDF_BYTES
    assert response.mimetype == "application/pdf"
    assert disposition.startswith("attachment;")
    assert disposition.endswith("filename*=UTF-8''Gi%C3%A1o%20%C3%A1n%20%C4%90i%E1%BB%81u%20l%E1%BB%87"
                                "%20%C4%90%E1%BA%A3ng.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("role", ["sibling_director", "outsider", "secretary", "admin"])
def test_others_get_404_for_the_download(world, login, role):
    client = login(world.user(role))

    response = client.get(_download_url(world))

    assert response.status_code == 404
    assert factories.PDF_BYTES not in response.data


def test_anonymous_download_goes_to_the_login_page(world, client):
    response = client.get(_download_url(world))

    assert response.status_code == 302
    assert response.location.split("?")[0].endswith("/login")


def _api(client, user) -> dict[str, str]:
    token = account_services.create_api_token(user, name="t", now=utcnow(), lifetime=timedelta(days=1))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("role", ["sibling_director", "outsider"])
def test_another_units_director_gets_404_for_the_download_in_the_api(world, client, role):
    response = client.get(f"/api/v1/lesson-plans/{world.plan.id}/file", headers=_api(client, world.user(role)))

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_missing_file_on_disk_is_a_404_not_a_500(app, world, login):
    os.remove(uploads.path_of(world.plan.latest.file))
    client = login(world.director)

    assert client.get(_download_url(world)).status_code == 404


def test_a_draft_file_is_not_offered_to_reviewers(app, world, login):
    draft = factories.make_plan(world.lecturer, topic=world.topic, title="Bản nháp")
    client = login(world.director)

    assert client.get(f"/lesson-plans/{draft.id}/versions/1/file").status_code == 404
    assert login(world.lecturer_user).get(f"/lesson-plans/{draft.id}/versions/1/file").status_code == 200


# --- The API refuses bad files with a JSON error ----------------------------------------------------


@pytest.mark.parametrize("data, filename, status", [
    (documents.EXE, "giao-an.pdf", 422),
    (documents.macro_docx(), "giao-an.docm", 422),
    (documents.declared_size_bomb_docx(), "giao-an.docx", 422),
])
def test_the_api_refuses_a_bad_file_with_a_json_error(app, world, client, data, filename, status):
    response = client.post("/api/v1/lesson-plans", headers=_api(client, world.lecturer_user),
                           data={"title": "Giáo án", "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")

    assert response.status_code == status
    assert set(response.get_json()["error"]) >= {"code", "message"}
    assert _plan_count() == 1


def test_the_api_answers_413_for_a_file_over_the_limit(app, world, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 100)
    response = client.post("/api/v1/lesson-plans", headers=_api(client, world.lecturer_user),
                           data={"title": "Giáo án", "file": (io.BytesIO(documents.PDF * 10), "giao-an.pdf")},
                           content_type="multipart/form-data")

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_the_upload_form_works_with_csrf_on_and_refuses_a_post_without_its_token(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    https, referer = "https://localhost", {"Referer": "https://localhost/lesson-plans/new"}
    login_form = client.get("/login", base_url=https).get_data(as_text=True)
    client.post("/login", base_url=https, headers={"Referer": f"{https}/login"}, data={
        "username": world.lecturer_user.username, "password": factories.PASSWORD,
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_form).group(1)})
    page = client.get("/lesson-plans/new", base_url=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    refused = client.post("/lesson-plans/new", base_url=https, headers=referer, content_type="multipart/form-data",
                          data={**PLAN_FIELDS, "file": (io.BytesIO(documents.PDF), "giáo án.pdf")})
    accepted = client.post("/lesson-plans/new", base_url=https, headers=referer, content_type="multipart/form-data",
                           data={**PLAN_FIELDS, "csrf_token": token,
                                 "file": (io.BytesIO(documents.PDF), "giáo án.pdf")})

    assert (refused.status_code, accepted.status_code) == (400, 302)
    assert _plan_count() == 2
