"""Which cells are derived from which: the one derivation graph behind 重算汇总 and the rounding model.

Derived cells are those the layout declares as totals (row sums, line sums, parent rows of the code
hierarchy) and the copies the summary tables (收支总表, 财拨收支总表) take from the detail tables. The graph
depends on which rows exist, never on their values, and is listed in evaluation order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.schema import load_schema, parent_code
from budget_xl.units import convert, half_ulp

SUM, COPY = "sum", "copy"


@dataclass(frozen=True)
class Ref:
    table: Table
    row: Row
    col: str

    @property
    def cell(self) -> str | None:
        return self.row.cells.get(self.col)

    def value(self) -> Decimal | None:
        return self.row.amount(self.col)


@dataclass(frozen=True)
class Derivation:
    target: Ref
    parts: tuple[Ref, ...]
    kind: str = SUM

    def compute(self) -> Decimal | None:
        """Σ of the non-blank parts (None when all are blank); a copy converts units."""
        values = [(p, p.value()) for p in self.parts]
        present = [(p, v) for p, v in values if v is not None]
        if not present:
            return None
        if self.kind == COPY:
            (src, v), = present
            return convert(v, src.table.unit, self.target.table.unit)
        return sum((v for _, v in present), Decimal(0))


def _topo(items, total_of, parts_of):
    """Order sums so that a total used as a part elsewhere is computed first."""
    items = list(items)
    done, out = set(), []
    while items:
        for it in items:
            needs = {total_of(o) for o in items if o is not it} & set(parts_of(it))
            if not needs:
                out.append(it)
                items.remove(it)
                done.add(total_of(it))
                break
        else:  # a cycle in the declaration: keep declared order
            out += items
            break
    return out


class _Graph:
    def __init__(self, budget: Budget):
        self.budget = budget
        self.out: list[Derivation] = []

    def t(self, key: str) -> Table | None:
        t = self.budget.tables.get(key)
        return t if t is not None and t.present else None

    def add(self, table: Table, row: Row | None, col: str, parts: list[tuple[Table, Row | None, str]],
            kind: str = SUM) -> None:
        if row is None or col not in row.cells:
            return
        refs = tuple(Ref(t, r, c) for t, r, c in parts if r is not None and c in r.values)
        if refs:
            self.out.append(Derivation(Ref(table, row, col), refs, kind))

    def row_sums(self, t: Table, rows: list[Row]) -> None:
        ordered = _topo(t.layout.row_sums, lambda rs: rs.total, lambda rs: rs.parts)
        for row in rows:
            for rs in ordered:
                if rs.side and row.side != rs.side:
                    continue
                self.add(t, row, rs.total, [(t, row, p) for p in rs.parts])

    def coded(self, key: str) -> None:
        t = self.t(key)
        if t is None:
            return
        children: dict[str, list[Row]] = defaultdict(list)
        for row in t.coded_rows():
            parent = TOTAL_KEY if len(row.key) == 3 else parent_code(row.key, t.layout.code_system)
            if parent is not None:
                children[parent].append(row)
        parents = {k for k in children if t.get(k) is not None}
        self.row_sums(t, [r for r in t.rows if r.key not in parents])
        for parent in sorted(parents, key=lambda k: (k == TOTAL_KEY, -len(k))):
            prow = t.get(parent)
            for col in t.layout.amount_columns:
                self.add(t, prow, col, [(t, k, col) for k in children[parent]])

    def lines(self, key: str) -> None:
        t = self.t(key)
        if t is None:
            return
        line_totals = {ls.total for ls in t.layout.line_sums if not ls.partial}
        self.row_sums(t, [r for r in t.rows if r.key not in line_totals])
        ordered = _topo([ls for ls in t.layout.line_sums if not ls.partial], lambda ls: ls.total, lambda ls: ls.parts)
        for ls in ordered:
            for col in ls.columns:
                self.add(t, t.get(ls.total), col, [(t, t.get(p), col) for p in ls.parts])
        covered = {(ls.total, c) for ls in ordered for c in ls.columns}
        rest = [r for r in t.rows if r.key in line_totals]
        for rs in t.layout.row_sums:
            for row in rest:
                if (row.key, rs.total) not in covered and (not rs.side or row.side == rs.side):
                    self.add(t, row, rs.total, [(t, row, p) for p in rs.parts])

    def copies(self) -> None:
        t1, t2, t3, t4 = self.t("T1"), self.t("T2"), self.t("T3"), self.t("T4")
        codes = [c for c, _ in load_schema().func_classes]
        if t1 is not None:
            for code in codes:
                if t3 is not None:
                    self.add(t1, t1.get(code), "out_amount", [(t3, t3.get(code), "total")], COPY)
            if t2 is not None:
                self.add(t1, t1.get("carry"), "in_amount", [(t2, t2.get(TOTAL_KEY), "carry")], COPY)
        if t4 is not None:
            for key, col in (("T5", "gen"), ("T7", "fund"), ("T8", "soe")):
                src = self.t(key)
                if src is not None:
                    for code in codes:
                        self.add(t4, t4.get(code), col, [(src, src.get(code), "total")], COPY)

    def build(self) -> list[Derivation]:
        for key in ("T2", "T3", "T5", "T6", "T7", "T8"):
            self.coded(key)
        self.copies()
        for key in ("T1", "T4", "T9", "ASSET", "PRIOR"):
            self.lines(key)
        proc = self.t("PROC")
        if proc is not None:
            self.row_sums(proc, proc.rows)
            total = proc.get(TOTAL_KEY)
            items = [r for r in proc.rows if r.key != TOTAL_KEY]
            for col in proc.layout.record_total_columns if total is not None else ():
                self.add(proc, total, col, [(proc, r, col) for r in items])
        return self.out


def derivations(budget: Budget) -> list[Derivation]:
    return _Graph(budget).build()


def summed_cells(budget: Budget) -> set[str]:
    """Cells 重算汇总 wrote (listed in the 变更记录 sheet): totals computed from rounded parts."""
    log = budget.tables.get("LOG")
    return {r.text("cell") for r in log.rows} if log is not None and log.present else set()


def effective_slack(budget: Budget) -> dict[str, Decimal]:
    """Each derived cell's rounding share, in 万元, where it differs from the printed figure's own.

    A printed figure carries ±half its last digit, and two copies of one figure must be identical. A total
    that 重算汇总 computed from rounded parts (it is in 变更记录 and still equals that sum) is not the budget
    system's rounding of the exact figure: it inherits its parts' shares, which is how far it may honestly
    stand from the same total printed elsewhere.
    """
    summed = summed_cells(budget)
    slack: dict[str, Decimal] = {}
    if not summed:
        return slack

    def of(ref: Ref) -> Decimal:
        base = half_ulp(ref.table.unit)
        return slack.get(ref.cell, base) if ref.cell else base

    for d in derivations(budget):
        cell = d.target.cell
        value = d.target.value()
        if cell is None or value is None or cell not in summed:
            continue
        computed = d.compute()
        if computed is not None and computed == value:
            share = sum((of(p) for p in d.parts if p.value() is not None), Decimal(0))
            if share > of(d.target):
                slack[cell] = share
    return slack
