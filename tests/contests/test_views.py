"""Contest pages: the director's setup, a judge's marks, phases, results, exports, denials."""
from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from contests import services
from core.models import utcnow
from tests import factories
from tests.contests.helpers import mark_all, ready_contest


def test_director_creates_a_contest_and_sets_it_up(world, login):
    client = login(world.director)

    response = client.post("/contests/new", data={
        "name": "Hội thi giảng viên giỏi năm 2026", "level": "unit", "year": "2026", "eligibility": "all",
        "aggregation": "mean", "tie_break": "lecture, plan", "quota_first": "1", "quota_second": "1",
        "quota_third": "1", "quota_consolation": ""})
    assert response.status_code == 302
    detail = response.location
    assert client.post(detail + "/components", data={"component-code": "plan", "component-name": "Soạn giáo án",
                                                     "component-max_points": "20", "component-weight": "1"}
                       ).status_code == 302
    assert client.post(detail + "/entries", data={"entry-lecturer_id": world.colleague.id,
                                                  "entry-topic": "Xây dựng Đảng về đạo đức"}).status_code == 302

    page = client.get(detail).get_data(as_text=True)
    assert "Soạn giáo án" in page and "Lê Văn An" in page and "Xây dựng Đảng về đạo đức" in page


def test_an_invalid_component_is_422_and_keeps_the_input(world, login):
    contest = factories.make_contest(world)
    client = login(world.director)

    response = client.post(f"/contests/{contest.id}/components", data={
        "component-code": "plan", "component-name": "Thi viết lần hai", "component-max_points": "20",
        "component-weight": "1"})

    assert response.status_code == 422
    assert 'value="Thi viết lần hai"' in response.get_data(as_text=True)


def test_a_judge_marks_and_sees_only_their_own_marks_until_closed(world, login):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries[:1], [[{"plan": "11.25"}, {"plan": "19.75"}]])
    client = login(panel[0])

    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    ranking = client.get(f"/contests/{contest.id}/ranking")

    assert "11,25" in page or "11.25" in page
    assert "19,75" not in page and "19.75" not in page
    assert ranking.status_code == 403


def test_a_mark_above_the_maximum_is_422_and_keeps_the_input(world, login):
    contest, panel, entries = ready_contest(world)
    client = login(panel[0])

    response = client.post(f"/contests/{contest.id}/entries/{entries[0].id}/marks",
                           data={"mark_plan": "23.5", "mark_lecture": "17"})

    assert response.status_code == 422
    assert 'value="23.5"' in response.get_data(as_text=True)


def test_the_organiser_closes_publishes_and_the_lecturer_sees_the_prize(world, login):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries, [[{"plan": "18", "lecture": "18"}] * 2, [{"plan": "12", "lecture": "12"}] * 2])
    client = login(world.director)
    assert client.post(f"/contests/{contest.id}/phase", data={"phase": "closed"}).status_code == 302
    assert client.post(f"/contests/{contest.id}/phase", data={"phase": "published"}).status_code == 302

    client.post("/logout")
    lecturer = login(world.lecturer_user)
    page = lecturer.get(f"/lecturers/{world.lecturer.id}").get_data(as_text=True)

    assert contest.name in page
    assert lecturer.get(f"/contests/{contest.id}/ranking").status_code == 200


def test_results_export_as_xlsx_and_docx(world, login):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries, [[{"plan": "18", "lecture": "18"}] * 2, [{"plan": "12", "lecture": "12"}] * 2])
    client = login(world.director)

    workbook = load_workbook(io.BytesIO(client.get(f"/contests/{contest.id}/ranking.xlsx").data))
    document = Document(io.BytesIO(client.get(f"/contests/{contest.id}/ranking.docx").data))

    names = [row[1] for row in workbook.active.iter_rows(min_row=5, values_only=True)]
    assert names == ["Trần Thị Hương", "Lê Văn An"]
    assert document.tables[0].rows[1].cells[1].text == "Trần Thị Hương"


def test_another_units_director_gets_404_for_a_contest_with_marks(world, login):
    contest, panel, entries = ready_contest(world)
    mark_all(contest, panel, entries, [[{"plan": "18", "lecture": "18"}] * 2])
    client = login(world.outsider)

    assert client.get(f"/contests/{contest.id}").status_code == 404
    assert client.get(f"/contests/{contest.id}/ranking").status_code == 404
    assert contest.name not in client.get("/contests").get_data(as_text=True)


def test_a_judge_cannot_open_the_marks_of_an_entry_they_are_conflicted_with(world, login):
    contest, panel, entries = ready_contest(world)
    services.declare_conflict(entries[0], judge=panel[0], reason="same_unit", note="", now=utcnow())
    client = login(panel[0])

    assert client.get(f"/contests/{contest.id}/entries/{entries[0].id}/marks").status_code == 403


def test_director_records_an_outside_result(world, login):
    client = login(world.director)

    response = client.post(f"/lecturers/{world.lecturer.id}/contest-results/new", data={
        "contest_name": "Hội thi giảng viên lý luận chính trị giỏi tỉnh Nghệ An", "level": "province",
        "year": "2024", "prize": "second"})

    assert response.status_code == 302
    assert "Hội thi giảng viên lý luận chính trị giỏi tỉnh Nghệ An" in client.get(
        f"/lecturers/{world.lecturer.id}").get_data(as_text=True)


def test_contest_list_and_ranking_query_counts_do_not_grow(world, login, count_queries):
    counts = []
    for size in (1, 3):
        lecturers = [factories.make_lecturer(world.unit, full_name=f"Giảng viên {size}-{n}") for n in range(size)]
        contest, panel, entries = ready_contest(world, lecturers=lecturers)
        mark_all(contest, panel, entries, [[{"plan": "15", "lecture": "15"}] * 2] * size)
        client = login(world.director)
        with count_queries() as listing:
            assert client.get("/contests").status_code == 200
        with count_queries() as ranking:
            assert client.get(f"/contests/{contest.id}/ranking").status_code == 200
        with count_queries() as detail:
            assert client.get(f"/contests/{contest.id}").status_code == 200
        counts.append((listing.n, ranking.n, detail.n))
        client.post("/logout")

    assert counts[0] == counts[1]


def test_director_attaches_a_document_that_judges_download(world, login):
    contest, panel, entries = ready_contest(world)
    client = login(world.director)

    response = client.post(f"/contests/{contest.id}/entries/{entries[0].id}/documents",
                           data={"document-title": "Giáo án", "document-file": (io.BytesIO(b"%PDF-1.4 x"), "ga.pdf")},
                           content_type="multipart/form-data")
    document = entries[0].documents[0]
    client.post("/logout")

    assert response.status_code == 302
    assert login(panel[0]).get(f"/contests/{contest.id}/documents/{document.id}").data == b"%PDF-1.4 x"
