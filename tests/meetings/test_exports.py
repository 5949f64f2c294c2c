"""The minutes as .docx (Party-document layout) and PDF (DejaVu Sans embedded: every
Vietnamese glyph drawn from the font, no system font needed)."""
from __future__ import annotations

import io
import re
import zlib
from datetime import date

import pytest
from docx import Document
from flask_babel import force_locale, gettext

from core.extensions import db
from meetings import exports, presenters, queries, services
from meetings.enums import MinutesState
from meetings.models import Meeting
from tests import factories

VIETNAMESE = "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV: cập nhật ữ ặ ỹ Ở"


def _rich_minutes(world, *, approve: bool = True) -> Meeting:
    world.lecturer.topics = [world.topic]
    meeting = db.session.get(Meeting, world.meeting_urls["meeting_id"])
    now = meeting.ends_at
    agenda = meeting.agenda_items[0]
    services.update_agenda_item(agenda, title=agenda.title, summary="Tháng 3 Trung tâm mở 4 lớp, 212 học viên.",
                                conclusion="Hoàn thành kế hoạch giảng dạy.", expected_version=None,
                                actor=world.secretary, now=now)
    services.add_contribution(agenda, speaker="Trần Thị Hương", content="Đề nghị bổ sung tình huống địa phương.",
                              actor=world.secretary, now=now)
    services.add_content_update(meeting, title=VIETNAMESE, body="Bổ sung mục 2 phần II của bài.",
                                topics=[world.topic], actor=world.secretary, now=now)
    factories.record_everyone(meeting, world.secretary)
    if approve:
        services.set_meeting_state(meeting, MinutesState.APPROVED, actor=world.director, now=now)
    return meeting


def _page(meeting):
    return presenters.minutes_page(queries.meeting_detail(meeting.id), today=date(2026, 4, 1))


def _docx_text(data: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return document, "\n".join(texts)


def test_docx_has_the_party_header_the_body_and_both_signatures(world, app):
    meeting = _rich_minutes(world)
    with app.test_request_context(), force_locale("vi"):
        data = exports.minutes_docx(_page(meeting))
        party, secretary, chair = gettext("COMMUNIST PARTY OF VIETNAM"), gettext("SECRETARY"), gettext("CHAIR")

    document, text = _docx_text(data)
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "TRUNG TÂM CHÍNH TRỊ HUYỆN NAM ĐÀN"  # the unit, top-left
    assert header[1].paragraphs[0].text == party  # top-right
    assert header[1].paragraphs[0].runs[0].underline
    signatures = document.tables[-1].rows[0].cells
    assert [c.paragraphs[0].text for c in signatures] == [secretary, chair]
    assert [c.paragraphs[-1].text for c in signatures] == [world.secretary.full_name, world.director.full_name]
    for expected in (VIETNAMESE, "Đề nghị bổ sung tình huống địa phương.", "Cập nhật Nghị quyết vào bài giảng",
                     "Nguyễn Thị Lan", "Hoàn thành kế hoạch giảng dạy."):
        assert expected in text, expected


def test_docx_marks_a_draft_and_shows_amendments(world, app):
    draft = _rich_minutes(world, approve=False)
    with app.test_request_context():
        _document, draft_text = _docx_text(exports.minutes_docx(_page(draft)))
        services.set_meeting_state(draft, MinutesState.APPROVED, actor=world.director, now=draft.ends_at)
        services.amend_meeting(draft, target="conclusion", target_id=None, values={"text": "Kết luận đã đính chính"},
                               reason="Ghi sót ý", actor=world.director, now=draft.ends_at)
        _document, amended_text = _docx_text(exports.minutes_docx(_page(draft)))
        marker = gettext("DRAFT — not yet approved by the chair")

    assert marker in draft_text and marker not in amended_text
    assert "Kết luận đã đính chính" in amended_text and "Ghi sót ý" in amended_text


def _pdf_unicode(data: bytes) -> set[str]:
    """The characters the PDF's fonts map glyphs to (their ToUnicode maps): the text drawn."""
    characters = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            text = stream
        if b"beginbfchar" in text or b"beginbfrange" in text:
            for code in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,8})>", text):
                characters.add(chr(int(code, 16)))
    return characters


def test_pdf_embeds_dejavu_and_draws_the_vietnamese_text(world, app):
    meeting = _rich_minutes(world)
    with app.test_request_context(), force_locale("vi"):
        data = exports.minutes_pdf(_page(meeting))

    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data and b"/FontFile2" in data  # embedded, not a system font
    drawn = _pdf_unicode(data)
    for text in (VIETNAMESE, world.unit.name.upper(), world.director.full_name, "Đề nghị bổ sung tình huống"):
        assert set(text) - {" "} <= drawn, set(text) - drawn


def test_pdf_survives_characters_outside_the_font(world, app):
    meeting = _rich_minutes(world, approve=False)
    services.add_guest(meeting, full_name="Khách 🙂 ☃ 漢字", position="", actor=world.secretary, now=meeting.ends_at)

    with app.test_request_context():
        data = exports.minutes_pdf(_page(meeting))

    assert data.startswith(b"%PDF-")


@pytest.mark.parametrize("extension, mimetype, magic", [("docx", exports.DOCX_MIMETYPE, b"PK"),
                                                         ("pdf", "application/pdf", b"%PDF")])
def test_the_downloads_are_attachments_with_an_ascii_name(world, login, extension, mimetype, magic):
    meeting_id = world.meeting_urls["meeting_id"]

    response = login(world.reviewer).get(f"/meetings/{meeting_id}/minutes.{extension}")

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(magic)
    disposition = response.headers["Content-Disposition"]
    assert disposition == (f'attachment; filename="bien-ban-sinh-hoat-chuyen-mon-2026-03-'
                           f'trung-tam-chinh-tri-huyen-nam-dan.{extension}"')
