from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.vietnamese import fold, name_sort_key, sort_names


def test_fold_strips_diacritics_and_case():
    assert fold("Nguyễn Thị Hương") == "nguyen thi huong"
    assert fold("ĐỖ  Đức") == "do duc"


def test_names_sort_by_given_name_first():
    names = ["Nguyễn Thị Hương", "Trần Văn An", "Lê Văn Bình", "Phạm Thị Anh"]

    assert sort_names(names) == ["Trần Văn An", "Phạm Thị Anh", "Lê Văn Bình", "Nguyễn Thị Hương"]


def test_vietnamese_letters_sort_after_their_base_letter():
    names = ["Vũ Thị Ăn", "Bùi Thị Ân", "Lê Văn Anh", "Trần Văn An", "Đỗ Văn Đức", "Hoàng Văn Dũng"]

    assert sort_names(names) == ["Trần Văn An", "Lê Văn Anh", "Vũ Thị Ăn", "Bùi Thị Ân", "Hoàng Văn Dũng",
                                 "Đỗ Văn Đức"]


def test_tones_decide_only_between_equal_letters():
    names = ["Lý Hạ", "Mai Hà", "Nguyễn Hả", "Trần Ha", "Lê Thị Hường", "Ngô Văn Hưng", "Phan Thị Hương"]

    assert sort_names(names) == ["Trần Ha", "Mai Hà", "Nguyễn Hả", "Lý Hạ", "Ngô Văn Hưng", "Phan Thị Hương",
                                 "Lê Thị Hường"]


def test_same_given_name_sorts_by_family_then_middle_name():
    names = ["Trần Thị Lan", "Đặng Thị Lan", "Nguyễn Văn Lan", "Nguyễn Thị Lan"]

    assert sort_names(names) == ["Đặng Thị Lan", "Nguyễn Thị Lan", "Nguyễn Văn Lan", "Trần Thị Lan"]


def test_sort_key_is_made_of_digits_so_any_collation_agrees():
    assert name_sort_key("Nguyễn Thị Hương").isdigit()


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạầấẩẫậ ", min_size=1, max_size=30))
def test_nfc_and_nfd_spellings_sort_and_fold_alike(name):
    nfd = unicodedata.normalize("NFD", name)

    assert name_sort_key(nfd) == name_sort_key(name)
    assert fold(nfd) == fold(name)
