"""Last year's figures for the comparison: the 上年数 sheet, or the tables of last year's master workbook.

On the 上年数 sheet a blank means "not known" (no comparison is written). In last year's tables a blank is a
published empty cell, i.e. zero, exactly as in this year's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.model import Budget
from budget_xl.narrative.amounts import Amount, CellIndex, cell_amount
from budget_xl.narrative.figures import FIGURE_LABELS, figures

KEYS = tuple(FIGURE_LABELS)


@dataclass
class Prior:
    year: int
    source: str  # "上年数" or the workbook's file name, for messages
    amounts: dict[str, Amount | None] = field(default_factory=dict)
    index: CellIndex = field(default_factory=CellIndex)
    notes: list[str] = field(default_factory=list)


def from_sheet(budget: Budget, year: int) -> Prior:
    """The 上年数 sheet of this year's workbook (万元; blank = unknown)."""
    table = budget.tables.get("PRIOR")
    amounts: dict[str, Amount | None] = {k: None for k in KEYS}
    if table is not None and table.present:
        for key in KEYS:
            row = table.get(key)
            if row is not None and row.amount("amount") is not None:
                amounts[key] = cell_amount(row.cell("amount"), "amount", row.amount("amount"), table.unit,
                                           f"上年{FIGURE_LABELS[key]}")
    return Prior(year=year - 1, source="“上年数”工作表", amounts=amounts)


def from_workbook(path: str | Path, year: int, dept_name: str) -> Prior:
    """Last year's master workbook: its tables give every figure (cells cited as ``[文件]表!A1``)."""
    from budget_xl.read import read_workbook

    name = Path(path).name
    budget = read_workbook(path).budget
    if budget.year is None:
        raise InputError("上年工作簿的“基本信息”中没有填写预算年度。", file=str(path), sheet="基本信息")
    if budget.year != year - 1:
        raise InputError(f"上年工作簿的预算年度是{budget.year}年，应为{year - 1}年（本工作簿为{year}年）。", file=str(path))
    prefix = f"[{name}]"
    amounts = {k: a for k, a in figures(budget, prefix=prefix).items() if k in KEYS}
    notes = []
    if budget.dept_name and dept_name and budget.dept_name != dept_name:
        notes.append(f"上年工作簿的部门名称是“{budget.dept_name}”，本年是“{dept_name}”。")
    return Prior(year=budget.year, source=f"上年工作簿“{name}”", amounts=amounts,
                 index=CellIndex.from_budget(budget, prefix), notes=notes)
