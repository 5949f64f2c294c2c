"""``make bench``: Lectern at province scale, as ratios to a bare Flask + SQLAlchemy baseline
measured in the same run on the same machine and database (issue 9).

Datasets (generated once with ``flask demo synth`` and reused): instance/bench/province.db
(BENCH_UNITS × BENCH_LECTURERS × BENCH_YEARS, default 100 × 3000 × 10) and instance/bench/
small.db (1/100 of it) for the flat-growth check; on PostgreSQL as well when
BENCH_DATABASE_URL (or DATABASE_URL) names a server: databases lectern_bench and
lectern_bench_small there. The baseline and Lectern on both data sets run side by side under
gunicorn (2 sync workers each, loopback). Each page is measured in BENCH_ROUNDS rounds, and in
each round wrk (2 connections) loads the baseline (BASELINE_SECONDS), then the page at full
scale (BENCH_SECONDS) and at 1/100 (SMALL_SECONDS): a ratio compares figures taken seconds
apart, and the page's ratio is the median of its rounds'. A shared machine's speed drifts by
a fifth over a few seconds; one long window per page let a slow spell decide a row.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess  # nosec B404: fixed argument lists, no shell
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

from common import (BENCH, DIRECTOR, OVERSEER, PASSWORD, ROOT, VENV_BIN, bench_pages, csrf_token, env_for, log,
                    sa_url, sheet_form)
from in_process import chart_miss_vs_matplotlib, ids, known_unit, measure_in_process, queries_per_page

UNITS = int(os.environ.get("BENCH_UNITS", "100"))
LECTURERS = int(os.environ.get("BENCH_LECTURERS", "3000"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
SMALL_SECONDS = max(1, SECONDS // 2)  # its median latency only (flat growth)
BASELINE_SECONDS = max(2, SECONDS // 2)  # before the page in each round: the round's ratios are to it
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WARM_UP_SECONDS = 1  # wrk on each page before it is measured: both workers past their first requests

# page → (throughput target as a share of the baseline's, p99 target as a multiple of it)
TARGETS = {"lecturer list": 0.8, "observation detail": 0.8, "API progress": 0.8}
P99_LIMIT = 3.0


@dataclass
class Target:
    name: str
    big_url: str
    small_url: str
    rows: list[tuple] = field(default_factory=list)


def _flask(url: str, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env_for(url), check=True)  # nosec B603


def _has_data(url: str) -> bool:
    import sqlalchemy as sa
    engine = sa.create_engine(sa_url(url))
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(sa.text("SELECT count(*) FROM sheet")))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def ensure_dataset(url: str, units: int, lecturers: int, years: int) -> None:
    if _has_data(url):
        log(f"reusing {url}")
        _flask(url, "db", "upgrade")  # a data set generated before the latest migrations
        _vacuum(url)
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


def _vacuum(url: str) -> None:
    """A reused PostgreSQL data set starts the run as a new one does: the row versions earlier
    runs left (each run saves one sheet some ten thousand times) are vacuumed away. Without
    autovacuum (it is off on some servers) they piled up from run to run, and the save read
    its sheet through them ever more slowly."""
    if not url.startswith("postgresql"):
        return
    import psycopg
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


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
             "warning", app], cwd=ROOT, env=env_for(url), start_new_session=True)
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
        token = csrf_token(page)
        response = self.http.post(base + "/login", data={"username": username, "password": PASSWORD,
                                                        "csrf_token": token or ""}, allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed: {response.status_code}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


def run_target(target: Target) -> None:
    ensure_dataset(target.big_url, UNITS, LECTURERS, YEARS)
    ensure_dataset(target.small_url, max(1, UNITS // 100), max(6, LECTURERS // 100), YEARS)
    full, small = measure_pages(target)
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


@dataclass
class Lectern:
    """Lectern served on one data set, signed in as the bench's users, and how wrk loads each page."""
    server: Server
    known: dict[str, int]
    sessions: dict = field(default_factory=dict)
    loads: dict[str, tuple[str, dict, int]] = field(default_factory=dict)  # name → (url, wrk options, GET status)

    @classmethod
    def start(cls, url: str) -> Lectern:
        lectern = cls(Server("app:create_app()", url), ids(url))
        try:
            lectern.sign_in()
        except Exception:
            lectern.server.stop()
            raise
        return lectern

    def sign_in(self) -> None:
        base = self.server.base
        self.sessions = {"director": Session(base, DIRECTOR), "overseer": Session(base, OVERSEER), None: None}
        token = requests.post(base + "/api/v1/tokens",
                              json={"username": DIRECTOR, "password": PASSWORD}).json()["token"]
        for name, path, who, how in bench_pages(self.known):
            session = self.sessions.get(who)
            http = session.http if session else requests
            headers = {"Authorization": f"Bearer {token}"} if who == "api" else None
            status = http.get(base + path, headers=headers, allow_redirects=False).status_code  # warms caches
            body = urlencode(sheet_form(http.get(base + path).text)) if how.get("method") == "POST" else ""
            self.loads[name] = (base + path, {"cookie": session.cookie if session else "", "body": body,
                                                 "method": how.get("method", "GET"), "headers": headers}, status)


def measure_pages(target: Target) -> tuple[Scale, Scale]:
    """Every page under wrk on the full data set and on 1/100 of it, page after page, in rounds
    that each begin with a fresh measure of the baseline on the full data set. The three
    servers run side by side (only the one measured is loaded): a shared machine's speed drifts
    over a run, and figures taken minutes apart would compare the drift, not the pages."""
    full, small = Scale(), Scale()
    full.queries = queries_per_page(target.big_url, ids(target.big_url))
    small.queries = queries_per_page(target.small_url, ids(target.small_url))
    baseline = Server("bench.baseline:create_app()", target.big_url)
    lecterns: dict[str, Lectern] = {}
    try:
        for scale, url in (("full", target.big_url), ("small", target.small_url)):
            lecterns[scale] = Lectern.start(url)
        wrk(baseline.base + "/", seconds=WARM_UP_SECONDS)
        bases = []
        for name in lecterns["full"].loads:
            status = lecterns["full"].loads[name][2]
            rounds = measure_rounds(baseline, lecterns["full"].loads[name], lecterns["small"].loads[name])
            bases += [base for base, _, _ in rounds]
            full.medians[name] = statistics.median(page[1] for _, page, _ in rounds)
            small.medians[name] = statistics.median(page[1] for _, _, page in rounds)
            target.rows.append(page_row(name, rounds, status))
            for base, page, _ in rounds:
                log(f"[{target.name}] {name}: {page[0]:.1f} req/s p50 {page[1]:.1f} ms p99 {page[2]:.1f} ms "
                    f"(baseline {base[0]:.1f} req/s p99 {base[2]:.1f} ms; GET {status}, {page[3]} non-2xx/3xx; "
                    f"{full.queries[name]} SQL queries)")
        rates, p99s = [base[0] for base in bases], [base[2] for base in bases]
        target.rows.insert(0, ("baseline (Flask + SQLAlchemy, 50 rows)", f"{statistics.median(rates):.1f}", "1.00",
                               f"{statistics.median(p99s):.1f}", "1.00",
                               f"median of {len(bases)}: {min(rates):.0f}–{max(rates):.0f} req/s", "—"))
        lectern = lecterns["full"]
        miss, bare, ratio = chart_miss_vs_matplotlib(lectern.sessions["director"], target.big_url,
                                                     lectern.known["unit"], lectern.known["lecturer"])
        target.rows.append(("chart cache miss vs bare matplotlib", f"{miss:.0f} ms", f"{ratio:.2f}",
                            f"{bare:.0f} ms", "", "≤1.5× (median of pairs)", "PASS" if ratio <= 1.5 else "FAIL"))
        full.template = lectern.sessions["director"].http.get(
            lectern.server.base + "/lecturers/import/template.xlsx").content
        full.rss = lectern.server.worker_rss_mb()
        log(f"[{target.name}] worker RSS {full.rss:.0f} MB (full), {lecterns['small'].server.worker_rss_mb():.0f} MB "
            f"(1/100)")
    finally:
        baseline.stop()
        for lectern in lecterns.values():
            lectern.server.stop()
    return full, small


def measure_rounds(baseline: Server, full: tuple[str, dict, int], small: tuple[str, dict, int]) -> list[tuple]:
    """A page's ROUNDS rounds, after a warm-up at each scale (each worker's first requests
    compile templates): (baseline, full, 1/100), each (requests/s, p50 ms, p99 ms, non-2xx/3xx)."""
    (full_url, full_load, _), (small_url, small_load, _) = full, small
    wrk(full_url, **full_load, seconds=WARM_UP_SECONDS)
    wrk(small_url, **small_load, seconds=WARM_UP_SECONDS)
    return [(wrk(baseline.base + "/", seconds=BASELINE_SECONDS), wrk(full_url, **full_load, seconds=SECONDS),
             wrk(small_url, **small_load, seconds=SMALL_SECONDS)) for _ in range(ROUNDS)]


def page_row(name: str, rounds: list[tuple], status: int) -> tuple:
    """A page's row: its median throughput and p99 over the rounds, and the median of each
    round's ratios to the baseline, against the page's targets."""
    share = TARGETS.get(name, 0.8 if name == "cached chart" else 0.5)
    checks_p99 = name != "cached chart"
    rate_ratio = statistics.median(page[0] / base[0] for base, page, _ in rounds)
    p99_ratio = statistics.median(page[2] / base[2] for base, page, _ in rounds)
    bad = sum(page[3] + small[3] for _, page, small in rounds)  # at either scale
    ok = rate_ratio >= share and (not checks_p99 or p99_ratio <= P99_LIMIT) and bad == 0 and status < 400
    failure = f" ({bad} errors, GET {status})" if bad or status >= 400 else ""
    return (name, f"{statistics.median(page[0] for _, page, _ in rounds):.1f}", f"{rate_ratio:.2f}",
            f"{statistics.median(page[2] for _, page, _ in rounds):.1f}", f"{p99_ratio:.2f}",
            f"≥{share}× rps" + (f", ≤{P99_LIMIT:g}× p99" if checks_p99 else ""), "PASS" if ok else "FAIL" + failure)


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


def print_table(target: Target) -> None:
    headings = ("page / measure", "req/s (or figure)", "ratio", "p99 ms (or ref.)", "ratio", "target", "result")
    widths = [max(len(str(row[i])) for row in [headings, *target.rows]) for i in range(len(headings))]
    print(f"\n== {target.name}: {UNITS} units, {LECTURERS} lecturers, {YEARS} years; each page {ROUNDS} rounds of wrk "
          f"{SECONDS} s × 2 connections (ratios: the median of the rounds')")
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
