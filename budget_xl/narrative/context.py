"""The templates' context, built from the model: every number an ``Amount``, every sheet text a ``CellText``.

Nothing here formats or words anything; the templates do. ``build_context`` returns the context and the
提示 notes (missing reasons, empty sections, differences that don't add up) the command prints.
"""

from __future__ import annotations

from types import SimpleNamespace as NS

from budget_xl.errors import InputError
from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.narrative.amounts import Amount, CellText, cell_amount, total
from budget_xl.narrative.figures import FIGURE_LABELS, figures
from budget_xl.narrative.prior import Prior
from budget_xl.narrative.wording import Change, additivity_notes

# 说明文字 items giving the reason of each change
REASON_ITEMS = {
    "total": "总增减原因", "basic": "基本支出增减原因", "person": "人员经费增减原因", "public": "公用经费增减原因",
    "project": "项目支出增减原因", "opex": "机关运行经费增减原因", "sangong": "三公经费增减原因",
    "abroad": "因公出国（境）费增减原因", "car": "公务用车购置及运维费增减原因",
    "car_buy": "公务用车购置费增减原因", "car_run": "公务用车运维费增减原因", "recep": "公务接待费增减原因",
}
# changes whose text says "主要原因是…" and so need a reason (the others are explained by their parts)
NEEDS_REASON = ("person", "public", "project", "opex", "sangong", "abroad", "car_buy", "car_run", "recep")
OPEX_TOP_ITEMS = 4


def build_context(budget: Budget, prior: Prior, *, whole_document: bool = False) -> tuple[dict, list[str]]:
    notes: list[str] = []
    year = check_basics(budget)
    fig = figures(budget, strict=True)
    info = budget["INFO"]

    changes = {}
    for key, label in FIGURE_LABELS.items():
        item = REASON_ITEMS[key]
        c = Change(label=label, current=fig[key], prior=prior.amounts.get(key), reason=_text(budget, item),
                   reason_item=item)
        changes[key] = c
        if key in NEEDS_REASON and c.known and not c.zero and not c.reason:
            notes.append(f"{label}较上年{c.word}{c.delta.value:.2f}万元，但“说明文字”中“{item}”没有填写，"
                         "情况说明中没有写增减原因。")
    if not any(c.known for c in changes.values()):
        notes.append(f"{prior.source}没有数，情况说明中不写与上年的比较。")
    notes += additivity_notes(changes, prior.source)
    notes += prior.notes

    ctx = {
        "dept": NS(name=_info_text(info, "dept_name"), code=_info_text(info, "dept_code")),
        "year": year,
        "kind": "单位" if budget.budget_type == "单位预算" else "部门",  # 部门预算 or 单位预算 (基本信息 预算类型)
        "prior_year": prior.year,
        "prior_source": prior.source,
        "whole_document": whole_document,
        "income": NS(total=fig["in_grand"], this_year=fig["in_total"], gen=fig["gen"], fund=fig["fund"],
                     soe=fig["soe"], special=fig["special"], unit=fig["unit"], carry=fig["carry"]),
        "spending": NS(total=fig["spend"], basic=fig["basic"], person=fig["person"], public=fig["public"],
                       project=fig["project"], main_projects=_text(budget, "支出主要项目")),
        "change": NS(**changes),
        "opex": NS(amount=fig["opex"], uses=_text(budget, "机关运行经费主要用途"), top_items=_opex_items(budget)),
        "sangong": NS(total=fig["sangong"], abroad=fig["abroad"], car=fig["car"], car_buy=fig["car_buy"],
                      car_run=fig["car_run"], recep=fig["recep"]),
        "procurement": _procurement(budget),
        "assets": _assets(budget),
        "projects": _projects(budget),
        "units": _records(budget, "ORG", ("name", "nature", "level", "funding")),
        "duties": [t for t in (_cell_text(r, "text") for r in _rows(budget, "DUTY")) if t],
        "performance": _performance(budget),
        "special_funds": _text(budget, "部门主管专项资金"),
        "other": _text(budget, "其他需要说明的事项"),
    }
    notes += _content_notes(ctx)
    for key, what in (("ASSET", "第九部分的固定资产金额写作0.00万元"), ("PROJ", "第七部分没有项目")):
        table = budget.tables.get(key)
        if table is None or not table.present:
            notes.append(f"工作簿中没有“{table.layout.sheet if table else key}”工作表，{what}，请补充。")
    return ctx, notes


def check_basics(budget: Budget) -> int:
    """The year and the department's name, without which no text can be written."""
    year = budget.year
    if year is None:
        row = budget["INFO"].get("year")
        typed = budget.info("year")
        message = (f"“基本信息”中的预算年度“{typed[:30]}”不是有效的年份（应为 1949–2199 之间的四位年份，如 2024）。"
                   if typed else "“基本信息”中没有填写预算年度（如 2024）。")
        raise InputError(message, file=budget.source, sheet="基本信息",
                         cell=_cell_only(row.cell("value")) if row else None)
    if not budget.dept_name:
        row = budget["INFO"].get("dept_name")
        raise InputError("“基本信息”中没有填写部门名称。", file=budget.source, sheet="基本信息",
                         cell=_cell_only(row.cell("value")) if row else None)
    return year


# -- pieces --------------------------------------------------------------------------------------------
def _cell_only(ref: str | None) -> str | None:
    return ref.rpartition("!")[2] if ref else None


def _rows(budget: Budget, key: str) -> list[Row]:
    t = budget.tables.get(key)
    return t.rows if t is not None and t.present else []


def _cell_text(row: Row, col: str) -> CellText:
    return CellText(row.text(col), row.cell(col))


def _info_text(info: Table, key: str) -> CellText:
    row = info.get(key)
    return _cell_text(row, "value") if row else CellText("")


def _text(budget: Budget, item: str) -> CellText:
    """The 内容 of the first 说明文字 row of ``item`` (all its rows, one paragraph each, joined by newlines)."""
    rows = [r for r in budget.texts(item) if r.text("text").strip()]
    if not rows:
        return CellText("")
    return CellText("\n".join(r.text("text").strip() for r in rows), tuple(r.cell("text") for r in rows))


def _amount(table: Table, row: Row, col: str, label: str) -> Amount:
    return cell_amount(row.cell(col), col, row.amount(col), table.unit, label)


def _opex_items(budget: Budget) -> list[CellText]:
    """The largest 商品和服务支出 (302xx) of the 公用经费, for "主要用于…" when no text is given."""
    t = budget["T6"]
    leaves = [r for r in t.coded_rows() if r.code and r.code.startswith("302") and len(r.code) == 5
              and (r.amount("public") or 0) > 0]
    leaves.sort(key=lambda r: r.amount("public"), reverse=True)
    return [_cell_text(r, "name") for r in leaves[:OPEX_TOP_ITEMS]]


def _procurement(budget: Budget) -> NS:
    t = budget.tables.get("PROC")
    rows = [r for r in t.rows if r.key != TOTAL_KEY  # a 合计 line is not an item: the items are summed here
            and any(r.values.get(c) not in (None, "") for c in ("proj_name", "item", "total"))] \
        if t is not None and t.present else []
    items = [NS(project=_cell_text(r, "proj_name"), item=_cell_text(r, "item"),
                total=_amount(t, r, "total", "政府采购金额"), sme=_amount(t, r, "sme", "预留中小微企业份额"))
             for r in rows]
    return NS(empty=not any(i.total for i in items), rows=items,
              total=total([i.total for i in items], "政府采购预算合计"),
              sme=total([i.sme for i in items], "预留中小微企业份额合计"))


def _assets(budget: Budget) -> NS:
    t = budget.tables.get("ASSET")
    parts = {}
    for key in ("total", "house", "office", "car", "equip", "other"):
        row = t.get(key) if t is not None and t.present else None
        label = t.layout.fixed_row(key).label if t is not None else key
        parts[key] = _amount(t, row, "value", label) if row else Amount(None, ("blank", label), label)
    info = budget["INFO"]
    planned = info.get("planned_assets")
    if planned is not None:
        ref = planned.cell("amount") or planned.cell("value")
        parts["planned"] = cell_amount(ref, "amount", planned.amount("amount"), "万元", "本年度拟购置固定资产总额")
    else:
        parts["planned"] = Amount(None, ("blank", "本年度拟购置固定资产总额"), "本年度拟购置固定资产总额")
    return NS(date=_info_text(info, "asset_date"), **parts)


def _projects(budget: Budget) -> list[NS]:
    t = budget.tables.get("PROJ")
    out = []
    for r in _rows(budget, "PROJ"):
        if not (r.text("code") or r.text("name")):
            continue
        name = _cell_text(r, "name")
        out.append(NS(code=_cell_text(r, "code"), name=name, func_code=_cell_text(r, "func_code"),
                      budget=_amount(t, r, "budget", f"{name}预算数"),
                      fiscal=_amount(t, r, "fiscal", f"{name}财政资金"),
                      other_funds=_amount(t, r, "other_funds", f"{name}其他资金"),
                      purpose=_cell_text(r, "purpose"), target=_cell_text(r, "target")))
    return out


def _records(budget: Budget, key: str, cols: tuple[str, ...]) -> list[NS]:
    return [NS(**{c: _cell_text(r, c) for c in cols}) for r in _rows(budget, key)
            if any(r.text(c) for c in cols)]


def _performance(budget: Budget) -> NS:
    goals: dict[str, NS] = {}
    for item, attr in (("分项绩效目标", "goal"), ("分项绩效指标", "indicators")):
        for r in budget.texts(item):
            title = _cell_text(r, "title")
            g = goals.setdefault(str(title), NS(title=title, goal=CellText(""), indicators=CellText("")))
            setattr(g, attr, _cell_text(r, "text"))
    measures = [NS(title=_cell_text(r, "title"), text=_cell_text(r, "text")) for r in budget.texts("工作保障措施")
                if r.text("text").strip() or r.text("title").strip()]
    return NS(overall=_text(budget, "总体绩效目标"), goals=list(goals.values()), measures=measures)


def _content_notes(ctx: dict) -> list[str]:
    notes = []
    if not ctx["duties"]:
        notes.append("“部门职责”工作表没有内容，情况说明第一部分只有标题。")
    if not ctx["special_funds"]:
        notes.append("“说明文字”中“部门主管专项资金”没有填写，情况说明中写作“无部门主管专项资金”，请核实。")
    if not ctx["performance"].overall:
        notes.append("“说明文字”中“总体绩效目标”没有填写。")
    return notes

