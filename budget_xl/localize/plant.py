"""Planted errors for the acceptance run (tests and benchmarks/bench_localize.py): every kind of slip.

A plant takes the clean values (元) and returns the changed values and the cells it changed; the
localizer passes when its first explanation names only planted cells, at least one of them.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.localize.model import Localization
from budget_xl.localize.slips import printed, to_yuan

KINDS = ("detail±1", "total±1", "transposed", "×10000", "row shift", "column shift", "sign")


@dataclass(frozen=True)
class Plant:
    kind: str
    changes: dict[str, Decimal | None]  # cell → new value (None: blanked)

    @property
    def cells(self) -> set[str]:
        return set(self.changes)

    def apply(self, values: dict[str, Decimal]) -> dict[str, Decimal]:
        out = dict(values)
        for c, v in self.changes.items():
            if v is None:
                out.pop(c, None)
            else:
                out[c] = v
        return out


def _transpose(p: Decimal, rng: random.Random) -> Decimal | None:
    s = f"{abs(p):.2f}".replace(".", "")
    spots = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    t = s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return Decimal(f"{'-' if p < 0 else ''}{t[:-2]}.{t[-2:]}")


def plant(kind: str, inputs, rng: random.Random, values: dict[str, Decimal] | None = None) -> Plant | None:
    """One planted error of ``kind`` at a random cell of ``inputs`` (an adapter.Inputs); None if none fits."""
    values = inputs.values if values is None else values
    cells = sorted(inputs.meta)
    filled = [c for c in cells if values.get(c)]
    meta = inputs.meta
    if kind in ("detail±1", "total±1"):
        pool = [c for c in filled if meta[c].total == (kind == "total±1")]
        c = rng.choice(pool)
        step = to_yuan(Decimal(1), meta[c].unit) * rng.choice((1, -1))
        return Plant(kind, {c: values[c] + step})
    if kind == "transposed":
        for _ in range(50):
            c = rng.choice(filled)
            t = _transpose(printed(values[c], meta[c].unit), rng)
            if t is not None:
                return Plant(kind, {c: to_yuan(t, meta[c].unit)})
        return None
    if kind == "×10000":
        c = rng.choice(filled)
        return Plant(kind, {c: values[c] * 10000})
    if kind == "sign":
        c = rng.choice(filled)
        return Plant(kind, {c: -values[c]})
    if kind in ("row shift", "column shift"):
        at = {(m.sheet, m.row, m.column): c for c, m in meta.items()}
        steps = ((1, 0), (-1, 0)) if kind == "row shift" else ((0, 1), (0, -1))
        for _ in range(200):
            c = rng.choice(filled)
            m = meta[c]
            dr, dc = rng.choice(steps)
            dest = at.get((m.sheet, m.row + dr, m.column + dc))
            if dest is not None and values.get(dest) != values[c]:
                return Plant(kind, {c: None, dest: values[c]})
        return None
    raise ValueError(kind)


def named_first(plant: Plant, loc: Localization) -> bool:
    return any(g.best is not None and _hit(plant, g.best.cells) for g in loc.groups)


def among_candidates(plant: Plant, loc: Localization) -> bool:
    return any(_hit(plant, e.cells) for g in loc.groups for e in g.candidates)


def _hit(plant: Plant, cells) -> bool:
    cells = set(cells)
    return bool(cells & plant.cells) and cells <= plant.cells



@contextmanager
def planted_in(budget, plant: Plant, meta):
    """The plant typed into the Budget itself (constraints are then rebuilt from what a reader would see);
    the Budget is restored afterwards."""
    saved = []
    for cell, value in plant.changes.items():
        m = meta[cell]
        row = budget.tables[m.table].get(m.row_key)
        saved.append((row, m.col_key, row.values.get(m.col_key)))
        row.values[m.col_key] = None if value is None else printed(value, m.unit)
    try:
        yield budget
    finally:
        for row, col, old in reversed(saved):
            row.values[col] = old


def run_plants(budget, n: int, rng: random.Random):
    """``n`` planted single errors, kinds in turn, each localized from the Budget: yields (plant, Localization,
    seconds for adapter + localize). A plant that breaks no relation (a figure moved out of a total leaves it
    blank: 未填写, a warning, not an error) is not counted; another is drawn."""
    import time

    from budget_xl.localize.adapter import constraints_from_budget, localize_budget

    inputs = constraints_from_budget(budget)
    done = 0
    while done < n:
        p = plant(KINDS[done % len(KINDS)], inputs, rng)
        if p is None:
            continue
        with planted_in(budget, p, inputs.meta):
            t = time.perf_counter()
            _inp, loc = localize_budget(budget)
            dt = time.perf_counter() - t
        if not loc.violated:
            continue
        done += 1
        yield p, loc, dt
