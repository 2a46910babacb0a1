"""Test helpers: the sample's sheet grids with a few cells changed, read and checked in memory."""

from __future__ import annotations

import re
from functools import cache

from budget_xl.read.grid import read_grids
from budget_xl.rules import run_checks


@cache
def sample_sheet_grids() -> dict:
    """The sample as the calamine reader sees the written workbook (cells as in the real file)."""
    import tempfile
    from pathlib import Path

    from budget_xl.read.files import load_grids_calamine
    from budget_xl.sample import write_sample

    with tempfile.TemporaryDirectory() as d:
        return load_grids_calamine(write_sample(Path(d) / "s.xlsx"))


def _rc(a1: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def grids_with(changes: dict[str, object]) -> dict:
    """Copy of the sample grids with ``{"收入总表!D6": 1.0, …}`` applied."""
    grids = dict(sample_sheet_grids())
    for ref, value in changes.items():
        sheet, a1 = ref.split("!")
        r, c = _rc(a1)
        rows = [list(x) for x in grids[sheet]]
        while len(rows) <= r:
            rows.append([])
        while len(rows[r]) <= c:
            rows[r].append("")
        rows[r][c] = value
        grids[sheet] = rows
    return grids


def value_at(ref: str):
    sheet, a1 = ref.split("!")
    r, c = _rc(a1)
    return sample_sheet_grids()[sheet][r][c]


def check(changes: dict[str, object] | None = None):
    res = read_grids(grids_with(changes or {}))
    return run_checks(res.budget, res.notes)


def errors(findings, rule_prefix: str = ""):
    return [f for f in findings if f.severity == "error" and f.rule.startswith(rule_prefix)]


def by_rule(findings, rule: str, severity: str | None = None):
    return [f for f in findings if f.rule == rule and (severity is None or f.severity == severity)]


@cache
def _base():
    return read_grids(sample_sheet_grids()).budget


def cell_of(table: str, key: str, col: str) -> str:
    """Where the sample holds (table, row key, column), e.g. cell_of("T3", "2040607", "project")."""
    return _base()[table].get(key).cell(col)
