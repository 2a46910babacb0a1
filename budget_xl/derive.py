"""Which cells are derived from which: the derivation graph behind 重算汇总, generated from the declared
relations (those marked ``fill``: layout sums, code trees, summary-table copies, declared sums with
``fill = "total"``). One derivation per cell — code tree and line totals first, then copies, then row sums —
in evaluation order. The graph depends on which rows exist, never on their values.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.model import Budget
from budget_xl.relations import COPY, PRIORITY, SUM, Instance, Scan, Term, expand
from budget_xl.rounding import Tolerances, coarse_printing, is_printed_sum
from budget_xl.schema import load_schema
from budget_xl.units import convert


@dataclass(frozen=True)
class Derivation:
    target: Term
    parts: tuple[Term, ...]
    kind: str = SUM
    rule: str = ""

    def compute(self) -> Decimal | None:
        """Σ of the non-blank parts (None when all are blank); a copy converts units."""
        present = [(p, v) for p, v in ((p, p.value()) for p in self.parts) if v is not None]
        if not present:
            return None
        if self.kind == COPY:
            (src, v), = present[:1]
            return convert(v, src.table.unit, self.target.table.unit)
        return sum((convert(v, p.table.unit, self.target.table.unit) for p, v in present), Decimal(0))


def graph_from(instances: list[Instance]) -> list[Derivation]:
    """The fill-marked instances as derivations, one per target cell, dependencies first."""
    chosen: dict[str, Instance] = {}
    for inst in instances:
        if not inst.fill or inst.kind not in (SUM, COPY) or inst.total.cell is None:
            continue
        cell = inst.total.cell
        if cell not in chosen or PRIORITY.get(inst.origin, 3) < PRIORITY.get(chosen[cell].origin, 3):
            chosen[cell] = inst
    # topological order (Kahn): a target used as a part elsewhere is computed first
    deps = {cell: {p.cell for p in inst.parts if p.cell in chosen and p.cell != cell} for cell, inst in chosen.items()}
    users: dict[str, list[str]] = defaultdict(list)
    for cell, ds in deps.items():
        for d in ds:
            users[d].append(cell)
    pending = {cell: len(ds) for cell, ds in deps.items()}
    ready = deque(cell for cell in chosen if pending[cell] == 0)
    order: list[str] = []
    while ready:
        cell = ready.popleft()
        order.append(cell)
        for u in users[cell]:
            pending[u] -= 1
            if pending[u] == 0:
                ready.append(u)
    done = set(order)
    order += [c for c in chosen if c not in done]  # a cycle in the declarations: keep what is left
    return [Derivation(chosen[c].total, chosen[c].parts, chosen[c].kind, chosen[c].rule) for c in order]


def derivations(budget: Budget, instances: list[Instance] | None = None) -> list[Derivation]:
    return graph_from(instances if instances is not None else expand(budget))


def summed_cells(budget: Budget) -> set[str]:
    """Cells 重算汇总 wrote (listed in the 变更记录 sheet): totals computed from rounded parts."""
    log = budget.tables.get("LOG")
    return {r.text("cell") for r in log.rows} if log is not None and log.present else set()


def tolerances(budget: Budget, graph: list[Derivation] | None = None,
               instances: list[Instance] | None = None, scanned: Scan | None = None) -> Tolerances:
    """The rounding model for this workbook: how its tables are printed (``rounding.coarse_printing``: whole 元 or 万元
    exact or rounded, decided from the evidence), and a total that 重算汇总 computed from rounded parts (it is in
    变更记录 and still equals that sum) is not the budget system's rounding of the exact figure — it
    inherits its parts' shares, which is how far it may honestly stand from the same total printed elsewhere.
    ``scanned``: check's one pass, whose instances that do not plainly hold are all the printing evidence; every
    instance is expanded only when the derivations are needed."""
    summed = summed_cells(budget)
    by_parts = load_schema(budget.profile).printed_sums  # 决算: code-tree totals printed as sums of rounded parts
    if instances is None:
        if scanned is None:
            instances = expand(budget)
        else:
            instances = scanned.every() if graph is None and (summed or by_parts) else scanned.differing
    printing = coarse_printing(budget, instances)
    if not summed and not by_parts:
        return printing
    shares: dict[str, Decimal] = {}

    def of(ref: Term) -> Decimal:
        base = printing.printed_share(ref.table.key, ref.table.unit)
        return shares.get(ref.cell, base) if ref.cell else base

    for d in graph if graph is not None else derivations(budget, instances):
        cell, value = d.target.cell, d.target.value()
        if cell is None or value is None or not (cell in summed or (by_parts and is_printed_sum(d.rule))):
            continue
        computed = d.compute()
        if computed is not None and computed == value:
            share = sum((of(p) for p in d.parts if p.value() is not None), Decimal(0))
            if share > of(d.target):
                shares[cell] = share
    return Tolerances(inherited=shares, printed=printing.printed, coarse=printing.coarse)

