"""Static checks bandit does not make (security-notes §1.5 item 26): no template is built from
strings, and nothing bypasses Jinja's escaping."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "accounts", "lecturers", "reviews", "meetings", "contests", "demo")


def _files(pattern: str):
    for package in (*PACKAGES, "templates"):
        yield from (ROOT / package).rglob(pattern)


def test_no_template_is_rendered_from_a_string():
    offenders = [str(p.relative_to(ROOT)) for p in _files("*.py") if "render_template_string" in p.read_text()]

    assert offenders == []


def test_nothing_marks_text_safe_to_skip_escaping():
    offenders = [str(p.relative_to(ROOT)) for p in _files("*.html") if re.search(r"\|\s*safe\b", p.read_text())]
    offenders += [str(p.relative_to(ROOT)) for p in _files("*.py") if re.search(r"\bMarkup\(", p.read_text())]

    assert offenders == []


def test_templates_have_no_inline_script_or_style():
    offenders = [str(p.relative_to(ROOT)) for p in _files("*.html")
                 if re.search(r"<script(?![^>]*\bsrc=)|\sstyle=\"|<style", p.read_text())]

    assert offenders == []
