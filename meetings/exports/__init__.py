"""The minutes as a Word document and as a PDF, in the Party-document layout (Hướng dẫn
36-HD/VPTW; reference/domain-notes.md §4.2, §4.5): the unit's name top-left with the number
of the minutes, "ĐẢNG CỘNG SẢN VIỆT NAM" top-right with the place and date, the title, the
body (time and place, participants, proceedings, conclusion, action items), and the
signatures of the secretary and the chair.

Both formats are drawn from one list of blocks (``content.minutes_blocks``), so they say the
same thing: ``word`` lays them out with python-docx, ``pdf`` with fpdf2 and DejaVu Sans from
matplotlib's data (every Vietnamese glyph, no system font needed). Texts go through gettext
(the current locale); amended values are the ones in effect, with the history at the end.
"""
from __future__ import annotations

from core.vietnamese import fold
from meetings.exports.word import DOCX_MIMETYPE, minutes_docx
from meetings.models import Meeting
from meetings.presenters import MinutesPage

__all__ = ["DOCX_MIMETYPE", "filename", "minutes_docx", "minutes_pdf"]


def minutes_pdf(page: MinutesPage) -> bytes:
    """The minutes as a PDF (``pdf.minutes_pdf``). fpdf2 loads on the first PDF asked for: it
    holds about 16 MB in each worker, and most workers never draw one."""
    from meetings.exports import pdf

    return pdf.minutes_pdf(page)


def filename(meeting: Meeting, extension: str) -> str:
    """"bien-ban-sinh-hoat-chuyen-mon-<yyyy-mm>-<unit folded>.<ext>": ASCII, safe everywhere."""
    unit = "-".join(fold(meeting.unit.name).split())[:60] or "don-vi"
    return f"bien-ban-sinh-hoat-chuyen-mon-{meeting.month:%Y-%m}-{unit}.{extension}"
