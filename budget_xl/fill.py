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
from budget_xl.model import Budget, Row, copy_budget
from budget_xl.relations import COPY, SUM, Instance, Term, evaluate, expand
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
    summed = _printed_sum_shares(filled, graph, instances)
    for d in graph:
        new = d.compute()
        target = d.target
        old = target.value()
        if new is None or new == old or target.cell in keep:
            continue
        if old is not None and d.kind == COPY and _copy_of_printed_sum(d, old, new, summed):
            continue  # 决算: the exact figure's rounding, copied from a total printed as Σ rounded parts: 尾差
        if old is not None and d.kind == SUM:
            present = sum(1 for p in d.parts if p.value() is not None)
            if keeps_printed_total(old, new, present, target.table.unit):
                kept.append(d)
                continue
        originals.setdefault(target.cell, old)
        target.row.values[target.col] = new
    repaired = _repair(filled, originals, kept, instances, keep)
    for d in graph:  # what was filled from a repaired total follows it (a copy of it, a sum over it)
        cell = d.target.cell
        if cell in originals and cell not in repaired and any(p.cell in repaired for p in d.parts):
            new = d.compute()
            if new is not None:
                d.target.row.values[d.target.col] = new
                repaired.add(cell)
    refs = {d.target.cell: d.target for d in graph}
    for inst in instances:  # a cell filled by another way of computing it than the graph's
        if inst.total.cell in originals:
            refs.setdefault(inst.total.cell, inst.total)
    changes = [Change(cell=cell, old=old, new=refs[cell].value(), what=refs[cell].describe())
               for cell, old in originals.items() if refs[cell].value() != old]
    _log(filled, changes)
    return filled, changes


def _printed_sum_shares(budget: Budget, graph, instances) -> dict[str, Decimal]:
    """Cells whose total the profile prints as the sum of rounded parts (``printed_sums``), with their shares."""
    from budget_xl.derive import tolerances
    from budget_xl.schema import load_schema

    if not load_schema(budget.profile).printed_sums:
        return {}
    return dict(tolerances(budget, graph, instances).inherited)


def _copy_of_printed_sum(d: Derivation, old: Decimal, new: Decimal, summed: dict[str, Decimal]) -> bool:
    """A printed copy that differs from its source — a total printed as Σ rounded parts — by no more than the
    source's share: the copy is the exact figure's rounding, and is kept (check reports it as 尾差)."""
    from budget_xl.rounding import own_share, to_yuan

    src = d.parts[0] if d.parts else None
    if src is None or src.cell not in summed:
        return False
    gap = abs(to_yuan(old, d.target.table.unit) - to_yuan(new, src.table.unit))
    return gap <= summed[src.cell] + own_share(d.target.table.unit)


def _log(filled: Budget, changes: list[Change]) -> None:
    """The filled model carries its 变更记录 as the written workbook will: totals computed from rounded parts
    then inherit their parts' rounding shares when checked (``derive.tolerances``)."""
    log = filled.tables.get("LOG")
    if log is None or not changes:
        return
    log.present = True
    log.rows += [Row(key=f"#{len(log.rows) + i}", values={"cell": c.cell, "what": c.what, "old": c.old, "new": c.new})
                 for i, c in enumerate(changes)]
    log.reindex()


def _repair(filled: Budget, originals: dict[str, Decimal | None], kept: list[Derivation],
            instances: list[Instance], keep) -> set[str]:
    """A total kept within 尾差 of one relation, or filled from one of several relations that compute it, may
    break another (its row's sum, its copy in the next table). For each such total, try every value the
    relations offer — each way of computing it, and the figures it is compared with — and take the one that
    leaves the fewest errors among the relations it takes part in. Only those relations are re-evaluated, so the
    work grows with the workbook, not with its square."""
    touching: dict[str, list[Instance]] = defaultdict(list)
    ways: dict[str, list[Derivation]] = defaultdict(list)  # every declared way of computing a cell
    for inst in instances:
        for cell in inst.cells:
            touching[cell].append(inst)
        if inst.fill and inst.kind in (SUM, COPY) and inst.total.cell:
            ways[inst.total.cell].append(Derivation(inst.total, inst.parts, inst.kind, inst.rule))
    targets: dict[str, Term] = {d.target.cell: d.target for d in kept}
    for inst in instances:
        if inst.total.cell in originals and inst.total.cell not in targets:
            targets[inst.total.cell] = inst.total

    def errors_at(cell: str) -> int:
        return sum(1 for inst in touching[cell] for f in evaluate(inst, filled) if f.severity == ERROR)

    repaired: set[str] = set()
    for _round in range(2):
        changed = False
        for cell, ref in targets.items():
            if cell in keep:
                continue
            current = ref.value()
            before = errors_at(cell)
            if before == 0:
                continue
            candidates = {d.compute() for d in ways[cell]}
            for inst in touching[cell]:
                for other in (inst.total, *inst.parts):
                    if other.cell != cell and other.value() is not None and inst.kind != SUM:
                        candidates.add(convert(other.value(), other.table.unit, ref.table.unit))
            best, best_errors = current, before
            for v in candidates - {None, current}:
                ref.row.values[ref.col] = v
                n = errors_at(cell)
                if n < best_errors:
                    best, best_errors = v, n
            ref.row.values[ref.col] = best
            if best != current:
                originals.setdefault(cell, current)
                repaired.add(cell)
                changed = True
        if not changed:
            break
    return repaired


@dataclass(frozen=True)
class Held:
    """A total 重算汇总 did not rewrite because a detail under it is the likely error (from localization)."""

    cell: str
    value: Decimal
    what: str
    reason: str


def held_totals(budget: Budget, suspects: dict[str, str]) -> list[Held]:
    """The non-blank totals that depend (directly or through other totals) on a suspect detail: rewriting
    them from their parts would spread the wrong figure, so they are kept and the detail is reported."""
    if not suspects:
        return []
    graph = graph_from(expand(budget))
    tainted: dict[str, str] = dict(suspects)
    out: list[Held] = []
    for d in graph:  # dependencies first: a total over a tainted total is tainted too
        cell = d.target.cell
        source = next((p.cell for p in d.parts if p.cell in tainted), None)
        if cell is None or source is None:
            continue
        tainted[cell] = tainted[source]
        value = d.target.value()
        if value is not None and cell not in suspects:
            out.append(Held(cell, value, d.target.describe(), tainted[source]))
    return out


def plan_recompute(budget: Budget) -> tuple[Budget, list[Change], list[Held]]:
    """重算汇总 as the buttons and the command run it: when the workbook has errors, localization first names
    the detail cells that are most likely wrong, and the totals above them are held (reported, not rewritten),
    so a wrong figure is never spread into the totals; blank totals are still filled."""
    from budget_xl.localize.fold import suspects_for_fill
    from budget_xl.rules import run_checks

    has_errors = any(f.severity == ERROR for f in run_checks(budget))
    held = held_totals(budget, suspects_for_fill(budget)) if has_errors else []
    filled, changes = plan_fill(budget, keep=frozenset(h.cell for h in held))
    return filled, changes, held


def held_note(h: Held) -> str:
    """The 变更记录 text of a held total."""
    return f"保留原数（未改写）：{h.what}。{h.reason}"


def derived_cells(budget: Budget) -> list[str]:
    """Every cell that 重算汇总 derives (totals, parent rows, summary-table copies)."""
    return list(dict.fromkeys(d.target.cell for d in graph_from(expand(budget)) if d.target.cell))
