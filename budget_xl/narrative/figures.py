"""Where each figure of the text comes from (domain.md §2): one table, one row, one column.

The same map serves this year's workbook and last year's, so both years are read the same way.
"""

from __future__ import annotations

from budget_xl.errors import InputError
from budget_xl.model import Budget
from budget_xl.narrative.amounts import Amount, cell_amount

# key → (table, row key, column, side of a two-sided table, label)
SOURCES: dict[str, tuple[str, str, str, str | None, str]] = {
    # 收入: 收支总表, left side
    "in_grand": ("T1", "in_grand", "in_amount", "in", "收入总计"),
    "in_total": ("T1", "in_total", "in_amount", "in", "本年收入合计"),
    "gen": ("T1", "gen", "in_amount", "in", "一般公共预算拨款收入"),
    "fund": ("T1", "fund", "in_amount", "in", "政府性基金预算拨款收入"),
    "soe": ("T1", "soe", "in_amount", "in", "国有资本经营预算拨款收入"),
    "special": ("T1", "special", "in_amount", "in", "财政专户管理资金收入"),
    "unit": ("T1", "unit", "in_amount", "in", "单位资金"),
    "carry": ("T1", "carry", "in_amount", "in", "上年结转结余"),
    # 支出: 支出总表 合计, 基本支出表 合计
    "spend": ("T3", "合计", "total", None, "支出合计"),
    "basic": ("T3", "合计", "basic", None, "基本支出"),
    "project": ("T3", "合计", "project", None, "项目支出"),
    "person": ("T6", "合计", "person", None, "人员经费"),
    "public": ("T6", "合计", "public", None, "公用经费"),
    "opex": ("T6", "合计", "public", None, "机关运行经费"),
    # 三公
    "sangong": ("T9", "total", "total", None, "“三公”经费"),
    "abroad": ("T9", "abroad", "total", None, "因公出国（境）费"),
    "car": ("T9", "car", "total", None, "公务用车购置及运维费"),
    "car_buy": ("T9", "car_buy", "total", None, "公务用车购置费"),
    "car_run": ("T9", "car_run", "total", None, "公务用车运行维护费"),
    "recep": ("T9", "recep", "total", None, "公务接待费"),
}

# the figures compared with last year (keys of the 上年数 sheet; "total" is 收入总计 = 收支总计)
FIGURE_LABELS = {
    "total": "收支总计", "basic": "基本支出", "person": "人员经费", "public": "公用经费", "project": "项目支出",
    "opex": "机关运行经费", "sangong": "“三公”经费", "abroad": "因公出国（境）费", "car": "公务用车购置及运维费",
    "car_buy": "公务用车购置费", "car_run": "公务用车运行维护费", "recep": "公务接待费",
}
_ALIAS = {"total": "in_grand"}


def figures(budget: Budget, prefix: str = "", strict: bool = False) -> dict[str, Amount | None]:
    """Every figure of ``SOURCES`` (plus the compared ones under their 上年数 keys).

    A missing table or row gives None (unknown), or, with ``strict``, an InputError naming the sheet.
    """
    out: dict[str, Amount | None] = {}
    for key, (tkey, rkey, col, side, label) in SOURCES.items():
        out[key] = _figure(budget, tkey, rkey, col, side, label, prefix, strict)
    for key, alias in _ALIAS.items():
        out[key] = out[alias]
    return out


def _figure(budget, tkey, rkey, col, side, label, prefix, strict) -> Amount | None:
    table = budget.tables.get(tkey)
    if table is None or not table.present:
        if strict:
            raise InputError(f"缺少“{tkey}”表，情况说明需要其中的“{label}”。", file=budget.source)
        return None
    rows = [r for r in table.rows if r.key == rkey and (side is None or r.side == side)]
    if not rows:
        if strict:
            where = table.layout.fixed_row(rkey).label if rkey != "合计" else "合计"
            raise InputError(f"“{table.layout.title}”中找不到“{where}”行，情况说明需要它（{label}）。",
                             file=budget.source, sheet=table.sheet_name())
        return None
    row = rows[0]
    ref = row.cell(col)
    return cell_amount(prefix + ref if ref else None, col, row.amount(col), table.unit, label,
                       where=f"{table.sheet_name()}“{rkey}”行")
