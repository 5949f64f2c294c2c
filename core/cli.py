"""``flask translate …``: extract, update and compile the message catalogues."""
from __future__ import annotations

import subprocess
import sys

import click
from babel.messages.pofile import read_po, write_po
from flask import Flask
from flask.cli import AppGroup

translate = AppGroup("translate", help="Manage the Vietnamese and English catalogues.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translate.command("update")
def translate_update() -> None:
    """Extract messages into messages.pot and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_nl:1,2", "-c", "i18n:", "--sort-by-file", "--no-wrap", "--ignore-dirs", ".* __pycache__",
             "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")
    fill_english("translations/en/LC_MESSAGES/messages.po")


def fill_english(path: str) -> None:
    """Message ids are English, so every English entry is its id (singular and plural)."""
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, ignore_obsolete=True)


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate.command("init")
@click.argument("lang")
def translate_init(lang: str) -> None:
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", lang, "--no-wrap")


def register(app: Flask) -> None:
    app.cli.add_command(translate)
