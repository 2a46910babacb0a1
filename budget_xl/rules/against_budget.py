"""决算 against the year's published 预算 (``check 决算.xlsx --budget 预算主表.xlsx``): the 预算数 a 决算 prints —
年初预算数 of each 项 and of the whole 一般公共预算财政拨款支出 (情况说明 五（三）), and the “三公”经费 预算数 of the
“三公” table — equal the published budget's figures (its 一般公共预算支出表 by 科目编码, its “三公” table).

The budget may be printed in 元 (Shanghai) and the 决算 in 万元: a 万元 figure is the budget's 四舍五入
(``rounding.copy_verdict``). A 项 the budget does not have, or has blank, is reported as a warning.
"""

from __future__ import annotations

from decimal import Decimal

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.rounding import EXACT, copy_verdict, to_yuan
from budget_xl.units import WAN

RULE = "JS-BUDGET"
RULE_DOC = ("error", "决算中印的预算数（各项和合计的年初预算数、“三公”经费预算数）与当年公开的部门预算（--budget 预算主表）不符",
            "决算“信息化建设（项）年初预算为135.90万元”，预算主表一般公共预算支出表 2010607 为1,360,000元")
_SANGONG = (("total", "“三公”经费合计"), ("abroad", "因公出国（境）费"), ("car", "公务用车购置及运行费"),
            ("car_buy", "公务用车购置费"), ("car_run", "公务用车运行费"), ("recep", "公务接待费"))


def _fmt(v: Decimal, unit: str) -> str:
    return f"{v:,.2f}{unit}"


def against_budget(final: Budget, plan: Budget, plan_name: str = "预算主表") -> list[Finding]:
    out: list[Finding] = []
    t5 = plan.tables.get("T5")
    sheet = final.tables.get("PLAN")
    if sheet is not None and sheet.present and t5 is not None and t5.present:
        for r in sheet.rows:
            stated = r.amount("budget")
            if stated is None:
                continue
            code = TOTAL_KEY if r.text("name") == "合计" and not r.text("code") else r.text("code")
            row = t5.get(code)
            published = row.amount("total") if row is not None else None
            where = (r.cell("budget"),) if r.cell("budget") else ()
            label = "合计" if code == TOTAL_KEY else f"{code} {r.text('name')}"
            if published is None:
                out.append(Finding(RULE, WARNING, f"决算中“{label}”年初预算为{_fmt(stated, '万元')}，"
                                   f"{plan_name}的一般公共预算支出表没有这一行（或为空白），无法核对。", where,
                                   table="PLAN", row=r.key, column="budget"))
                continue
            out += _compare(label, stated, sheet.unit or WAN, published, t5.unit, where, "PLAN", r.key, plan_name,
                            f"{t5.sheet_name()}{row.cell('total') or ''}")
    t9, p9 = final.tables.get("T9"), plan.tables.get("T9")
    if t9 is not None and t9.present and p9 is not None and p9.present:
        for key, label in _SANGONG:
            r, p = t9.get(key), p9.get(key)
            stated = r.amount("budget") if r is not None else None
            published = p.amount("total") if p is not None else None
            if stated is None or published is None:
                continue
            where = (r.cell("budget"),) if r.cell("budget") else ()
            out += _compare(label, stated, t9.unit, published, p9.unit, where, "T9", key, plan_name,
                            f"{p9.sheet_name()}{p.cell('total') or ''}")
    return out


def _compare(label, stated, unit, published, p_unit, where, table, row, plan_name, there) -> list[Finding]:
    a, b = to_yuan(stated, unit), to_yuan(published, p_unit)
    if copy_verdict(a, unit, b, p_unit, (Decimal(0), Decimal(0)), False) == EXACT:
        return []
    return [Finding(RULE, ERROR, f"决算中“{label}”的预算数为{_fmt(stated, unit)}，与{plan_name}（{there}）的"
                    f"{_fmt(published, p_unit)}不符。", where, expected=published, actual=stated,
                    table=table, row=row, column="budget")]
