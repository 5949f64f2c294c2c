"""The measures ``make bench`` takes in its own process, with Lectern's app on a data set:
which records the pages are opened on, the SQL queries of each page, the severity fit, the
roster import and a chart cache miss against bare matplotlib."""
from __future__ import annotations

import io
import os
import re
import shutil
import statistics
import sys
import time
from typing import TYPE_CHECKING

from common import (DIRECTOR, OVERSEER, PASSWORD, ROOT, bench_pages, csrf_token, env_for, log, sa_url,
                    sheet_form)

if TYPE_CHECKING:
    from run import Session


def ids(url: str) -> dict[str, int]:
    """What the pages are opened on: unit u001's newest-observed lecturer, one of their
    finalised observations, the unit's contest, and the open observation to save a sheet of."""
    os.environ.update(env_for(url))
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from app import create_app
    from core.extensions import db
    from core.models import utcnow
    from demo.synth import open_observation
    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url(url)})
    with app.app_context():
        connection = db.session.connection()
        open_id = open_observation(connection, DIRECTOR, now=utcnow())
        db.session.commit()
        row = db.session.execute(sa.text(
            "SELECT o.id, o.lecturer_id, o.unit_id FROM observation o JOIN role_grant g ON g.unit_id = o.unit_id "
            "JOIN \"user\" u ON u.id = g.user_id WHERE u.username = :name AND o.state = 'finalized' "
            "ORDER BY o.date DESC, o.id DESC LIMIT 1"), {"name": DIRECTOR}).one()
        contest = db.session.scalar(sa.text("SELECT max(id) FROM contest WHERE unit_id = :unit"), {"unit": row[2]})
        db.engine.dispose()
    return {"observation": row[0], "lecturer": row[1], "unit": row[2], "contest": contest, "open": open_id}


def measure_in_process(url: str, unit_id: int, template: bytes) -> dict[str, float]:
    """Severity fit (a unit, the province: the median of FIT_RUNS, as the pages' ratios are
    medians of rounds; right after the pages' load the database may still be writing), roster
    import of 3,000 rows — in this process, on ``url``."""
    os.environ.update(env_for(url))
    import openpyxl
    import sqlalchemy as sa

    from accounts.models import Unit, User
    from app import create_app
    from core.extensions import db
    from core.models import utcnow
    from lecturers import services as lecturer_services
    from reviews import evidence
    results: dict[str, float] = {}
    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url(url)})
    with app.test_request_context():
        today = utcnow().date()
        win = evidence.window(evidence.MAX_MONTHS, today=today)
        evidence.fit(evidence.submitted_sheets([unit_id], win))  # warm-up: imports, caches
        for label, unit_ids in (("unit", [unit_id]),
                                ("province", list(db.session.scalars(sa.select(Unit.id))))):
            runs = []
            for _ in range(FIT_RUNS):
                started = time.perf_counter()
                evidence.fit(evidence.submitted_sheets(unit_ids, win))
                runs.append(time.perf_counter() - started)
            results[f"severity fit, {label}"] = statistics.median(runs)
        workbook = openpyxl.load_workbook(io.BytesIO(template))
        sheet = workbook.worksheets[0]
        for number in range(3000):
            sheet.append([f"Nguyễn Văn Thử {number:04d}", 1980 + number % 20, "Nam", "Kiêm nhiệm", "Ban Tổ chức",
                          "Chuyên viên", "Kiêm chức", "Trung cấp", "Cử nhân", "Không", "02/01/2020", "Có"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        unit = db.session.get(Unit, unit_id)
        director = db.session.scalar(sa.select(User).where(User.username == DIRECTOR))
        started = time.perf_counter()
        report = lecturer_services.import_roster(buffer.getvalue(), unit=unit, dry_run=False, actor=director,
                                                 now=utcnow())
        db.session.flush()
        results["roster import, 3,000 rows"] = time.perf_counter() - started
        if not report.written:
            log("roster import wrote nothing: " + "; ".join(str(p) for r in report.rows for p in r.problems[:1])[:500])
            results["roster import, 3,000 rows"] = float("inf")
        db.session.rollback()
        db.engine.dispose()
    return results


def chart_miss_vs_matplotlib(session: Session, url: str, unit_id: int, served: int) -> tuple[float, float, float]:
    """(ms for a cache-missing progress chart request, ms for bare matplotlib drawing the same
    figure, and the ratio of the two), medians over CHART_PAIRS lecturers of the unit other than
    ``served`` (whose chart the workers have already drawn and keep in memory). Each miss is the
    first request for that lecturer's chart after the chart cache folder is emptied; it includes
    the HTTP round trip, the data's queries and the cache write. The reference draws the very
    figure the page serves (same points, bands, marks and labels, read once here) with
    matplotlib's Figure API alone, in this process, right after the miss: the ratio is the
    median of each pair's (the machine's speed drifts between pairs)."""
    os.environ.update(env_for(url))
    import sqlalchemy as sa

    from app import create_app
    from core import charts
    from core.extensions import db
    from core.models import utcnow
    from lecturers.models import Lecturer
    from reviews import progress_charts
    from reviews.progress import ProgressFilters, lecturer_progress
    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url(url)})
    with app.test_request_context():
        lecturers = list(db.session.scalars(sa.select(Lecturer).where(Lecturer.unit_id == unit_id,
                                                                      Lecturer.id != served)
                                            .order_by(Lecturer.id).limit(CHART_PAIRS)))
        figures = {lecturer.id: progress_charts.progress_chart(
            lecturer_progress(lecturer, ProgressFilters(), today=utcnow().date()), lecturer.full_name)
            for lecturer in lecturers}
        db.engine.dispose()
    charts.render(charts.progress_figure(next(iter(figures.values()))), "svg")  # matplotlib's first draw: not timed
    cache = ROOT / "instance" / "chart-cache"  # the app's default chart cache folder
    misses, bare = [], []
    for lecturer_id, chart in figures.items():
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        session.http.get(f"{session.base}/reviews/lecturers/{lecturer_id}/progress.svg").raise_for_status()
        misses.append(time.perf_counter() - started)
        started = time.perf_counter()
        charts.render(charts.progress_figure(chart), "svg")
        bare.append(time.perf_counter() - started)
    return (statistics.median(misses) * 1000, statistics.median(bare) * 1000,
            statistics.median(miss / drawn for miss, drawn in zip(misses, bare)))


CHART_PAIRS = 7
FIT_RUNS = 3


TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|SAVEPOINT|RELEASE|COMMIT|ROLLBACK)\b", re.IGNORECASE)


def queries_per_page(url: str, known: dict[str, int]) -> dict[str, int]:
    """The SQL queries each page runs (transaction control left out), counted in this process
    with Flask's test client on ``url``: each page is opened once first, as wrk's pages are."""
    os.environ.update(env_for(url))
    import sqlalchemy as sa

    from app import create_app
    from core.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url(url)})
    clients = {None: app.test_client(), "api": app.test_client()}
    for who, username in (("director", DIRECTOR), ("overseer", OVERSEER)):
        client = clients[who] = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": csrf_token(client.get("/login").text) or ""})
    token = clients["api"].post("/api/v1/tokens", json={"username": DIRECTOR, "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    with app.app_context():  # only to find the engine: each request must have its own context (and g)
        engine = db.engine
    counts = {}
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for name, path, who, how in bench_pages(known):
            client = clients[who]
            for _ in range(2):  # the second time is counted
                if how.get("method") == "POST":
                    form = sheet_form(client.get(path).text)
                    statements.clear()
                    status = client.post(path, data=form).status_code
                else:
                    statements.clear()
                    status = client.get(path, headers=headers if who == "api" else None).status_code
            if status >= 400 or (status != 200 and how.get("method") != "POST"):
                raise RuntimeError(f"{name}: {status} in process")
            counts[name] = sum(1 for statement in statements if not TRANSACTION_CONTROL.match(statement))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return counts


def known_unit(url: str) -> int:
    import sqlalchemy as sa
    engine = sa.create_engine(sa_url(url))
    with engine.connect() as connection:
        unit = connection.scalar(sa.text("SELECT g.unit_id FROM role_grant g JOIN \"user\" u ON u.id = g.user_id "
                                         "WHERE u.username = :name"), {"name": DIRECTOR})
    engine.dispose()
    return unit
