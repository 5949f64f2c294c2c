"""The observation form as a .docx: what it contains, for whom, and what each viewer sees in it."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import docx
import pytest
from flask_babel import force_locale, gettext

from core.models import utcnow
from reviews import exports, services
from tests import factories


def _sheet(observation, user):
    return next(s for s in observation.sheets if s.observer_id == user.id)


def _finalised(world, *, lecturer=None, unannounced=False):
    """Director scores every maximum (20), the reviewer 1 per criterion (11): consolidated 15.5."""
    observation = factories.make_observation(world, lecturer=lecturer, unannounced=unannounced)
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.director), factories.full_scores(version), world.director,
                     strengths="Liên hệ thực tiễn huyện Nam Đàn", notes="Ghi chép riêng của giám đốc")
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(version, "1"), world.reviewer,
                     shortcomings="Ít tương tác với học viên")
    services.finalize_observation(observation, debrief="Giảng viên tự nhận xét, tập thể góp ý",
                                  action_points="Bổ sung số liệu địa phương", actor=world.director, now=utcnow())
    return observation


def _document(response):
    assert response.status_code == 200, response.status_code
    return docx.Document(io.BytesIO(response.data))


def _texts(document) -> list[str]:
    """Every paragraph and every table cell, in order."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def _row(document, first_cells: list[str]) -> list[str]:
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            if cells[:len(first_cells)] == first_cells:
                return cells
    raise AssertionError(f"no row starting {first_cells}")


def _in(locale: str, message: str, **variables) -> str:
    with force_locale(locale):
        return gettext(message, **variables)


def test_the_form_opens_with_the_lecturer_the_totals_and_the_signature_block(world, login):
    observation = _finalised(world, lecturer=world.lecturer)
    client = login(world.director)

    response = client.get(f"/observations/{observation.id}/export.docx")

    document = _document(response)
    text = "\n".join(_texts(document))
    assert response.mimetype == exports.MIMETYPE
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=phieu-du-gio-tran-thi-huong-2026-03-03.docx"
    assert world.lecturer.full_name in text
    assert _row(document, ["", _in("vi", "Total")]) == ["", "Tổng điểm", "20", "20", "11", "15,5"]
    assert _row(document, ["", _in("vi", "Percent")])[-1] == "77,5"
    assert _row(document, ["", _in("vi", "Rating")])[-1] == "Khá"
    signatures = document.tables[-1].rows[0].cells
    assert [cell.paragraphs[0].text for cell in signatures] == [_in("vi", "OBSERVERS"), _in("vi", "CHAIR")]
    assert [world.director.full_name, world.reviewer.full_name] == \
        [p.text for p in signatures[0].paragraphs[2:]]
    assert signatures[1].paragraphs[-1].text == world.director.full_name
    assert _in("vi", "%(place)s, date %(day)s month %(month)s year %(year)s", place="……", day="03", month="03",
               year=2026) in text
    assert "Liên hệ thực tiễn huyện Nam Đàn" in text and "Bổ sung số liệu địa phương" in text


def test_the_header_is_the_state_form_in_a_table_without_borders(world, login):
    observation = _finalised(world)

    document = _document(login(world.director).get(f"/observations/{observation.id}/export.docx"))

    left, right = document.tables[0].rows[0].cells
    assert left.paragraphs[0].text == world.unit.name.upper()
    assert [p.text for p in right.paragraphs] == [_in("vi", "SOCIALIST REPUBLIC OF VIETNAM"),
                                                  _in("vi", "Independence - Freedom - Happiness")]
    assert document.tables[0].style.name == "Normal Table"
    assert document.tables[1].style.name == "Table Grid"
    assert document.paragraphs[0].text == observation.rubric_version.rubric.name.upper()


def test_the_form_is_in_english_for_a_user_who_chose_english(world, login):
    observation = _finalised(world)
    world.director.locale = "en"

    document = _document(login(world.director).get(f"/observations/{observation.id}/export.docx"))

    text = "\n".join(_texts(document))
    assert _row(document, ["", "Total"]) == ["", "Total", "20", "20", "11", "15.5"]
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text and "OBSERVERS" in text and "CHAIR" in text
    assert observation.rubric_version.rubric.name_en.upper() in text


def test_an_amendment_shows_in_the_result_and_in_its_history(world, login):
    observation = _finalised(world)
    services.amend_observation(observation, reason="Nhập nhầm điểm tiêu chí 5.1", scores={"5.1": "3"},
                               action_points=None, actor=world.director, now=utcnow())

    document = _document(login(world.director).get(f"/observations/{observation.id}/export.docx"))

    text = "\n".join(_texts(document))
    assert _row(document, ["", _in("vi", "Total")])[-1] == "16,5"
    assert "Nhập nhầm điểm tiêu chí 5.1" in text
    assert _in("vi", "total %(old)s → %(new)s, rating %(old_rating)s → %(new_rating)s", old="15,5", new="16,5",
               old_rating="Khá", new_rating="Khá") in text


def test_an_observer_who_has_not_submitted_sees_only_their_own_sheet(world, login):
    observation = factories.make_observation(world)
    version = observation.rubric_version
    factories.submit(_sheet(observation, world.director), factories.full_scores(version), world.director,
                     strengths="Nhận xét của giám đốc")
    services.save_sheet(_sheet(observation, world.reviewer), scores={"1.1": "1.5"}, texts={"notes": "Nháp"},
                        actor=world.reviewer, now=utcnow())

    document = _document(login(world.reviewer).get(f"/observations/{observation.id}/export.docx"))

    text = "\n".join(_texts(document))
    header = _row(document, ["#"])
    assert header[3:] == [f"{world.reviewer.full_name} ({_in('vi', 'draft')})"]
    assert "Nhận xét của giám đốc" not in text and "Nháp" in text
    assert _in("vi", "Consolidated") not in header


def test_the_lecturer_reads_the_comments_but_not_the_running_notes(world, login):
    observation = _finalised(world, lecturer=world.lecturer)

    document = _document(login(world.lecturer_user).get(f"/observations/{observation.id}/export.docx"))

    text = "\n".join(_texts(document))
    assert "Liên hệ thực tiễn huyện Nam Đàn" in text and "Ít tương tác với học viên" in text
    assert "Ghi chép riêng của giám đốc" not in text
    assert _in("vi", "Running notes") not in text


def test_a_planned_observation_exports_an_empty_form(world, login):
    document = _document(login(world.secretary).get(f"/observations/{world.observation.id}/export.docx"))

    header = _row(document, ["#"])
    assert header == ["#", _in("vi", "Domain · Criterion"), _in("vi", "Maximum")]
    assert world.lecturer.full_name in "\n".join(_texts(document))


def test_another_unit_gets_404(world, login):
    observation = _finalised(world)

    response = login(world.sibling_director).get(f"/observations/{observation.id}/export.docx")

    assert response.status_code == 404
    assert world.colleague.full_name not in response.get_data(as_text=True)


def test_the_lecturer_gets_404_for_an_unannounced_observation_until_it_is_final(world, login):
    observation = factories.make_observation(world, lecturer=world.lecturer, unannounced=True)
    client = login(world.lecturer_user)
    url = f"/observations/{observation.id}/export.docx"

    hidden = client.get(url).status_code
    factories.submit(_sheet(observation, world.reviewer), factories.full_scores(observation.rubric_version),
                     world.reviewer)
    services.finalize_observation(observation, debrief="", action_points="", actor=world.director, now=utcnow())
    shown = client.get(url).status_code

    assert (hidden, shown) == (404, 200)


def test_the_page_links_to_the_export(world, login):
    page = login(world.reviewer).get(f"/observations/{world.observation.id}").get_data(as_text=True)

    assert f'href="/observations/{world.observation.id}/export.docx"' in page


@pytest.mark.parametrize("name, expected", [
    ("Đặng Thị Ánh", "phieu-du-gio-dang-thi-anh-2026-01-09.docx"),
    ("Nguyễn  Văn   Đức", "phieu-du-gio-nguyen-van-duc-2026-01-09.docx"),
])
def test_the_file_name_is_the_folded_lecturer_name_and_the_date(world, name, expected):
    observation = factories.make_observation(world)
    observation.lecturer.set_name(name)
    observation.date = date(2026, 1, 9)

    assert exports.docx_filename(observation) == expected


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_form_as_pdf(world, login, tmp_path):
    observation = _finalised(world, lecturer=world.lecturer)
    response = login(world.director).get(f"/observations/{observation.id}/export.docx")
    source = tmp_path / "form.docx"
    source.write_bytes(response.data)

    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)

    assert (tmp_path / "form.pdf").read_bytes().startswith(b"%PDF")
