"""Money units. Tables are printed in 元 or 万元; every comparison happens in 万元.

A figure printed in 万元 with two decimals carries ±0.005 of rounding; a figure in 元 printed with 分 is exact,
one printed in whole 元 exact or rounded as the document shows (the rounding model: ``budget_xl.rounding``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

YUAN = "元"
WAN = "万元"
UNITS = {YUAN: Decimal(1), WAN: Decimal(10000)}
CENT = Decimal("0.01")


def parse_unit(text: object) -> str | None:
    """'单位：万元' / '金额单位：元' / '万元' / '单位：人民币万元' / '单位：万元（保留两位小数）' / '单位：万元、%' → the
    unit; anything else ('单位：元/人', '千元') → None."""
    s = str(text or "").replace(" ", "").replace("\u3000", "")
    if "：" in s or ":" in s:
        s = s.replace(":", "：").split("：")[-1]
    s = s.strip("（）()").removeprefix("人民币")  # “单位：人民币万元”
    s = re.split(r"[（(、，,；;]", s, maxsplit=1)[0]  # “万元（保留两位小数）”, “万元、%”: the money unit first
    if s in ("万元",):
        return WAN
    if s in ("元",):
        return YUAN
    return None


def to_wan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion to 万元 (no rounding)."""
    return value if unit == WAN else value / UNITS[WAN] * UNITS[unit]


def convert(value: Decimal, src: str, dst: str) -> Decimal:
    """A figure copied from a table in ``src`` units into one in ``dst`` units, as that table prints it."""
    if src == dst:
        return value
    return round2(to_wan(value, src)) if dst == WAN else value * UNITS[WAN]


def round2(value: Decimal) -> Decimal:
    """四舍五入 to two decimals — never banker's rounding."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt2(value: Decimal | None) -> str:
    """Two decimals, 四舍五入; None prints as an empty string."""
    return "" if value is None else f"{round2(value):.2f}"
