"""The one rounding model: how far two printed figures may honestly stand apart.

Every comparison happens in 元, exactly (a 万元 figure × 10000). A figure printed with two decimals
carries ± half its last digit — its *share*: 0.005 万元 = 50 元 for a 万元 table; a 元 table is exact to
the 分 (the budget system holds 分), so its share is 0. Counts and percentages are not money and are exact.

- Two copies of one figure must be identical; only a 万元 copy of a 元 figure may differ, by its rounding.
- A total of n ≥ 2 printed addends may differ from their sum by up to the sum of every figure's share —
  (n+1) × 0.005 when all are 万元 — that is 尾差 (info); beyond it, an error.
- A total that 重算汇总 computed from rounded parts (listed in 变更记录) inherits its parts' shares.

Rules receive a ``Tolerances`` as an argument, as beancount passes ``options_map``: nothing is attached to
the model, so a rule stays a pure function of (budget, tolerances).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from budget_xl.units import WAN, YUAN

ZERO = Decimal(0)
TEN_THOUSAND = Decimal(10000)
_SHARE = {WAN: Decimal(50), YUAN: ZERO}  # in 元
MONEY = "amount"

EXACT, ROUNDING, OFF = "exact", "rounding", "off"


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion of a figure printed in ``unit`` to 元."""
    return value * TEN_THOUSAND if unit == WAN else value


def from_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion of 元 to ``unit`` (may carry more than two decimals)."""
    return value / TEN_THOUSAND if unit == WAN else value


def own_share(unit: str, ctype: str = MONEY) -> Decimal:
    """Half the last printed digit of one figure, in 元 (0 for counts and percentages)."""
    return _SHARE.get(unit, ZERO) if ctype == MONEY else ZERO


@dataclass(frozen=True)
class Tolerances:
    """Each figure's rounding share; ``inherited`` holds the larger shares of totals 重算汇总 computed."""

    inherited: Mapping[str, Decimal] = field(default_factory=dict)

    def share(self, cell: str | None, unit: str, ctype: str = MONEY) -> Decimal:
        base = own_share(unit, ctype)
        return self.inherited.get(cell, base) if cell else base

    def is_inherited(self, cell: str | None, unit: str, ctype: str = MONEY) -> bool:
        return self.share(cell, unit, ctype) > own_share(unit, ctype)


DEFAULT = Tolerances()


def envelope(shares: Iterable[Decimal]) -> Decimal:
    """How far a total may stand from the sum of its parts: the sum of every figure's share."""
    return sum(shares, ZERO)


def sum_verdict(diff: Decimal, shares: list[Decimal], n_parts: int, inherited: bool) -> str:
    """exact | rounding (尾差) | off, for total − Σ parts = ``diff``; ``shares`` include the total's.

    One part against its total is a copy: no 尾差 unless a share was inherited from 重算汇总."""
    if diff == ZERO:
        return EXACT
    if (n_parts >= 2 or inherited) and abs(diff) <= envelope(shares):
        return ROUNDING
    return OFF


def copy_verdict(a: Decimal, a_unit: str, b: Decimal, b_unit: str, shares: tuple[Decimal, Decimal],
                 inherited: bool) -> str:
    """Two copies of one figure (values in 元): identical, or a 万元 copy that is the 元 figure's 四舍五入."""
    if a == b:
        return EXACT
    if a_unit != b_unit:
        yuan, wan = (a, b) if a_unit == YUAN else (b, a)
        if round_wan(yuan) == wan:
            return EXACT
    if inherited and abs(a - b) <= envelope(shares):
        return ROUNDING
    return OFF


def round_wan(yuan: Decimal) -> Decimal:
    """A 元 figure as a 万元 table prints it (四舍五入 to 0.01 万元), back in 元."""
    return (yuan / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * TEN_THOUSAND


def keeps_printed_total(old: Decimal, new: Decimal, n_present: int, unit: str) -> bool:
    """重算汇总: a printed total within 尾差 of its recomputed sum is kept (it is most likely the budget
    system's own rounding of the exact figure, which a sum of rounded parts cannot improve)."""
    share = own_share(unit)
    return n_present >= 2 and abs(to_yuan(new - old, unit)) <= (n_present + 1) * share


def gap_is_rounding(gap_wan: Decimal, n_figures: int) -> bool:
    """The narrative's question: is a gap between printed 万元 figures explained by their rounding?"""
    return abs(to_yuan(gap_wan, WAN)) <= n_figures * own_share(WAN)
