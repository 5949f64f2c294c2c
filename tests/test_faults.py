"""Failures of the world around the application: the database locked or unreachable, a full
disk, a worker process killed in the middle of a write. Each ends in a translated answer (503
or 507, never a 500), leaves no half-written record, and the next request after recovery works."""
from __future__ import annotations

import errno
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from markupsafe import escape

from core import errors, uploads
from core.extensions import db
from core.models import AuditLog
from lecturers.models import LessonPlan
from reviews.forms import score_field_name
from reviews.models import Sheet
from tests import documents, factories
from tests.live import count, is_postgres, live_app, logged_in, prepare

pytestmark = pytest.mark.slow

LOCK_WAIT_MS = 300
REPO_ROOT = Path(__file__).resolve().parents[1]


def _message(application, status: int) -> str:
    """The page's text for ``status`` in the default language, as the page escapes it."""
    with application.test_request_context(), force_locale("vi"):
        return str(escape(str(errors._MESSAGES[status])))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """An application whose writes commit; it waits LOCK_WAIT_MS for a lock, not seconds."""
    folder = tmp_path_factory.mktemp("faults")
    engine_options = {"pool_size": 5, "max_overflow": 5}
    if is_postgres():
        engine_options["connect_args"] = {"options": f"-c lock_timeout={LOCK_WAIT_MS}"}
    with live_app(folder, SQLALCHEMY_ENGINE_OPTIONS=engine_options) as application:
        if not is_postgres():
            with application.app_context():
                # On every checkout, so after core.db's own setting on connect.
                sa.event.listen(db.engine, "checkout", lambda connection, _record, _proxy: connection.execute(
                    f"PRAGMA busy_timeout={LOCK_WAIT_MS}"))

        def build():
            world = factories.make_world()
            observation = factories.make_observation(world, observers=[world.director], lecturer=world.colleague)
            db.session.flush()
            version = factories.shipped_version()
            application.extensions["test_world"] = {
                "observation_id": observation.id, "sheet_id": observation.sheets[0].id,
                "director": world.director.username, "unit_id": world.unit.id,
                "form": {score_field_name(c): str(c.max_points) for c in version.criteria}}
        prepare(application, build)
        application.extensions["test_folder"] = folder
        yield application


def _sheet(application) -> tuple:
    with application.app_context():
        sheet = db.session.get(Sheet, application.extensions["test_world"]["sheet_id"])
        return sheet.notes, sheet.version


def _save_form(application, notes: str, version: int) -> dict:
    return {**application.extensions["test_world"]["form"], "notes": notes, "version": str(version),
            "action": "save"}


class _Lock:
    """Another connection holding the write lock (SQLite) or an exclusive lock on ``table``."""

    def __init__(self, application, table: str):
        self.application, self.table = application, table

    def __enter__(self):
        url = sa.make_url(self.application.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "sqlite":
            self.connection = sqlite3.connect(url.database, isolation_level=None)
            self.connection.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            self.connection = psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
            self.connection.execute(f'LOCK TABLE "{self.table}" IN ACCESS EXCLUSIVE MODE')
        return self

    def __exit__(self, *_exc):
        self.connection.rollback()
        self.connection.close()


def test_a_locked_database_is_a_translated_503_and_the_next_request_works(live, caplog):
    facts = live.extensions["test_world"]
    client = logged_in(live, facts["director"])
    token = live.test_client().post("/api/v1/tokens", json={"username": facts["director"],
                                                             "password": factories.PASSWORD}).get_json()["token"]
    url = f"/observations/{facts['observation_id']}/sheet"
    api_url = f"/api/v1/observations/{facts['observation_id']}/my-sheet"
    notes, version = _sheet(live)
    audit_rows = count(live, AuditLog)

    with _Lock(live, "sheet"):
        page = client.post(url, data=_save_form(live, "Ghi chú khi khóa", version))
        answer = live.test_client().put(api_url, json={"texts": {}, "notes": "x"},
                                        headers={"Authorization": f"Bearer {token}"})

    assert page.status_code == 503 and page.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert _message(live, 503) in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert "Database unavailable (503)" in caplog.text
    assert _sheet(live) == (notes, version) and count(live, AuditLog) == audit_rows
    recovered = client.post(url, data=_save_form(live, "Ghi chú sau khi mở khóa", version))
    assert recovered.status_code == 302
    assert _sheet(live) == ("Ghi chú sau khi mở khóa", version + 1)


@pytest.mark.parametrize("url", ["postgresql+psycopg://lectern@127.0.0.1:9/none?connect_timeout=2",
                                 "sqlite:////nonexistent-folder/lectern.db"])
def test_an_unreachable_database_is_a_translated_503_for_pages_and_the_api(url, tmp_path):
    from app import create_app

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                              "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    client = application.test_client()
    page = client.post("/login", data={"username": "director", "password": factories.PASSWORD})
    answer = client.post("/api/v1/tokens", json={"username": "director", "password": factories.PASSWORD})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert _message(application, 503) in page.get_data(as_text=True)
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 503


def test_a_full_disk_under_the_database_is_a_507_and_stores_nothing(live, monkeypatch):
    facts = live.extensions["test_world"]
    client = logged_in(live, facts["director"])
    notes, version = _sheet(live)
    audit_rows = count(live, AuditLog)
    with live.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        # The real thing: the database may not grow by a single page (SQLITE_FULL).
        with sqlite3.connect(engine.url.database, isolation_level=None) as connection:
            connection.execute("VACUUM")
            pages = connection.execute("PRAGMA page_count").fetchone()[0]

        def limit(connection, _record):
            connection.execute(f"PRAGMA max_page_count={pages}")

        engine.dispose()
        sa.event.listen(engine, "connect", limit)
        cleanup = lambda: (sa.event.remove(engine, "connect", limit), engine.dispose())  # noqa: E731
    else:
        import psycopg

        real = engine.dialect.do_execute

        def full(cursor, statement, parameters, context=None):
            if statement.startswith(("INSERT", "UPDATE")):
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")
            return real(cursor, statement, parameters, context)

        monkeypatch.setattr(engine.dialect, "do_execute", full)
        cleanup = monkeypatch.undo
    try:
        page = client.post(f"/observations/{facts['observation_id']}/sheet",
                           data=_save_form(live, "Nhận xét rất dài. " * 1100, version))
    finally:
        cleanup()
    assert page.status_code == 507
    assert _message(live, 507) in page.get_data(as_text=True)
    assert _sheet(live) == (notes, version) and count(live, AuditLog) == audit_rows
    with live.app_context():
        if engine.dialect.name == "sqlite":
            assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    assert client.post(f"/observations/{facts['observation_id']}/sheet",
                       data=_save_form(live, "Sau khi dọn đĩa", version)).status_code == 302


class _FullDisk:
    """A file whose write fails half-way with ENOSPC, as on a full disk."""

    def __init__(self, path, mode):
        self.handle = open(path, mode)  # noqa: SIM115  (closed in __exit__)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.handle.close()

    def write(self, data):
        self.handle.write(data[:16])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_under_the_uploads_keeps_the_form_and_leaves_no_file_or_row(world, login, app, monkeypatch):
    from tests.test_uploads import PLAN_FIELDS

    client = login(world.lecturer_user)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(LessonPlan))
    monkeypatch.setattr(uploads, "open", _FullDisk, raising=False)
    response = client.post("/lesson-plans/new", data={**PLAN_FIELDS, "file": (io.BytesIO(documents.PDF), "giáo án.pdf")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    with force_locale("vi"):
        assert str(escape(str(uploads._l("The server has no room left to store this file, so nothing was saved. "
                                         "Your input is kept: please tell the administrator, then send it again."))
                          )) in page
    assert 'value="Giáo án Điều lệ Đảng"' in page and "Hiểu rõ bản chất của Đảng" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonPlan)) == before
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not [path for path in folder.rglob("*") if path.is_file()]


# --- a worker killed in the middle of a write -----------------------------------------------------

ROWS = 1000


def _roster(prefix: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Năm sinh"])
    for number in range(ROWS):
        sheet.append([f"{prefix} Văn Số {number}", 1970 + number % 30])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _worker_of(master: int) -> int | None:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def _healthy(base: str) -> bool:
    import requests

    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _quietly(call, *args):
    """The response, or the connection error of a request whose worker was killed."""
    import requests

    try:
        return call(*args)
    except requests.RequestException as error:
        return error


def _sqlite(url: str) -> sqlite3.Connection:
    return sqlite3.connect(sa.make_url(url).database)


def _lecturers(url: str, family_name: str) -> int:
    with _sqlite(url) as connection:
        return connection.execute("SELECT count(*) FROM lecturer WHERE full_name LIKE ?",
                                  (f"{family_name} Văn Số %",)).fetchone()[0]


def _integrity(url: str) -> str:
    with _sqlite(url) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _wait_for(predicate, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.skipif(is_postgres(), reason="the all-or-nothing import is the same code on PostgreSQL; "
                                          "one gunicorn start per run keeps the suite fast")
def test_a_worker_killed_during_a_roster_import_leaves_all_rows_or_none(tmp_path):
    import requests
    from tests.e2e.conftest import _free_port

    with live_app(tmp_path) as application:  # migrated and seeded here; the SQLite file outlives the block
        director = prepare(application, lambda: factories.make_world().director.username)
        url = application.config["SQLALCHEMY_DATABASE_URI"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LECTERN_ENV": "test", "LECTERN_SQLALCHEMY_DATABASE_URI": url,
           "LECTERN_UPLOAD_FOLDER": str(tmp_path / "uploads"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TEST_DATABASE_URL", None)
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115  (closed below)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--timeout", "60",
                               "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                              cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _healthy(base))
        session = requests.Session()
        signed_in = session.post(f"{base}/login", data={"username": director, "password": factories.PASSWORD},
                                 allow_redirects=False)
        assert signed_in.status_code == 302

        def import_roster(data: bytes):
            return session.post(f"{base}/lecturers/import", data={"dry_run": ""},
                                files={"file": ("roster.xlsx", data)}, allow_redirects=False, timeout=60)

        started = time.monotonic()
        assert import_roster(_roster("Nguyễn")).status_code == 302  # a whole import, to time one
        took = time.monotonic() - started
        assert _lecturers(url, "Nguyễn") == ROWS

        worker = _worker_of(server.pid)
        outcome: dict = {}
        request = threading.Thread(target=lambda: outcome.update(response=_quietly(import_roster, _roster("Trần"))))
        request.start()
        time.sleep(took * 0.6)
        os.kill(worker, signal.SIGKILL)
        request.join(30)

        written = _lecturers(url, "Trần")
        assert written in (0, ROWS), written  # all or nothing, never a part
        print(f"import of {ROWS} rows took {took:.2f} s; killed after {took * 0.6:.2f} s; rows written: {written}")
        assert _integrity(url) == "ok"
        _wait_for(lambda: _worker_of(server.pid) not in (None, worker))
        _wait_for(lambda: _healthy(base))
        again = session.get(f"{base}/lecturers", allow_redirects=False)
        assert again.status_code == 200  # the same session works on the new worker
        assert _lecturers(url, "Nguyễn") == ROWS
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
