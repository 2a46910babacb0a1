"""Localization's input from a Budget: the declared relation instances (``budget_xl.relations``) as linear
constraints in 元, with the cells' values, weights and places.

The only module of the package that knows the budget model; the core sees constraints over "sheet!A1" cells.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budget_xl import a1
from budget_xl.localize.core import localize
from budget_xl.localize.model import CellMeta, Constraint, Localization
from budget_xl.model import Budget, Row, Table

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
    """"支出总表!D7" → ("支出总表", 7, 4): sheet, 1-based row and column (None for what is not an address)."""
    sheet, _, ref = cell.rpartition("!")
    try:
        row, col = a1.parse(ref)
    except ValueError:
        return None
    return sheet, row + 1, col + 1


def _label(table: Table, row: Row, col: str) -> str:
    from budget_xl.rules.base import col_label, row_label

    try:
        c = col_label(table, col)
    except KeyError:
        c = col
    c = re.sub(r"[（(][^（）()]*\{unit\}[^（）()]*[）)]", "", c)  # "价值（金额单位：{unit}）": the unit is printed after
    r = row_label(table, row)
    return f"{r}·{c}" if c else r


def constraints_from_budget(budget: Budget, skip_tables: frozenset[str] = frozenset(),
                            instances: list | None = None) -> Inputs:
    """Every relation check tests, as a constraint in 元 (tables in ``skip_tables`` — e.g. one typed in the
    wrong unit, already reported as such — take no part). ``instances``: the budget's relations as ``check``
    expanded them (``relations.expand``), not expanded a second time."""
    from budget_xl.derive import tolerances
    from budget_xl.relations import SUM, expand, linear_forms, values_in_yuan

    every = expand(budget) if instances is None else instances
    instances = [i for i in every if not skip_tables
                 or not ({i.total.table.key, *(p.table.key for p in i.parts)} & skip_tables)]
    tol = tolerances(budget, instances=instances)
    values = values_in_yuan(instances)
    places: dict[str, tuple[Table, str, str]] = {}
    tables_of: dict[str, set[str]] = defaultdict(set)
    # a total is a cell 重算汇总 computes from its parts, blank or not (a blank one is fill's to fill, not a suspect)
    totals: set[str] = {i.total.cell for i in instances if i.kind == SUM and i.fill and i.total.cell}
    constraints: list[Constraint] = []
    for form in linear_forms(instances, tol):
        inst = instances[form.index]
        terms = (inst.total, *inst.parts)
        keys = {t.table.layout.key for t in terms}  # Table.key and Term.cell, inlined: once per term of 10⁵
        in_form = form.terms
        for t in terms:
            cell = t.row.cells.get(t.col)
            if cell in in_form:
                if cell not in places:
                    places[cell] = (t.table, t.row.key, t.col)
                tables_of[cell] |= keys
        constraints.append(Constraint(f"{form.rule}:{form.index}", form.rule, form.terms, form.sense, form.tol))
    meta: dict[str, CellMeta] = {}
    for cell, (table, row_key, col) in places.items():
        where = _rc(cell)
        sheet, line, column = where if where else (table.sheet_name(), None, None)
        meta[cell] = CellMeta(sheet, line, column, "", table.unit, cell in totals, table.key, row_key, col)
    weights = {c: (TOTAL_WEIGHT if c in totals else DETAIL_WEIGHT) + PER_TABLE * (len(tables_of.get(c, ())) - 1)
               for c in meta}
    return Inputs(constraints, {c: v for c, v in values.items() if c in meta}, weights, meta)


def localize_budget(budget: Budget, skip_tables: frozenset[str] = frozenset(),
                    instances: list | None = None) -> tuple[Inputs, Localization]:
    """Localize, and name the suspect cells as the findings do (row and column labels, computed only for them)."""
    inputs = constraints_from_budget(budget, skip_tables, instances)
    loc = inputs.localize()
    if loc.meta:
        named = {}
        for cell, m in loc.meta.items():
            table = budget.tables.get(m.table)
            row = table.get(m.row_key) if table is not None else None
            named[cell] = dataclasses.replace(m, label=_label(table, row, m.col_key)) if row is not None else m
        loc = dataclasses.replace(loc, meta=named)
    return inputs, loc
