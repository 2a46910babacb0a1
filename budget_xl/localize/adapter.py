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
    c = re.sub(r"[（(][^（）()]*\{unit\}[^（）()]*[）)]", "", c)  # "价值（金额单位：{unit}）": the unit is printed after
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

    def share(cell: str, unit: str) -> Decimal:
        return slack.get(cell, half_ulp(unit)) * UNITS["万元"]

    places: dict[str, tuple] = {}
    for d in derivations(budget):
        refs = (d.target, *d.parts)
        cells = [r.row.cells.get(r.col) for r in refs]
        if None in cells or any(r.col in r.row.invalid for r in refs):
            continue
        vals = [r.row.amount(r.col) for r in refs]
        if vals[0] is None and any(v is not None for v in vals[1:]):
            continue  # a blank total over filled parts is unknown (check warns): it constrains nothing
        # (a blank total over blank parts is consistent, and stops being so when a part gets a figure)
        keys = {r.table.key for r in refs}
        for r, cell, v in zip(refs, cells, vals):
            if v is not None:
                values[cell] = v * UNITS[r.table.unit]
            if cell not in places:
                places[cell] = (r.table, r.row.key, r.col)
                tables_of[cell] = set(keys)
            else:
                tables_of[cell] |= keys
        target, parts = cells[0], cells[1:]
        terms: dict[str, int] = {}
        for c in parts:
            terms[c] = terms.get(c, 0) + 1
        terms[target] = terms.get(target, 0) - 1
        unit = d.target.table.unit
        if d.kind == COPY:
            src_unit = d.parts[0].table.unit
            tol = max(share(target, unit), share(parts[0], src_unit)) if unit != src_unit else Decimal(0)
            rule = "COPY"
        else:
            totals.add(target)
            present = [c for c, v in zip(parts, vals[1:]) if v is not None]
            tol = share(target, unit) + sum((share(c, unit) for c in present), Decimal(0)) if len(present) >= 2 \
                else Decimal(0)
            rule = "SUM"
        constraints.append(Constraint(f"{rule}:{target}", f"{d.target.table.key}-{rule}", terms, EQ, tol))
    for cell, (table, row_key, col) in places.items():
        where = _rc(cell)
        sheet, line, column = where if where else (table.sheet_name(), None, None)
        meta[cell] = CellMeta(sheet, line, column, "", table.unit, cell in totals, table.key, row_key, col)
    weights = {c: (TOTAL_WEIGHT if c in totals else DETAIL_WEIGHT) + PER_TABLE * (len(tables_of.get(c, ())) - 1)
               for c in meta}
    return Inputs(constraints, values, weights, meta)


def localize_budget(budget: Budget) -> tuple[Inputs, Localization]:
    """Localize, and name the suspect cells as the findings do (row and column labels, computed only for them)."""
    inputs = constraints_from_budget(budget)
    loc = inputs.localize()
    if loc.meta:
        named = {}
        for cell, m in loc.meta.items():
            table = budget.tables.get(m.table)
            row = table.get(m.row_key) if table is not None else None
            named[cell] = dataclasses.replace(m, label=_label(table, row, m.col_key)) if row is not None else m
        loc = dataclasses.replace(loc, meta=named)
    return inputs, loc
