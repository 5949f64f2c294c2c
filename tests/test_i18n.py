"""The catalogues are complete: no untranslated or fuzzy entry in Vietnamese or English."""
from __future__ import annotations

import configparser
import glob
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _untranslated(catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(lang):
    assert _untranslated(_catalog(lang)) == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_covers_every_extracted_message(lang):
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}

    assert template - {m.id for m in _catalog(lang) if m.id} == set()


def test_every_babel_source_path_exists():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "babel.cfg")
    for section in parser.sections():
        pattern = section.split(":", 1)[1].strip()
        assert glob.glob(str(ROOT / pattern), recursive=True), pattern


def test_vietnamese_catalogue_uses_diacritics():
    catalog = _catalog("vi")

    assert catalog.get("Sign in").string == "Đăng nhập"
    assert catalog.get("Lecturers").string == "Giảng viên"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_translations_keep_the_placeholders_and_add_no_bare_percent(lang):
    """Jinja's gettext always %-formats, so a stray "%" in a translation breaks the page."""
    import re

    def tokens(text: str) -> list[str]:
        return sorted(re.findall(r"%\([a-z_]+\)[sd]|%%", text))

    wrong = []
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            bare = re.findall(r"%(?!\()", re.sub(r"%%", "", text))
            if bare or (not isinstance(message.id, tuple) and tokens(ids[0]) != tokens(text)):
                wrong.append(ids[0])

    assert wrong == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_messages_hold_no_markup(lang):
    """Templates escape a translated message as plain text (core.i18n): markup in one would show."""
    marked = []
    for message in _catalog(lang):
        if not message.id:
            continue  # the header
        texts = [*(message.id if isinstance(message.id, tuple) else (message.id,)),
                 *(message.string if isinstance(message.string, tuple) else (message.string,))]
        marked += [text for text in texts if text and ("<" in text or "&" in text)]
    assert marked == []
