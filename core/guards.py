"""Database-level protection that holds even against raw SQL: the SQL that migrations run
to make a table append-only (no UPDATE, no DELETE) on SQLite and PostgreSQL."""
from __future__ import annotations


def append_only(dialect: str, table: str) -> list[str]:
    """Statements that make ``table`` refuse every UPDATE and DELETE."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    return [
        "CREATE OR REPLACE FUNCTION lectern_refuse_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation'; "
        "END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION lectern_refuse_change()",
    ]


def drop_append_only(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]


def refuse_when(dialect: str, name: str, table: str, event: str, condition: str) -> list[str]:
    """Statements for a trigger ``name`` that aborts ``event`` (INSERT, UPDATE or DELETE) on
    ``table`` whenever ``condition`` holds. The condition may use OLD/NEW and subqueries."""
    message = f"{name}: refused by a database guard"
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"]
    return [
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$ BEGIN "
        f"IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
        f"END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_fn()",
    ]


def drop_refuse_when(dialect: str, name: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}"]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}_fn()"]


def after_row(dialect: str, name: str, table: str, event: str, condition: str, statements: list[str]) -> list[str]:
    """Statements for a trigger ``name`` that runs ``statements`` (SQL that may use NEW) after each
    ``event`` (INSERT, or UPDATE OF a column) on ``table`` whose row meets ``condition``."""
    body = " ".join(f"{statement};" for statement in statements)
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW WHEN {condition} BEGIN {body} END"]
    return [
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$ BEGIN {body} RETURN NULL; END; $$ "
        f"LANGUAGE plpgsql",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION {name}_fn()",
    ]


def drop_after_row(dialect: str, name: str, table: str) -> list[str]:
    return drop_refuse_when(dialect, name, table)
