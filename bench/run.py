"""``make bench``: Lectern at province scale, as ratios to a bare Flask + SQLAlchemy baseline
measured in the same run on the same machine and database (issue 9).

Datasets (generated once with ``flask demo synth`` and reused): instance/bench/province.db
(BENCH_UNITS × BENCH_LECTURERS × BENCH_YEARS, default 100 × 3000 × 10) and instance/bench/
small.db (1/100 of it) for the flat-growth check; on PostgreSQL as well when
BENCH_DATABASE_URL (or DATABASE_URL) names a server: databases lectern_bench and
lectern_bench_small there. Both apps run under gunicorn (2 sync workers, loopback) and are
loaded with wrk (BENCH_SECONDS per page, 2 connections).
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess  # nosec B404: fixed argument lists, no shell
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "instance" / "bench"
VENV_BIN = Path(sys.executable).parent
UNITS = int(os.environ.get("BENCH_UNITS", "100"))
LECTURERS = int(os.environ.get("BENCH_LECTURERS", "3000"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SMALL_SECONDS = max(3, SECONDS // 2)
PASSWORD = "lectern-synth"  # nosec B105: synthetic accounts only
DIRECTOR, OVERSEER = "u001.director", "synth.overseer"

# page → (throughput target as a share of the baseline's, p99 target as a multiple of it)
TARGETS = {"lecturer list": 0.8, "observation detail": 0.8, "API progress": 0.8}
P99_LIMIT = 3.0


@dataclass
class Target:
    name: str
    big_url: str
    small_url: str
    rows: list[tuple] = field(default_factory=list)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, LECTERN_ENV="demo", FLASK_APP="app:create_app",
               LECTERN_INSECURE_COOKIES="1")
    env.pop("BENCH_DATABASE_URL", None)
    return env


def _flask(url: str, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), *args], cwd=ROOT, env=_env(url), check=True)  # nosec B603


def _has_data(url: str) -> bool:
    import sqlalchemy as sa
    engine = sa.create_engine(_sa_url(url))
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(sa.text("SELECT count(*) FROM sheet")))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _sa_url(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def ensure_dataset(url: str, units: int, lecturers: int, years: int) -> None:
    if _has_data(url):
        log(f"reusing {url}")
        return
    if url.startswith("postgresql"):
        import psycopg
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')  # nosec B608: our own name
            connection.execute(f'CREATE DATABASE "{name}"')
    log(f"generating {units} units × {lecturers} lecturers × {years} years into {url}")
    started = time.monotonic()
    _flask(url, "db", "upgrade")
    _flask(url, "demo", "synth", "--units", str(units), "--lecturers", str(lecturers), "--years", str(years))
    log(f"generated in {time.monotonic() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, app: str, url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # nosec B603
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level",
             "warning", app], cwd=ROOT, env=_env(url), start_new_session=True)
        for _ in range(300):
            try:
                requests.get(self.base + "/login", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"{app} did not start")

    def worker_rss_mb(self) -> float:
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,  # nosec B603 B607
                                  text=True).stdout.split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return max(sizes, default=0.0)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url: str, *, cookie: str = "", method: str = "GET", body: str = "", headers: dict | None = None,
        seconds: int = SECONDS) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, non-2xx/3xx responses) for ``url`` under 2 connections."""
    lines = ['wrk.method = "%s"' % method]
    all_headers = dict(headers or {})
    if cookie:
        all_headers["Cookie"] = cookie
    if body:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        lines.append("wrk.body = %s" % _lua_string(body))
    lines += [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in all_headers.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        output = subprocess.run(["wrk", "-t1", "-c2", f"-d{seconds}s", "--latency", "-s", script.name, url],  # nosec
                                capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, _latency(output, "50%"), _latency(output, "99%"), int(bad.group(1)) if bad else 0


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _latency(output: str, share: str) -> float:
    match = re.search(rf"{re.escape(share)}\s+([\d.]+)(us|ms|s)\b", output)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


class Session:
    """A logged-in browser session on Lectern: cookie header and CSRF token."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.http = requests.Session()
        page = self.http.get(base + "/login").text
        token = _csrf(page)
        response = self.http.post(base + "/login", data={"username": username, "password": PASSWORD,
                                                        "csrf_token": token or ""}, allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed: {response.status_code}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


def _csrf(page: str) -> str | None:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1) if match else None


def sheet_form(page: str) -> dict[str, str]:
    """The scoresheet form on ``page`` filled in (every criterion 1.0), to save as a draft."""
    fields = {"csrf_token": _csrf(page) or "", "action": "save", "version": ""}
    fields.update({name: "1" for name in re.findall(r'name="(score_[^"]+)"', page)})
    return fields


def bench_pages(known: dict[str, int]) -> list[tuple[str, str, str | None, dict]]:
    """(name, path, who opens it, how) of every page measured: who is "director", "overseer",
    "api" (the director's bearer token) or None (signed out); how may say {"method": "POST"}."""
    lecturer, observation = known["lecturer"], known["observation"]
    return [
        ("login", "/login", None, {}),
        ("lecturer list", "/lecturers", "director", {}),
        ("lecturer page with chart", f"/lecturers/{lecturer}", "director", {}),
        ("observation detail", f"/observations/{observation}", "director", {}),
        ("scoresheet save (POST)", f"/observations/{known['open']}/sheet", "director", {"method": "POST"}),
        ("unit dashboard", "/dashboard", "director", {}),
        ("province dashboard", "/province", "overseer", {}),
        ("candidate ranking", "/candidates", "director", {}),
        ("contest ranking", f"/contests/{known['contest']}/ranking", "director", {}),
        ("API progress", f"/api/v1/lecturers/{lecturer}/progress", "api", {}),
        ("cached chart", f"/reviews/lecturers/{lecturer}/progress.svg", "director", {}),
    ]


def ids(url: str) -> dict[str, int]:
    """What the pages are opened on: unit u001's newest-observed lecturer, one of their
    finalised observations, the unit's contest, and the open observation to save a sheet of."""
    os.environ.update(_env(url))
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from app import create_app
    from core.extensions import db
    from core.models import utcnow
    from demo.synth import open_observation
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sa_url(url)})
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
    """Severity fit (a unit, the province), roster import of 3,000 rows, chart cache miss vs
    bare matplotlib — in this process, on ``url``."""
    os.environ.update(_env(url))
    import openpyxl
    import sqlalchemy as sa

    from accounts.models import Unit, User
    from app import create_app
    from core.extensions import db
    from core.models import utcnow
    from lecturers import services as lecturer_services
    from reviews import evidence
    results: dict[str, float] = {}
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sa_url(url)})
    with app.test_request_context():
        today = utcnow().date()
        win = evidence.window(evidence.MAX_MONTHS, today=today)
        evidence.fit(evidence.submitted_sheets([unit_id], win))  # warm-up: imports, caches
        for label, unit_ids in (("unit", [unit_id]),
                                ("province", list(db.session.scalars(sa.select(Unit.id))))):
            started = time.perf_counter()
            evidence.fit(evidence.submitted_sheets(unit_ids, win))
            results[f"severity fit, {label}"] = time.perf_counter() - started
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


def chart_miss_vs_matplotlib(session: Session, url: str, lecturer_id: int) -> tuple[float, float]:
    """(ms for a cache-missing progress chart request, ms for bare matplotlib drawing the same
    figure): the miss is the first request after the chart cache folder is emptied (median of 5;
    it includes the HTTP round trip, the data's queries and the cache write); the reference draws
    the very figure the page serves (same points, bands, marks and labels, read once here) with
    matplotlib's Figure API alone, in this process (median of 5)."""
    cache = ROOT / "instance" / "chart-cache"  # the app's default chart cache folder
    misses = []
    for _ in range(5):
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        session.http.get(f"{session.base}/reviews/lecturers/{lecturer_id}/progress.svg").raise_for_status()
        misses.append(time.perf_counter() - started)
    os.environ.update(_env(url))
    from app import create_app
    from core import charts
    from core.extensions import db
    from core.models import utcnow
    from lecturers.models import Lecturer
    from reviews import progress_charts
    from reviews.progress import ProgressFilters, lecturer_progress
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sa_url(url)})
    with app.test_request_context():
        lecturer = db.session.get(Lecturer, lecturer_id)
        chart = progress_charts.progress_chart(lecturer_progress(lecturer, ProgressFilters(), today=utcnow().date()),
                                               lecturer.full_name)
        db.engine.dispose()
    bare = []
    for _ in range(5):
        started = time.perf_counter()
        charts.render(charts.progress_figure(chart), "svg")
        bare.append(time.perf_counter() - started)
    return sorted(misses)[2] * 1000, sorted(bare)[2] * 1000


def run_target(target: Target) -> None:
    ensure_dataset(target.big_url, UNITS, LECTURERS, YEARS)
    ensure_dataset(target.small_url, max(1, UNITS // 100), max(6, LECTURERS // 100), YEARS)
    full = measure_scale(target, "full", target.big_url, SECONDS)
    small = measure_scale(target, "small", target.small_url, SMALL_SECONDS)
    for name, small_p50 in small.medians.items():
        full_p50 = full.medians[name]
        ratio = full_p50 / small_p50 if small_p50 else float("inf")
        target.rows.append((f"flat growth: {name}", f"{full_p50:.1f} ms", f"{ratio:.2f}", f"{small_p50:.1f} ms", "",
                            "≤1.3× (p50 full / 1/100)", "PASS" if ratio <= 1.3 else "FAIL"))
    target.rows += query_rows(full.queries, small.queries)
    try:
        measured = measure_in_process(target.big_url, known_unit(target.big_url), full.template)
    except Exception as error:  # the table is still printed
        log(f"in-process measures failed: {error!r}")
        measured = {}
    for name, seconds_taken in measured.items():
        limit = 0.2 if name.endswith("unit") else 2.0 if name.endswith("province") else 10.0
        target.rows.append((name, f"{seconds_taken:.2f} s", "", "", "", f"≤{limit:g} s",
                            "PASS" if seconds_taken <= limit else "FAIL"))
    target.rows.append(("worker RSS after the bench", f"{full.rss:.0f} MB", "", "", "", "≤200 MB",
                        "PASS" if full.rss <= 200 else "FAIL"))


@dataclass
class Scale:
    """What one data set gave: each page's median latency and queries, and (at full scale) the
    roster template to import and the workers' memory."""
    medians: dict[str, float] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    template: bytes = b""
    rss: float = 0.0


def measure_scale(target: Target, scale: str, url: str, seconds: int) -> Scale:
    """The baseline, then every page of Lectern under wrk, on ``url``; at full scale the page
    rows, the chart miss row and the baseline row go into the table."""
    known = ids(url)
    result = Scale(queries=queries_per_page(url, known))
    baseline = Server("bench.baseline:create_app()", url)
    try:
        base = wrk(baseline.base + "/", seconds=seconds)
    finally:
        baseline.stop()
    lectern = Server("app:create_app()", url)
    try:
        director, overseer = Session(lectern.base, DIRECTOR), Session(lectern.base, OVERSEER)
        token = requests.post(lectern.base + "/api/v1/tokens",
                              json={"username": DIRECTOR, "password": PASSWORD}).json()["token"]
        sessions = {"director": director, "overseer": overseer, None: None, "api": None}
        for name, path, who, how in bench_pages(known):
            session = sessions[who]
            http = session.http if session else requests
            headers = {"Authorization": f"Bearer {token}"} if who == "api" else None
            status = http.get(lectern.base + path, headers=headers, allow_redirects=False).status_code  # warms caches
            body = urlencode(sheet_form(http.get(lectern.base + path).text)) if how.get("method") == "POST" else ""
            rate, p50, p99, bad = wrk(lectern.base + path, cookie=session.cookie if session else "", body=body,
                                      method=how.get("method", "GET"), headers=headers, seconds=seconds)
            result.medians[name] = p50
            if scale == "full":
                target.rows.append(page_row(name, rate, p99, bad, status, base))
            log(f"[{target.name} {scale}] {name}: {rate:.1f} req/s p50 {p50:.1f} ms p99 {p99:.1f} ms "
                f"(GET {status}, {bad} non-2xx/3xx; {result.queries[name]} SQL queries)")
        if scale == "full":
            target.rows.insert(0, ("baseline (Flask + SQLAlchemy, 50 rows)", f"{base[0]:.1f}", "1.00",
                                   f"{base[2]:.1f}", "1.00", "—", "—"))
            miss, bare = chart_miss_vs_matplotlib(director, url, known["lecturer"])
            target.rows.append(("chart cache miss vs bare matplotlib", f"{miss:.0f} ms", f"{miss / bare:.2f}",
                                f"{bare:.0f} ms", "", "≤1.5×", "PASS" if miss <= 1.5 * bare else "FAIL"))
            result.template = director.http.get(lectern.base + "/lecturers/import/template.xlsx").content
            result.rss = lectern.worker_rss_mb()
        log(f"[{target.name} {scale}] worker RSS {lectern.worker_rss_mb():.0f} MB")
    finally:
        lectern.stop()
    return result


def page_row(name: str, rate: float, p99: float, bad: int, status: int, base: tuple) -> tuple:
    """A page's row: throughput and p99 as ratios to the baseline's, against the page's targets."""
    share = TARGETS.get(name, 0.8 if name == "cached chart" else 0.5)
    checks_p99 = name != "cached chart"
    ok = rate >= share * base[0] and (not checks_p99 or p99 <= P99_LIMIT * base[2]) and bad == 0 and status < 400
    failure = f" ({bad} errors, GET {status})" if bad or status >= 400 else ""
    return (name, f"{rate:.1f}", f"{rate / base[0]:.2f}", f"{p99:.1f}", f"{p99 / base[2]:.2f}",
            f"≥{share}× rps" + (f", ≤{P99_LIMIT:g}× p99" if checks_p99 else ""), "PASS" if ok else "FAIL" + failure)


TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|SAVEPOINT|RELEASE|COMMIT|ROLLBACK)\b", re.IGNORECASE)


def queries_per_page(url: str, known: dict[str, int]) -> dict[str, int]:
    """The SQL queries each page runs (transaction control left out), counted in this process
    with Flask's test client on ``url``: each page is opened once first, as wrk's pages are."""
    os.environ.update(_env(url))
    import sqlalchemy as sa

    from app import create_app
    from core.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sa_url(url)})
    clients = {None: app.test_client(), "api": app.test_client()}
    for who, username in (("director", DIRECTOR), ("overseer", OVERSEER)):
        client = clients[who] = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": _csrf(client.get("/login").text) or ""})
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


def query_rows(full: dict[str, int], small: dict[str, int]) -> list[tuple]:
    """Two rows: the most queries a page runs (≤ 10), and whether any page's count changes
    between the full data set and 1/100 of it."""
    worst = max(full, key=full.get)
    over = [f"{name} {count}" for name, count in full.items() if count > 10]
    growing = [f"{name} {small[name]}→{count}" for name, count in full.items() if count != small[name]]
    return [("SQL queries per page (most)", str(full[worst]), "", worst, "", "≤10 each",
             "PASS" if not over else "FAIL (" + "; ".join(over) + ")"),
            ("SQL queries per page, full vs 1/100", "same" if not growing else "; ".join(growing), "", "", "",
             "equal", "PASS" if not growing else "FAIL")]


def known_unit(url: str) -> int:
    import sqlalchemy as sa
    engine = sa.create_engine(_sa_url(url))
    with engine.connect() as connection:
        unit = connection.scalar(sa.text("SELECT g.unit_id FROM role_grant g JOIN \"user\" u ON u.id = g.user_id "
                                         "WHERE u.username = :name"), {"name": DIRECTOR})
    engine.dispose()
    return unit


def print_table(target: Target) -> None:
    headings = ("page / measure", "req/s (or figure)", "ratio", "p99 ms (or ref.)", "ratio", "target", "result")
    widths = [max(len(str(row[i])) for row in [headings, *target.rows]) for i in range(len(headings))]
    print(f"\n== {target.name}: {UNITS} units, {LECTURERS} lecturers, {YEARS} years; wrk {SECONDS} s × 2 connections")
    for row in [headings, tuple("-" * width for width in widths), *target.rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    failed = [row[0] for row in target.rows if str(row[-1]).startswith("FAIL")]
    print(f"FAIL rows ({len(failed)}): " + ("; ".join(failed) if failed else "none"))


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make bench does it)")
    BENCH.mkdir(parents=True, exist_ok=True)
    targets = [Target("SQLite", f"sqlite:///{BENCH}/province.db", f"sqlite:///{BENCH}/small.db")]
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if server and server.startswith("postgresql"):
        server = server.rsplit("/", 1)[0]
        targets.append(Target("PostgreSQL", f"{server}/lectern_bench", f"{server}/lectern_bench_small"))
    started = time.monotonic()
    for target in targets:
        run_target(target)
    for target in targets:
        print_table(target)
    print(f"\nbench ran {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
