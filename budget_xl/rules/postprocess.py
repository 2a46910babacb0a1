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

COPY = "copy"  # budget_xl.relations.COPY (not imported: relations imports the rules package)

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


def _pairs(instances: list[Instance]) -> list[tuple[str, str, int]]:
    """Cross-table copies with both figures filled: (table a, table b, +1 if a ≈ 10000 × b, −1 if 1/10000, 0)."""
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
        r = abs(to_yuan(va, a.table.unit) / to_yuan(vb, b.table.unit))
        sign = 1 if abs(r / TEN_THOUSAND - 1) < Decimal("0.01") else -1 if abs(r * TEN_THOUSAND - 1) < Decimal("0.01") else 0
        out.append((a.table.key, b.table.key, sign))
    return out


def _slipped_tables(instances: list[Instance]) -> list[tuple[str, int]]:
    """Greedy: the table most of whose copies elsewhere are 10000× off is slipped; its pairs are then set
    aside so that the tables it was compared with are not blamed too."""
    pairs = _pairs(instances)
    found: list[tuple[str, int]] = []
    while True:
        total, off = defaultdict(int), defaultdict(lambda: [0, 0])
        for a, b, sign in pairs:
            total[a] += 1
            total[b] += 1
            if sign:
                off[a][0 if sign > 0 else 1] += 1
                off[b][1 if sign > 0 else 0] += 1
        best = None
        for key, (up, down) in off.items():
            n = max(up, down)
            if n >= 2 and n * 5 >= total[key] * 4 and (best is None or n > best[1]):
                best = (key, n, 1 if up >= down else -1)
        if best is None:
            return found
        found.append((best[0], best[2]))
        pairs = [p for p in pairs if best[0] not in p[:2]]


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
        amounts = [to_yuan(v, t.unit) for r in t.rows for c in t.layout.amount_columns
                   if (v := r.amount(c)) is not None]
        if not amounts:
            continue
        peak = max(abs(a) for a in amounts)
        if t.unit == WAN and peak >= TOO_BIG_YUAN:
            implausible.append((t, YUAN))
        elif t.unit == YUAN and Decimal(0) < peak < TOO_SMALL_YUAN:
            implausible.append((t, WAN))
    if implausible:
        names = "、".join(t.sheet_name() for t, _ in implausible)
        t, seems = implausible[0]
        out = _fold(out, t, f"{names}的金额对所填单位明显不合理（最大一笔按{t.unit}计"
                    f"{'超过1000亿元' if seems == YUAN else '不足100元'}），似以{seems}为单位，"
                    f"基本信息中填的是{t.unit}。请核对“金额单位”。", also=[x for x, _ in implausible[1:]])
    return out


def _fold(findings: list[Finding], t, message: str, also=()) -> list[Finding]:
    """The errors the unit slip explains: those between the table and others, and inside it the 尾差 that the
    ×10000 turned into errors (a difference within the envelope once divided by 10000)."""
    sheets = {t.sheet_name(), *(x.sheet_name() for x in also)}

    def inside_rounding(f: Finding) -> bool:
        return f.difference is not None and abs(f.difference) / TEN_THOUSAND <= Decimal("0.005") * max(len(f.cells), 2)

    folded = [f for f in findings if f.severity == ERROR and f.rule != "UNIT-SLIP"
              and any(c.split("!")[0] in sheets for c in f.cells)
              and (any(c.split("!")[0] not in sheets for c in f.cells) or inside_rounding(f))]
    keep = [f for f in findings if not any(f is g for g in folded)]
    cell = (t.title_cell,) if t.title_cell else ()
    head = Finding("UNIT-SLIP", ERROR, message + (f"由此引起的{len(folded)}处不符已归在本条下。" if folded else ""),
                   cell, table=t.key, column="unit",
                   extra={"explains": [f.message for f in folded], "folded": [f.identity for f in folded]})
    return [head, *keep]

