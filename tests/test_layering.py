"""Imports go one way (STYLE.md §2.2 item 4), checked by parsing every module's imports.

Between packages: core ← accounts ← lecturers ← reviews ← contests, and meetings may use
lecturers and reviews. Inside a package: enums ← models ← permissions ← services/queries ←
forms/exports/auth ← views/api/cli. (Permissions come after models here: the predicates read
model attributes.)
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "lecturers": {"core", "accounts"},
    "reviews": {"core", "accounts", "lecturers"},
    "contests": {"core", "accounts", "lecturers", "reviews"},
    "meetings": {"core", "accounts", "lecturers", "reviews"},
    "dashboards": {"core", "accounts", "lecturers", "reviews", "meetings"},
}
RANK = {"enums": 0, "scoring": 0, "totp": 0, "passwords": 0, "models": 1, "rubrics": 1, "permissions": 2,
        "services": 3, "queries": 3, "roster": 3, "authoring": 3, "recalc": 3, "practice": 3, "throttle": 3,
        "lesson_plans": 3, "evidence": 3, "audit": 3, "forms": 4, "presenters": 4, "exports": 4, "auth": 4,
        "audit_forms": 4, "views": 5, "api": 5, "cli": 5, "plans_api": 5, "practice_api": 5, "audit_views": 5}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules():
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            yield package, path


def test_packages_import_only_packages_below_them():
    wrong = []
    for package, path in _modules():
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ALLOWED and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")

    assert wrong == []


def test_modules_inside_a_package_import_downwards():
    wrong = []
    for package, path in _modules():
        rank = RANK.get(path.relative_to(ROOT / package).parts[0].removesuffix(".py"))
        if rank is None:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == package and len(parts) > 1 and RANK.get(parts[1], -1) > rank:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")

    assert wrong == []
