"""Figures and texts that remember the cells they come from.

The context of the 情况说明 holds no bare numbers: every amount is an ``Amount`` whose ``recipe`` says how
to compute it again from the workbook's cells, and every text taken from a sheet is a ``CellText``. The
self-check (``selfcheck.py``) recomputes each printed figure from its recipe, so a template can word the
text freely but cannot print a figure the tables do not give.

Recipes are plain tuples, evaluated against a ``CellIndex``:
``("cell", ref, col, unit)`` one cell (blank → None) · ``("blank", where)`` a row the sheet lacks ·
``("sum", ((sign, recipe), …))`` · ``("absdelta", cur, prev)`` |round2(cur) − round2(prev)| ·
``("pct", cur, prev)`` that difference in percent of round2(prev).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budget_xl.units import WAN, round2, to_wan

PERCENT = "%"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Amount:
    """A figure in 万元 (or a percentage), exact, with the recipe that recomputes it from cells."""

    value: Decimal | None  # None: the cell is blank (printed as 0.00, as the published text does)
    recipe: tuple
    label: str = ""
    unit: str = WAN  # WAN or PERCENT

    # -- what templates use --------------------------------------------------------------------------
    @property
    def zero(self) -> bool:
        return round2(self.value or ZERO) == 0

    @property
    def cells(self) -> tuple[str, ...]:
        return recipe_cells(self.recipe)

    def __bool__(self) -> bool:
        return not self.zero

    def __add__(self, other: Amount) -> Amount:
        return _combine(self, other, 1)

    def __sub__(self, other: Amount) -> Amount:
        return _combine(self, other, -1)

    def __str__(self) -> str:  # untraced on purpose: only the filters and {{ }} mark provenance
        return format_amount(self.value, self.unit)


def _combine(a: Amount, b: Any, sign: int) -> Amount:
    if not isinstance(b, Amount) or a.unit != WAN or b.unit != WAN:
        raise TypeError("金额只能与金额相加减（不能与模板里写的数字运算）")
    value = (a.value or ZERO) + sign * (b.value or ZERO)
    return Amount(value, ("sum", ((1, a.recipe), (sign, b.recipe))), f"{a.label}{'+' if sign > 0 else '-'}{b.label}")


class CellText(str):
    """Text read from one cell (or several, for a list); printed verbatim, numbers and all."""

    cells: tuple[str, ...]

    def __new__(cls, text: object, cells: tuple[str, ...] | str | None = ()):
        obj = super().__new__(cls, "" if text is None else str(text).strip())
        obj.cells = (cells,) if isinstance(cells, str) else tuple(c for c in (cells or ()) if c)
        return obj


def format_amount(value: Decimal | None, unit: str = WAN, with_unit: bool = True) -> str:
    """Two decimals, 四舍五入; a blank prints as 0.00."""
    text = f"{round2(value if value is not None else ZERO):.2f}"
    return text + unit if with_unit else text


def cell_amount(ref: str | None, col: str, raw: Any, unit: str, label: str, where: str = "") -> Amount:
    """An amount read from one cell, turned into 万元."""
    if ref is None:
        return Amount(None, ("blank", where or label), label)
    value = to_wan(raw, unit) if isinstance(raw, Decimal) else None
    return Amount(value, ("cell", ref, col, unit), label)


def total(amounts: list[Amount], label: str) -> Amount:
    """Σ of amounts (a derived figure: its recipe names every cell)."""
    value = sum(((a.value or ZERO) for a in amounts), ZERO)
    return Amount(value, ("sum", tuple((1, a.recipe) for a in amounts)), label)


def recipe_cells(recipe: tuple) -> tuple[str, ...]:
    op = recipe[0]
    if op == "cell":
        return (recipe[1],)
    if op == "blank":
        return ()
    if op == "sum":
        return tuple(c for _, r in recipe[1] for c in recipe_cells(r))
    if op in ("absdelta", "pct"):
        return recipe_cells(recipe[1]) + recipe_cells(recipe[2])
    raise ValueError(op)


class CellIndex:
    """The workbook's cells as read, keyed by (``sheet!A1``, column): what a recipe is evaluated against."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], Any] = {}
        self.texts: dict[str, str] = {}

    @classmethod
    def from_budget(cls, budget, prefix: str = "") -> CellIndex:
        index = cls()
        index.add(budget, prefix)
        return index

    def add(self, budget, prefix: str = "") -> None:
        for table in budget.tables.values():
            for row in table.rows:
                for col, value in row.values.items():
                    ref = row.cells.get(col) or row.cells.get("value")
                    if ref is None:
                        continue
                    self.values[(prefix + ref, col)] = value
                    if isinstance(value, str):
                        self.texts[prefix + ref] = value

    def evaluate(self, recipe: tuple) -> Decimal | None:
        op = recipe[0]
        if op == "cell":
            _, ref, col, unit = recipe
            raw = self.values.get((ref, col))
            return to_wan(raw, unit) if isinstance(raw, Decimal) else None
        if op == "blank":
            return None
        if op == "sum":
            return sum(((self.evaluate(r) or ZERO) * sign for sign, r in recipe[1]), ZERO)
        if op in ("absdelta", "pct"):
            cur = round2(self.evaluate(recipe[1]) or ZERO)
            prev = round2(self.evaluate(recipe[2]) or ZERO)
            if op == "absdelta":
                return abs(cur - prev)
            return abs(cur - prev) / prev * 100 if prev else None
        raise ValueError(op)
