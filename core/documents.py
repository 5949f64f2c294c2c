"""Word documents in the layout of Vietnamese state and Party papers (python-docx), shared by
the observation form and the minutes: A4, Times New Roman 13, the usual margins."""
from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"  # the font of Vietnamese state and Party documents (Nghị định 30/2020)


def a4_document():
    """An empty A4 document: margins 2 cm top and bottom, 3 cm left, 1.5 cm right."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(3)
    return document


def layout_table(document, widths: list):
    """A one-row table for side-by-side blocks (headers, signatures); python-docx's default
    table style draws no borders."""
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table
