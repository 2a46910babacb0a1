"""重算汇总: fill every derivable total and parent row from its parts.

The derivation graph (``derive.py``, generated from the declared relations) says which cells are totals,
parent rows or summary-table copies; each is filled only when at least one of its parts has a value. A total
that already differs from its parts only by 尾差 is kept (``rounding.keeps_printed_total``): it is most likely
the budget system's own rounding of the exact figure, which a sum of rounded parts cannot improve. Leaf
values are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.derive import Derivation, graph_from
from budget_xl.findings import ERROR
from budget_xl.model import Budget, copy_budget
from budget_xl.relations import SUM, Instance, Term, evaluate, expand
from budget_xl.rounding import keeps_printed_total
from budget_xl.units import convert


@dataclass(frozen=True)
class Change:
    cell: str
    old: Decimal | None
    new: Decimal
    what: str


def plan_fill(budget: Budget, keep: set[str] | frozenset[str] = frozenset()) -> tuple[Budget, list[Change]]:
    """A filled copy of the budget and the cells that changed (the input model is untouched). Cells in
    ``keep`` (e.g. totals localization says are right while a detail is wrong) are never rewritten."""
    filled = copy_budget(budget)
    instances = expand(filled)
    graph = graph_from(instances)  # depends on which rows exist, not on values: one graph serves throughout
    originals: dict[str, Decimal | None] = {}
    kept: list[Derivation] = []
    for d in graph:
        new = d.compute()
        target = d.target
        old = target.value()
        if new is None or new == old or target.cell in keep:
            continue
        if old is not None and d.kind == SUM:
            present = sum(1 for p in d.parts if p.value() is not None)
            if keeps_printed_total(old, new, present, target.table.unit):
                kept.append(d)
                continue
        originals.setdefault(target.cell, old)
        target.row.values[target.col] = new
    _repair(filled, originals, kept, instances, keep)
    refs = {d.target.cell: d.target for d in graph}
    changes = [Change(cell=cell, old=old, new=refs[cell].value(), what=refs[cell].describe())
               for cell, old in originals.items() if refs[cell].value() != old]
    return filled, changes


def _repair(filled: Budget, originals: dict[str, Decimal | None], kept: list[Derivation],
            instances: list[Instance], keep) -> None:
    """A total kept within 尾差 of one relation may break another (its row's sum, or its copy in the next
    table). For each kept total, try its own sum and the figures it is compared with in the relations it
    breaks, and take the value that leaves the fewest errors among the relations it takes part in. Only those
    relations are re-evaluated, so the work grows with the workbook, not with its square."""
    touching: dict[str, list[Instance]] = defaultdict(list)
    for inst in instances:
        for cell in inst.cells:
            touching[cell].append(inst)

    def errors_at(cell: str) -> int:
        return sum(1 for inst in touching[cell] for f in evaluate(inst, filled) if f.severity == ERROR)

    for d in kept:
        ref: Term = d.target
        if ref.cell in keep:
            continue
        current = ref.value()
        before = errors_at(ref.cell)
        if before == 0:
            continue
        candidates = {d.compute()}
        for inst in touching[ref.cell]:
            for other in (inst.total, *inst.parts):
                if other.cell != ref.cell and other.value() is not None and inst.kind != SUM:
                    candidates.add(convert(other.value(), other.table.unit, ref.table.unit))
        best, best_errors = current, before
        for v in candidates - {None, current}:
            ref.row.values[ref.col] = v
            n = errors_at(ref.cell)
            if n < best_errors:
                best, best_errors = v, n
        ref.row.values[ref.col] = best
        if best != current:
            originals.setdefault(ref.cell, current)


def derived_cells(budget: Budget) -> list[str]:
    """Every cell that 重算汇总 derives (totals, parent rows, summary-table copies)."""
    return list(dict.fromkeys(d.target.cell for d in graph_from(expand(budget)) if d.target.cell))
