"""What one look at all findings tells that one relation cannot: a column the template does not print, and
a table typed in the wrong unit. Both replace many findings with one, the rest folded under it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from budget_xl.findings import ERROR, INFO, Finding
from budget_xl.model import Budget
from budget_xl.rounding import to_yuan
from budget_xl.rules.registry import register_info
from budget_xl.units import WAN, YUAN

if TYPE_CHECKING:
    from budget_xl.relations import Instance

COPY, SUM = "copy", "sum"  # budget_xl.relations.COPY, SUM (not imported: relations imports the rules package)

register_info("C-ABSENT-COLUMN", INFO, "一栏在整张表中全部空白：视为本模板不列示此栏，只提示一次，不逐行报“未填写”")
register_info("UNIT-SLIP", ERROR, "一张表的金额约为其他表上同一数字的 10000 倍（或万分之一），或合计数对所填单位明显不合理："
              "多半是金额单位填错（元/万元），由此引起的不符归在这一条下")

TEN_THOUSAND = Decimal(10000)
# a department's whole budget above 1000亿元 is not plausible; below 100元 neither
TOO_BIG_YUAN = Decimal(10) ** 11
TOO_SMALL_YUAN = Decimal(100)


def absent_columns(budget: Budget, findings: list[Finding]) -> list[Finding]:
    """A column blank on every row of its table is a column the template does not print: one note per table
    and column instead of "未填写" on every row."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if (f.extra.get("blank_total") or f.extra.get("one_blank")) and f.table and f.column:
            groups[(f.table, f.column)].append(f)
    drop: set[int] = set()
    notes: list[Finding] = []
    for (key, col), group in groups.items():
        t = budget.tables.get(key)
        if t is None or any(r.amount(col) is not None for r in t.rows):
            continue
        header = t.layout.column(col).header[-1]
        notes.append(Finding("C-ABSENT-COLUMN", INFO, f"{t.sheet_name()}“{header}”栏全部空白，视为本表不列示此栏，"
                             f"涉及它的{len(group)}处核对未进行。", tuple(c for f in group[:1] for c in f.cells[:1]),
                             table=key, column=col, extra={"explains": [g.message for g in group]}))
        drop |= {id(f) for f in group}
    return [f for f in findings if id(f) not in drop] + notes


def _pairs(instances: list[Instance]) -> list[tuple[str, str, int, tuple, tuple]]:
    """Cross-table copies with both figures filled: (table a, table b, +1 if a ≈ 10000 × b, −1 if 1/10000, 0,
    figure a, figure b), a figure named (row, column) for ``_whole``."""
    out = []
    for inst in instances:
        if inst.kind != COPY:
            continue
        a, b = inst.total, inst.parts[0]
        if a.table.key == b.table.key:
            continue
        va, vb = a.value(), b.value()
        if not va or not vb:
            continue
        sign = ratio_sign(to_yuan(va, a.table.unit), to_yuan(vb, b.table.unit))
        out.append((a.table.key, b.table.key, sign, (id(a.row), a.col), (id(b.row), b.col)))
    return out


def ratio_sign(ya: Decimal, yb: Decimal) -> int:
    """+1 when |ya / yb| is 10000 to within 1 %, −1 when it is 1/10000, else 0 (both non-zero). Most copies hold
    the same figure: when the leading digits of the two are at most two places apart the ratio lies between
    1/1000 and 1000, so no division is needed (``_ratio_sign_exact`` is the definition)."""
    if abs(ya.adjusted() - yb.adjusted()) <= 2:
        return 0
    return _ratio_sign_exact(ya, yb)


def _ratio_sign_exact(ya: Decimal, yb: Decimal) -> int:
    r = abs(ya / yb)
    return 1 if abs(r / TEN_THOUSAND - 1) < Decimal("0.01") else -1 if abs(r * TEN_THOUSAND - 1) < Decimal("0.01") else 0


def peak_yuan(t) -> Decimal | None:
    """The largest figure of a table in 元 (None when it has none): the largest in its own unit, converted once —
    the conversion is an exact scaling, so the order of the figures is the same in both units."""
    cols = t.layout.amount_columns
    values = [v for r in t.rows for c in cols if isinstance(v := r.values.get(c), Decimal)]  # Row.amount, inlined
    return to_yuan(max(max(values), -min(values)), t.unit) if values else None


def may_slip(instances: list[Instance]) -> bool:
    """Is any cross-table copy among ``instances`` 10000 times off? Such a copy never plainly holds, so the
    instances that do not (``relations.Scan.differing``) tell whether ``unit_slips`` needs them all."""
    return any(sign for _a, _b, sign, _fa, _fb in _pairs(instances))


def _whole(key: str, off: set[tuple], instances: list[Instance]) -> bool:
    """Are the figures of table ``key`` that look 10000 times off (``off``: (row, column)) the table's own unit — the
    whole table typed in another unit — or a few figures typed wrong among right ones? A whole table keeps its
    own sums (to a rounding scaled by 10000); a lone figure ×10000 breaks every sum it is in. So: whole when at
    least half of the table's own sums through those figures still hold to one part in a thousand, or, with no
    such sum, when two or more different figures are off."""
    inside = holding = 0
    values: set = set()
    for inst in instances:
        if inst.kind != SUM:
            continue
        terms = (inst.total, *inst.parts)
        if any(t.table.key != key for t in terms) or not any((id(t.row), t.col) in off for t in terms):
            continue
        total = inst.total.value()
        parts = [v for p in inst.parts if (v := p.value()) is not None]
        if total is None or not parts:
            continue
        inside += 1
        scale = max(abs(total), sum((abs(v) for v in parts), Decimal(0)))
        holding += abs(total - sum(parts, Decimal(0))) <= scale / 1000
    if inside:
        return holding * 2 >= inside
    for inst in instances:
        for t in (inst.total, *inst.parts):
            if t.table.key == key and (id(t.row), t.col) in off:
                values.add(t.value())
    return len(values) >= 2


def _slipped_tables(instances: list[Instance]) -> list[tuple[str, int]]:
    """Greedy: the table most of whose copies elsewhere are 10000× off is slipped — when those figures are the
    whole table (``_whole``), not one figure typed in the wrong unit, which localization names as that cell; its
    pairs are then set aside so that the tables it was compared with are not blamed too."""
    pairs = _pairs(instances)
    found: list[tuple[str, int]] = []
    rejected: set[str] = set()
    while True:
        total, off = defaultdict(int), defaultdict(lambda: [0, 0])
        for a, b, sign, _fa, _fb in pairs:
            total[a] += 1
            total[b] += 1
            if sign:
                off[a][0 if sign > 0 else 1] += 1
                off[b][1 if sign > 0 else 0] += 1
        best = None
        for key, (up, down) in off.items():
            n = max(up, down)
            if key not in rejected and n >= 2 and n * 5 >= total[key] * 4 and (best is None or n > best[1]):
                best = (key, n, 1 if up >= down else -1)
        if best is None:
            return found
        key, _n, direction = best
        figures = {fa if a == key else fb for a, b, sign, fa, fb in pairs
                   if sign and key in (a, b) and (sign if a == key else -sign) == direction}
        if not _whole(key, figures, instances):
            rejected.add(key)
            continue
        found.append((key, direction))
        pairs = [p for p in pairs if key not in p[:2]]


def unit_slips(budget: Budget, findings: list[Finding], instances: list[Instance]) -> list[Finding]:
    slips: list[tuple[str, str]] = []  # (table, the unit its figures seem to be in)
    for key, direction in _slipped_tables(instances):
        t = budget.tables[key]
        if direction > 0:
            seems = YUAN if t.unit == WAN else "万元的一万倍"
        else:
            seems = WAN if t.unit == YUAN else "万元的万分之一"
        slips.append((key, seems))
    out = list(findings)
    slipped = {k for k, _ in slips}
    for key, seems in slips:
        t = budget.tables[key]
        out = _fold(out, t, f"{t.sheet_name()}的金额似以{seems}为单位，基本信息中填的是{t.unit}"
                    f"（与其他表上的同一数字相差约一万倍）。请核对“金额单位”或重新粘贴该表。")
    implausible = []
    for t in budget.tables.values():
        if not t.present or t.key in slipped or not t.layout.published:
            continue
        peak = peak_yuan(t)  # the figures themselves only for a table whose peak is implausible
        if peak is None:
            continue
        if t.unit == WAN and peak >= TOO_BIG_YUAN:
            seems, off = YUAN, {f for a, f in _amounts(t) if abs(a) >= TOO_BIG_YUAN}
        elif t.unit == YUAN and Decimal(0) < peak < TOO_SMALL_YUAN:
            seems, off = WAN, {f for a, f in _amounts(t) if a}
        else:
            continue
        if _whole(t.key, off, instances):  # else one figure typed in 元: localization names its cell
            implausible.append((t, seems))
    if implausible:
        names = "、".join(t.sheet_name() for t, _ in implausible)
        t, seems = implausible[0]
        out = _fold(out, t, f"{names}的金额对所填单位明显不合理（最大一笔按{t.unit}计"
                    f"{'超过1000亿元' if seems == YUAN else '不足100元'}），似以{seems}为单位，"
                    f"基本信息中填的是{t.unit}。请核对“金额单位”。", also=[x for x, _ in implausible[1:]])
    return out


def _amounts(t) -> list[tuple[Decimal, tuple]]:
    """Every figure of a table in 元, named (row, column) as ``_whole`` names them."""
    return [(to_yuan(v, t.unit), (id(r), c)) for r in t.rows for c in t.layout.amount_columns
            if (v := r.amount(c)) is not None]


def _fold(findings: list[Finding], t, message: str, also=()) -> list[Finding]:
    """The errors the unit slip explains: those between the table and others, and inside it the 尾差 that the
    ×10000 turned into errors (a difference within the envelope once divided by 10000)."""
    sheets = {t.sheet_name(), *(x.sheet_name() for x in also)}

    def inside_rounding(f: Finding) -> bool:
        return f.difference is not None and abs(f.difference) / TEN_THOUSAND <= Decimal("0.005") * max(len(f.cells), 2)

    folded = [f for f in findings if f.severity == ERROR and f.rule != "UNIT-SLIP"
              and any(c.split("!")[0] in sheets for c in f.cells)
              and (any(c.split("!")[0] not in sheets for c in f.cells) or inside_rounding(f))]
    gone = {id(g) for g in folded}
    keep = [f for f in findings if id(f) not in gone]  # by identity, in one pass (not findings × folded)
    cell = (t.title_cell,) if t.title_cell else ()
    head = Finding("UNIT-SLIP", ERROR, message + (f"由此引起的{len(folded)}处不符已归在本条下。" if folded else ""),
                   cell, table=t.key, column="unit",
                   extra={"explains": [f.message for f in folded], "folded": [f.identity for f in folded]})
    return [head, *keep]

