"""Rules on projects: their money adds up to 项目支出, per 功能科目 too, and their 绩效目标 are filled in."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import Budget
from budget_xl.rounding import DEFAULT, Tolerances, to_yuan
from budget_xl.rules.base import ZERO, check_parts_at_most, check_sum, fig, finding, present, prints_only_totals
from budget_xl.rules.registry import check

PLACEHOLDERS = re.compile(r"目标内容\s*\d|XX|ｘｘ|xx|待填写|此处填写|请填写|…{2,}|\.{6,}")
_COST = re.compile(r"^(?:≤|<=|＜=|小于等于|不超过|不高于|控制在)?\s*([\d,]+(?:\.\d+)?)\s*(万元|元)(?:以内)?$")
PLAN = ("plan_03", "plan_06", "plan_10", "plan_12")
PLAN_NAMES = {"plan_03": "3月底", "plan_06": "6月底", "plan_10": "10月底", "plan_12": "12月底"}



@check("P-FUNC", ERROR, "按功能科目（项）：列在该科目的项目预算数之和 = 支出总表该项项目支出",
       needs=("PROJ.func_code", "PROJ.budget", "T3.project"))
def projects_by_function(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """Per 功能科目（项）: Σ 项目预算数 = 支出总表 该项 项目支出."""
    proj, t3 = present(budget, "PROJ"), present(budget, "T3")
    if proj is None or t3 is None or not proj.rows or prints_only_totals(t3):
        return []  # a 支出总表 printed with its 合计 only has no 项 to hold the projects against
    groups: dict[str, list] = defaultdict(list)
    missing = []
    for r in proj.rows:
        code = r.values.get("func_code")
        (groups[code].append(r) if code else missing.append(r))
    out: list[Finding] = []
    if missing and groups:
        out.append(Finding("P-FUNC", WARNING, f"{len(missing)}个项目未填功能科目编码，无法按科目核对项目支出："
                           + "、".join(r.text("name") for r in missing[:5]) + ("等" if len(missing) > 5 else ""),
                           tuple(r.cell("func_code") for r in missing if r.cell("func_code"))))
    if not groups:
        return out
    for code, rows in groups.items():
        row3 = t3.get(code)
        if row3 is None:
            out.append(Finding("P-FUNC", ERROR, f"项目{'、'.join(r.text('name') for r in rows)}的功能科目{code}"
                               "在支出总表中不存在。", tuple(r.cell("func_code") for r in rows if r.cell("func_code"))))
            continue
        parts = [fig(proj, r, "budget", tol) for r in rows]
        if missing:  # unassigned projects may belong here: the assigned ones may only not exceed the 项
            out += check_parts_at_most("P-FUNC", parts, fig(t3, row3, "project", tol), f"列在该科目的{len(rows)}个项目预算数之和")
            continue
        out += check_sum("P-FUNC", fig(t3, row3, "project", tol), parts, f"列在该科目的{len(rows)}个项目预算数之和")
    if not missing:
        for row3 in t3.coded_rows():
            if len(row3.key) == 7 and row3.key not in groups and row3.amount("project") not in (None, ZERO):
                f = fig(t3, row3, "project", tol)
                out.append(finding("P-FUNC", ERROR, f"{f.label}{f.shown}，但没有项目列在该科目。", f, ()))
    return out


def _indicators(budget: Budget) -> dict[str, list]:
    ind = present(budget, "IND")
    out: dict[str, list] = defaultdict(list)
    for r in ind.rows if ind else []:
        out[r.text("project")].append(r)
    return out


@check("P-COST", WARNING, "数值型成本指标（如≤150万元）应与项目预算数一致", needs=('PROJ.budget', 'IND.level2', 'IND.level3', 'IND.value'))
def cost_indicator(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """A numeric 成本指标 (e.g. ≤150万元) should equal the project's 预算数."""
    proj = present(budget, "PROJ")
    if proj is None:
        return []
    by_project = _indicators(budget)
    out: list[Finding] = []
    for r in proj.rows:
        budget_fig = None  # the project's figure only once it has a numeric 成本指标
        for ind in by_project.get(r.key, []):
            if "成本" not in ind.text("level2"):
                continue
            m = _COST.match(ind.text("value").replace(" ", ""))
            if not m:
                continue
            budget_fig = budget_fig or fig(proj, r, "budget", tol)
            if budget_fig is None or budget_fig.blank:
                break
            cost = to_yuan(Decimal(m.group(1).replace(",", "")), m.group(2))
            if abs(cost - budget_fig.value) <= budget_fig.share:
                continue  # equal, or the 预算数 printed coarser (in whole 万元) than the indicator states it
            relation = "低于" if cost < budget_fig.value else "高于"
            f = finding("P-COST", WARNING, f"项目“{r.text('name')}”的成本指标“{ind.text('level3')}”为{ind.text('value')}，"
                        f"{relation}预算数{budget_fig.shown}，二者应一致。", budget_fig, (),
                        expected=budget_fig.value, actual=cost, difference=cost - budget_fig.value)
            # the indicator's cell first: that is where the user looks
            out.append(replace(f, cells=tuple(c for c in (ind.cell("value"), budget_fig.cell) if c)))
    return out


def _pct(v: Decimal) -> str:
    return f"{v.normalize():f}%"


@check("P-PLAN", ERROR, "资金支出计划是累计进度：各时点在 0%～100% 之间且不递减",
       needs=("PROJ.plan_03", "PROJ.plan_06", "PROJ.plan_10", "PROJ.plan_12"))
def spending_plan(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """资金支出计划 is cumulative: it never decreases and never exceeds 100%."""
    proj = present(budget, "PROJ")
    if proj is None:
        return []
    out: list[Finding] = []
    for r in proj.rows:
        seen: list[tuple[str, Decimal]] = [(k, r.amount(k)) for k in PLAN if r.amount(k) is not None]
        for k, v in seen:
            if v > 100 or v < 0:
                out.append(Finding("P-PLAN", ERROR, f"项目“{r.text('name')}”资金支出计划{PLAN_NAMES[k]}为{_pct(v)}，"
                                   "应在0%到100%之间。", tuple(c for c in (r.cell(k),) if c), table="PROJ", row=r.key, column=k))
        for (k1, v1), (k2, v2) in zip(seen, seen[1:]):
            if v2 < v1:
                out.append(Finding("P-PLAN", ERROR, f"项目“{r.text('name')}”资金支出计划是累计进度，{PLAN_NAMES[k2]}"
                                   f"（{_pct(v2)}）不应低于{PLAN_NAMES[k1]}（{_pct(v1)}）。",
                                   tuple(c for c in (r.cell(k1), r.cell(k2)) if c), table="PROJ", row=r.key, column=k2))
    return out


@check("P-PLACEHOLDER", WARNING, "项目和绩效指标中未改写的模板文字（目标内容 1、XX、待填写……）",
       needs=("PROJ.name", "PROJ.purpose", "PROJ.target", "IND.level3", "IND.desc", "IND.value", "IND.basis", "IND.project"))
def placeholders(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """Template text left in (目标内容 1, XX, 待填写) is published as is: catch it."""
    out: list[Finding] = []
    proj = present(budget, "PROJ")
    names = {r.key: r.text("name") for r in proj.rows} if proj else {}
    for key, cols in (("PROJ", ("name", "purpose", "target")), ("IND", ("level3", "desc", "value", "basis"))):
        t = present(budget, key)
        for r in t.rows if t else []:
            for c in cols:
                text = r.text(c)
                m = PLACEHOLDERS.search(text)
                if m:
                    who = r.text("name") if key == "PROJ" else names.get(r.text("project"), r.text("project"))
                    col = t.layout.column(c).header[-1]
                    out.append(Finding("P-PLACEHOLDER", WARNING, f"项目“{who}”的{col}是未改写的模板文字“{text[:30]}”。",
                                       tuple(x for x in (r.cell(c),) if x), table=key, row=r.key, column=c))
    return out


@check("P-CODE", ERROR, "项目编码必须填写且不重复；绩效指标引用的项目编码必须存在",
       also=(("P-INDICATORS", WARNING, "每个项目都应有绩效指标"),), needs=('PROJ.code', 'PROJ.name', 'IND.project'))
def project_codes(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """项目编码 is the key (names repeat: two 公务运转经费): it must be unique, and indicators must name one."""
    proj = present(budget, "PROJ")
    if proj is None:
        return []
    out: list[Finding] = []
    seen: dict[str, list] = defaultdict(list)
    for r in proj.rows:
        if not r.values.get("code"):
            out.append(Finding("P-CODE", ERROR, f"项目“{r.text('name')}”没有项目编码。", tuple(x for x in (r.cell("code"),) if x),
                               table="PROJ", row=r.key, column="code"))
            continue
        seen[r.key].append(r)
    for code, rows in seen.items():
        if len(rows) > 1:
            out.append(Finding("P-CODE", ERROR, f"项目编码{code}重复出现{len(rows)}次。",
                               tuple(r.cell("code") for r in rows if r.cell("code")), table="PROJ", row=code, column="code"))
    by_project = _indicators(budget)
    for code, rows in by_project.items():
        if code not in seen:
            out.append(Finding("P-CODE", ERROR, f"绩效指标中的项目编码{code}在项目表中不存在。",
                               tuple(r.cell("project") for r in rows[:10] if r.cell("project")), table="IND", row=code,
                               column="project"))
    if present(budget, "IND") is not None:
        for code, rows in seen.items():
            if code not in by_project:
                out.append(Finding("P-INDICATORS", WARNING, f"项目“{rows[0].text('name')}”没有绩效指标。",
                                   tuple(x for x in (rows[0].cell("code"),) if x), table="PROJ", row=code))
    return out
