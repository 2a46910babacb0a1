"""The Shanghai 情况说明 and document: chapters of the 上海区级部门（单位）预算, from a Shanghai-profile workbook.

Every figure in the context is a string already printed the way Shanghai prints it, or None when its cell is
blank; the templates (templates/shanghai/) leave out any sentence whose figure is None, so a blank never
reads "0.00万元". 比上年 wording appears only when last year's figure is known (``--prior`` or the 上年数 sheet).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as NS

from jinja2.sandbox import SandboxedEnvironment

from budget_xl.errors import InputError
from budget_xl.model import TOTAL_KEY, Budget, Table
from budget_xl.narrative.render import HEADING, PARA, TITLE, Block, Narrative
from budget_xl.narrative.templates import folder_environment
from budget_xl.units import round2, to_wan

SECTIONS = ("01_duties.md.j2", "02_orgs.md.j2", "03_glossary.md.j2", "04_budget.md.j2", "06_other.md.j2",
            "07_projects.md.j2")
TABLES_AFTER = "04_budget.md.j2"  # 五、预算表 sits between 编制说明 and 其他相关情况说明
_HEADING = re.compile(r"^(#{1,3})\s*(.*)$")


# -- figures ----------------------------------------------------------------------------------------
def wan(table: Table | None, row: str, col: str) -> Decimal | None:
    """A figure in 万元 (exact), or None when the table, row or cell is absent or blank."""
    if table is None or not table.present:
        return None
    r = table.get(row)
    v = r.amount(col) if r is not None else None
    return None if v is None else to_wan(v, table.unit)


def fmt2(v: Decimal | None) -> str | None:
    """元 figures in 万元: two decimals, 四舍五入."""
    return None if v is None else f"{round2(v):.2f}"


def fmt_as_printed(v: Decimal | None) -> str | None:
    """万元 figures as the 三公 table prints them: 37.91, 15, 0."""
    if v is None:
        return None
    s = f"{round2(v):f}".rstrip("0").rstrip(".")
    return s or "0"


def change(now: Decimal | None, before: Decimal | None, fmt=fmt2) -> str | None:
    """"增加10万元" / "减少…" / "持平"; None when either side is unknown."""
    if now is None or before is None:
        return None
    diff = round2(now) - round2(before)
    if diff == 0:
        return "持平"
    return f"{'增加' if diff > 0 else '减少'}{fmt(abs(diff))}万元"


SANGONG = ("total", "abroad", "car", "car_buy", "car_run", "recep")


def prior_figures(prior: Budget | None, budget: Budget) -> dict[str, Decimal | None]:
    """Last year's figures: from last year's (imported or typed) workbook, else this workbook's 上年数 sheet."""
    out: dict[str, Decimal | None] = {}
    if prior is not None:
        for k in SANGONG:
            out[k] = wan(prior.tables.get("T9"), k, "total")
        out["opex"] = wan(prior.tables.get("T9"), "opex", "total")
        out["fin"] = wan(prior.tables.get("T1"), "fin", "in_amount")
        return out
    p = budget.tables.get("PRIOR")
    sheet = {"total": "sangong", "abroad": "abroad", "car": "car", "car_buy": "car_buy", "car_run": "car_run",
             "recep": "recep", "opex": "opex", "fin": "fin"}
    for k, row in sheet.items():
        out[k] = wan(p, row, "amount")
    return out


def _info(budget: Budget, key: str) -> str | None:
    v = budget.info(key)
    return v or None


def _text_rows(budget: Budget, item: str) -> list[tuple[str, str]]:
    return [(r.text("title").strip(), r.text("text").strip()) for r in budget.texts(item) if r.text("text").strip()]


def _reason(budget: Budget, item: str) -> str | None:
    t = budget.text(item)
    return t.rstrip("。") or None


def build_context(budget: Budget, prior: Budget | None = None) -> dict:
    year = budget.year
    if year is None:
        raise InputError("“基本信息”中没有填写预算年度，无法生成情况说明。", file=budget.source, sheet="基本信息")
    kind = "单位" if budget.budget_type == "单位预算" else "部门"
    before = prior_figures(prior, budget)
    t1, t4, t9 = budget.tables.get("T1"), budget.tables.get("T4"), budget.tables.get("T9")

    income_others = [(label, fmt2(wan(t1, key, "in_amount"))) for key, label in
                     (("biz", "事业收入"), ("oper", "事业单位经营收入"), ("other", "其他收入"))]
    by_fund = [(label, fmt2(wan(t4, "out_grand", col))) for col, label in
               (("gen", "一般公共预算拨款支出预算"), ("fund", "政府性基金拨款支出预算"), ("soe", "国有资本经营预算拨款支出预算"))]
    fin = wan(t1, "fin", "in_amount")
    spend_fin = wan(t4, "out_grand", "total")

    sg = {k: wan(t9, k, "total") for k in (*SANGONG, "opex")}
    sangong = NS(**{k: fmt_as_printed(sg[k]) for k in SANGONG},
                 change=NS(**{k: change(sg[k], before.get(k), fmt_as_printed) for k in SANGONG}))

    proc = budget.tables.get("PROC")
    proc_parts = [(label, fmt2(wan(proc, key, "amount"))) for key, label in
                  (("goods", "政府采购货物预算"), ("works", "政府采购工程预算"), ("services", "政府采购服务预算"))]
    perf = budget.tables.get("PERF")
    asset = budget.tables.get("ASSET")

    def qty(row: str, col: str) -> str | None:
        if asset is None or not asset.present or asset.layout.kind != "fixed":
            return None
        r = asset.get(row)
        v = r.amount(col) if r is not None else None
        return None if v is None else f"{v.normalize():f}"

    uses = [(r.key, r.label) for r in asset.layout.rows if r.key.startswith("car_")] if asset is not None else []

    def uses_text(col: str) -> str:
        parts = [f"{label}{n}辆" for key, label in uses if (n := qty(key, col)) is not None]
        return "、".join(parts)

    n = {k: _info(budget, k) for k in ("n_units", "n_admin", "n_civil", "n_inst")}
    counts = "，".join(f"{label}{n[k]}家" for k, label in (("n_admin", "行政单位"), ("n_civil", "参公单位"),
                                                           ("n_inst", "事业单位")) if n[k])
    return {
        "year": year,
        "prior_year": year - 1,
        "kind": kind,
        "who": "本" + kind,
        "level": _info(budget, "region") or "本级",
        "dept": NS(name=budget.dept_name or ""),
        "duties": [r.text("text").strip() for r in budget.tables["DUTY"].rows if r.text("text").strip()]
        if "DUTY" in budget.tables else [],
        "orgs": NS(n_units=n["n_units"], counts=counts,
                   names=[r.text("name").strip() for r in budget.tables["ORG"].rows if r.text("name").strip()]
                   if "ORG" in budget.tables else []),
        "income": NS(total=fmt2(wan(t1, "in_grand", "in_amount")), fin=fmt2(fin),
                     others=[(label, v) for label, v in income_others if v is not None]),
        "spending": NS(total=fmt2(wan(t1, "out_grand", "out_amount")), fin=fmt2(spend_fin),
                       by_fund=[(label, v) for label, v in by_fund if v is not None]),
        "changes": NS(fin=change(fin, before.get("fin"))),
        "reason": budget.text("收支增减原因") or None,
        "items": _items(budget),
        "sangong": sangong,
        "reasons": NS(abroad=_reason(budget, "因公出国（境）费增减原因"), car_buy=_reason(budget, "公务用车购置费增减原因"),
                      car_run=_reason(budget, "公务用车运行费增减原因"), recep=_reason(budget, "公务接待费增减原因")),
        "opex": fmt_as_printed(sg["opex"]),
        "proc": NS(total=fmt2(wan(proc, "total", "amount")), parts=[(a, b) for a, b in proc_parts if b is not None],
                   sme=fmt2(wan(proc, "sme", "amount")), sme_small=fmt2(wan(proc, "sme_small", "amount"))),
        "perf": NS(units=qty_of(perf, "units"), projects=qty_of(perf, "projects"),
                   amount=fmt2(wan(perf, "projects", "amount"))),
        "assets": NS(date=_info(budget, "asset_date"), car=qty("car", "qty"), uses=uses_text("qty"),
                     equip=qty("equip", "qty"), plan_car=qty("car", "plan_qty"), plan_uses=uses_text("plan_qty"),
                     plan_equip=qty("equip", "plan_qty")),
        "projects": _projects(budget),
    }


def qty_of(table: Table | None, row: str) -> str | None:
    if table is None or not table.present:
        return None
    r = table.get(row)
    v = r.amount("qty") if r is not None else None
    return None if v is None else f"{v.normalize():f}"


def _items(budget: Budget) -> list[NS]:
    """财政拨款支出主要内容: every 项 of the 一般公共预算支出功能分类预算表 with a figure."""
    t5 = budget.tables.get("T5")
    if t5 is None or not t5.present:
        return []
    names = {r.code: r.text("name").strip() for r in t5.coded_rows()}
    out = []
    for r in t5.coded_rows():
        v = r.amount("total")
        if len(r.code) != 7 or v is None or v == 0:
            continue
        out.append(NS(cls=names.get(r.code[:3], ""), kuan=names.get(r.code[:5], ""), xiang=names[r.code],
                      amount=fmt2(to_wan(v, t5.unit)), use=None))
    return out


def _projects(budget: Budget) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for title, text in _text_rows(budget, "项目经费情况说明"):
        if out and out[-1][0] == title:
            out[-1][1].append(text)
        else:
            out.append((title, [text]))
    return out


# -- rendering -------------------------------------------------------------------------------------------
def _environment(templates: str | Path | None) -> SandboxedEnvironment:
    return folder_environment(templates, "shanghai")


def render(budget: Budget, prior: Budget | None = None, templates: str | Path | None = None) -> Narrative:
    ctx = build_context(budget, prior)
    env = _environment(templates)
    blocks: list[Block] = []
    for name in SECTIONS:
        raw = env.get_template(name).render(ctx)
        blocks += _blocks(raw, name)
    title = f"{budget.dept_name}{budget.year}年{ctx['kind']}预算"
    notes = []
    if all(ctx["sangong"].change.__dict__[k] is None for k in SANGONG):
        notes.append("没有上年数（--prior 或“上年数”工作表），情况说明中不写与上年的比较。")
    return Narrative(title=title, blocks=[Block(TITLE, title), *blocks], notes=notes, budget=budget, context=ctx)


def _blocks(raw: str, section: str) -> list[Block]:
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block(PARA, "".join(para), section=section))
            para.clear()

    for line in raw.splitlines():
        s = line.strip()
        if not s:
            flush()
            continue
        h = _HEADING.match(s)
        if h:
            flush()
            out.append(Block(HEADING, h.group(2).strip(), level=len(h.group(1)), section=section))
            continue
        para.append(s)
    flush()
    # a heading with nothing under it (a chapter whose figures are all blank) is left out
    kept: list[Block] = []
    for i, b in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        if b.kind == HEADING and (nxt is None or (nxt.kind == HEADING and nxt.level <= b.level)):
            continue
        kept.append(b)
    return kept


def read_prior(path: str | Path | None, year: int) -> Budget | None:
    """Last year's workbook (e.g. imported from last year's PDF) or PDF itself."""
    if not path:
        return None
    p = Path(path)
    if p.suffix.lower() == ".pdf":
        from budget_xl.importers.pdf import import_pdf

        budget = import_pdf(p)[0]
    else:
        from budget_xl.read import read_workbook

        budget = read_workbook(p).budget
    if budget.year is not None and budget.year != year - 1:
        raise InputError(f"上年文件的预算年度是{budget.year}年，应为{year - 1}年。", file=str(path))
    return budget


# -- the document: chapters plus the nine tables ------------------------------------------------------------
def amount_text(v: Decimal | None, integral: bool) -> str:
    """元 tables with thousands separators, as Shanghai prints them (whole 元, or 分 when any figure has them)."""
    if v is None:
        return ""
    return f"{v:,.0f}" if integral else f"{v:,.2f}"


def table_grid(budget: Budget, key: str) -> tuple[str, list[str], list[list[str]], str]:
    """(title, header, rows, unit) of one table as the document prints it."""
    from budget_xl.schema import typed_title

    t = budget.tables[key]
    lay = t.layout
    title = f"{budget.year}年{typed_title(lay.title, budget.budget_type)}"
    values = [r.amount(c) for r in t.rows for c in lay.amount_columns if r.amount(c) is not None]
    integral = all(v == v.to_integral() for v in values)
    if key == "T9":
        order = ["total", "abroad", "recep", "car", "car_buy", "car_run", "opex"]
        header = [lay.fixed_row(k).label for k in order]
        row = [fmt_as_printed(wan(t, k, "total")) or "" for k in order]
        return title, header, [row], "万元"
    if lay.kind == "two_sided":
        header = [c.header[-1] for c in lay.columns]
        sides = [[r for r in t.rows if r.side == s.name] for s in lay.sides]
        lines = []
        for i in range(max(len(s) for s in sides) if sides else 0):
            line: list[str] = []
            for side, rows in zip(lay.sides, sides):
                r = rows[i] if i < len(rows) else None
                line.append(r.text(side.label) if r else "")
                line += [amount_text(r.amount(c), integral) if r else "" for c in side.columns]
            lines.append(line)
        return title, header, lines, t.unit
    header = [c.header[-1] for c in lay.columns]
    rows = []
    for r in t.rows:
        code = r.code or ""
        rows.append([code if r.key != TOTAL_KEY else "", r.text("name") or ("合计" if r.key == TOTAL_KEY else "")]
                    + [amount_text(r.amount(c), integral) for c in lay.amount_columns])
    return title, header, rows, t.unit


def document_docx(budget: Budget, narrative: Narrative) -> bytes:
    from docx.shared import Pt

    from budget_xl.narrative.docx_out import add_body, add_heading, add_title, new_document, page_break, to_bytes
    from budget_xl.schema import load_schema

    doc = new_document()
    add_title(doc, f"上海市{budget.year}年{narrative.context['level']}{narrative.context['kind']}预算")
    add_body(doc, f"预算主管{narrative.context['kind']}：{budget.dept_name}")
    sections_done = set()
    for b in narrative.blocks[1:]:
        if b.section == "06_other.md.j2" and "tables" not in sections_done:
            sections_done.add("tables")
            _tables(doc, budget, load_schema(budget.profile), add_heading, add_body, page_break, Pt)
        if b.kind == HEADING:
            add_heading(doc, b.text, b.level, center=b.level == 1)
        else:
            add_body(doc, b.text)
    if "tables" not in sections_done:
        _tables(doc, budget, load_schema(budget.profile), add_heading, add_body, page_break, Pt)
    return to_bytes(doc)


def _tables(doc, budget, schema, add_heading, add_body, page_break, Pt) -> None:
    add_heading(doc, f"{budget.budget_type[:2]}预算表", 1, center=True)
    for lay in schema.tables:
        page_break(doc)
        title, header, rows, unit = table_grid(budget, lay.key)
        add_heading(doc, title, 2, center=True)
        add_body(doc, f"编制{budget.budget_type[:2]}：{budget.dept_name}　　单位：{unit}")
        table = doc.add_table(rows=1 + max(len(rows), 1), cols=len(header))
        table.style = "Table Grid"
        # row by row: Table.cell(i, j) lays out the whole grid on every call (18.8 of 20 s for a Shanghai document)
        for tr, values in zip(table.rows, [header, *rows]):
            for cell, v in zip(tr.cells, values):
                cell.text = v or ""
        for note, _cell in budget.tables[lay.key].notes:
            add_body(doc, note)
