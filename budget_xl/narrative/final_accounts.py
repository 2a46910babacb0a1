"""The 部门决算情况说明 (第三部分 of the 决算 disclosure), from a 决算-profile workbook, with templates/juesuan/.

Every figure comes from a table of the workbook: 收支总计, 收入 and 支出 with their shares, 财政拨款收支总计,
一般公共预算财政拨款支出 by 类 and 项 against the 年初预算数 sheet (完成率, 大于/小于/持平), 人员经费 and 公用经费
with the economic items that carry amounts, “三公”经费 预算数 and 决算数, 机关运行经费, 政府采购, 国有资产; comparisons
with last year from the 上年数 sheet. The reasons (主要原因、主要用于) are the department's words: taken from the
说明文字 sheet (as imported), never invented. A blank total is written as the published text writes an absent
figure, "0.00万元"; a sentence whose comparison figure is unknown is left out.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.narrative.render import TITLE, Block, Narrative
from budget_xl.narrative.shanghai import wan
from budget_xl.narrative.templates import folder_environment
from budget_xl.units import round2

SECTIONS = ("01_overview.md.j2", "02_general.md.j2", "03_other.md.j2")
HUNDRED = Decimal(100)


def money(v: Decimal | None) -> str:
    """万元, two decimals, 四舍五入; a blank is written 0.00 as the published text writes an absent figure."""
    return f"{round2(v or Decimal(0)):.2f}"


def pct(part: Decimal | None, whole: Decimal | None) -> str | None:
    if part is None or not whole:
        return None
    return f"{round2(round2(part) / round2(whole) * HUNDRED):.2f}%"


def change(now: Decimal | None, before: Decimal | None) -> str | None:
    """“减少56.95万元，下降1.87%” / “增加…，增长…” / “持平”; None when last year is unknown."""
    if now is None or before is None:
        return None
    diff = round2(now) - round2(before)
    if diff == 0:
        return "持平"
    word, rate = ("增加", "增长") if diff > 0 else ("减少", "下降")
    share = pct(abs(diff), before) if before else None
    return f"{word}{money(abs(diff))}万元" + (f"，{rate}{share}" if share else "")


def versus(done: Decimal | None, plan: Decimal | None) -> str | None:
    """决算数 against 预算数: 大于 / 小于 / 持平 (as printed, to the 分 of 万元)."""
    if done is None or plan is None:
        return None
    d, p = round2(done), round2(plan)
    return "大于" if d > p else ("小于" if d < p else "持平")


# -- the department's own words (说明文字) --------------------------------------------------------------------
def _texts(budget: Budget, title: str) -> list[str]:
    t = budget.tables.get("TEXT")
    if t is None or not t.present:
        return []
    return [r.text("text") for r in t.rows if title in r.text("title") and r.text("text")]


def _after(texts: list[str], marker: str, anchor: str = "") -> str | None:
    """The words after ``marker`` up to the sentence's end, in the first text containing ``anchor``."""
    for text in texts:
        if anchor and anchor not in text:
            continue
        m = re.search(re.escape(marker) + r"[:：]?([^。]*)", text)
        words = m.group(1).strip().strip("：:，；") if m else ""
        if words:
            return words
    return None


def build_context(budget: Budget) -> dict:
    tb = budget.tables
    t1, t2, t3, t4, t5 = (tb.get(k) for k in ("T1", "T2", "T3", "T4", "T5"))
    prior = tb.get("PRIOR")
    year = budget.year or 0

    def last(key: str) -> Decimal | None:
        return wan(prior, key, "amount")

    total = wan(t1, "in_grand", "in_amount")
    in_total = wan(t1, "in_total", "in_amount")
    income = [("财政拨款收入", wan(t2, TOTAL_KEY, "fin"))]
    for key, label in (("upper", "上级补助收入"), ("biz", "事业收入"), ("oper", "经营收入"),
                       ("affil", "附属单位上缴收入"), ("other", "其他收入")):
        income.append((label, wan(t1, key, "in_amount")))
    out_total = wan(t1, "out_total", "out_amount")
    spending = [(label, wan(t3, TOTAL_KEY, col)) for col, label in
                (("basic", "基本支出"), ("project", "项目支出"), ("oper", "经营支出"))]
    gen = wan(t5, TOTAL_KEY, "total")
    classes = [(r.text("name"), wan(t5, r.key, "total")) for r in (t5.coded_rows() if t5 else [])
               if len(r.key) == 3 and wan(t5, r.key, "total")]
    general = _texts(budget, "一般公共预算财政拨款支出决算情况说明")
    plan = tb.get("PLAN")
    plan_rows = list(plan.rows) if plan is not None and plan.present else []
    plan_total = next((r.amount("budget") for r in plan_rows if r.text("name") == "合计"), None)
    items = []
    for r in plan_rows:
        code = r.text("code")
        if len(code) != 7 or t5 is None or t5.get(code) is None:
            continue
        name = t5.get(code).text("name")
        done, planned = wan(t5, code, "total"), r.amount("budget")
        items.append({
            "cls": t5.get(code[:3]).text("name") if t5.get(code[:3]) else "",
            "kuan": t5.get(code[:5]).text("name") if t5.get(code[:5]) else "", "name": name,
            "use": _after(general, "主要用于", f"（{name}（项）") or _after(general, "主要用于", f"{name}（项）"),
            "plan": money(planned), "final": money(done), "versus": versus(done, planned),
            "reason": _after(general, "的主要原因", f"{name}（项）"),
        })
    t6 = tb.get("T6")
    econ = [r for r in (t6.coded_rows() if t6 else []) if len(r.key) == 5 and r.amount("total")]
    person_items = [r.text("name") for r in econ if r.key[:3] in ("301", "303")]
    public_items = [r.text("name") for r in econ if r.key[:3] in ("302", "310", "309", "399")]
    t9 = tb.get("T9")
    sangong = {k: {"budget": wan(t9, k, "budget"), "final": wan(t9, k, "final")}
               for k in ("total", "abroad", "car", "recep")}
    sangong_rate = {k: (pct(v["final"] or Decimal(0), v["budget"]) if v["budget"] else None) for k, v in sangong.items()}
    fund_empty = not (tb.get("T7") and tb["T7"].has_amounts())
    soe_empty = not (tb.get("T8") and tb["T8"].has_amounts())
    opex = wan(tb.get("OPEX"), "opex", "amount")
    proc = {k: wan(tb.get("PROC"), k, "amount") for k in
            ("total", "goods", "works", "services", "sme", "sme_small", "sme_won", "small_won", "other_sme_won")}
    asset = tb.get("ASSET")
    cars = {r.key: r.amount("qty") for r in asset.rows} if asset is not None and asset.present else {}
    sangong_texts = _texts(budget, "“三公”经费支出决算情况说明")
    return {
        "dept": budget.dept_name, "year": year, "prior_year": year - 1,
        "total": money(total), "total_change": change(total, last("total")),
        "total_reason": _after(_texts(budget, "收入支出决算总体情况说明"), "主要原因"),
        "in_total": money(in_total),
        "income": [(label, money(v), pct(v, in_total)) for label, v in income if v],
        "out_total": money(out_total),
        "spending": [(label, money(v), pct(v, out_total)) for label, v in spending if v],
        "fin_total": money(wan(t4, "in_grand", "in_amount")),
        "fin_change": change(wan(t4, "in_grand", "in_amount"), last("fin")),
        "fin_reason": _after(_texts(budget, "财政拨款收入支出决算总体情况说明"), "主要原因"),
        "gen": money(gen), "gen_share": pct(gen, out_total), "gen_change": change(gen, last("gen")),
        "gen_reason": _after(general, "主要原因", "与"),
        "classes": [(name, money(v), pct(v, gen)) for name, v in classes],
        "plan_total": money(plan_total) if plan_total is not None else None,
        "plan_rate": pct(gen, plan_total), "plan_versus": versus(gen, plan_total),
        "plan_reason": _after(general, "数的主要原因", "年初预算为" + (money(plan_total) if plan_total else "")),
        "items": items,
        "basic": money(wan(t5, TOTAL_KEY, "basic")),
        "person": money(wan(tb.get("T6S"), "person", "amount")),
        "public": money(wan(tb.get("T6S"), "public", "amount")),
        "person_items": "、".join(person_items), "public_items": "、".join(public_items),
        "sangong": {k: {"budget": money(v["budget"]), "final": money(v["final"])} for k, v in sangong.items()},
        "sangong_rate": sangong_rate,
        "sangong_versus": versus(sangong["total"]["final"] or Decimal(0), sangong["total"]["budget"]),
        "sangong_reason": _after(sangong_texts, "预算数的主要原因"),
        "sangong_change": change(sangong["total"]["final"] or Decimal(0), last("sangong")),
        "sangong_none": not any(v["final"] for v in sangong.values()),
        "fund_empty": fund_empty, "soe_empty": soe_empty,
        "performance": _texts(budget, "预算绩效管理情况"),
        "opex": money(opex) if opex is not None else None, "opex_change": change(opex, last("opex")),
        "opex_reason": _after(_texts(budget, "其他重要事项"), "主要原因是", "机关运行经费"),
        "proc": {k: (money(v) if v is not None else None) for k, v in proc.items()},
        "cars": {k: (int(v) if v is not None else None) for k, v in cars.items()},
    }


def _environment(templates: str | Path | None) -> SandboxedEnvironment:
    return folder_environment(templates, "juesuan")


def render(budget: Budget, templates: str | Path | None = None) -> Narrative:
    from budget_xl.narrative.shanghai import _blocks

    ctx = build_context(budget)
    env = _environment(templates)
    blocks: list[Block] = []
    for name in SECTIONS:
        blocks += _blocks(env.get_template(name).render(ctx), name)
    title = f"{budget.dept_name}{budget.year}年度部门决算情况说明"
    notes = [] if ctx["total_change"] is not None else ["没有上年数（“上年数”工作表），情况说明中不写与上年的比较。"]
    return Narrative(title=title, blocks=[Block(TITLE, title), *blocks], notes=notes, budget=budget, context=ctx)
