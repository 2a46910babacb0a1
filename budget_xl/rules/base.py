"""The three comparisons every relation is made of — sum, copy, at most — with blank strictly unknown.

- A relation whose parts are all blank is not tested: its total is never compared with 0.
- A blank total whose parts are filled is a warning (unknown, not zero); blank addends contribute nothing.
- A blank bound bounds nothing; a copy with one side blank is a warning at most.
Tolerances come from ``budget_xl.rounding`` as an argument; amounts in messages are in each table's own unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Row, Table
from budget_xl.rounding import (
    DEFAULT,
    EXACT,
    MONEY,
    OFF,
    ROUNDING,
    ZERO,
    Tolerances,
    copy_verdict,
    from_yuan,
    sum_verdict,
    to_yuan,
)
from budget_xl.schema import display_label
from budget_xl.units import WAN


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen __init__ costs 3× (tens of thousands per check)
class Fig:
    """One printed figure: its value in 元 (exact), where it is, what it is called, its rounding share.
    Treated as immutable (``dataclasses.replace`` for a changed copy)."""

    value: Decimal | None
    cell: str | None
    named: str | None = None   # a label given outright (a combined figure: "各项之和"); else built from ``source``
    share: Decimal = ZERO
    unit: str = WAN            # the unit its table prints (messages show the figure in it)
    invalid: bool = False      # the cell holds text that is not a number: relations using it are not checked
    table: str | None = None
    row: str | None = None
    col: str | None = None
    inherited: bool = False    # its share was inherited from the parts 重算汇总 added up
    money: bool = True
    places: int = 2            # decimals its table prints: 0 for a table in whole 元
    # (table, row, col) the label is built from when a message needs it: most figures are never reported
    source: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """What it is called in a message: 收入总表“合计”的本年收入 (built only when asked)."""
        if self.named is not None:
            return self.named
        return _where(*self.source) if self.source is not None else ""

    @property
    def blank(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        """The value as its own table prints it, with the unit."""
        return show(self.value, self.unit, self.money, self.places)

    def show(self, value_yuan: Decimal | None) -> str:
        """Another amount (a sum, a difference) as this figure's table prints it."""
        return show(value_yuan, self.unit, self.money, self.places)


def present(budget, key: str) -> Table | None:
    """The table ``key`` if the workbook has it; rules skip what is absent (C-MISSING reports it)."""
    t = budget.tables.get(key)
    return t if t is not None and t.present else None


def prints_only_totals(t: Table) -> bool:
    """A coded table printed with its 合计 line only (Jiangsu's 支出总表): declared so in the layout
    (``totals_only``) or seen so in the document — no row by code at all, and a 合计 line with a figure.
    Relations by code with such a table do not apply (its rows are not printed, not missing)."""
    if t.layout.kind != "coded" or any(r.code for r in t.rows):
        return False
    if t.layout.totals_only:
        return True
    total = t.total_row
    return total is not None and any(total.amount(c) not in (None, ZERO) for c in t.layout.amount_columns)


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
    if lay.kind == "two_sided" and any(side.columns == (col,) for side in lay.sides):
        return ""  # a side's one amount column: the row label says it all (收支预算总表“一、基本支出”)
    return lay.column(col).header[-1]


def fig(table: Table | None, row: Row | None, col: str, tol: Tolerances = DEFAULT) -> Fig | None:
    """The figure at (row, col), or None when the row does not exist. A blank cell gives Fig(value=None)."""
    if table is None or row is None:
        return None
    raw = row.values.get(col)
    layout = table.layout
    column = layout.column_map.get(col)
    ctype = column.type if column is not None else MONEY
    money = ctype == MONEY
    unit = table.unit if money else ""
    value = None if not isinstance(raw, Decimal) else (to_yuan(raw, unit) if money else raw)
    cell = row.cells.get(col)
    key = layout.key
    printed = tol.printed_share(key, unit, ctype)
    share = tol.inherited.get(cell, printed) if cell and tol.inherited else printed  # as tol.share, read once
    return Fig(value, cell, None, share, unit, col in row.invalid, key, row.key, col, share > printed, money,
               tol.places(key, unit), (table, row, col))


def _where(table: Table, row: Row, col: str) -> str:
    column = col_label(table, col)
    return f"{table.sheet_name()}“{row_label(table, row)}”" + (f"的{column}" if column else "")


def fig_at(table: Table | None, key: str, col: str, tol: Tolerances = DEFAULT) -> Fig | None:
    return fig(table, table.get(key) if table is not None else None, col, tol)


def fmt(v: Decimal | None) -> str:
    """Two decimals as printed; more only when a converted figure needs them (never rounded away)."""
    if v is None:
        return "空白"
    cents = v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{cents:.2f}" if v == cents else f"{v.normalize():f}"


def show(value_yuan: Decimal | None, unit: str, money: bool = True, places: int = 2) -> str:
    """A value held in 元 as a table in ``unit`` prints it: '4148.23万元', '0.34元', '12'; a table in whole 元 or
    万元 (``places`` 0) prints whole units: '相差1元'; one with one decimal (``places`` 1) '3397.3万元' (a figure
    finer than its table keeps its digits)."""
    if value_yuan is None:
        return "空白"
    if not money:
        return fmt(value_yuan).removesuffix(".00")
    v = from_yuan(value_yuan, unit)
    if places < 2:
        coarse = v.quantize(Decimal(1).scaleb(-places))
        return f"{(coarse if coarse == v else v.normalize()):f}{unit}"
    return f"{fmt(v)}{unit}"


def _cells_any(*figs: Fig | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for f in figs:
        if f is not None and f.cell:
            seen.setdefault(f.cell, None)
    return tuple(seen)


def _in(unit: str, v: Decimal | None) -> Decimal | None:
    return None if v is None else from_yuan(v, unit)


def finding(rule: str, severity: str, message: str, anchor: Fig, figs: Iterable[Fig | None],
            expected: Decimal | None = None, actual: Decimal | None = None, difference: Decimal | None = None,
            also: Iterable[str | None] = (), **extra) -> Finding:
    """A finding anchored on ``anchor`` (its identity: table, row, column), amounts in the anchor's unit;
    ``also``: further cells that take part without being figures (a quantity, a unit's nature, an indicator)."""
    unit = anchor.unit or None
    cells = tuple(dict.fromkeys((*_cells_any(anchor, *figs), *(c for c in also if c))))
    return Finding(rule, severity, message, cells, expected=_in(anchor.unit, expected),
                   actual=_in(anchor.unit, actual), difference=_in(anchor.unit, difference), unit=unit,
                   extra=dict(extra), table=anchor.table, row=anchor.row, column=anchor.col)


def check_sum(rule: str, total: Fig | None, parts: Iterable[Fig | None], what: str,
              severity: str = ERROR) -> list[Finding]:
    """total = Σ parts, rounding-aware. ``what`` names the relation for the message (e.g. '所属各款之和')."""
    parts = [p for p in parts if p is not None]
    filled = [p for p in parts if not p.blank]
    if total is None or total.invalid or any(p.invalid for p in parts) or not filled:
        return []  # unknown: READ-NOT-NUMBER names unreadable cells; all parts blank tests nothing
    return sum_findings(rule, total, [p.value for p in filled], [p.share for p in filled], filled[0].unit,
                        [p.cell for p in filled], what, severity, any(f.inherited for f in (total, *filled)))


def sum_findings(rule: str, total: Fig, values: list[Decimal], shares: list[Decimal], first_unit: str,
                 cells: list[str | None], what: str, severity: str = ERROR, inherited: bool = False) -> list[Finding]:
    """``check_sum``'s verdict and finding from the filled parts' values (in 元), shares, cells and the first one's
    unit — for a caller that has them without a ``Fig`` per part (a parent of the code tree has hundreds)."""
    expected = sum(values, ZERO)
    if total.blank:
        if expected == ZERO and all(v == ZERO for v in values):
            return []
        return [finding(rule, WARNING, f"{total.label}未填写，按{what}应为{total.show(expected)}。",
                        total, (), expected=expected, also=cells, blank_total=True)]
    diff = total.value - expected
    every = [total.share, *shares]
    if len(values) == 1:
        verdict = copy_verdict(total.value, total.unit, values[0], first_unit, (total.share, shares[0]), inherited)
    else:
        verdict = sum_verdict(diff, every, len(values), inherited)
    if verdict == EXACT:
        return []
    if verdict == ROUNDING:
        allowed = total.show(sum(every, ZERO))
        return [finding(rule, INFO, f"{total.label}{total.shown}，{what}为{total.show(expected)}，"
                        f"相差{total.show(diff)}，在四舍五入尾差范围内（允许±{allowed}）。",
                        total, (), expected=expected, actual=total.value, difference=diff, also=cells)]
    return [finding(rule, severity, f"{total.label}{total.shown}，与{what}{total.show(expected)}不符，"
                    f"相差{total.show(diff)}。", total, (), expected=expected, actual=total.value,
                    difference=diff, also=cells)]


def check_copy(rule: str, a: Fig | None, b: Fig | None, severity: str = ERROR) -> list[Finding]:
    """The same figure printed in two places must be identical (a 万元 copy of a 元 figure: its rounding)."""
    if a is None or b is None or a.invalid or b.invalid or (a.blank and b.blank):
        return []
    if a.blank or b.blank:
        filled, empty = (b, a) if a.blank else (a, b)
        if filled.value == ZERO:
            return []
        return [finding(rule, WARNING, f"{filled.label}为{filled.shown}，而{empty.label}为空白，两处应一致。",
                        empty, (filled,), expected=filled.value, one_blank=True)]
    inherited = a.inherited or b.inherited
    verdict = copy_verdict(a.value, a.unit, b.value, b.unit, (a.share, b.share), inherited)
    if verdict == EXACT:
        return []
    diff = a.value - b.value
    if verdict == ROUNDING:
        return [finding(rule, INFO, f"{a.label}{a.shown}，与{b.label}{b.shown}相差{a.show(diff)}；"
                        "其中合计数是各自明细四舍五入后相加所得，属表间尾差，建议按预算系统数调整一致。",
                        a, (b,), expected=b.value, actual=a.value, difference=diff)]
    return [finding(rule, severity, f"{a.label}{a.shown}，与{b.label}{b.shown}不一致，相差{a.show(diff)}。",
                    a, (b,), expected=b.value, actual=a.value, difference=diff)]


def check_at_most(rule: str, small: Fig | None, big: Fig | None, severity: str = ERROR, why: str = "",
                  parts: Iterable[Fig] = ()) -> list[Finding]:
    """small ≤ big (e.g. 年初财拨结转 ≤ 上年结转结余, 中小企业份额 ≤ 合计); a blank bound bounds nothing."""
    if small is None or big is None or small.blank or big.blank or small.invalid or big.invalid:
        return []
    if small.value <= big.value + small.share + big.share:
        return []
    diff = small.value - big.value
    return [finding(rule, severity, f"{small.label}{small.shown}，超过{big.label}{small.show(big.value)}"
                    f"（多{small.show(diff)}）{why}。", small, (big, *parts),
                    expected=big.value, actual=small.value, difference=diff)]


def check_parts_at_most(rule: str, parts: Iterable[Fig | None], big: Fig | None, what: str,
                        why: str = "", severity: str = ERROR) -> list[Finding]:
    """Σ parts ≤ big, for breakdowns that need not exhaust their total ("其中", partly assigned projects);
    the finding names every part's cell."""
    filled = [p for p in parts if p is not None and not p.blank]
    if not filled or any(p.invalid for p in filled):
        return []
    first = filled[0]
    combined = replace(first, value=sum((p.value for p in filled), ZERO), named=what,
                       share=sum((p.share for p in filled), ZERO))
    return check_at_most(rule, combined, big, severity=severity, why=why, parts=filled)


__all__ = ["Fig", "OFF", "ZERO", "check_at_most", "check_copy", "check_parts_at_most", "check_sum", "fig", "fig_at",
           "finding", "fmt", "present", "prints_only_totals", "row_label", "show", "sum_findings"]
