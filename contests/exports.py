"""The contest's results as an Excel workbook and a Word document (bảng tổng hợp kết quả).

Pure: takes the ranking page already built and returns bytes; texts go through gettext."""
from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contests.presenters import RankingPage
from core.vietnamese import fold

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


def filename(page: RankingPage, extension: str) -> str:
    name = "-".join(fold(page.contest.name).split())[:60] or "hoi-thi"
    return f"ket-qua-{name}-{page.contest.year}.{extension}"


def _headings(page: RankingPage) -> list[str]:
    return [_("Rank"), _("Lecturer"), _("Unit"), _("Topic"),
            *(f"{c.name} (×{c.weight.normalize()})" for c in page.contest.components), _("Total"), _("Prize")]


def _cells(page: RankingPage) -> list[list]:
    return [[row.rank, row.entry.lecturer.full_name, row.entry.unit.name, row.entry.topic,
             *(row.components.get(c.code) for c in page.contest.components), row.total,
             str(row.prize.label) if row.prize else ""] for row in page.rows]


def results_xlsx(page: RankingPage) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Results")[:31]
    sheet.append([page.contest.name])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"{page.contest.unit.name} — {page.contest.year}"])
    sheet.append([])
    sheet.append(_headings(page))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for values in _cells(page):
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in values])
    for column, width in zip("ABCD", (8, 28, 32, 40)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_docx(page: RankingPage) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    title = document.add_paragraph()
    run = title.add_run(_("RESULTS: %(name)s", name=page.contest.name.upper()))
    run.bold = True
    document.add_paragraph(f"{page.contest.unit.name} — {page.contest.year}")
    headings = _headings(page)
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in _cells(page):
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
