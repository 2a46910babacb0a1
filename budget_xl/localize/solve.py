"""The general Fellegi–Holt step: the minimal weighted set of cells whose change makes every relation hold.

A mixed-integer program for scipy's ``milp`` (HiGHS): per candidate cell a binary z (changed or not) and a
continuous change d with |d| ≤ M·z; minimise Σ w·z subject to every touched constraint holding within its
tolerance. Sets that tie with the best (same size, same weight) are found by re-solving with a no-good cut.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from decimal import Decimal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from budget_xl.localize.model import LE, Constraint


@contextmanager
def quiet():
    """HiGHS may print solver diagnostics straight to file descriptor 1: keep them out of our output
    (``check --json`` writes JSON there)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


SCALE = 10000.0  # solve in 万元: keeps HiGHS' absolute tolerances meaningful next to figures of 10⁸ 元


def _rows(cells: list[str], touched: list[Constraint], values: dict[str, Decimal]):
    """Coefficient matrix over ``cells`` and the bounds of Σ a·d for each touched constraint (scaled)."""
    index = {c: i for i, c in enumerate(cells)}
    rows, cols, coefs = [], [], []
    lo, hi = np.empty(len(touched)), np.empty(len(touched))
    for i, k in enumerate(touched):
        for c, a in k.terms.items():
            if c in index:
                rows.append(i)
                cols.append(index[c])
                coefs.append(a)
        r = float(k.residual(values)) / SCALE
        tol = float(k.tol) / SCALE
        lo[i] = -np.inf if k.sense == LE else -tol - r
        hi[i] = tol - r
    # sparse: a relation of 6,000 projects touches 6,000 cells, and a dense matrix of them all is quadratic
    A = sparse.csr_array((coefs, (rows, cols)), shape=(len(touched), len(cells)), dtype=float)
    return A, lo, hi


def minimal_sets(cells: list[str], touched: list[Constraint], values: dict[str, Decimal],
                 weights: dict[str, float], limit: int = 5, time_limit: float = 0.5,
                 at_most: int | None = None) -> list[dict[str, float]]:
    """Up to ``limit`` minimal change sets {cell: change in 元}: the best, then the ones that tie with it."""
    n = len(cells)
    if n == 0:
        return []
    A, lo, hi = _rows(cells, touched, values)
    # each cell's change is bounded by twice the largest residual it sits in (a tight big-M keeps the
    # relaxation strong); if that proves too tight, one bound for all
    gap = np.where(np.isfinite(lo), np.maximum(np.abs(lo), np.abs(hi)), np.abs(hi))
    coo = A.tocoo()
    per_cell = np.zeros(n)
    np.maximum.at(per_cell, coo.col, gap[coo.row])
    per_cell = 2 * per_cell + 1
    found = _enumerate(cells, A, lo, hi, per_cell, touched, values, weights, limit, time_limit, at_most)
    if not found and at_most is None:
        found = _enumerate(cells, A, lo, hi, np.full(n, 2 * float(np.sum(gap)) + 2 * max(
            (abs(float(values.get(c) or 0)) / SCALE for c in cells), default=0) + 1),
            touched, values, weights, limit, time_limit)
    return found


def _enumerate(cells, A, lo, hi, big, touched, values, weights, limit, time_limit,
               at_most: int | None = None) -> list[dict[str, float]]:
    n = len(cells)
    w = np.array([weights.get(c, 1.0) for c in cells])
    cost = np.concatenate([np.zeros(n), w])
    i = np.arange(n)
    link = sparse.coo_array((np.concatenate([np.ones(n), -big, -np.ones(n), -big]),  # d - M z ≤ 0, -d - M z ≤ 0
                             (np.concatenate([i, i, n + i, n + i]), np.concatenate([i, n + i, i, n + i]))),
                            shape=(2 * n, 2 * n)).tocsr()
    base = [LinearConstraint(sparse.hstack([A, sparse.csr_array((len(touched), n))], format="csr"), lo, hi),
            LinearConstraint(link, -np.inf, 0)]
    bounds = Bounds(np.concatenate([-big, np.zeros(n)]), np.concatenate([big, np.ones(n)]))
    integrality = np.concatenate([np.zeros(n), np.ones(n)])
    found: list[dict[str, float]] = []
    cuts: list[LinearConstraint] = []
    size, best = at_most, 0.0 if at_most is None else np.inf
    started = time.perf_counter()
    while len(found) < limit and (not found or time.perf_counter() - started < time_limit):
        extra = list(cuts)
        if size is not None:  # a tie: same size, same weight, another set
            extra.append(LinearConstraint(np.concatenate([np.zeros(n), np.ones(n)]), -np.inf, size))
            if np.isfinite(best):
                extra.append(LinearConstraint(cost, -np.inf, best + 1e-6))
        with quiet():
            res = milp(cost, constraints=base + extra, integrality=integrality, bounds=bounds,
                       options={"time_limit": time_limit})
        if res.x is None:
            break
        d, z = res.x[:n], res.x[n:]
        chosen = [i for i in range(n) if z[i] > 0.5 or abs(d[i]) > 1e-6]
        change = refine([cells[i] for i in chosen], touched, values)
        if change is None:
            break
        found.append(change)
        if size is None or not np.isfinite(best):
            size, best = len(chosen), float(cost @ res.x)
        row = np.zeros(2 * n)
        row[[n + i for i in chosen]] = 1
        cuts.append(LinearConstraint(row, -np.inf, len(chosen) - 1))
    return found


def refine(cells: list[str], touched: list[Constraint], values: dict[str, Decimal]) -> dict[str, float] | None:
    """With only ``cells`` free, the changes (元) that bring the residuals closest to zero; None if impossible."""
    if not cells:
        return None
    rel = [k for k in touched if any(c in k.terms for c in cells)]
    A, lo, hi = _rows(cells, rel, values)
    A = A.toarray()  # a few cells
    n, m = len(cells), len(rel)
    r = np.array([float(k.residual(values)) / SCALE for k in rel])
    # variables: d (n), e (m) with e ≥ |A d + r|; minimise Σ e
    c = np.concatenate([np.zeros(n), np.ones(m)])
    A_ub = np.vstack([np.hstack([A, -np.eye(m)]), np.hstack([-A, -np.eye(m)]),
                      np.hstack([A, np.zeros((m, m))]), np.hstack([-A, np.zeros((m, m))])])
    b_ub = np.concatenate([-r, r, hi, np.where(np.isfinite(lo), -lo, 1e18)])
    with quiet():
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * n + [(0, None)] * m, method="highs")
    if res.status != 0:
        return None
    return {cell: float(res.x[i]) * SCALE for i, cell in enumerate(cells)}
