"""The one A1 helper: column letters and cell addresses, by openpyxl.utils (0-based rows and columns here).

Every module that names a cell (the reader, the package scan, marking, the add-in's blocks) goes through
these, so “D5”, (4, 3) and column 3 mean the same everywhere.
"""

from __future__ import annotations

import re

from openpyxl.utils.cell import column_index_from_string, get_column_letter

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def letter(col: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    return get_column_letter(col + 1)


def index(letters: str | bytes) -> int:
    """'A' → 0, 'AA' → 26; beyond Excel's XFD too (a hostile sheet's extent must still be measured)."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    try:
        return column_index_from_string(text) - 1
    except ValueError:  # past XFD: openpyxl refuses, the extent check needs the number
        n = 0
        for ch in text.upper():
            n = n * 26 + ord(ch) - 64
        return n - 1


def parse(a1: str) -> tuple[int, int]:
    """'D5' (or '$D$5') → (4, 3): 0-based row and column."""
    m = _A1.match(a1.strip())
    if not m:
        raise ValueError(f"不是单元格地址：{a1!r}")
    return int(m.group(2)) - 1, index(m.group(1).upper())


def address(row: int, col: int) -> str:
    """(4, 3) → 'D5'."""
    return f"{letter(col)}{row + 1}"
