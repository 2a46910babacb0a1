"""Planted errors: the slips people make when they copy a budget into the tables, each recorded at its cell.

Kinds: ``detail`` (a figure in a detail row changed), ``total`` (a total changed), ``swap`` (two digits
transposed), ``unit`` (a 元 figure typed into a 万元 table, ×10000, or the other way), ``shift`` (the figure of
the neighbouring row or column typed here) and ``sign`` (minus sign added).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from decimal import Decimal

from budget_xl.model import TOTAL_KEY, Budget, Table
from budget_xl.units import WAN, YUAN

KINDS = ("detail", "total", "swap", "unit", "shift", "sign")
KIND_ZH = {"detail": "明细数改错", "total": "合计数改错", "swap": "数字颠倒", "unit": "单位错（万元/元）",
           "shift": "错行错列", "sign": "正负号错"}
TABLES = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "PROJ")
SKIP_ROWS = {"T9": {"abroad_edu", "abroad_other"}}  # "其中" rows: only bounded by their total, a cut passes
PROJ_COLUMNS = ("budget", "fiscal", "other_funds")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Plant:
    """One planted error: where (sheet and cell as a finding names it), what was there, what is there now."""

    file: str
    cell: str  # "收入总表!D6"
    old: str
    new: str
    kind: str
    table: str
    row: str
    column: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Slot:
    table: Table
    row_index: int
    column: str
    value: Decimal
    cell: str
    is_total: bool


def _total_columns(t: Table) -> set[str]:
    return {rs.total for rs in t.layout.row_sums}


def _total_rows(t: Table) -> set[str]:
    keys = {ls.total for ls in t.layout.line_sums} | {TOTAL_KEY}
    keys |= {r.key for r in t.layout.all_fixed_rows if r.total}
    return keys


def slots(budget: Budget) -> list[Slot]:
    """Every non-zero amount cell of the nine tables and the projects that takes part in an exact relation."""
    out = []
    for key in TABLES:
        t = budget.tables.get(key)
        if t is None or not t.present:
            continue
        totals_c, totals_r = _total_columns(t), _total_rows(t)
        for i, row in enumerate(t.rows):
            if row.key in SKIP_ROWS.get(key, ()):
                continue
            cols = PROJ_COLUMNS if key == "PROJ" else t.layout.amount_columns
            for col in cols:
                v = row.amount(col)
                cell = row.cell(col)
                if v is None or v == 0 or cell is None:
                    continue
                leaf_len = 5 if t.layout.code_system == "econ" else 7
                coded_parent = t.layout.kind == "coded" and row.code is not None and len(row.code) < leaf_len
                is_total = row.key in totals_r or col in totals_c or coded_parent
                out.append(Slot(t, i, col, v, cell, is_total))
    return out


def _min_change(unit: str) -> Decimal:
    return Decimal(1) if unit == WAN else Decimal(100)


def _swap(v: Decimal, rng: random.Random) -> Decimal | None:
    """Two adjacent digits of the integer part transposed (the classic typing slip)."""
    sign = -1 if v < 0 else 1
    whole, _, frac = f"{abs(v):.2f}".partition(".")
    spots = [i for i in range(len(whole) - 1) if whole[i] != whole[i + 1] and not (i == 0 and whole[1] == "0")]
    if not spots:
        return None
    i = rng.choice(spots)
    digits = whole[:i] + whole[i + 1] + whole[i] + whole[i + 2:]
    return sign * Decimal(f"{digits}.{frac}")


def _neighbour(s: Slot, rng: random.Random) -> Decimal | None:
    """The figure one row below/above in the same column, or one column over in the same row."""
    t, row = s.table, s.table.rows[s.row_index]
    options = []
    for j in (s.row_index + 1, s.row_index - 1):
        if 0 <= j < len(t.rows) and t.rows[j].side == row.side:
            options.append(t.rows[j].amount(s.column))
    cols = list(PROJ_COLUMNS if t.key == "PROJ" else t.layout.amount_columns)
    k = cols.index(s.column)
    for j in (k + 1, k - 1):
        if 0 <= j < len(cols):
            options.append(row.amount(cols[j]))
    good = [o for o in options if o is not None and o != 0 and abs(o - s.value) >= _min_change(t.unit)]
    return rng.choice(good) if good else None


def mutate(s: Slot, kind: str, rng: random.Random) -> Decimal | None:
    """The new value for ``kind`` at slot ``s``, or None when this cell cannot take that kind of slip."""
    v, unit = s.value, s.table.unit
    if kind in ("detail", "total"):
        if (kind == "total") != s.is_total:
            return None
        step = max(_min_change(unit), abs(v) * Decimal(str(round(rng.uniform(0.02, 0.3), 3))))
        new = (v + step * rng.choice((1, -1))).quantize(CENT)
        return new if new != v else None
    if kind == "swap":
        return _swap(v, rng) if abs(v) >= 10 * _min_change(unit) else None
    if kind == "unit":
        if unit == YUAN:
            return (v / 10000).quantize(CENT) if abs(v) >= 10000 else None
        return (v * 10000).quantize(CENT)
    if kind == "shift":
        return _neighbour(s, rng)
    if kind == "sign":
        return -v
    raise ValueError(kind)


def choose(budget: Budget, n: int, rng: random.Random, file: str, kinds: tuple[str, ...] = KINDS) -> list[Plant]:
    """``n`` errors in distinct rows, cycling through ``kinds`` so that every kind is planted."""
    pool = slots(budget)
    rng.shuffle(pool)
    used_rows: set[tuple[str, int]] = set()
    plants: list[Plant] = []
    start = rng.randrange(len(kinds))
    for k in range(n):
        kind = kinds[(start + k) % len(kinds)]
        for s in pool:
            if (s.table.key, s.row_index) in used_rows:
                continue
            new = mutate(s, kind, rng)
            if new is None:
                continue
            used_rows.add((s.table.key, s.row_index))
            row = s.table.rows[s.row_index]
            plants.append(Plant(file=file, cell=s.cell, old=f"{s.value:.2f}", new=f"{new:.2f}", kind=kind,
                                table=s.table.key, row=row.key, column=s.column))
            break
    return plants
