"""The rounding model and the two comparisons every rule is made of.

- A *copy* (one figure printed twice) must be identical once both are in 万元.
- A *sum* of n ≥ 2 printed addends may differ from its printed total by up to the sum of every figure's
  half-last-digit — (n+1) × 0.005 when all are 万元 with two decimals. Inside that envelope the
  difference is 尾差 (info); outside it is an error. A blank total with non-blank parts is a warning
  (unknown, not zero); blank addends contribute nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Row, Table
from budget_xl.schema import display_label
from budget_xl.units import WAN, half_ulp, round2, to_wan

ZERO = Decimal(0)
BASE_SLACK = Decimal("0.005")  # a 万元 figure printed with two decimals


@dataclass(frozen=True)
class Fig:
    """One printed figure: its value in 万元, where it is, what it is called, its rounding share."""

    value: Decimal | None
    cell: str | None
    label: str
    slack: Decimal
    invalid: bool = False  # the cell holds text that is not a number: relations using it are not checked

    @property
    def blank(self) -> bool:
        return self.value is None


def present(budget, key: str) -> Table | None:
    """The table ``key`` if the workbook has it; rules skip what is absent (C-MISSING reports it)."""
    t = budget.tables.get(key)
    return t if t is not None and t.present else None


def row_label(table: Table, row: Row) -> str:
    lay = table.layout
    if lay.kind == "coded":
        if row.key == TOTAL_KEY:
            return "合计"
        return f"{row.key} {row.text('name')}".strip()
    if lay.kind in ("fixed", "keyvalue", "two_sided"):
        try:
            return display_label(lay.fixed_row(row.key).label)
        except KeyError:
            return row.key
    if lay.key == "PROJ":
        return row.text("name") or row.key
    return row.key


def col_label(table: Table, col: str) -> str:
    lay = table.layout
    if lay.kind == "two_sided" and col in ("in_amount", "out_amount"):
        return ""
    c = lay.column(col)
    return c.header[-1]


def fig(table: Table | None, row: Row | None, col: str) -> Fig | None:
    """The figure at (row, col), or None when the row does not exist. A blank cell gives Fig(value=None)."""
    if table is None or row is None:
        return None
    raw = row.amount(col)
    column = col_label(table, col)
    where = f"{table.sheet_name()}“{row_label(table, row)}”" + (f"的{column}" if column else "")
    value = None if raw is None else to_wan(raw, table.unit)
    cell = row.cell(col)
    slack = table.__dict__.get("slacks", {}).get(cell, half_ulp(table.unit))
    return Fig(value=value, cell=cell, label=where, slack=slack, invalid=col in row.invalid)


def fig_at(table: Table | None, key: str, col: str) -> Fig | None:
    return fig(table, table.get(key) if table is not None else None, col)


def fmt(v: Decimal | None) -> str:
    """Two decimals as printed; more only when a 元 figure converted to 万元 needs them (never rounded away)."""
    if v is None:
        return "空白"
    cents = v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{cents:.2f}" if v == cents else f"{v.normalize():f}"


def _same_printed(a: Fig, b: Fig) -> bool:
    """Equal, or a 元 figure whose 万元 rounding (四舍五入) is the other, 万元 figure."""
    if a.value == b.value:
        return True
    if a.slack != b.slack and ZERO in (a.slack, b.slack):
        yuan, wan = (a, b) if a.slack == ZERO else (b, a)
        return round2(yuan.value) == wan.value
    return False


def _cells_any(*figs: Fig | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for f in figs:
        if f is not None and f.cell:
            seen.setdefault(f.cell, None)
    return tuple(seen)


def check_sum(rule: str, total: Fig | None, parts: Iterable[Fig | None], what: str) -> list[Finding]:
    """total = Σ parts, rounding-aware. ``what`` names the relation for the message (e.g. '所属各款之和')."""
    parts = [p for p in parts if p is not None]
    present = [p for p in parts if not p.blank]
    if total is None or total.invalid or any(p.invalid for p in parts):
        return []  # unknown: READ-NOT-NUMBER already names the cell
    if total.blank:
        if any(p.value != ZERO for p in present):
            expected = sum((p.value for p in present), ZERO)
            return [Finding(rule, WARNING, f"{total.label}未填写，按{what}应为{fmt(expected)}万元。",
                            _cells_any(total, *present), expected=expected, actual=None, unit=WAN)]
        return []
    expected = sum((p.value for p in present), ZERO)
    diff = total.value - expected
    if diff == ZERO or (len(present) == 1 and _same_printed(total, present[0])):
        return []
    cells = _cells_any(total, *present)
    envelope = total.slack + sum((p.slack for p in present), ZERO)
    inherited = any(f.slack > BASE_SLACK for f in (total, *present))
    if len(present) >= 2 or inherited:  # one printed figure against one other is a copy: no 尾差
        if abs(diff) <= envelope:
            return [Finding(rule, INFO,
                            f"{total.label}{fmt(total.value)}万元，{what}为{fmt(expected)}万元，相差{fmt(diff)}万元，"
                            f"在四舍五入尾差范围内（允许±{envelope.normalize():f}）。",
                            cells, expected=expected, actual=total.value, difference=diff, unit=WAN)]
    return [Finding(rule, ERROR,
                    f"{total.label}{fmt(total.value)}万元，与{what}{fmt(expected)}万元不符，相差{fmt(diff)}万元。",
                    cells, expected=expected, actual=total.value, difference=diff, unit=WAN)]


def check_copy(rule: str, a: Fig | None, b: Fig | None) -> list[Finding]:
    """The same figure printed in two places must be identical (after conversion to 万元)."""
    if a is None or b is None or a.invalid or b.invalid:
        return []
    if a.blank and b.blank:
        return []
    if a.blank or b.blank:
        filled, empty = (b, a) if a.blank else (a, b)
        if filled.value == ZERO:
            return []
        return [Finding(rule, ERROR, f"{filled.label}为{fmt(filled.value)}万元，而{empty.label}为空白，两处应一致。",
                        _cells_any(a, b), expected=filled.value, actual=None, unit=WAN)]
    if _same_printed(a, b):  # one side in 元: the 万元 copy is its rounding
        return []
    diff = a.value - b.value
    if max(a.slack, b.slack) > BASE_SLACK and abs(diff) <= a.slack + b.slack:
        return [Finding(rule, INFO, f"{a.label}{fmt(a.value)}万元，与{b.label}{fmt(b.value)}万元相差{fmt(diff)}万元；"
                        "其中合计数是各自明细四舍五入后相加所得，属表间尾差，建议按预算系统数调整一致。",
                        _cells_any(a, b), expected=b.value, actual=a.value, difference=diff, unit=WAN)]
    return [Finding(rule, ERROR, f"{a.label}{fmt(a.value)}万元，与{b.label}{fmt(b.value)}万元不一致，相差{fmt(diff)}万元。",
                    _cells_any(a, b), expected=b.value, actual=a.value, difference=diff, unit=WAN)]


def check_at_most(rule: str, small: Fig | None, big: Fig | None, severity: str = ERROR,
                  why: str = "") -> list[Finding]:
    """small ≤ big (e.g. 年初财拨结转 ≤ 上年结转结余, 中小企业份额 ≤ 合计)."""
    if small is None or big is None or small.blank or small.invalid or big.invalid:
        return []
    bound = big.value if not big.blank else ZERO
    if small.value <= bound + small.slack + big.slack:
        return []
    diff = small.value - bound
    return [Finding(rule, severity, f"{small.label}{fmt(small.value)}万元，超过{big.label}{fmt(bound)}万元"
                    f"（多{fmt(diff)}万元）{why}。", _cells_any(small, big),
                    expected=bound, actual=small.value, difference=diff, unit=WAN)]


def check_parts_at_most(rule: str, parts: Iterable[Fig | None], big: Fig | None, what: str,
                        why: str = "") -> list[Finding]:
    """Σ parts ≤ big, for breakdowns that need not exhaust their total ("其中", partly assigned projects);
    the finding names every part's cell."""
    filled = [p for p in parts if p is not None and not p.blank]
    if not filled or any(p.invalid for p in filled):
        return []
    combined = Fig(value=sum((p.value for p in filled), ZERO), cell=filled[0].cell, label=what,
                   slack=sum((p.slack for p in filled), ZERO))
    cells = tuple(p.cell for p in filled if p.cell)
    return [Finding(f.rule, f.severity, f.message, tuple(dict.fromkeys(f.cells + cells)), f.expected, f.actual,
                    f.difference, f.unit) for f in check_at_most(rule, combined, big, why=why)]
