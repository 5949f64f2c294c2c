"""Content versions (migration 0013) and the page parts kept by them (core.fragments)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import render_template_string

from core import content_versions
from core.content_versions import NOT_SHOWN, SCOPES
from core.extensions import db
from core.fragments import FRAGMENTS
from core.models import utcnow
from tests import factories


def _own(unit_id: int) -> int:
    return db.session.scalar(sa.text("SELECT coalesce(max(version), 0) FROM content_version WHERE scope = :s"),
                             {"s": unit_id})


def test_every_table_is_either_counted_or_said_to_be_shown_nowhere(app):
    tables = set(db.metadata.tables) | {"alembic_version"}

    assert set(SCOPES) | set(NOT_SHOWN) == tables
    assert not set(SCOPES) & set(NOT_SHOWN)


def test_the_migrated_database_has_a_trigger_for_each_write_to_each_counted_table(app):
    if db.engine.dialect.name == "sqlite":
        names = set(db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    else:
        names = set(db.session.scalars(sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))

    assert {f"cv_{table}_{event}" for table in SCOPES for event in ("insert", "update", "delete")} <= names


def test_a_write_moves_its_own_unit_and_not_a_sibling(world):
    unit, sibling = _own(world.unit.id), _own(world.sibling.id)
    observation = factories.make_observation(world, observers=[world.reviewer], lecturer=world.lecturer)
    db.session.flush()
    after_planning = _own(world.unit.id)
    factories.submit(observation.sheets[0], factories.full_scores(observation.rubric_version, "1"), world.reviewer)
    db.session.flush()

    assert after_planning > unit
    assert _own(world.unit.id) > after_planning  # the sheet and its scores
    assert _own(world.sibling.id) == sibling


def test_signing_in_moves_nothing_but_a_new_name_moves_what_units_share(world):
    shared = _own(0)
    world.director.last_login_at = utcnow()
    db.session.flush()
    unchanged = _own(0)
    world.director.full_name = "Lê Văn Mới"
    db.session.flush()

    assert unchanged == shared
    assert _own(0) > shared


def test_a_delete_and_a_row_reached_through_its_parents_move_the_unit(world):
    meeting = factories.make_meeting(world)
    db.session.flush()
    before = _own(world.unit.id)
    factories.record_everyone(meeting, world.secretary)
    db.session.flush()
    recorded = _own(world.unit.id)
    db.session.execute(sa.text("DELETE FROM attendance WHERE meeting_id = :m"), {"m": meeting.id})
    db.session.flush()

    assert recorded > before
    assert _own(world.unit.id) > recorded


def test_a_row_naming_a_lecturer_who_moved_units_moves_their_new_unit_too(world):
    observation = factories.make_observation(world, observers=[world.reviewer], lecturer=world.lecturer)
    db.session.flush()
    db.session.execute(sa.text("UPDATE lecturer SET unit_id = :u WHERE id = :l"),
                       {"u": world.sibling.id, "l": world.lecturer.id})
    before = _own(world.sibling.id)
    db.session.execute(sa.text("UPDATE observation SET topic_text = 'x' WHERE id = :o"), {"o": observation.id})

    assert _own(world.sibling.id) > before


def test_the_stamp_of_a_province_covers_its_units_and_what_they_share(world):
    province = content_versions.province_stamp(db.session.connection(), world.unit.province_id)
    other = content_versions.province_stamp(db.session.connection(), world.other_province_unit.province_id)
    factories.make_lecturer(world.sibling, full_name="Đỗ Thị Mới")
    db.session.flush()

    assert content_versions.province_stamp(db.session.connection(), world.unit.province_id) > province
    assert content_versions.province_stamp(db.session.connection(), world.other_province_unit.province_id) == other


def test_a_cache_block_renders_once_per_key_and_every_time_without_one(app):
    calls = []
    template = "{% cache key %}{{ load() }}{% endcache %}"

    def load():
        calls.append(1)
        return f"<b>{len(calls)}</b>"

    with app.test_request_context():
        first = render_template_string(template, key=("k", 1), load=load)
        again = render_template_string(template, key=("k", 1), load=load)
        moved = render_template_string(template, key=("k", 2), load=load)
        uncached = [render_template_string(template, key=None, load=load) for _ in range(2)]

    assert first == again == "&lt;b&gt;1&lt;/b&gt;"  # still escaped
    assert moved == "&lt;b&gt;2&lt;/b&gt;"
    assert uncached == ["&lt;b&gt;3&lt;/b&gt;", "&lt;b&gt;4&lt;/b&gt;"]
    FRAGMENTS.clear()


def test_the_lecturer_list_shows_a_change_at_once(world, login):
    client = login(world.director)
    assert "Hoàng Văn Mới" not in client.get("/lecturers").get_data(as_text=True)
    factories.make_lecturer(world.unit, full_name="Hoàng Văn Mới")

    assert "Hoàng Văn Mới" in client.get("/lecturers").get_data(as_text=True)


def test_a_kept_part_is_not_shown_to_someone_else(world, app):
    from tests.factories import PASSWORD
    for user in (world.director, world.reviewer):
        client = app.test_client()
        client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert client.get("/lecturers").status_code == 200

    kept = [key for key in FRAGMENTS._entries if key[0] == "/lecturers"]
    assert {key[2] for key in kept} == {world.director.id, world.reviewer.id}  # one kept part each


def test_a_kept_part_follows_the_day(world, login, monkeypatch):
    from datetime import datetime
    client = login(world.director)
    client.get("/lecturers")
    monkeypatch.setattr("core.fragments.utcnow", lambda: datetime(2030, 1, 1))
    client.get("/lecturers")

    assert len([key for key in FRAGMENTS._entries if key[0] == "/lecturers"]) == 2
    assert date(2030, 1, 1) in {part for key in FRAGMENTS._entries for part in key}
