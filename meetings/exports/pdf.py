"""The minutes as a PDF (fpdf2), with DejaVu Sans embedded from matplotlib's data."""
from __future__ import annotations

import os

import matplotlib
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from meetings.exports.content import Block, Run, minutes_blocks, month_label
from meetings.presenters import MinutesPage

FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
PDF_FONT = "DejaVuSans"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
               "BI": "DejaVuSans-BoldOblique.ttf"}
_LINE = 5.5  # mm per line at 11 pt


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(PDF_FONT, "", 8)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")


def minutes_pdf(page: MinutesPage) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_margins(left=25, top=18, right=15)
    pdf.set_auto_page_break(auto=True, margin=18)
    for style, name in _FONT_FILES.items():
        pdf.add_font(PDF_FONT, style, os.path.join(FONT_DIR, name))
    pdf.set_title(_("Minutes of the professional meeting, month %(month)s", month=month_label(page.meeting)))
    pdf.set_creator("Lectern")
    pdf.add_page()
    pdf.set_font(PDF_FONT, "", 11)
    for block in minutes_blocks(page):
        _PDF[block.kind](pdf, block)
    return bytes(pdf.output())


def _style(run: Run) -> str:
    return ("B" if run.bold else "") + ("I" if run.italic else "")


def _pdf_write(pdf: FPDF, runs: list[Run], *, size: float = 11) -> None:
    for run in runs:
        pdf.set_font(PDF_FONT, _style(run), size)
        pdf.write(_LINE, run.text)
    pdf.set_font(PDF_FONT, "", 11)
    pdf.ln(_LINE)


def _pdf_header(pdf: FPDF, block: Block) -> None:
    top, width = pdf.get_y(), pdf.epw
    left_width, right_width = width * 0.42, width * 0.58
    unit, star, number = block.left
    pdf.set_font(PDF_FONT, "B", 10.5)
    pdf.multi_cell(left_width, 5, unit, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(left_width, 5, star, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(PDF_FONT, "", 10.5)
    pdf.multi_cell(left_width, 5, number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    party, dated = block.right
    pdf.set_xy(pdf.l_margin + left_width, top)
    pdf.set_font(PDF_FONT, "B", 12)
    pdf.cell(right_width, 6, party, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    underline = pdf.get_string_width(party)
    centre = pdf.l_margin + left_width + right_width / 2
    pdf.line(centre - underline / 2, pdf.get_y(), centre + underline / 2, pdf.get_y())
    pdf.ln(4)
    pdf.set_x(pdf.l_margin + left_width)
    pdf.set_font(PDF_FONT, "I", 10.5)
    pdf.multi_cell(right_width, 5, dated, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_font(PDF_FONT, "", 11)


def _pdf_centred(size: float, style: str):
    def draw(pdf: FPDF, block: Block) -> None:
        pdf.set_font(PDF_FONT, style, size)
        pdf.multi_cell(0, size * 0.5, block.runs[0].text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(PDF_FONT, "", 11)
        pdf.ln(1)
    return draw


def _pdf_heading(pdf: FPDF, block: Block) -> None:
    if pdf.get_y() > pdf.h - pdf.b_margin - 25:  # keep a heading with what follows it
        pdf.add_page()
    pdf.ln(2)
    _pdf_write(pdf, block.runs)


def _pdf_paragraph(pdf: FPDF, block: Block) -> None:
    _pdf_write(pdf, block.runs)
    pdf.ln(1)


def _pdf_bullet(pdf: FPDF, block: Block) -> None:
    """A dash, then the text with a hanging indent (wrapped lines align with the text)."""
    margin = pdf.l_margin
    pdf.set_x(margin + 2)
    pdf.set_font(PDF_FONT, "", 11)
    pdf.write(_LINE, "–")
    pdf.set_left_margin(margin + 6)
    pdf.set_x(margin + 6)
    try:
        _pdf_write(pdf, block.runs)
    finally:
        pdf.set_left_margin(margin)


def _pdf_table(pdf: FPDF, block: Block) -> None:
    pdf.set_font(PDF_FONT, "", 9.5)
    total = sum(block.widths)
    widths = tuple(pdf.epw * width / total for width in block.widths)
    with pdf.table(col_widths=widths, width=pdf.epw, align="LEFT", text_align="LEFT", line_height=4.8,
                   first_row_as_headings=True, headings_style=_heading_style(), padding=(0.8, 1.2)) as table:
        for values in block.rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.set_font(PDF_FONT, "", 11)
    pdf.ln(2)


def _heading_style() -> FontFace:
    return FontFace(family=PDF_FONT, emphasis="BOLD", fill_color=(235, 235, 235))


def _pdf_signatures(pdf: FPDF, block: Block) -> None:
    if pdf.get_y() + 38 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(6)
    top, half = pdf.get_y(), pdf.epw / 2
    for column, (label, name) in enumerate((block.left, block.right)):
        pdf.set_xy(pdf.l_margin + column * half, top)
        pdf.set_font(PDF_FONT, "B", 11)
        pdf.cell(half, 6, label, align="C")
        pdf.set_xy(pdf.l_margin + column * half, top + 28)
        pdf.cell(half, 6, name, align="C")
    pdf.set_font(PDF_FONT, "", 11)


_PDF = {"header": _pdf_header, "title": _pdf_centred(14, "B"), "subtitle": _pdf_centred(12.5, "B"),
        "note": _pdf_centred(10.5, "I"), "heading": _pdf_heading, "paragraph": _pdf_paragraph,
        "bullet": _pdf_bullet, "table": _pdf_table, "signatures": _pdf_signatures}
