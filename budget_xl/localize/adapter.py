"""Localization's input from a Budget, as it exists today: derive.py's sum and copy derivations.

The only module of the package that knows the budget model; the core sees constraints over "sheet!A1"
cells with values in 元. When the rule engine declares its relation instances, they replace
``derivations()`` here and nothing else changes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.derive import COPY, derivations, effective_slack
from budget_xl.localize.core import localize
from budget_xl.localize.model import EQ, CellMeta, Constraint, Localization
from budget_xl.model import Budget, Row, Table
from budget_xl.units import UNITS, half_ulp

DETAIL_WEIGHT, TOTAL_WEIGHT, PER_TABLE = 1.0, 1.5, 0.1


@dataclass
class Inputs:
    constraints: list[Constraint]
    values: dict[str, Decimal]
    weights: dict[str, float]
    meta: dict[str, CellMeta]

    def localize(self) -> Localization:
        return localize(self.constraints, self.values, self.weights, self.meta)


def _rc(cell: str) -> tuple[str, int, int] | None:
    sheet, _, a1 = cell.rpartition("!")
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", a1)
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return sheet, int(m.group(2)), col


def _label(table: Table, row: Row, col: str) -> str:
    from budget_xl.rules.base import col_label, row_label

    try:
        c = col_label(table, col)
    except KeyError:
        c = col
    r = row_label(table, row)
    return f"{r}·{c}" if c else r


def constraints_from_budget(budget: Budget) -> Inputs:
    """Every sum and copy derivation as a constraint in 元, with the cells' values, weights and places."""
    slack = effective_slack(budget)
    values: dict[str, Decimal] = {}
    meta: dict[str, CellMeta] = {}
    constraints: list[Constraint] = []
    totals: set[str] = set()
    tables_of: dict[str, set[str]] = {}

    def share(ref) -> Decimal:
        unit = ref.table.unit
        return slack.get(ref.cell, half_ulp(unit)) * UNITS["万元"]

    for d in derivations(budget):
        refs = (d.target, *d.parts)
        if any(r.cell is None for r in refs) or any(r.col in r.row.invalid for r in refs):
            continue
        if d.target.value() is None and any(p.value() is not None for p in d.parts):
            continue  # a blank total over filled parts is unknown (check warns): it constrains nothing
        # (a blank total over blank parts is consistent, and stops being so when a part gets a figure)
        for r in refs:
            v = r.value()
            if v is not None:
                values[r.cell] = v * UNITS[r.table.unit]
            if r.cell not in meta:
                where = _rc(r.cell)
                sheet, line, col = where if where else (r.table.sheet_name(), None, None)
                meta[r.cell] = CellMeta(sheet, line, col, _label(r.table, r.row, r.col), r.table.unit,
                                        table=r.table.key, row_key=r.row.key, col_key=r.col)
            tables_of.setdefault(r.cell, set()).update(x.table.key for x in refs)
        terms: dict[str, int] = {}
        for p in d.parts:
            terms[p.cell] = terms.get(p.cell, 0) + 1
        terms[d.target.cell] = terms.get(d.target.cell, 0) - 1
        present = [p for p in d.parts if p.value() is not None]
        if d.kind == COPY:
            tol = max(share(d.target), share(d.parts[0])) if d.target.table.unit != d.parts[0].table.unit else Decimal(0)
            rule = "COPY"
        else:
            totals.add(d.target.cell)
            tol = share(d.target) + sum((share(p) for p in present), Decimal(0)) if len(present) >= 2 else Decimal(0)
            rule = "SUM"
        constraints.append(Constraint(f"{rule}:{d.target.cell}", f"{d.target.table.key}-{rule}", terms, EQ, tol))
    for c in totals:
        m = meta[c]
        meta[c] = dataclasses.replace(m, total=True)
    weights = {c: (TOTAL_WEIGHT if c in totals else DETAIL_WEIGHT) + PER_TABLE * (len(tables_of.get(c, ())) - 1)
               for c in meta}
    return Inputs(constraints, values, weights, meta)


def localize_budget(budget: Budget) -> tuple[Inputs, Localization]:
    inputs = constraints_from_budget(budget)
    return inputs, inputs.localize()
