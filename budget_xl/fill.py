"""重算汇总: fill every derivable total and parent row from its parts.

The derivation graph (``derive.py``) says which cells are totals, parent rows or summary-table copies;
each is filled only when at least one of its parts has a value. A total that already differs from its
parts only by 尾差 is kept: it is most likely the budget system's own rounding of the exact figure, which
a sum of rounded parts cannot improve. Leaf values are never touched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.derive import SUM, derivations
from budget_xl.model import Budget
from budget_xl.rules.base import row_label
from budget_xl.units import half_ulp


@dataclass(frozen=True)
class Change:
    cell: str
    old: Decimal | None
    new: Decimal
    what: str


def plan_fill(budget: Budget) -> tuple[Budget, list[Change]]:
    """A filled copy of the budget and the cells that changed (the input model is untouched)."""
    filled = copy.deepcopy(budget)
    for t in filled.tables.values():
        t.reindex()
    changes: list[Change] = []
    for d in derivations(filled):
        new = d.compute()
        target = d.target
        old = target.value()
        if new is None or new == old:
            continue
        if old is not None and d.kind == SUM:
            present = sum(1 for p in d.parts if p.value() is not None)
            if present >= 2 and abs(new - old) <= (present + 1) * half_ulp(target.table.unit):
                continue  # 尾差: keep the printed total
        target.row.values[target.col] = new
        column = target.table.layout.column(target.col).header[-1]
        what = f"{target.table.sheet_name()}“{row_label(target.table, target.row)}”{column}"
        changes.append(Change(cell=target.cell, old=old, new=new, what=what))
    return filled, changes


def derived_cells(budget: Budget) -> list[str]:
    """Every cell that 重算汇总 derives (totals, parent rows, summary-table copies)."""
    return list(dict.fromkeys(d.target.cell for d in derivations(budget) if d.target.cell))
