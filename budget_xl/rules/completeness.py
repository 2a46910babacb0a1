"""Completeness: every table is there, empty tables say so, and one code has one name everywhere."""

from __future__ import annotations

import re

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.rounding import DEFAULT, Tolerances
from budget_xl.rules.registry import check
from budget_xl.schema import load_schema


def _layouts(budget: Budget):
    return [t.layout for t in budget.tables.values()]


@check("C-MISSING", ERROR, "缺少公开表（缺少情况说明用的工作表为警告）")
def missing_tables(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """The 政府采购 and 国有资产 tables are published with the nine; the other sheets feed the 情况说明."""
    out = []
    for key, t in budget.tables.items():
        if t.present or not t.layout.written:
            continue
        severity = ERROR if t.layout.published else WARNING
        out.append(Finding("C-MISSING", severity, f"缺少工作表“{t.layout.sheet}”（{t.layout.title}）。", table=key))
    return out


# “本表为空表”, or as Jiangsu says it: “本部门无该项目”, “我单位无2017年政府性基金支出安排”; 决算: “故本表无数据”
_EMPTY_NOTE = re.compile(r"空表|(?:本|我)(?:部门|单位)(?:\d{4}年)?无|本表无数据")


def _says_empty(note: str) -> bool:
    return bool(_EMPTY_NOTE.search(note))


@check("C-EMPTY-NOTE", ERROR, "空表须注明空表说明；有数的表不能注明为空表")
def empty_table_notes(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """An empty table must carry its 空表 note; a table with figures must not claim to be empty."""
    out = []
    for t in budget.tables.values():
        if not t.present or not t.layout.may_be_empty:
            continue
        empty_notes = [(text, cell) for text, cell in t.notes if _says_empty(text)]
        if t.has_amounts():
            for text, cell in empty_notes:
                out.append(Finding("C-EMPTY-NOTE", ERROR, f"{t.sheet_name()}有金额，但注明“{text}”。",
                                   (cell,) if cell else (), table=t.key))
        elif not empty_notes:
            hint = t.layout.empty_note or "注：本表为空表。"
            out.append(Finding("C-EMPTY-NOTE", WARNING, f"{t.sheet_name()}没有数据，应在表下注明空表说明（如“{hint}”）。",
                               (t.title_cell,) if t.title_cell else (), table=t.key))
    return out


@check("C-NAME", WARNING, "同一科目编码在各表中的科目名称一致")
def code_names(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """One 科目编码, one 科目名称 across the tables. Each code's first name is kept, and the places only of the
    codes named otherwise somewhere (a list per row of a 5,000-row department is garbage to collect)."""
    tables = [t for t in budget.tables.values()
              if t.present and t.layout.kind == "coded" and t.layout.code_system == "func"]
    first: dict[str, str] = {}
    differ: set[str] = set()
    for t in tables:
        for r in t.coded_rows():
            name = r.text("name").replace(" ", "")
            if name and first.setdefault(r.key, name) != name:
                differ.add(r.key)
    if not differ:
        return []
    names: dict[str, list] = {code: [] for code in first if code in differ}  # in order of first appearance
    for t in tables:
        sheet = t.sheet_name()
        for r in t.coded_rows():
            if r.key in differ and (name := r.text("name").replace(" ", "")):
                names[r.key].append((sheet, name, r.cell("name")))
    out = []
    for code, seen in names.items():
        desc = "；".join(f"{s}为“{n}”" for s, n, _ in seen)
        out.append(Finding("C-NAME", WARNING, f"科目{code}的名称在各表中不一致：{desc}。",
                           tuple(c for _, _, c in seen if c), row=code, column="name"))
    return out


@check("C-EMPTY", ERROR, "主要公开表（收支、收入、支出、财拨收支、一般公共预算、基本支出）不能没有金额")
def empty_tables(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """Every department has income and spending: the main tables cannot be empty."""
    out = []
    for t in budget.tables.values():
        lay = t.layout
        if not (lay.published and lay.required and not lay.may_be_empty and lay.kind in ("coded", "two_sided")):
            continue
        if t.present and not t.has_amounts():
            out.append(Finding("C-EMPTY", ERROR, f"{t.sheet_name()}（{t.layout.title}）没有任何金额，请从预算系统导出后粘贴。",
                               (t.title_cell,) if t.title_cell else (), table=t.key))
    return out


@check("C-INFO", ERROR, "基本信息须填写部门名称和四位预算年度（部门编码为警告）")
def basic_info(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """部门名称 and 预算年度 head every table and the 情况说明."""
    info = budget.tables.get("INFO")
    if info is None or not info.present:
        return []
    out = []
    for spec in info.layout.rows:
        if not spec.needed:
            continue
        key, label, severity = spec.key, spec.label, spec.needed
        row = info.get(key)
        if row is None or not row.text("value").strip():
            cells = (row.cell("value"),) if row is not None and row.cell("value") else ()
            out.append(Finding("C-INFO", severity, f"基本信息中没有填写{label}。", cells, table="INFO", row=key))
    if budget.info("year") and budget.year is None:
        row = info.get("year")
        out.append(Finding("C-INFO", ERROR, f"预算年度“{budget.info('year')}”不是四位年份。",
                           (row.cell("value"),) if row.cell("value") else (), table="INFO", row="year"))
    return out


def _dropped(row, year: int | None) -> bool:
    """A row the document's form does not print: never (optional), or not from its year on (a year unknown: it
    may be such a year)."""
    return row.optional or row.dropped_in is not None and (year is None or year >= row.dropped_in)


@check("C-ROWS", ERROR, "公开表的标准行次（合计、收入总计、资产总额等）不可删除或改动文字")
def missing_rows(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """A deleted 合计 / 收入总计 / 资产总额 row would silently switch off every relation that uses it."""
    out = []
    for t in budget.tables.values():
        if not t.present or not t.layout.published or t.layout.kind not in ("fixed", "two_sided"):
            continue
        if not t.rows:
            continue  # no row at all (a blank form's 三公 table, printed across with no line of figures): its
            # figures are missing, not some of its rows (C-EMPTY says so)
        have = {r.key for r in t.rows}
        # the 类 lines of a two-sided table are printed only where the department has spending: not required
        classes = {code for code, _ in load_schema(budget.profile).func_classes}
        missing = [r.label for r in t.layout.all_fixed_rows if r.key not in have and r.key not in classes
                   and not _dropped(r, budget.year)]
        if missing:
            out.append(Finding("C-ROWS", ERROR, f"{t.sheet_name()}缺少标准行次：" + "、".join(missing)
                               + "。请从空白模板复制这些行（行次文字不可改动）。", (t.title_cell,) if t.title_cell else (),
                               table=t.key))
    for t in budget.tables.values():
        if not t.present or t.layout.kind != "coded" or t.total_row is not None or TOTAL_KEY in t.layout.not_printed:
            continue
        if t.coded_rows():
            out.append(Finding("C-ROWS", ERROR, f"{t.sheet_name()}缺少“合计”行，表内合计和表间核对都无法进行。",
                               (t.title_cell,) if t.title_cell else (), table=t.key, row="合计"))
    return out
