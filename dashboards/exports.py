"""Excel exports of a unit: observations with their per-criterion scores, the roster, the
quarterly report. Workbooks are written with openpyxl's write-only mode, row by row from
queries read in chunks, into a file: memory stays flat whatever the size. A large export is
prepared in the background (a thread of the worker) and its progress is kept in a small JSON
file next to it, so any worker can report it and serve the result."""
from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import Unit
from core.db import reading_only
from core.extensions import db
from lecturers.models import Lecturer, TrainingClass
from meetings.models import Attendance, Meeting
from reviews.enums import ObservationState
from reviews.models import Observation
from reviews.rubrics import Criterion, RubricVersion

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500
JOB_ID_LENGTH = 32


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: Iterator[list]


# --- the rows -----------------------------------------------------------------------------------


def observation_count(unit_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Observation.id)).where(Observation.unit_id == unit_id)) or 0


def criterion_codes(unit_id: int) -> list[str]:
    """Every criterion code of the rubric versions the unit's observations use, in rubric order."""
    used = sa.select(Observation.rubric_version_id).where(Observation.unit_id == unit_id).distinct()
    rows = db.session.execute(sa.select(Criterion.code, sa.func.min(Criterion.domain_position),
                                        sa.func.min(Criterion.position))
                              .where(Criterion.version_id.in_(used)).group_by(Criterion.code))
    return [code for code, *_ in sorted(rows, key=lambda row: (row[1], row[2], _natural(row[0])))]


def _natural(code: str) -> list:
    return [int(part) if part.isdigit() else part for part in code.replace("-", ".").split(".")]


def observation_rows(unit_id: int, codes: list[str], labels: dict[str, str]) -> Iterator[list]:
    """One row per observation, oldest first, read ``CHUNK`` at a time (keyset on the id)."""
    last_id = 0
    while True:
        chunk = list(db.session.scalars(
            sa.select(Observation).where(Observation.unit_id == unit_id, Observation.id > last_id)
            .options(joinedload(Observation.lecturer), joinedload(Observation.topic),
                     selectinload(Observation.amendments), selectinload(Observation.scores),
                     joinedload(Observation.rubric_version).selectinload(RubricVersion.criteria))
            .order_by(Observation.id).limit(CHUNK)))
        if not chunk:
            return
        for o in chunk:
            final = o.state == ObservationState.FINALIZED
            result = o.result() if final else {"total": None, "percent": None, "rating": None, "per_criterion": {}}
            by_code = {c.code: result["per_criterion"].get(c.id) for c in o.rubric_version.criteria}
            yield [o.id, o.date, o.lecturer.full_name, labels.get(o.kind, o.kind), o.topic_title,
                   labels.get(o.state, o.state), _num(result["total"]), _num(result["percent"]),
                   labels.get(result["rating"], result["rating"] or ""), *[_num(by_code.get(code)) for code in codes]]
        last_id = chunk[-1].id
        db.session.expire_all()  # keep the identity map small


def _num(value):
    return float(value) if value is not None else None


def roster_rows(unit_id: int, labels: dict[str, str]) -> Iterator[list]:
    query = sa.select(Lecturer).where(Lecturer.unit_id == unit_id).order_by(Lecturer.sort_key, Lecturer.id)
    for lecturer in db.session.scalars(query):
        yield [lecturer.id, lecturer.full_name, labels.get(lecturer.kind, lecturer.kind), lecturer.position,
               lecturer.home_body, lecturer.birth_year, lecturer.label("gender") or "",
               lecturer.label("theory_level") or "", lecturer.label("degree") or "", lecturer.start_date,
               labels["yes"] if lecturer.is_active else labels["no"]]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarterly_sheets(unit: Unit, year: int, quarter: int, titles: dict[str, str], headers: dict[str, list[str]],
                     labels: dict[str, str]) -> list[Sheet]:
    """Classes, observations, ratings and meetings of one quarter."""
    start, end = quarter_bounds(year, quarter)
    classes = db.session.scalars(
        sa.select(TrainingClass).where(TrainingClass.unit_id == unit.id, TrainingClass.start_date <= end,
                                       TrainingClass.end_date >= start)
        .options(joinedload(TrainingClass.programme)).order_by(TrainingClass.start_date, TrainingClass.id))
    class_rows = [[c.name, c.programme.code, c.start_date, c.end_date, c.learner_count, labels.get(c.status, c.status)]
                  for c in classes]
    observations = list(db.session.scalars(
        sa.select(Observation).where(Observation.unit_id == unit.id, Observation.date.between(start, end))
        .options(joinedload(Observation.lecturer), joinedload(Observation.topic), selectinload(Observation.amendments))
        .order_by(Observation.date, Observation.id)))
    observation_rows_ = []
    ratings: dict[str, int] = {}
    for o in observations:
        result = o.summary() if o.is_finalized else {"total": None, "percent": None, "rating": None}
        if result["rating"]:
            ratings[result["rating"]] = ratings.get(result["rating"], 0) + 1
        observation_rows_.append([o.date, o.lecturer.full_name, labels.get(o.kind, o.kind), o.topic_title,
                                  labels.get(o.state, o.state), _num(result["percent"]),
                                  labels.get(result["rating"], "") if result["rating"] else ""])
    attendance = sa.func.count(Attendance.id)
    meetings = db.session.execute(
        sa.select(Meeting.month, Meeting.state, attendance.filter(Attendance.status == "present"), attendance)
        .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Meeting.unit_id == unit.id, Meeting.month.between(start, end))
        .group_by(Meeting.id, Meeting.month, Meeting.state).order_by(Meeting.month))
    meeting_rows = [[month.strftime("%m/%Y"), labels.get(state, state), present, total]
                    for month, state, present, total in meetings]
    summary = [[titles["classes"], len(class_rows)], [titles["learners"], sum(row[4] for row in class_rows)],
               [titles["observations"], len(observation_rows_)],
               *[[labels.get(code, code), count] for code, count in sorted(ratings.items())],
               [titles["meetings"], len(meeting_rows)]]
    return [Sheet(titles["summary"], headers["summary"], iter(summary)),
            Sheet(titles["classes"], headers["classes"], iter(class_rows)),
            Sheet(titles["observations"], headers["observations"], iter(observation_rows_)),
            Sheet(titles["meetings"], headers["meetings"], iter(meeting_rows))]


# --- the workbook -------------------------------------------------------------------------------


def write_workbook(path: str | Path, sheets: list[Sheet], *, progress: Callable[[int], None] | None = None) -> int:
    """Write ``sheets`` into an .xlsx file at ``path`` atomically; return the number of data rows."""
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        bold = []
        for text in spec.header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in spec.rows:
            sheet.append(row)
            written += 1
            if progress and written % CHUNK == 0:
                progress(written)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


# --- background jobs ------------------------------------------------------------------------------


def _folder() -> Path:
    folder = Path(current_app.config["EXPORT_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_status(job_id: str, status: dict) -> None:
    path = _folder() / f"{job_id}.json"
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(status, out)
    os.replace(temporary, path)


def job_status(job_id: str) -> dict | None:
    if len(job_id) != JOB_ID_LENGTH or not job_id.isalnum():
        return None
    try:
        return json.loads((_folder() / f"{job_id}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def job_file(job_id: str) -> Path:
    return _folder() / f"{job_id}.xlsx"


def start_job(*, unit_id: int, user_id: int, total: int, filename: str,
              build: Callable[[Callable[[int], None]], list[Sheet]]) -> str:
    """Prepare a workbook in the background (or within the request when EXPORT_IN_BACKGROUND is
    off); ``build(progress)`` returns its sheets and runs inside an application context."""
    job_id = secrets.token_hex(JOB_ID_LENGTH // 2)
    status = {"unit_id": unit_id, "user_id": user_id, "total": total, "done": 0, "state": "running",
              "filename": filename}
    _write_status(job_id, status)

    def run() -> None:
        def progress(done: int) -> None:
            _write_status(job_id, {**status, "done": done})

        try:
            rows = write_workbook(job_file(job_id), build(progress), progress=progress)
            _write_status(job_id, {**status, "done": rows, "state": "ready"})
        except Exception:  # noqa: BLE001  (reported on the status page, logged here)
            current_app.logger.exception("export %s failed", job_id)
            _write_status(job_id, {**status, "state": "failed"})

    if not current_app.config.get("EXPORT_IN_BACKGROUND", True):
        run()
        return job_id
    app = current_app._get_current_object()

    def in_context() -> None:
        with app.app_context(), reading_only():  # a long read must not hold the SQLite write lock
            try:
                run()
            finally:
                db.session.remove()

    threading.Thread(target=in_context, name=f"export-{job_id[:8]}", daemon=True).start()
    return job_id
