"""Content versions: one count per unit, and one (scope 0) for what the units share, that the
database raises on every write to a table a page reads (issue 9).

A page rendered from a unit's rows can then be kept until that unit's count, or the shared
one, moves (``core.fragments``). The counts are raised by triggers, so no code path can
forget to: every table of the schema is either in ``SCOPES`` (with the SQL naming the
unit(s) a written row belongs to) or in ``NOT_SHOWN`` (with why no kept page reads it), and a
test holds the schema to that.

SQLite raises them in a trigger per row. PostgreSQL does it once per statement, from the
statement's transition tables, so the bulk inserts of ``flask demo synth`` stay bulk. The
count row is updated inside the writing transaction, so readers see the new count together
with the rows that caused it; a reader reads the count before the rows it keys.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

SHARED = 0  # the scope of what every unit shows: people's names, topics, rubrics, contests
_UNIT = "{r}.unit_id"
_LECTURER_UNIT = "(SELECT unit_id FROM lecturer WHERE lecturer.id = {r}.%s)"


def _through(table: str, column: str, then: str = "unit_id") -> str:
    return f"(SELECT {then} FROM {table} WHERE {table}.id = {{r}}.{column})"  # nosec B608: names from SCOPES


_OF_OBSERVATION = _through("observation", "observation_id")
_OF_SHEET = "(SELECT observation.unit_id FROM sheet JOIN observation ON observation.id = sheet.observation_id " \
            "WHERE sheet.id = {r}.sheet_id)"
_OF_MEETING = _through("meeting", "meeting_id")
_OF_PLAN = _through("lesson_plan", "plan_id")

# table → the SQL (over a written row {r}) of each unit it belongs to; "0" is the shared scope.
# A row that also names a lecturer counts for the lecturer's unit too: a lecturer who moved
# units still shows the rows kept in their former one.
SCOPES: dict[str, tuple[str, ...]] = {
    # shared: the names and reference data every unit's pages show
    "province": ("0",), "unit": ("0",), "user": ("0",), "role_grant": ("0", _UNIT),
    "programme": ("0",), "topic": ("0",), "rubric": ("0",), "rubric_version": ("0",), "rubric_domain": ("0",),
    "criterion": ("0",), "rating_band": ("0",),
    # contests run across units
    "contest": ("0",), "contest_component": ("0",), "contest_judge": ("0",), "contest_entry": ("0",),
    "contest_entry_document": ("0",), "contest_conflict": ("0",), "contest_mark": ("0",), "contest_result": ("0",),
    "outside_result": ("0",),
    # a unit's own rows
    "review_settings": (_UNIT,), "stored_file": (_UNIT,),
    "lecturer": (_UNIT,), "lecturer_topic": (_LECTURER_UNIT % "lecturer_id",),
    "training_class": (_UNIT,), "teaching_session": (_through("training_class", "class_id"),
                                                     _LECTURER_UNIT % "lecturer_id"),
    "lesson_plan": (_UNIT, _LECTURER_UNIT % "lecturer_id"), "lesson_plan_version": (_OF_PLAN,),
    "plan_comment": ("(SELECT lesson_plan.unit_id FROM lesson_plan_version JOIN lesson_plan "
                     "ON lesson_plan.id = lesson_plan_version.plan_id WHERE lesson_plan_version.id = {r}.version_id)",),
    "observation": (_UNIT, _LECTURER_UNIT % "lecturer_id"), "sheet": (_OF_OBSERVATION,), "sheet_score": (_OF_SHEET,),
    "practice_comment": (_OF_SHEET,), "observation_score": (_OF_OBSERVATION,), "amendment": (_OF_OBSERVATION,),
    "observation_response": (_OF_OBSERVATION,), "practice_lecture": (_OF_OBSERVATION,),
    "observer_conflict": (_UNIT, _LECTURER_UNIT % "lecturer_id"),
    "candidate_decision": (_UNIT,), "candidate_nomination": (_through("candidate_decision", "decision_id"),),
    "meeting": (_UNIT,), "agenda_item": (_OF_MEETING,), "meeting_guest": (_OF_MEETING,),
    "attendance": (_OF_MEETING, _LECTURER_UNIT % "lecturer_id"), "content_update": (_OF_MEETING,),
    "content_update_topic": ("(SELECT meeting.unit_id FROM content_update JOIN meeting ON meeting.id = "
                             "content_update.meeting_id WHERE content_update.id = {r}.content_update_id)",),
    "contribution": ("(SELECT meeting.unit_id FROM agenda_item JOIN meeting ON meeting.id = agenda_item.meeting_id "
                     "WHERE agenda_item.id = {r}.agenda_item_id)",),
    "meeting_amendment": (_OF_MEETING,), "meeting_observation": (_OF_MEETING,),
    "action_item": (_UNIT, _LECTURER_UNIT % "owner_id"), "action_closure": (_through("action_item", "action_item_id"),),
}

# only these columns move the shared count: the rest change on every sign-in, or are counts of their own
ONLY_COLUMNS = {
    "user": ("username", "full_name", "is_enabled"),
    "unit": ("province_id", "name", "kind", "address", "is_active", "norm_director", "norm_deputy",
             "norm_full_time", "norm_full_time_admin", "norm_adjunct"),
}

NOT_SHOWN = {
    "audit_log": "written by every action; only the audit page reads it, and that page is never kept",
    "login_failure": "sign-in throttling",
    "login_session": "sign-in sessions",
    "api_token": "API credentials",  # nosec B105: a reason, not a password
    "form_submission": "replayed-form guard",
    "content_version": "the counts themselves",
    "alembic_version": "migrations",
}


def trigger_statements(dialect: str) -> list[str]:
    statements = []
    for table, scopes in SCOPES.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements += _trigger(dialect, table, event, scopes)
    return statements


def drop_statements(dialect: str) -> list[str]:
    statements = []
    for table in SCOPES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = _name(table, event)
            if dialect == "sqlite":
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
            else:
                statements += [f'DROP TRIGGER IF EXISTS {name} ON "{table}"', f"DROP FUNCTION IF EXISTS {name}_fn()"]
    return statements


def _name(table: str, event: str) -> str:
    return f"cv_{table}_{event.lower()}"


_UPSERT = "INSERT INTO content_version (scope, version) {rows} ON CONFLICT (scope) DO UPDATE SET version = " \
          "content_version.version + 1"


def _trigger(dialect: str, table: str, event: str, scopes: tuple[str, ...]) -> list[str]:
    name = _name(table, event)
    columns = ONLY_COLUMNS.get(table) if event == "UPDATE" else None
    on = f"{event} OF {', '.join(columns)}" if columns else event
    if dialect == "sqlite":
        rows = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[event]
        scopes_of_rows = [scope.format(r=row) for row in rows for scope in scopes if "{r}" in scope]
        scopes_of_rows += [scope for scope in scopes if "{r}" not in scope]
        body = " ".join(_UPSERT.format(rows=f"SELECT coalesce({scope}, 0), 1 WHERE true") + ";"
                        for scope in scopes_of_rows)
        return [f'CREATE TRIGGER {name} AFTER {on} ON "{table}" FOR EACH ROW BEGIN {body} END']
    reads_rows = any("{r}" in scope for scope in scopes)
    if reads_rows:
        changed = {"INSERT": "new_rows", "UPDATE": "new_rows UNION ALL SELECT * FROM old_rows",
                   "DELETE": "old_rows"}[event]
        # The SQL is built from this module's constants (SCOPES) for the migration: no input reaches it.
        union = " UNION ".join(
            f"SELECT coalesce({scope.format(r='r')}, 0) AS scope FROM (SELECT * FROM {changed}) AS r"  # nosec B608
            for scope in scopes)
        rows = f"SELECT DISTINCT scope, 1 FROM ({union}) AS scopes ORDER BY scope"  # nosec B608: constants
        referencing = {"INSERT": "REFERENCING NEW TABLE AS new_rows",
                       "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       "DELETE": "REFERENCING OLD TABLE AS old_rows"}[event]
    else:
        rows, referencing = "VALUES (0, 1)", ""
    return [
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$ BEGIN {_UPSERT.format(rows=rows)}; "
        f"RETURN NULL; END; $$ LANGUAGE plpgsql",
        f'CREATE TRIGGER {name} AFTER {on} ON "{table}" {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}_fn()',
    ]


def stamp(connection, unit_ids: Iterable[int]) -> int:
    """The sum of the counts of ``unit_ids`` and the shared one: it moves whenever any of them does."""
    return connection.execute(_STAMP, {"scopes": [SHARED, *unit_ids]}).scalar_one()


def stamp_of_unit(unit_id_column) -> sa.ScalarSelect:
    """SQL for ``stamp`` of one unit given as a column, to read with the row that names the unit
    (one round trip fewer than reading it after)."""
    return _SUM.where(_content_version.c.scope.in_([SHARED, unit_id_column])).scalar_subquery()


def province_stamp(connection, province_id: int) -> int:
    """The same for every unit of a province."""
    return connection.execute(_PROVINCE_STAMP, {"province": province_id}).scalar_one()


_content_version = sa.table("content_version", sa.column("scope", sa.Integer), sa.column("version", sa.BigInteger))
_unit = sa.table("unit", sa.column("id", sa.Integer), sa.column("province_id", sa.Integer))
_SUM = sa.select(sa.func.coalesce(sa.func.sum(_content_version.c.version), 0))
_STAMP = _SUM.where(_content_version.c.scope.in_(sa.bindparam("scopes", expanding=True)))
_PROVINCE_STAMP = _SUM.where(sa.or_(
    _content_version.c.scope == SHARED,
    _content_version.c.scope.in_(sa.select(_unit.c.id).where(_unit.c.province_id == sa.bindparam("province")))))
