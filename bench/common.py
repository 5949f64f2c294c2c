"""What ``make bench`` and its in-process measures share: where things are, the synthetic
accounts, the environment the apps run in, and the pages measured."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "instance" / "bench"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "lectern-synth"  # nosec B105: synthetic accounts only
DIRECTOR, OVERSEER = "u001.director", "synth.overseer"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, LECTERN_ENV="demo", FLASK_APP="app:create_app",
               LECTERN_INSECURE_COOKIES="1")
    env.pop("BENCH_DATABASE_URL", None)
    return env


def sa_url(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def csrf_token(page: str) -> str | None:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1) if match else None


def sheet_form(page: str) -> dict[str, str]:
    """The scoresheet form on ``page`` filled in (every criterion 1.0), to save as a draft."""
    fields = {"csrf_token": csrf_token(page) or "", "action": "save", "version": ""}
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
