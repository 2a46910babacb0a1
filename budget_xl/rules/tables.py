"""Checks inside one table that are not sums (those are declared relations): the code structure, duplicate
codes, 经济分类 in the wrong column, 政府采购 金额 against 数量 × 单价."""

from __future__ import annotations

from collections import defaultdict

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.rounding import DEFAULT, Tolerances
from budget_xl.rules.base import fig, finding, present, show
from budget_xl.rules.registry import check
from budget_xl.schema import parent_code


def _coded(budget: Budget) -> list:
    return [t for t in budget.tables.values() if t.present and t.layout.kind == "coded"]


@check("TREE-STRUCTURE", WARNING, "科目编码结构：缺少上级科目行、编码位数不合规范", per_table=True)
def tree_structure(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    out: list[Finding] = []
    for t in _coded(budget):
        system = t.layout.code_system or "func"
        for row in t.coded_rows():
            parent = parent_code(row.key, system)
            if parent is not None and t.get(parent) is None:
                out.append(Finding(f"{t.key}-TREE-PARENT", WARNING,
                                   f"{t.sheet_name()}科目{row.key}（{row.text('name')}）没有上级科目行{parent}，无法逐级核对。",
                                   _where(row), table=t.key, row=row.key, column="code"))
            elif parent is None and len(row.key) != 3:
                out.append(Finding(f"{t.key}-CODE", WARNING,
                                   f"{t.sheet_name()}科目编码“{row.key}”的位数不合规范（功能分类 3/5/7 位，经济分类 3/5 位）。",
                                   _where(row), table=t.key, row=row.key, column="code"))
    return out


def _where(row) -> tuple[str, ...]:
    return tuple(c for c in (row.cell("code"),) if c)


@check("DUP-CODE", ERROR, "同一科目编码在一张表中出现多次", per_table=True)
def duplicate_codes(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """One 科目编码, one row: a repeated code makes every total ambiguous."""
    out: list[Finding] = []
    for t in _coded(budget):
        seen: dict[str, list] = defaultdict(list)
        for row in t.coded_rows():
            seen[row.key].append(row)
        out += [Finding(f"{t.key}-DUP-CODE", ERROR, f"{t.sheet_name()}科目编码{code}出现{len(rows)}次。",
                        tuple(r.cell("code") for r in rows if r.cell("code")), table=t.key, row=code, column="code")
                for code, rows in seen.items() if len(rows) > 1]
    return out


@check("T6-ECON-COLUMN", ERROR, "基本支出表：301、303 类只列人员经费，302 类只列公用经费", needs=('T6.person', 'T6.public'))
def t6_econ_columns(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    t = present(budget, "T6")
    if t is None:
        return []
    out: list[Finding] = []
    for code, wrong in (("301", "public"), ("303", "public"), ("302", "person")):
        for row in t.coded_rows():
            if row.key.startswith(code) and row.amount(wrong) not in (None, 0):
                f = fig(t, row, wrong, tol)
                kind = "公用经费" if wrong == "public" else "人员经费"
                right = "人员经费" if wrong == "public" else "公用经费"
                out.append(finding("T6-ECON-COLUMN", ERROR, f"{f.label}不应列{kind}（{code}类属于{right}）。", f, ()))
    return out


@check("PROC-QTY-PRICE", WARNING, "政府采购：每项采购金额与数量 × 单价一致", needs=('PROC.qty', 'PROC.price', 'PROC.total'))
def procurement_qty_price(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    t = present(budget, "PROC")
    if t is None:
        return []
    out: list[Finding] = []
    for row in t.rows:
        if row.key == TOTAL_KEY:
            continue
        qty, price, total = row.amount("qty"), fig(t, row, "price", tol), fig(t, row, "total", tol)
        if qty is None or price is None or total is None or price.blank or total.blank:
            continue
        expected = qty * price.value
        if abs(total.value - expected) > abs(qty) * price.share + total.share:
            out.append(finding("PROC-QTY-PRICE", WARNING,
                               f"{total.label}{total.shown}，与数量{qty}×单价{price.shown}={show(expected, total.unit)}不符。",
                               total, (price,), expected=expected, actual=total.value, difference=total.value - expected,
                               also=(row.cell("qty"),)))
    return out

