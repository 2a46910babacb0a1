"""Which cell is wrong: human-error explanations first, then the minimal weighted change set (Fellegi–Holt).

Pure: constraints, values (元), weights and cell metadata in, a ``Localization`` out. Violated constraints
are split into independent groups (no constraint reaches two groups' cells); each group is explained on its
own, so ten errors cost ten small problems, not one large one.
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from budget_xl.localize import slips
from budget_xl.localize.model import LE, CellMeta, Change, Constraint, Explanation, Group, Localization
from budget_xl.localize.solve import minimal_sets

MAX_CANDIDATES = 5
MILP_ALTERNATIVES = 3  # further minimal sets looked for after the first (one re-solve each)
_EPS = 1e-9


class _Problem:
    def __init__(self, constraints, values, weights, meta):
        self.constraints: list[Constraint] = list(constraints)
        self.deadline = float("inf")
        self.values: dict[str, Decimal] = values
        self.weights: dict[str, float] = weights
        self.meta: dict[str, CellMeta] = meta
        self.by_cell: dict[str, list[Constraint]] = defaultdict(list)
        for k in self.constraints:
            for c in k.terms:
                self.by_cell[c].append(k)
        self._base: dict[int, Decimal] = {}
        self.at: dict[tuple[str, int, int], str] = {
            (m.sheet, m.row, m.column): c for c, m in meta.items() if m.row is not None and m.column is not None}

    def v(self, cell: str) -> Decimal:
        return self.values.get(cell) or Decimal(0)

    def w(self, cells) -> float:
        return sum(self.weights.get(c, 1.0) for c in cells)

    def unit(self, cell: str) -> str:
        m = self.meta.get(cell)
        return m.unit if m else "元"

    def residual(self, k: Constraint, override: dict[str, Decimal] | None = None) -> Decimal:
        """``k.residual(values, override)`` from ``k``'s residual at the values, kept once computed: a
        relation of 6,000 projects is not summed again for each of its 6,000 cells (that was quadratic)."""
        base = self._base.get(id(k))
        if base is None:
            base = self._base[id(k)] = k.residual(self.values)
        for c, v in (override or {}).items():
            coef = k.terms.get(c)
            if coef is not None:
                base += coef * (v - (self.values.get(c) or Decimal(0)))
        return base

    def holds(self, k: Constraint, override: dict[str, Decimal] | None = None) -> bool:
        r = self.residual(k, override)
        return r <= k.tol if k.sense == LE else abs(r) <= k.tol

    def holds_with(self, override: dict[str, Decimal]) -> bool:
        seen: set[str] = set()
        for c in override:
            for k in self.by_cell.get(c, ()):
                if k.id not in seen:
                    seen.add(k.id)
                    if not self.holds(k, override):
                        return False
        return True

    def neighbours(self, cell: str) -> list[tuple[str, str]]:
        """Adjacent cells on the same sheet: (cell, 错行 | 错列)."""
        m = self.meta.get(cell)
        if m is None or m.row is None or m.column is None:
            return []
        out = []
        for dr, dc, kind in ((-1, 0, slips.ROW_SHIFT), (1, 0, slips.ROW_SHIFT),
                             (0, -1, slips.COL_SHIFT), (0, 1, slips.COL_SHIFT)):
            other = self.at.get((m.sheet, m.row + dr, m.column + dc))
            if other is not None:
                out.append((other, kind))
        return out

    def order(self, cell: str) -> tuple:
        m = self.meta.get(cell)
        return (m.sheet, m.row or 0, m.column or 0) if m else (cell, 0, 0)

    def print_round(self, cell: str, value: Decimal) -> Decimal:
        """Round a value in 元 to what the cell's table can print (0.01 of its unit)."""
        q = slips.to_yuan(Decimal("0.01"), self.unit(cell))
        return (value / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q


def _groups(p: _Problem, violated: list[Constraint]) -> list[list[Constraint]]:
    """Violated constraints that share a cell, or whose cells meet in one constraint, belong together."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(cells: list[str]) -> None:
        roots = [find(c) for c in cells]
        for r in roots[1:]:
            parent[r] = roots[0]

    for k in violated:
        for c in k.terms:
            parent.setdefault(c, c)
    for k in violated:
        union(list(k.terms))
    for k in p.constraints:
        inside = [c for c in k.terms if c in parent]
        if len(inside) > 1:
            union(inside)
    groups: dict[str, list[Constraint]] = defaultdict(list)
    for k in violated:
        groups[find(next(iter(k.terms)))].append(k)
    return list(groups.values())


def _single(p: _Problem, group: list[Constraint]) -> list[Explanation]:
    """One cell in every violated constraint, changed to a slip's value or to what the arithmetic implies."""
    common = set(group[0].terms)
    for k in group[1:]:
        common &= set(k.terms)
    ids = tuple(k.id for k in group)
    out = []
    for c in sorted(common, key=p.order):
        old, unit = p.v(c), p.unit(c)
        options: list[tuple[Decimal, str, int]] = [
            (slips.to_yuan(v, unit), kind, s) for v, kind, s in slips.single_slips(slips.printed(old, unit))]
        for k in group:
            exact = old - p.residual(k) / k.terms[c]
            for val in (p.print_round(c, exact), exact):
                options.append((val, slips.generic_kind(old, val), slips.arithmetic(old, val)))
        best = None
        for val, kind, strength in options:
            if (best is None or strength < best[2]) and p.holds_with({c: val}):
                best = (val, kind, strength)
        if best is not None:
            val, kind, strength = best
            out.append(Explanation((Change(c, old, val, kind, ids),), p.w([c]), "pattern", strength))
    return out


def _pairs(p: _Problem, group: list[Constraint]) -> list[Explanation]:
    """Two neighbouring cells: swapped figures, or one cell's figure typed into its neighbour."""
    ids = tuple(k.id for k in group)
    cells = sorted({c for k in group for c in k.terms}, key=p.order)
    seen: set[tuple] = set()
    out = []
    for c in cells:
        for other, shift in p.neighbours(c):
            if not all(c in k.terms or other in k.terms for k in group):
                continue
            vc, vo = p.v(c), p.v(other)
            tries = []
            if vc != vo:
                tries.append(({c: vo, other: vc}, slips.SWAPPED, slips.TELLING))
            if vo != 0:
                tries.append(({c: vo, other: Decimal(0)}, shift, slips.TELLING))
                fixed = _fix_other(p, {c: vo}, other)
                if fixed is not None:
                    tries.append(({c: vo, other: fixed}, shift, slips.ONE_DIGIT))
            for override, kind, strength in tries:
                key = tuple(sorted((k, v) for k, v in override.items()))
                if key in seen or not p.holds_with(override):
                    continue
                seen.add(key)
                changes = tuple(Change(x, p.v(x), override[x], kind, ids) for x in sorted(override, key=p.order))
                out.append(Explanation(changes, p.w(override), "pattern", strength))
    return out


def _fix_other(p: _Problem, override: dict[str, Decimal], cell: str) -> Decimal | None:
    for k in p.by_cell.get(cell, ()):
        if not p.holds(k, override):
            return p.print_round(cell, p.v(cell) - p.residual(k, override) / k.terms[cell])
    return None


def _milp(p: _Problem, group: list[Constraint]) -> list[Explanation]:
    ids = tuple(k.id for k in group)
    cells = sorted({c for k in group for c in k.terms}, key=p.order)
    touched = {k.id: k for c in cells for k in p.by_cell[c]}
    out = []
    for change in minimal_sets(cells, list(touched.values()), p.values, p.weights, limit=1 + MILP_ALTERNATIVES):
        override = _exact(p, change)
        changes = []
        strength = 0
        for c in sorted(override, key=p.order):
            kind, s = _kind(p, c, override)
            strength = max(strength, s)
            changes.append(Change(c, p.v(c), override[c], kind, ids))
        out.append(Explanation(tuple(changes), p.w(override), "milp", strength))
    return out


def _exact(p: _Problem, change: dict[str, float]) -> dict[str, Decimal]:
    """The solver's changes as printable Decimal figures, when rounding keeps every relation within tolerance."""
    rounded = {c: p.print_round(c, p.v(c) + Decimal(repr(d))) for c, d in change.items()}
    if p.holds_with(rounded):
        return rounded
    cents = {c: (p.v(c) + Decimal(repr(d))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for c, d in change.items()}
    return cents


def _kind(p: _Problem, cell: str, override: dict[str, Decimal]) -> tuple[str, int]:
    unit = p.unit(cell)
    old, new = p.v(cell), override[cell]
    for other, shift in p.neighbours(cell):
        if other in override and new == p.v(other) and new != 0:
            return shift, slips.TELLING
    close = slips.printed(max((k.tol for k in p.by_cell.get(cell, ())), default=Decimal(0)), unit)
    return slips.classify(slips.printed(old, unit), slips.printed(new, unit), close)


def _rank(p: _Problem, found: list[Explanation]) -> tuple[tuple[Explanation, ...], bool]:
    if not found:
        return (), False
    size = min(len(e.changes) for e in found)
    # the fewest cells, except that a telling slip (a figure in the neighbouring cell…) outranks plain arithmetic
    ranked = sorted((e for e in found if len(e.changes) == size or e.strength == slips.TELLING),
                    key=lambda e: (e.strength, len(e.changes), round(e.weight, 9), [p.order(c) for c in e.cells]))
    best = ranked[0]
    ties = [e for e in ranked if e.strength == best.strength and len(e.changes) == len(best.changes)
            and abs(e.weight - best.weight) < _EPS]
    return tuple(ranked[:MAX_CANDIDATES]), len(ties) == 1


def _subclusters(group: list[Constraint]) -> list[list[Constraint]]:
    """Violated constraints linked by shared cells only (no satisfied relation in between)."""
    out: list[tuple[set[str], list[Constraint]]] = []
    for k in group:
        cells, members = set(k.terms), [k]
        for other in [o for o in out if o[0] & cells]:
            out.remove(other)
            cells |= other[0]
            members = other[1] + members
        out.append((cells, members))
    return [m for _, m in out]


def _options(p: _Problem, cell: str, current: Decimal, violated: list[Constraint], override: dict[str, Decimal]):
    """The values a cell might have been meant to hold: each slip of its figure, and what each violated
    relation it sits in implies."""
    unit = p.unit(cell)
    out = [(slips.to_yuan(v, unit), kind, s) for v, kind, s in slips.single_slips(slips.printed(current, unit))]
    for k in violated:
        if cell in k.terms:
            exact = current - p.residual(k, override) / k.terms[cell]
            out.append((p.print_round(cell, exact), slips.generic_kind(current, exact), slips.arithmetic(current, exact)))
    return out


def _peel(p: _Problem, group: list[Constraint]):
    """Several errors close together: repeatedly take the change (one cell, or a neighbour pair) that makes
    the most violated relations hold without breaking one that held — the most telling slip first.
    Returns the groups peeled off, the changes made and the violated relations no such change removes."""
    override: dict[str, Decimal] = {}
    left = list(group)
    out: list[Group] = []
    while left and time.perf_counter() < p.deadline:
        residual = {k.id: p.residual(k, override) for k in left}
        left_of: dict[str, list[Constraint]] = defaultdict(list)
        for k in left:
            for c in k.terms:
                left_of[c].append(k)

        def helps(change: dict[str, Decimal], left_of=left_of, residual=residual) -> bool:  # cheap: fixes one?
            for k in {k.id: k for c in change for k in left_of.get(c, ())}.values():
                r = residual[k.id] + sum((k.terms[c] * (v - override.get(c, p.v(c)))
                                          for c, v in change.items() if c in k.terms), Decimal(0))
                if (r <= k.tol) if k.sense == "le" else (abs(r) <= k.tol):
                    return True
            return False

        moves = []
        for c in sorted(left_of, key=p.order):
            cur = override.get(c, p.v(c))
            # the values of c that make one of its violated relations hold, as intervals
            spans = []
            for k in left_of[c]:
                a, r = k.terms[c], residual[k.id]
                lo, hi = (-k.tol - r) / a, (k.tol - r) / a
                if k.sense == "le":
                    lo, hi = (Decimal("-Infinity"), hi) if a > 0 else (lo, Decimal("Infinity"))
                spans.append((cur + min(lo, hi), cur + max(lo, hi)))
            for val, kind, strength in _options(p, c, cur, left, override):
                if any(lo <= val <= hi for lo, hi in spans):
                    moves.append(({c: val}, kind, strength))
            for other, shift in p.neighbours(c):
                vo = override.get(other, p.v(other))
                if vo != 0 and vo != cur:
                    for change, kind in (({c: vo, other: Decimal(0)}, shift), ({c: vo, other: cur}, slips.SWAPPED)):
                        if helps(change):
                            moves.append((change, kind, slips.TELLING))
        scored = []
        for change, kind, strength in moves:
            trial = {**override, **change}
            touched = {k.id: k for c in change for k in p.by_cell.get(c, ())}
            if any(not p.holds(k, trial) for k in touched.values() if p.holds(k, override)):
                continue
            fixed = [k for k in left if k.id in touched and p.holds(k, trial)]
            if fixed:
                # a change that drives a relation it leaves broken further from holding is suspect
                worse = sum(1 for k in left if k.id in touched and k not in fixed
                            and abs(p.residual(k, trial)) > abs(residual[k.id]))
                # …and a cell in more of the broken relations is the likelier culprit (Fellegi–Holt's intuition)
                involved = sum(len(left_of.get(c, ())) for c in change) / len(change)
                scored.append(((-len(fixed) / len(change), worse, -involved, strength, p.w(change)), change, kind,
                               strength, fixed))
        if not scored:
            return out, override, left
        scored.sort(key=lambda x: (x[0], [p.order(c) for c in x[1]]))
        key, change, kind, strength, fixed = scored[0]
        # the same change found twice (each relation it fixes implies it) is one candidate, not a tie
        unique = all(other[0] != key or other[1] == change for other in scored[1:])
        ids = tuple(k.id for k in fixed)
        changes = tuple(Change(c, p.v(c), v, kind, ids) for c, v in sorted(change.items(), key=lambda x: p.order(x[0])))
        out.append(Group(ids, (Explanation(changes, p.w(change), "pattern", strength),), unique))
        override.update(change)
        left = [k for k in left if not p.holds(k, override)]
    return out, override, left


def _merge_steps(p: _Problem, steps: list[Group], override: dict[str, Decimal]) -> list[Group]:
    """Peeled steps that changed the same cell become one group, with the cell's final value."""
    merged: list[list[Group]] = []
    for step in steps:
        cells = set(step.best.cells)
        hit = [m for m in merged if cells & {c for g in m for c in g.best.cells}]
        for m in hit:
            merged.remove(m)
        merged.append([g for m in hit for g in m] + [step])
    out = []
    for m in merged:
        if len(m) == 1:
            out.append(m[0])
            continue
        ids = tuple(dict.fromkeys(i for g in m for i in g.violated))
        first = {}
        for g in m:
            for ch in g.best.changes:
                first.setdefault(ch.cell, ch)
        changes = tuple(Change(c, p.v(c), override[c], first[c].kind if first[c].new == override[c]
                               else slips.classify(*(slips.printed(x, p.unit(c)) for x in (p.v(c), override[c])),
                                                   Decimal(0))[0], ids)
                        for c in sorted(first, key=p.order))
        strength = max(g.best.strength for g in m)
        out.append(Group(ids, (Explanation(changes, p.w(first), "pattern", strength),), all(g.unique for g in m)))
    return out


def _fewer_cells_suffice(p: _Problem, group: list[Constraint], n: int) -> bool:
    """Is there a change set of fewer than ``n`` cells? (The peel is greedy; Fellegi–Holt wants the fewest.)"""
    if n <= 1:
        return False
    cells = sorted({c for k in group for c in k.terms}, key=p.order)
    touched = {k.id: k for c in cells for k in p.by_cell[c]}
    return bool(minimal_sets(cells, list(touched.values()), p.values, p.weights, limit=1, time_limit=0.3,
                             at_most=n - 1))


def _explain(p: _Problem, group: list[Constraint]) -> list[Group]:
    """Slips covering the whole group; else slips for each part of it, if together they make every relation
    hold (several errors that merely sit near each other); else slips peeled off one at a time (errors that
    share a relation); else the general solver on the whole group."""
    found = _single(p, group)
    if all(e.strength >= slips.ARITHMETIC for e in found):
        # no slip in one cell: a figure typed into its neighbour (exactly) is the more telling explanation
        found += [e for e in _pairs(p, group) if not found or e.strength == slips.TELLING]
    if not found:
        parts = _subclusters(group)
        if len(parts) > 1:
            ranked = [(part, *_rank(p, _single(p, part) or _pairs(p, part))) for part in parts]
            if all(c for _, c, _ in ranked):
                override = {ch.cell: ch.new for _, c, _ in ranked for ch in c[0].changes}
                if p.holds_with(override) and all(p.holds(k, override) for k in group):
                    return [Group(tuple(k.id for k in part), c, u) for part, c, u in ranked]
        peeled, override, left = _peel(p, group)
        peeled = _merge_steps(p, peeled, override)
        if not left and not _fewer_cells_suffice(p, group, len(override)):
            return peeled
        if peeled:  # what the slips leave, to the general solver, with the slips' corrections in place
            rest = _Problem(p.constraints, {**p.values, **override}, p.weights, p.meta)
            rest.deadline = p.deadline
            found = _milp(rest, left)
            if found:
                candidates, unique = _rank(rest, found)
                return peeled + [Group(tuple(k.id for k in left), candidates, unique)]
        found = _milp(p, group)
    candidates, unique = _rank(p, found)
    return [Group(tuple(k.id for k in group), candidates, unique)]


def localize(constraints: list[Constraint], values: dict[str, Decimal], weights: dict[str, float],
             meta: dict[str, CellMeta], time_budget: float = 5.0) -> Localization:
    """Explain every violated constraint by the fewest, most plausible changed cells (groups left after
    ``time_budget`` seconds stay unexplained: no candidates)."""
    p = _Problem(constraints, values, weights, meta)
    p.deadline = time.perf_counter() + time_budget
    violated = [k for k in p.constraints if not k.holds(values)]
    groups = []
    for group in _groups(p, violated):
        if time.perf_counter() > p.deadline:  # a workbook full of errors: leave the rest unexplained
            groups.append(Group(tuple(k.id for k in group), (), False))
            continue
        groups += _explain(p, group)
    suspects = {c for g in groups for e in g.candidates for c in e.cells}
    return Localization(tuple(groups), tuple(k.id for k in violated),
                        {k.id: tuple(k.terms) for k in violated}, {c: meta[c] for c in suspects if c in meta})
