"""What localization works on and what it answers: abstract relation instances over cells, and the fixes.

Everything here is independent of where the relations come from (today derive.py through the adapter,
later the declared relation instances): a constraint is Σ coef·value(cell) compared with 0 within a
tolerance, every value is an exact Decimal in ONE unit (元).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

EQ, LE = "eq", "le"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Constraint:
    """Σ coef·value(cell) == 0 within ±tol (eq) or ≤ tol (le); a cell without a value counts as 0."""

    id: str
    rule: str
    terms: dict[str, int]
    sense: str = EQ
    tol: Decimal = ZERO

    def residual(self, values: dict[str, Decimal], override: dict[str, Decimal] | None = None) -> Decimal:
        total = ZERO
        for cell, coef in self.terms.items():
            v = override.get(cell) if override and cell in override else values.get(cell)
            if v is not None:
                total += coef * v
        return total

    def holds(self, values: dict[str, Decimal], override: dict[str, Decimal] | None = None) -> bool:
        r = self.residual(values, override)
        return r <= self.tol if self.sense == LE else abs(r) <= self.tol


@dataclass(frozen=True)
class CellMeta:
    """Where a cell is (for neighbours: same sheet, adjacent row or column) and how it is printed."""

    sheet: str
    row: int | None = None  # 1-based sheet row
    column: int | None = None  # 1-based sheet column
    label: str = ""  # e.g. "2040601 行政运行·项目支出"
    unit: str = "元"  # the unit the cell is printed in (元 or 万元); values are always in 元
    total: bool = False  # a total (sum of other cells) rather than a detail
    table: str = ""  # the table's key (a finding's identity)
    row_key: str = ""
    col_key: str = ""


@dataclass(frozen=True)
class Change:
    """One suspect cell: its value now, the value that makes the relations hold, and the slip it looks like."""

    cell: str
    old: Decimal
    new: Decimal
    kind: str
    explains: tuple[str, ...] = ()  # ids of the violated constraints this change (with its set) fixes


@dataclass(frozen=True)
class Explanation:
    """A set of changes that together make every constraint hold; ``source`` is "pattern" or "milp"."""

    changes: tuple[Change, ...]
    weight: float
    source: str
    strength: int = 2  # 0 a telling slip (digits swapped, unit, sign…), 1 one digit, 2 only arithmetic

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(c.cell for c in self.changes)


@dataclass(frozen=True)
class Group:
    """One independent cluster of violated constraints and its explanations, best first."""

    violated: tuple[str, ...]
    candidates: tuple[Explanation, ...]
    unique: bool

    @property
    def best(self) -> Explanation | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class Localization:
    groups: tuple[Group, ...] = ()
    violated: tuple[str, ...] = field(default=())
    # for reporting: the cells of each violated constraint, and the metadata of every suspect cell
    constraint_cells: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meta: dict[str, CellMeta] = field(default_factory=dict)

    @property
    def suspects(self) -> list[Change]:
        """The changes of each group's best explanation (uniquely determined or not)."""
        return [c for g in self.groups if g.best for c in g.best.changes]
