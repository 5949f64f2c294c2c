"""The audit log viewer: scope by role, filters, bad filter values, paging, constant queries, export."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from accounts.permissions import audit_scope, can_view_audit_log
from core.extensions import db
from core.models import log_action


def _entries(world, n: int, *, unit=None, action: str = "lecturer_created", at: datetime | None = None):
    for i in range(n):
        log_action(action, world.lecturer, actor_id=world.director.id, unit_id=(unit or world.unit).id,
                   before={"full_name": f"old {i}"}, after={"full_name": f"new {i}"},
                   now=at or datetime(2026, 3, 2, 8, i % 60))
    db.session.commit()


def test_only_directors_of_the_unit_and_admins_may_read(world):
    assert can_view_audit_log(world.admin, None)
    assert can_view_audit_log(world.director, world.unit)
    assert not can_view_audit_log(world.director, world.sibling)
    assert not can_view_audit_log(world.reviewer, world.unit)
    assert not can_view_audit_log(world.overseer, world.unit)
    assert audit_scope(world.admin, world.unit) is None
    assert audit_scope(world.director, world.unit) == world.unit.id


def test_director_sees_their_unit_only_and_admin_sees_all(world, login, client):
    _entries(world, 1, action="contest.created")
    _entries(world, 1, unit=world.sibling, action="meeting_opened")
    log_action("login_failed", world.director, actor_id=None, unit_id=None)
    db.session.commit()

    login(world.director)
    page = client.get("/audit").get_data(as_text=True)
    assert "contest.created" in page and "meeting_opened" not in page and "login_failed" not in page
    assert "old 0" in page and "new 0" in page and world.director.full_name in page

    client.post("/logout")
    login(world.admin)
    page = client.get("/audit").get_data(as_text=True)
    assert "contest.created" in page and "meeting_opened" in page and "login_failed" in page


def test_filters_narrow_the_entries(world, login, client):
    _entries(world, 2, action="lecturer_created", at=datetime(2026, 3, 2, 9))
    _entries(world, 1, action="observation_finalized", at=datetime(2026, 4, 10, 9))
    login(world.director)

    page = client.get("/audit?action=observation_finalized").get_data(as_text=True)
    assert "1 " in page and "new 0" in page and "new 1" not in page

    response = client.get("/audit?date_from=2026-03-01&date_to=2026-03-31")
    assert response.status_code == 200
    assert "observation_finalized</code>" not in response.get_data(as_text=True)

    page = client.get(f"/audit?actor_id={world.director.id}&object_type=Lecturer").get_data(as_text=True)
    assert page.count("<code>lecturer_created</code>") == 2


def test_bad_filter_values_are_a_translated_4xx_with_the_values_kept(world, login, client):
    _entries(world, 1)
    login(world.director)
    for query in ("date_from=2026-13-45", "actor_id=abc", "actor_id=999999999999999999999", "action=drop table",
                  "object_type=%00", "date_from=2026-05-01&date_to=2026-04-01"):
        response = client.get(f"/audit?{query}")
        assert response.status_code == 422, query
        assert 'class="field-errors"' in response.get_data(as_text=True), query
    assert "2026-13-45" in client.get("/audit?date_from=2026-13-45").get_data(as_text=True)
    assert client.get("/audit?page=abc").status_code == 200
    assert client.get("/audit?page=-3").status_code == 200
    assert client.get("/audit.xlsx?actor_id=abc").status_code == 422


def test_newest_first_and_fifty_per_page(world, login, client):
    for minute in range(55):
        log_action("sheet_scores_saved", world.lecturer, actor_id=world.reviewer.id, unit_id=world.unit.id,
                   after={"n": minute}, now=datetime(2026, 3, 2, 8, minute))
    db.session.commit()
    login(world.director)
    first = client.get("/audit").get_data(as_text=True)
    assert first.count("<code>sheet_scores_saved</code>") == 50
    assert first.index("→ 54") < first.index("→ 53")
    assert 'rel="next"' in first
    second = client.get("/audit?page=2").get_data(as_text=True)
    assert second.count("<code>sheet_scores_saved</code>") == 5 and "→ 0" in second


def test_query_count_does_not_grow_with_entries(world, login, client, count_queries):
    login(world.director)
    _entries(world, 1)
    client.get("/audit")
    with count_queries() as one:
        assert client.get("/audit").status_code == 200
    _entries(world, 29)
    client.get("/audit")
    with count_queries() as thirty:
        assert client.get("/audit").status_code == 200
    assert thirty.n == one.n


def test_export_is_an_excel_workbook_of_the_filtered_entries(world, login, client):
    _entries(world, 2, action="lecturer_created")
    _entries(world, 1, action="=HYPERLINK(\"x\")")
    login(world.director)
    response = client.get("/audit.xlsx?action=lecturer_created")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and {row[2] for row in rows} == {"lecturer_created"}
    assert {row[6] for row in rows} == {"old 0", "old 1"}


def test_navigation_links_to_the_audit_log_for_directors_and_admins_only(world, login, client):
    login(world.reviewer)
    assert 'href="/audit"' not in client.get("/home").get_data(as_text=True)
    client.post("/logout")
    login(world.director)
    assert 'href="/audit"' in client.get("/home").get_data(as_text=True)
