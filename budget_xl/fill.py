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

from budget_xl.derive import SUM, Ref, derivations
from budget_xl.model import Budget
from budget_xl.rules.base import row_label
from budget_xl.units import convert, half_ulp


@dataclass(frozen=True)
class Change:
    cell: str
    old: Decimal | None
    new: Decimal
    what: str


def _describe(ref: Ref) -> str:
    column = ref.table.layout.column(ref.col).header[-1]
    return f"{ref.table.sheet_name()}“{row_label(ref.table, ref.row)}”{column}"


def plan_fill(budget: Budget) -> tuple[Budget, list[Change]]:
    """A filled copy of the budget and the cells that changed (the input model is untouched)."""
    filled = copy.deepcopy(budget)
    for t in filled.tables.values():
        t.reindex()
    graph = derivations(filled)  # depends on which rows exist, not on values: one graph serves throughout
    originals: dict[str, Decimal | None] = {}
    for d in graph:
        new = d.compute()
        target = d.target
        old = target.value()
        if new is None or new == old:
            continue
        if old is not None and d.kind == SUM:
            present = sum(1 for p in d.parts if p.value() is not None)
            if present >= 2 and abs(new - old) <= (present + 1) * half_ulp(target.table.unit):
                continue  # 尾差: keep the printed total
        originals.setdefault(target.cell, old)
        target.row.values[target.col] = new
    _repair(filled, originals, graph)
    refs = {d.target.cell: d.target for d in graph}
    changes = [Change(cell=cell, old=old, new=refs[cell].value(), what=_describe(refs[cell]))
               for cell, old in originals.items() if refs[cell].value() != old]
    return filled, changes


def _errors(budget: Budget) -> list:
    from budget_xl.rules import run_checks

    return [f for f in run_checks(budget) if f.severity == "error"]


def _repair(filled: Budget, originals: dict[str, Decimal | None], graph: list, rounds: int = 10) -> None:
    """Totals kept within 尾差 of one relation may break another (a 合计 row's row sum, or its copy in the
    next table). Where an error remains on a derived cell, try its own sum and the figures it is compared
    with, and take the one that leaves the fewest errors — the rules themselves are the judge."""
    targets = {d.target.cell: d for d in graph}
    cells = {r.cells[c]: (t, r, c) for t in filled.tables.values() for r in t.rows for c in r.cells}
    errors = _errors(filled)
    for _ in range(rounds):
        best = None
        for f in errors:
            for cell in f.cells:
                d = targets.get(cell)
                if d is None:
                    continue
                ref = d.target
                current = ref.value()
                candidates = {d.compute()}
                for other in f.cells:
                    if other != cell and other in cells:
                        t, r, c = cells[other]
                        v = r.amount(c)
                        candidates.add(None if v is None else convert(v, t.unit, ref.table.unit))
                for v in candidates - {None, current}:
                    ref.row.values[ref.col] = v
                    left = _errors(filled)
                    if len(left) < len(best[3] if best else errors):
                        best = (ref, current, v, left)
                    ref.row.values[ref.col] = current
        if best is None:
            return
        ref, current, v, errors = best
        originals.setdefault(ref.cell, current)
        ref.row.values[ref.col] = v


def derived_cells(budget: Budget) -> list[str]:
    """Every cell that 重算汇总 derives (totals, parent rows, summary-table copies)."""
    return list(dict.fromkeys(d.target.cell for d in derivations(budget) if d.target.cell))
