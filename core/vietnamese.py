"""Vietnamese text rules: folding for diacritic-free search, and the sort order of names.

Names sort by given name (the last word), then by family and middle names, using the
Vietnamese alphabet (a ă â b c d đ e ê … ơ p q r s t u ư v x y) with tones as a secondary
difference (none, huyền, hỏi, ngã, sắc, nặng). The key is made of digits only, so it sorts
the same under any database collation.
"""
from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_SHAPES = {"\u0306": "ă", "\u0302": "^", "\u031b": "ư"}  # breve, circumflex, horn
_WITH_SHAPE = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
               ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}


def fold(text: str) -> str:
    """Lower-case ``text`` and strip every diacritic: "Nguyễn Thị Hương" → "nguyen thi huong"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _letters_and_tones(word: str) -> tuple[list[str], list[int]]:
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.casefold()):
        if char in _TONES:
            tones[-1:] = [_TONES[char]] if tones else []
        elif letters and (letters[-1], char) in _WITH_SHAPE:
            letters[-1] = _WITH_SHAPE[(letters[-1], char)]
        elif not unicodedata.combining(char):
            letters.append(char)
            tones.append(0)
    return letters, tones


def _word_key(words: list[str]) -> tuple[str, str]:
    primary, secondary = [], []
    for word in words:
        letters, tones = _letters_and_tones(word)
        primary.extend(_LETTER_CODE.get(letter, f"{min(ord(letter), 9999) % 90 + 10:02d}") for letter in letters)
        primary.append("01")  # word separator sorts before every letter
        secondary.extend(str(tone) for tone in tones)
    return "".join(primary), "".join(secondary)


def name_sort_key(full_name: str) -> str:
    """The sort key of a Vietnamese personal name: given name first, then family and middle."""
    words = full_name.split()
    if not words:
        return ""
    given_primary, given_tones = _word_key(words[-1:])
    rest_primary, rest_tones = _word_key(words[:-1])
    return f"{given_primary}0{given_tones}00{rest_primary}0{rest_tones}"


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)
