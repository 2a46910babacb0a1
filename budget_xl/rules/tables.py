"""Rules inside one table, driven by the layout declarations (row sums, line sums, code hierarchy)."""

from __future__ import annotations

from collections import defaultdict

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.rules.base import check_at_most, check_parts_at_most, check_sum, fig, fig_at, fmt, present, row_label
from budget_xl.schema import parent_code

CODED = ("T2", "T3", "T5", "T6", "T7", "T8")


def row_sums(budget: Budget, key: str) -> list[Finding]:
    """Inside every row: 合计 = 本年收入小计 + 上年结转, 小计 = Σ 来源, 合计 = 基本 + 项目 + …"""
    t = present(budget, key)
    if t is None:
        return []
    out: list[Finding] = []
    rule = f"{key}-ROW-SUM"
    for rs in t.layout.row_sums:
        parts_label = "、".join(t.layout.column(p).header[-1] for p in rs.parts)
        for row in t.rows:
            if rs.side and row.side != rs.side:
                continue
            out += check_sum(rule, fig(t, row, rs.total), [fig(t, row, p) for p in rs.parts], f"{parts_label}之和")
    return out


def line_sums(budget: Budget, key: str) -> list[Finding]:
    """Between fixed rows: 本年收入合计 = Σ 来源, 合计 = 出国 + 车 + 接待, 资产总额 = Σ 各类 …"""
    t = present(budget, key)
    if t is None:
        return []
    out: list[Finding] = []
    rule = f"{key}-LINE-SUM"
    for ls in t.layout.line_sums:
        total_row = t.get(ls.total)
        if total_row is None:
            continue
        parts = [t.get(p) for p in ls.parts]
        what = "、".join(row_label(t, p) for p in parts if p is not None and any(p.amount(c) is not None for c in ls.columns))
        for col in ls.columns:
            if ls.partial:
                out += check_parts_at_most(rule, [fig(t, p, col) for p in parts], fig(t, total_row, col), "其中各项之和")
                continue
            out += check_sum(rule, fig(t, total_row, col), [fig(t, p, col) for p in parts], f"{what or '各项'}之和")
    return out


def tree_sums(budget: Budget, key: str) -> list[Finding]:
    """类 = Σ款, 款 = Σ项 (by code prefix), 合计 = Σ类 — in every amount column."""
    t = present(budget, key)
    if t is None:
        return []
    rule = f"{key}-TREE-SUM"
    system = t.layout.code_system or "func"
    children: dict[str, list] = defaultdict(list)
    out: list[Finding] = []
    for row in t.coded_rows():
        parent = parent_code(row.key, system)
        if parent is None and len(row.key) == 3:
            children[TOTAL_KEY].append(row)
        elif parent is not None:
            if t.get(parent) is None:
                out.append(Finding(f"{key}-TREE-PARENT", WARNING,
                                   f"{t.sheet_name()}科目{row.key}（{row.text('name')}）没有上级科目行{parent}，无法逐级核对。",
                                   tuple(c for c in (row.cell("code"),) if c)))
            children[parent].append(row)
        else:
            out.append(Finding(f"{key}-CODE", WARNING,
                               f"{t.sheet_name()}科目编码“{row.key}”的位数不合规范（功能分类 3/5/7 位，经济分类 3/5 位）。",
                               tuple(c for c in (row.cell("code"),) if c)))
    for parent, kids in children.items():
        prow = t.get(parent)
        if prow is None:
            continue
        what = "所属各类之和" if parent == TOTAL_KEY else ("所属各款之和" if len(parent) == 3 else "所属各项之和")
        for col in t.layout.amount_columns:
            out += check_sum(rule, fig(t, prow, col), [fig(t, k, col) for k in kids], what)
    return out


def duplicate_codes(budget: Budget, key: str) -> list[Finding]:
    """One 科目编码, one row: a repeated code makes every total ambiguous."""
    t = present(budget, key)
    if t is None:
        return []
    seen: dict[str, list] = defaultdict(list)
    for row in t.coded_rows():
        seen[row.key].append(row)
    return [Finding(f"{key}-DUP-CODE", ERROR, f"{t.sheet_name()}科目编码{code}出现{len(rows)}次。",
                    tuple(r.cell("code") for r in rows if r.cell("code")))
            for code, rows in seen.items() if len(rows) > 1]


def t6_person_public(budget: Budget) -> list[Finding]:
    """人员经费 = 301 + 303 (+ the personal part of 310); 公用经费 = 302 (+ its part of 310)."""
    t = present(budget, "T6")
    if t is None or t.total_row is None:
        return []
    out: list[Finding] = []
    person = [fig_at(t, "301", "total"), fig_at(t, "303", "total"), fig_at(t, "310", "person")]
    out += check_sum("T6-PERSON", fig(t, t.total_row, "person"), person, "301工资福利支出与303对个人和家庭的补助之和")
    public = [fig_at(t, "302", "total"), fig_at(t, "310", "public")]
    public += [fig_at(t, r.key, "public") for r in t.coded_rows() if len(r.key) == 3 and r.key not in ("301", "302", "303", "310")]
    out += check_sum("T6-PUBLIC", fig(t, t.total_row, "public"), public, "302商品和服务支出之和")
    for code, wrong in (("301", "public"), ("303", "public"), ("302", "person")):
        for row in t.coded_rows():
            if row.key.startswith(code) and row.amount(wrong) not in (None, 0):
                f = fig(t, row, wrong)
                kind = "公用经费" if wrong == "public" else "人员经费"
                out.append(Finding("T6-PERSON", ERROR, f"{f.label}不应列{kind}（{code}类属于"
                                   f"{'人员经费' if wrong == 'public' else '公用经费'}）。", (f.cell,) if f.cell else ()))
    return out


def assets_office(budget: Budget) -> list[Finding]:
    """其中：办公用房 ≤ 房屋, in area and in value."""
    t = present(budget, "ASSET")
    if t is None:
        return []
    out = []
    for col in ("qty", "value"):
        out += check_at_most("ASSET-OFFICE", fig_at(t, "office", col), fig_at(t, "house", col))
    return out


def procurement_items(budget: Budget) -> list[Finding]:
    """政府采购: 合计行 = Σ 各项; 预留中小企业份额 ≤ 合计; 金额 ≈ 数量 × 单价."""
    t = present(budget, "PROC")
    if t is None:
        return []
    out: list[Finding] = []
    total = t.get(TOTAL_KEY)
    items = [r for r in t.rows if r.key != TOTAL_KEY]
    for col in t.layout.record_total_columns if total is not None else ():
        out += check_sum("PROC-TOTAL", fig(t, total, col), [fig(t, r, col) for r in items], "各采购项目之和")
    for row in t.rows:
        out += check_at_most("PROC-SME", fig(t, row, "sme"), fig(t, row, "total"), why="：预留中小企业份额不能超过采购金额")
        qty, price, total = row.amount("qty"), fig(t, row, "price"), fig(t, row, "total")
        if qty is not None and price is not None and total is not None and not price.blank and not total.blank:
            expected = qty * price.value
            envelope = abs(qty) * price.slack + total.slack
            if abs(total.value - expected) > envelope:
                out.append(Finding("PROC-QTY-PRICE", WARNING,
                                   f"{total.label}{fmt(total.value)}万元，与数量{qty}×单价{fmt(price.value)}万元="
                                   f"{fmt(expected)}万元不符。", tuple(c for c in (total.cell, price.cell, row.cell("qty")) if c),
                                   expected=expected, actual=total.value, difference=total.value - expected, unit="万元"))
    return out
