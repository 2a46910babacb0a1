"""The slips a person's hand makes when typing a figure, as alternative values of one printed figure.

Each slip is named in Chinese and carries a strength: 0 for the telling ones (two digits swapped, a unit
slip, a sign, a misplaced decimal point, a figure on the neighbouring row or column), 1 for a single wrong
digit (many cells could take one), 2 for "only the arithmetic says so".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from budget_xl.rounding import from_yuan, to_yuan  # noqa: F401  (to_yuan: used by core)

TRANSPOSED = "两位数字颠倒"
UNIT = "单位错（万元/元）"
AS_YUAN = "按元填入"     # a 万元 table's figure 10000 times too large: typed in 元
AS_WAN = "按万元填入"    # a 元 table's figure 10000 times too small: typed in 万元
SIGN = "正负号"
DECIMAL_POINT = "小数点错位"
DIGIT = "一位数字错"
SWAPPED = "相邻两格数字互换"
ROW_SHIFT = "错行"
COL_SHIFT = "错列"
EXTRA = "多填（应为空白或0）"
MISSING = "漏填"
WRONG = "数值错误"

TELLING, ONE_DIGIT, ARITHMETIC, UNLIKELY = 0, 1, 2, 3


def arithmetic(old: Decimal, new: Decimal) -> int:
    """Plain arithmetic; a blank (0) cell made negative is an unlikely correction (budgets are rarely negative)."""
    return UNLIKELY if old == 0 and new < 0 else ARITHMETIC
CENT = Decimal("0.01")
printed = from_yuan  # a value in 元 as the table prints it (its own unit): rounding.py's conversion


def _q(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def _digits(p: Decimal) -> tuple[str, str] | None:
    """('96735', '-') for -967.35; None when the figure has more than two decimals (not a typed figure)."""
    if p != _q(p):
        return None
    s = f"{abs(p):.2f}"
    return s.replace(".", ""), "-" if p < 0 else ""


def _from_digits(digits: str, sign: str) -> Decimal:
    return Decimal(f"{sign}{digits[:-2] or '0'}.{digits[-2:]}")


@lru_cache(maxsize=4096)
def single_slips(p: Decimal) -> tuple[tuple[Decimal, str, int], ...]:
    """Alternative printed figures a slip would explain: (the figure it should be, kind, strength)."""
    return tuple(_slips(p))


def _slips(p: Decimal) -> list[tuple[Decimal, str, int]]:
    out: list[tuple[Decimal, str, int]] = []
    if p != 0:
        out.append((-p, SIGN, TELLING))
        out += [(_q(p / 10000), UNIT, TELLING), (p * 10000, UNIT, TELLING)]
        out += [(_q(p / 100), DECIMAL_POINT, TELLING), (p * 100, DECIMAL_POINT, TELLING)]
    dd = _digits(p)
    if dd is None:
        return out
    digits, sign = dd
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
            out.append((_from_digits(swapped, sign), TRANSPOSED, TELLING))
    for i, ch in enumerate(digits):
        for d in "0123456789":
            if d != ch:
                out.append((_from_digits(digits[:i] + d + digits[i + 1:], sign), DIGIT, ONE_DIGIT))
    return [(v, k, s) for v, k, s in out if v != p]


def named(kind: str, old: Decimal, new: Decimal, unit: str) -> str:
    """A unit slip said as what the hand did: a 万元 table's figure 10000 times too large was typed in 元
    ("按元填入"), a 元 table's figure 10000 times too small in 万元 ("按万元填入"); other slips as they are."""
    if kind != UNIT or not old or not new:
        return kind
    if unit == "万元" and abs(old) > abs(new):
        return AS_YUAN
    if unit == "元" and abs(old) < abs(new):
        return AS_WAN
    return kind


def generic_kind(old: Decimal, new: Decimal) -> str:
    if new == 0:
        return EXTRA
    if old == 0:
        return MISSING
    return WRONG


def classify(old_p: Decimal, new_p: Decimal, close: Decimal) -> tuple[str, int]:
    """Name the slip that turns ``new_p`` into ``old_p`` (printed figures), within ``close``."""
    best: tuple[str, int] | None = None
    for v, kind, strength in single_slips(old_p):
        if abs(v - new_p) <= close and (best is None or strength < best[1]):
            best = (kind, strength)
    return best or (generic_kind(old_p, new_p), arithmetic(old_p, new_p))
