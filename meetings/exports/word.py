"""The minutes as a Word document (python-docx), in Times New Roman as Party documents are."""
from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from core.documents import a4_document, layout_table
from meetings.exports.content import Block, Run, minutes_blocks
from meetings.presenters import MinutesPage

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_docx(page: MinutesPage) -> bytes:
    document = a4_document()
    for block in minutes_blocks(page):
        _DOCX[block.kind](document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_runs(paragraph, runs: list[Run]) -> None:
    for run in runs:
        lines = run.text.split("\n")
        for index, line in enumerate(lines):
            piece = paragraph.add_run(line)
            piece.bold, piece.italic = run.bold, run.italic
            if index < len(lines) - 1:
                piece.add_break()


def _centred(paragraph, text: str, *, bold=False, italic=False, underline=False, size=None) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)


def _docx_header(document, block: Block) -> None:
    left, right = layout_table(document, [Cm(7), Cm(9.5)]).rows[0].cells
    unit, star, number = block.left
    _centred(left.paragraphs[0], unit, bold=True, size=13)
    _centred(left.add_paragraph(), star, bold=True)
    _centred(left.add_paragraph(), number, size=13)
    party, dated = block.right
    _centred(right.paragraphs[0], party, bold=True, underline=True, size=15)
    right.add_paragraph()
    _centred(right.add_paragraph(), dated, italic=True, size=13)


def _docx_title(document, block: Block) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    _centred(paragraph, block.runs[0].text, bold=True, size=15)


def _docx_subtitle(document, block: Block) -> None:
    paragraph = document.add_paragraph()
    _centred(paragraph, block.runs[0].text, bold=True, size=14)
    paragraph.paragraph_format.space_after = Pt(12)


def _docx_note(document, block: Block) -> None:
    _centred(document.add_paragraph(), block.runs[0].text, italic=True)


def _docx_heading(document, block: Block) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    _add_runs(paragraph, block.runs)


def _docx_paragraph(document, block: Block) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _add_runs(paragraph, block.runs)


def _docx_bullet(document, block: Block) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(0.6)
    paragraph.paragraph_format.first_line_indent = Cm(-0.4)
    _add_runs(paragraph, [Run("- "), *block.runs])


def _docx_table(document, block: Block) -> None:
    table = document.add_table(rows=0, cols=len(block.widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    scale = 16.5 / sum(block.widths)
    for index, values in enumerate(block.rows):
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, block.widths, strict=True):
            cell.width = Cm(width * scale)
            run = cell.paragraphs[0].add_run(value)
            run.bold = index == 0
            run.font.size = Pt(12)


def _docx_signatures(document, block: Block) -> None:
    left, right = layout_table(document, [Cm(8), Cm(8.5)]).rows[0].cells
    for cell, (label, name) in ((left, block.left), (right, block.right)):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_before = Pt(12)
        _centred(paragraph, label, bold=True)
        for _blank in range(3):
            cell.add_paragraph()
        _centred(cell.add_paragraph(), name, bold=True)


_DOCX = {"header": _docx_header, "title": _docx_title, "subtitle": _docx_subtitle, "note": _docx_note,
         "heading": _docx_heading, "paragraph": _docx_paragraph, "bullet": _docx_bullet, "table": _docx_table,
         "signatures": _docx_signatures}
