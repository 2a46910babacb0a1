"""Localization as findings: one "LOCATE" finding per suspect cell, the findings it explains folded under it.

Decision (documented in README): explained findings are KEPT in the list, unchanged in rule and severity,
each with ``extra["folded_under"]`` naming the LOCATE cell (or "无法唯一确定"), so exit codes, the 校验结果
sheet, identities and every existing consumer see the same findings as before; the LOCATE finding lists them
in ``extra["explains"]``. The terminal report prints folded findings under their LOCATE finding instead of
in their sheet's group, and the JSON carries both keys. LOCATE findings come first in the list.
"""

from __future__ import annotations

import dataclasses

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.gc_pause import paused_gc
from budget_xl.localize.model import Change, Group, Localization
from budget_xl.localize.slips import EXTRA, named, printed
from budget_xl.units import WAN

LOCATE = "LOCATE"
UNSURE = "无法唯一确定"


def _amount(change: Change, loc: Localization) -> str:
    m = loc.meta.get(change.cell)
    unit = m.unit if m else "元"
    if change.new == 0 and change.kind == EXTRA:
        return "空白（或0）"
    return f"{printed(change.new, unit):,.2f}{unit}"


def _where(cell: str, loc: Localization) -> str:
    m = loc.meta.get(cell)
    return f"{cell}（{m.label}）" if m and m.label else cell


def _fix(change: Change, loc: Localization) -> str:
    return f"{_where(change.cell, loc)}改为{_amount(change, loc)}"


def _kind(change: Change, loc: Localization) -> str:
    """The slip as the reader should hear it (a unit slip says which unit the figure was typed in)."""
    m = loc.meta.get(change.cell)
    return named(change.kind, change.old, change.new, m.unit if m else "元")


def _candidate(change: Change, loc: Localization) -> dict:
    """One change for JSON: the value as its table prints it (unit named), and the slip."""
    m = loc.meta.get(change.cell)
    unit = m.unit if m else "元"
    return {"cell": change.cell, "value": f"{printed(change.new, unit):.2f}", "unit": unit, "kind": _kind(change, loc)}


def _explained(group: Group, loc: Localization, findings: list[Finding]) -> list[Finding]:
    """The error and warning findings this group accounts for: they name a suspect cell, or lie wholly
    within one of the group's violated relations."""
    suspects = {c for e in group.candidates for c in e.cells}
    relations = [set(loc.constraint_cells.get(k, ())) for k in group.violated]
    out = []
    for f in findings:
        if f.severity not in (ERROR, WARNING) or f.rule == LOCATE or not f.cells:
            continue
        cells = set(f.cells)
        if cells & suspects or any(cells <= r for r in relations):
            out.append(f)
    return out


def _count(explained: list[Finding], group: Group) -> int:
    return sum(1 for f in explained if f.severity == ERROR) or len(group.violated)


def _summary(f: Finding) -> dict:
    return {"rule": f.rule, "cells": list(f.cells), "message": f.message, "identity": list(f.identity)}


def _locate_findings(group: Group, loc: Localization, explained: list[Finding]) -> list[Finding]:
    best = group.best
    if best is None:
        return []
    n = _count(explained, group)
    extra = {"explains": [_summary(f) for f in explained], "violated": list(group.violated),
             "candidates": [[_candidate(c, loc) for c in e.changes] for e in group.candidates]}
    if not group.unique:
        ties = [e for e in group.candidates if e.strength == best.strength and len(e.changes) == len(best.changes)
                and abs(e.weight - best.weight) < 1e-9]
        rest = [e for e in group.candidates if e not in ties]
        options = "；或".join("、".join(_fix(c, loc) + f"（{_kind(c, loc)}）" for c in e.changes) for e in ties)
        more = ("；其他可能：" + "；".join("、".join(_fix(c, loc) for c in e.changes) for e in rest)) if rest else ""
        cells = tuple(dict.fromkeys(c for e in ties for c in e.cells))
        m = loc.meta.get(cells[0])
        msg = f"{UNSURE}：候选 {options}；任一种更正都可使{n}处不符全部消除{more}。请核对原始数据。"
        return [Finding(LOCATE, ERROR, msg, cells, unit=WAN, extra={**extra, "kind": UNSURE},
                        table=m.table if m else None, row=None, column=None)]
    return [_one_figure([(change, group, explained)], best, loc) for change in best.changes]


def _one_figure(copies: list[tuple[Change, Group, list[Finding]]], best, loc: Localization) -> Finding:
    """One LOCATE finding for one suspect figure, however many cells print it: ``copies`` are (change, its group,
    the findings the group explains), the first the figure's own cell; ``best`` is the first group's explanation."""
    change, group, _ = copies[0]
    cells = [c.cell for c, _g, _e in copies]
    explained = list({id(f): f for _c, _g, e in copies for f in e}.values())
    violated = list(dict.fromkeys(k for _c, g, _e in copies for k in g.violated))
    n = sum(1 for f in explained if f.severity == ERROR) or len(violated)
    extra = {"explains": [_summary(f) for f in explained], "violated": violated,
             "candidates": [[_candidate(c, loc) for c in e.changes] for e in group.candidates]}
    others = list(group.candidates[1:])
    alt = ("（也可能是：" + "；".join("、".join(_fix(c, loc) for c in e.changes) for e in others[:3]) + "）") if others else ""
    m = loc.meta.get(change.cell)
    together = [c for c in best.changes if c.cell not in cells]
    with_ = ("，同时" + "、".join(_fix(c, loc) for c in together)) if together else ""
    also = (f"同一数字还印在{'、'.join(_where(c, loc) for c in cells[1:])}，应一并改正。") if len(cells) > 1 else ""
    msg = (f"最可能出错：{_where(change.cell, loc)}，疑为{_kind(change, loc)}；改为{_amount(change, loc)}{with_}"
           f"可使{n}处不符全部消除{alt}。{also}")
    # amounts in the table's own unit, like every other finding's
    unit = m.unit if m else WAN
    return Finding(LOCATE, ERROR, msg, tuple(cells), expected=printed(change.new, unit),
                   actual=printed(change.old, unit), difference=printed(change.old - change.new, unit),
                   unit=unit, extra={**extra, "kind": _kind(change, loc), **({"copies": cells[1:]} if also else {})},
                   table=m.table if m else None, row=m.row_key if m else None, column=m.col_key if m else None)


def _figure(change: Change, loc: Localization) -> tuple | None:
    """Which printed figure a suspect cell holds: the same 科目 (row), unit, value and correction on several tables
    or columns are copies of one figure (收入总表 and 支出总表 both print 21201's 合计)."""
    m = loc.meta.get(change.cell)
    return (m.row_key, m.unit, change.old, change.new) if m is not None and m.row_key else None


def _unique_groups(entries: list[tuple[Group, list[Finding]]], loc: Localization):
    """The LOCATE findings of the uniquely explained groups, one per suspect figure across every group (the copies
    of a figure fixed in several groups join the first), each group with the LOCATE findings it is folded under."""
    by_figure: dict[tuple, list[tuple[Change, Group, list[Finding]]]] = {}
    order: list[tuple] = []
    for group, explained in entries:
        for change in group.best.changes:
            key = _figure(change, loc) or (change.cell,)
            if key not in by_figure:
                by_figure[key] = []
                order.append(key)
            by_figure[key].append((change, group, explained))
    made = {key: _one_figure(by_figure[key], by_figure[key][0][1].best, loc) for key in order}
    out = []
    for group, explained in entries:
        keys = dict.fromkeys(_figure(c, loc) or (c.cell,) for c in group.best.changes)
        out.append((group, explained, [made[k] for k in keys]))
    return out, [made[k] for k in order]


def _unlocated(group: Group, loc: Localization, explained: list[Finding]) -> Finding:
    """No few cells explain the group: say so, and what usually causes it."""
    cells = tuple(dict.fromkeys(c for k in group.violated for c in loc.constraint_cells.get(k, ())))
    n = _count(explained, group)
    return Finding(LOCATE, WARNING, f"无法定位到少数几个单元格：这{n}处不符不能靠改动少数单元格全部消除，常见原因是整张表的"
                   "金额单位（元/万元）填错、整行或整列错位，或表间取数的口径不同。请逐表核对。", cells[:8],
                   extra={"kind": "无法定位", "violated": list(group.violated),
                          "explains": [_summary(f) for f in explained]})


def fold(findings: list[Finding], localization: Localization) -> list[Finding]:
    """LOCATE findings first (one per suspect figure, in the order of the groups), then every original finding;
    the explained ones marked ``folded_under``."""
    explained = [_explained(g, localization, findings) for g in localization.groups]
    unique = [(g, e) for g, e in zip(localization.groups, explained) if g.best is not None and g.unique]
    per_group, _figures = _unique_groups(unique, localization)
    heads = {id(g): made for g, _e, made in per_group}
    located: list[Finding] = []
    folded: dict[int, str] = {}
    for group, found in zip(localization.groups, explained):
        if group.best is None:  # nothing folded: the findings stay where the user sees them
            located.append(_unlocated(group, localization, found))
            continue
        if group.unique:
            new = heads[id(group)]
            head = "、".join(f.cells[0] for f in new)
            located += [f for f in new if not any(f is g for g in located)]
        else:
            located += _locate_findings(group, localization, found)
            head = UNSURE
        for f in found:
            folded.setdefault(id(f), head)
    rest = [dataclasses.replace(f, extra={**f.extra, "folded_under": folded[id(f)]}) if id(f) in folded else f
            for f in findings]
    return located + rest


@paused_gc
def locate_findings(budget, findings: list[Finding], instances: list | None = None) -> list[Finding]:
    """``check``'s hook: localize when there are errors, and fold the findings; unchanged otherwise.
    ``instances``: the relations ``check`` expanded for these findings (``relations.expand``), so that
    localization does not expand them again."""
    if not any(f.severity == ERROR for f in findings):
        return findings
    from budget_xl.localize.adapter import localize_budget

    slipped = frozenset(f.table for f in findings if f.rule == "UNIT-SLIP" and f.table)  # already explained
    _inputs, loc = localize_budget(budget, slipped, instances)
    if loc.groups and _only_details(loc):  # details first suspects: unless they agree everywhere (issue 17)
        stale = stale_totals(budget, findings, None if slipped else loc)  # the same localization fill would make
        if stale is not None:
            return stale
    return fold(findings, loc) if loc.groups else findings


def _only_details(loc: Localization) -> bool:
    """Every suspect of every group is a detail (no total among the candidates)."""
    cells = [c for g in loc.groups for e in g.candidates for c in e.cells]
    return bool(cells) and all(loc.meta.get(c) is not None and not loc.meta[c].total for c in cells)


STALE = "合计未随明细更新"


def stale_totals(budget, findings: list[Finding], loc: Localization | None = None) -> list[Finding] | None:
    """The details agree wherever they appear — an edit made in every table, a new 项 row in all of them — and
    only the totals above them were not recomputed: then the totals are the suspects, not the details (which a
    slip search would otherwise name first, e.g. "疑为一位数字错" for an amount changed on purpose). Decided by
    重算汇总's own plan: when following the details leaves no error among the tables, one LOCATE finding names
    the stale totals and every error is folded under it. None when that is not the case."""
    from budget_xl.fill import TEXT_RULES, recompute_plan

    errors = [f for f in findings if f.severity == ERROR and not f.rule.startswith(TEXT_RULES)]
    if not errors:
        return None
    plan = recompute_plan(budget, errors_before=errors, localized=loc)  # what check found and localized, not again
    if plan.errors_after or plan.held or not plan.changes:
        return None
    named = {c for f in errors for c in f.cells}
    stale = [c for c in plan.changes if c.cell in named] or plan.changes
    first = stale[0]
    explained = [f for f in findings if f.severity in (ERROR, WARNING) and set(f.cells) & (named | {c.cell for c in
                                                                                                   plan.changes})]
    n = sum(1 for f in explained if f.severity == ERROR)
    more = f"等 {len(stale)} 个合计" if len(stale) > 1 else ""
    msg = (f"最可能出错：{STALE}——{first.cell}（{first.what}）{more}仍是明细改动前的数；各表的明细彼此一致，"
           f"按明细重算汇总（budget-xl fill，或“重算汇总”按钮）可使{n}处不符全部消除（{first.cell}应为"
           f"{first.new:,.2f}）。")
    head = Finding(LOCATE, ERROR, msg, tuple(c.cell for c in stale), expected=first.new, actual=first.old,
                   difference=None if first.old is None else first.old - first.new, unit=budget_unit(budget, first.cell),
                   extra={"kind": STALE, "explains": [_summary(f) for f in explained],
                          "candidates": [[{"cell": c.cell, "value": f"{c.new:.2f}", "kind": STALE} for c in stale]]})
    ids = {id(f) for f in explained}
    rest = [dataclasses.replace(f, extra={**f.extra, "folded_under": first.cell}) if id(f) in ids else f
            for f in findings]
    return [head] + rest


def budget_unit(budget, cell: str) -> str:
    """The unit of the table a cell is on."""
    sheet = cell.rpartition("!")[0]
    return next((t.unit for t in budget.tables.values() if t.sheet_name() == sheet), WAN)


def suspects_for_fill(budget) -> dict[str, str]:
    """Detail cells localization says are wrong, with the Chinese sentence for the 变更记录 (see ``fill_suspects``)."""
    return {cell: why for cell, (why, _value) in fill_suspects(budget).items()}


def fill_suspects(budget, loc: Localization | None = None) -> dict[str, tuple[str, object]]:
    """Detail cells localization says are wrong: 重算汇总 keeps the totals above them from taking up their figure.

    A uniquely determined group counts when its best set holds only details; an undecided one when every
    candidate set does (when a total might be the wrong one, fill's own logic decides). Each suspect comes with
    the reason (the Chinese sentence for the 变更记录) and the value it should have, in its table's unit (None for
    a figure that should be blank): the figure the printed totals were made with. ``loc``: the budget's
    localization (``localize_budget`` with no table set aside) when the caller has it.
    """
    from budget_xl.localize.adapter import localize_budget

    if loc is None:
        _inputs, loc = localize_budget(budget)
    out: dict[str, tuple[str, object]] = {}
    for group in loc.groups:
        sets = group.candidates[:1] if group.unique else group.candidates
        if not sets or any(loc.meta.get(c) is None or loc.meta[c].total for e in sets for c in e.cells):
            continue
        for e in sets:
            for change in e.changes:
                lead = "最可能出错" if group.unique else f"{UNSURE}，候选之一"
                m = loc.meta.get(change.cell)
                value = None if change.new == 0 and change.kind == EXTRA else printed(change.new, m.unit if m else "元")
                out.setdefault(change.cell, (f"{lead}：{_where(change.cell, loc)}疑为{change.kind}，"
                                             f"应为{_amount(change, loc)}；依赖它的合计不计入这个数。", value))
    return out
