"""Test helpers: the sample's sheet grids with a few cells changed, read and checked in memory."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from budget_xl.model import Row, empty_budget
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


NAMES = {"201": "一般公共服务支出", "205": "教育支出", "208": "社会保障和就业支出", "221": "住房保障支出"}


def _yuan(v: Decimal) -> Decimal:
    return v.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def yuan_t5_budget(leaves: dict[str, tuple[str, str]], bump: dict[tuple[str, str], int] | None = None):
    """A Shanghai budget whose 一般公共预算支出表 (元) prints every figure in whole 元: leaves (basic, project) as the
    budget system holds them (分 allowed), every total summed exactly and then printed 四舍五入 to the 元;
    ``bump`` adds whole 元 to printed figures (a typo). Cells as the sheet would hold them (C–E from row 6)."""
    exact: dict[str, list[Decimal]] = {}
    for code, (basic, project) in leaves.items():
        for key in ("合计", code[:3], code[:5], code):
            row = exact.setdefault(key, [Decimal(0), Decimal(0)])
            row[0] += Decimal(basic)
            row[1] += Decimal(project)
    b = empty_budget(profile="shanghai")
    t5 = b["T5"]
    rows = []
    for key in sorted(exact, key=lambda k: (k != "合计", k)):
        basic, project = exact[key]
        values = {"total": _yuan(basic + project), "basic": _yuan(basic), "project": _yuan(project)}
        for (k, col), n in (bump or {}).items():
            if k == key:
                values[col] += n
        name = NAMES.get(key, f"科目{key}")
        line = 6 + len(rows)
        cells = {c: f"{t5.sheet_name()}!{a}{line}" for c, a in (("total", "C"), ("basic", "D"), ("project", "E"))}
        rows.append(Row(key, {"code": "" if key == "合计" else key, "name": name, **values}, cells=cells, line=line))
    t5.rows = rows
    t5.reindex()
    return b
