"""The one A1 helper (budget_xl.a1, openpyxl.utils) against hand-worked addresses, and the modules that
used to carry their own (reader, package scan, marking, add-in blocks) agree with it."""

import pytest

from budget_xl import a1
from budget_xl.excel.ranges import a1 as ranges_a1
from budget_xl.excel.ranges import parse_a1
from budget_xl.read.files import col_index_of
from budget_xl.read.grid import col_letter, ref


@pytest.mark.parametrize("col,letters", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"),
                                         (702, "AAA"), (16383, "XFD")])
def test_letters_both_ways(col, letters):
    assert a1.letter(col) == col_letter(col) == letters
    assert a1.index(letters) == a1.index(letters.encode()) == col


def test_columns_past_xfd_are_still_measured_for_the_extent_check():
    assert a1.index("ZZZZ") == 26 ** 4 + 26 ** 3 + 26 ** 2 + 26 - 1
    assert a1.index(b"XFE") == 16384


@pytest.mark.parametrize("text,rc", [("D5", (4, 3)), ("$D$5", (4, 3)), ("aa10", (9, 26)), (" B2 ", (1, 1))])
def test_addresses(text, rc):
    assert a1.parse(text) == parse_a1(text) == rc
    assert col_index_of(text.strip().upper().replace("$", "")) == rc
    assert ranges_a1(*rc) == a1.address(*rc) == text.strip().upper().replace("$", "")


def test_a_reference_names_sheet_and_cell():
    assert ref("收入总表", 4, 3) == "收入总表!D5"
    with pytest.raises(ValueError):
        a1.parse("收入总表")
