"""Would columns instead of rows make the relation scan cheaper? Ratios in one run (issue 19).

    python benchmarks/bench_columnar.py

One row sum (total = Σ 12 parts) over 5,000 rows of Decimal-or-blank cells, tested "plainly holds" five ways:
the per-row loop ``relations._scan_row_sums`` runs; numpy object arrays of the same Decimals; numpy int64 made
from the Decimals; numpy int64 made straight from the floats python-calamine gives (what a columnar reader would
keep, the Decimals made only for what is reported), and of that only the arithmetic (a reader handing over
arrays). Each as CPU time, median of 9, paired with the loop.
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

import numpy as np

N, K = 5000, 12
ZERO = Decimal(0)
SCALE = 10 ** 6


def _data():
    rnd = random.Random(19)
    floats = []
    for _ in range(N):
        parts = [rnd.randint(0, 10 ** 7) / 100 if rnd.random() < 0.7 else None for _ in range(K)]
        total = round(sum(p for p in parts if p is not None), 2)
        if rnd.random() < 0.05:  # a 尾差 or a slip: these rows do not plainly hold
            total = round(total + 0.01, 2)
        floats.append([total, *parts])
    rows = [{f"c{j}": (Decimal(repr(v)) if v is not None else None) for j, v in enumerate(r)} for r in floats]
    return floats, rows


def loop(rows, keys):
    out = 0
    for v in rows:
        tv = v.get("c0")
        if type(tv) is not Decimal:
            tv = None
        present = [x for p in keys if type(x := v.get(p)) is Decimal]
        if present if tv is None else not present or tv != sum(present, ZERO):
            out += 1
    return out


def objects(rows, keys):
    tot = np.array([r.get("c0") for r in rows], dtype=object)
    has_total = tot != None  # noqa: E711 (element-wise)
    acc = np.full(N, ZERO, dtype=object)
    any_part = np.zeros(N, dtype=bool)
    for k in keys:
        a = np.array([r.get(k) for r in rows], dtype=object)
        m = a != None  # noqa: E711
        any_part |= m
        a[~m] = ZERO
        acc = acc + a
    tot[~has_total] = ZERO
    plain = np.where(has_total, any_part & (tot == acc), ~any_part)
    return int((~plain).sum())


def ints_from_decimals(rows, keys):
    s = Decimal(SCALE)

    def column(k):
        col = [r.get(k) for r in rows]
        return (np.array([int(x * s) if x is not None else 0 for x in col], dtype=np.int64),
                np.array([x is not None for x in col]))
    tv, has_total = column("c0")
    acc, any_part = np.zeros(N, np.int64), np.zeros(N, bool)
    for k in keys:
        a, m = column(k)
        acc += a
        any_part |= m
    plain = np.where(has_total, any_part & (tv == acc), ~any_part)
    return int((~plain).sum())


def ints_from_floats(floats, _keys):
    grid = np.array([[np.nan if v is None else v for v in r] for r in floats], dtype=np.float64)
    known = ~np.isnan(grid)
    scaled = np.rint(np.where(known, grid, 0) * SCALE).astype(np.int64)  # exact for ≤ 6 decimals below 9e12
    acc = scaled[:, 1:].sum(axis=1)
    any_part = known[:, 1:].any(axis=1)
    plain = np.where(known[:, 0], any_part & (scaled[:, 0] == acc), ~any_part)
    return int((~plain).sum())


def arithmetic_only(grid, _keys):
    """``ints_from_floats`` given the float array: what is left if the reader handed over columns."""
    known = ~np.isnan(grid)
    scaled = np.rint(np.where(known, grid, 0) * SCALE).astype(np.int64)
    acc = scaled[:, 1:].sum(axis=1)
    any_part = known[:, 1:].any(axis=1)
    plain = np.where(known[:, 0], any_part & (scaled[:, 0] == acc), ~any_part)
    return int((~plain).sum())


def paired(funcs, rounds=9):
    """Median CPU seconds of each and the median of its per-round ratio to the first, run in turn round after
    round (a shared machine's drift moves a round's four alike)."""
    for f, data in funcs:
        f(data, KEYS)
    times = [[] for _ in funcs]
    for _ in range(rounds):
        for i, (f, data) in enumerate(funcs):
            t = time.process_time()
            f(data, KEYS)
            times[i].append(time.process_time() - t)
    return [(statistics.median(ts), statistics.median(a / b for a, b in zip(ts, times[0]))) for ts in times]


KEYS = [f"c{j}" for j in range(1, K + 1)]

if __name__ == "__main__":
    floats, rows = _data()
    ways = (("逐行循环（现行 _scan_row_sums）", loop, rows), ("numpy 对象数组（Decimal）", objects, rows),
            ("numpy int64（由 Decimal 换算）", ints_from_decimals, rows),
            ("numpy int64（直接由浮点数，列式读取）", ints_from_floats, floats),
            ("其中只算 int64（读取已交出数组）", arithmetic_only,
             np.array([[np.nan if v is None else v for v in r] for r in floats], dtype=np.float64)))
    differing = {f(data, KEYS) for _label, f, data in ways}
    assert len(differing) == 1, differing  # the ways agree on how many rows do not plainly hold
    print(f"行合计 {N} 行 × {K} 项，不能直接判定成立的行 {differing.pop()} 行（CPU 时间中位数，成对测量）")
    print(f"{'方式':<34}{'ms':>8}{'相对逐行循环':>12}")
    for (label, _f, _d), (t, ratio) in zip(ways, paired([(f, d) for _l, f, d in ways])):
        print(f"{label:<34}{t * 1000:>8.2f}{ratio:>12.2f}")
