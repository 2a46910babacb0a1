"""Completeness: every table is there, empty tables say so, and one code has one name everywhere."""

from __future__ import annotations

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import Budget

PUBLISHED = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "PROC", "ASSET")
MAY_BE_EMPTY = ("T7", "T8", "T9", "PROC")
NEVER_EMPTY = ("T1", "T2", "T3", "T4", "T5", "T6")
INFO_NEEDED = (("dept_name", "部门名称", ERROR), ("year", "预算年度", ERROR), ("dept_code", "部门编码", WARNING))
FUNC_TABLES = ("T2", "T3", "T5", "T7", "T8")


def missing_tables(budget: Budget) -> list[Finding]:
    """The 政府采购 and 国有资产 tables are published with the nine; the other sheets feed the 情况说明."""
    out = []
    for key, t in budget.tables.items():
        if t.present or not t.layout.written:
            continue
        severity = ERROR if key in PUBLISHED else WARNING
        out.append(Finding("C-MISSING", severity, f"缺少工作表“{t.layout.sheet}”（{t.layout.title}）。"))
    return out


def empty_table_notes(budget: Budget) -> list[Finding]:
    """An empty table must carry its 空表 note; a table with figures must not claim to be empty."""
    out = []
    for key in MAY_BE_EMPTY:
        t = budget.tables.get(key)
        if t is None or not t.present:
            continue
        empty_notes = [(text, cell) for text, cell in t.notes if "空表" in text]
        if t.has_amounts():
            for text, cell in empty_notes:
                out.append(Finding("C-EMPTY-NOTE", ERROR, f"{t.sheet_name()}有金额，但注明“{text}”。",
                                   (cell,) if cell else ()))
        elif not empty_notes:
            hint = t.layout.empty_note or "注：本表为空表。"
            out.append(Finding("C-EMPTY-NOTE", WARNING, f"{t.sheet_name()}没有数据，应在表下注明空表说明（如“{hint}”）。",
                               (t.title_cell,) if t.title_cell else ()))
    return out


def code_names(budget: Budget) -> list[Finding]:
    """One 科目编码, one 科目名称 across the tables."""
    names: dict[str, list] = {}
    for key in FUNC_TABLES:
        t = budget.tables.get(key)
        if t is None or not t.present:
            continue
        for r in t.coded_rows():
            name = r.text("name").replace(" ", "")
            if name:
                names.setdefault(r.key, []).append((t.sheet_name(), name, r.cell("name")))
    out = []
    for code, seen in names.items():
        distinct = {n for _, n, _ in seen}
        if len(distinct) > 1:
            desc = "；".join(f"{s}为“{n}”" for s, n, _ in seen)
            out.append(Finding("C-NAME", WARNING, f"科目{code}的名称在各表中不一致：{desc}。",
                               tuple(c for _, _, c in seen if c)))
    return out


def empty_tables(budget: Budget) -> list[Finding]:
    """Every department has income and spending: the six main tables cannot be empty."""
    out = []
    for key in NEVER_EMPTY:
        t = budget.tables.get(key)
        if t is not None and t.present and not t.has_amounts():
            out.append(Finding("C-EMPTY", ERROR, f"{t.sheet_name()}（{t.layout.title}）没有任何金额，请从预算系统导出后粘贴。",
                               (t.title_cell,) if t.title_cell else ()))
    return out


def basic_info(budget: Budget) -> list[Finding]:
    """部门名称 and 预算年度 head every table and the 情况说明."""
    info = budget.tables.get("INFO")
    if info is None or not info.present:
        return []
    out = []
    for key, label, severity in INFO_NEEDED:
        row = info.get(key)
        if row is None or not row.text("value").strip():
            cells = (row.cell("value"),) if row is not None and row.cell("value") else ()
            out.append(Finding("C-INFO", severity, f"基本信息中没有填写{label}。", cells))
    if budget.info("year") and budget.year is None:
        row = info.get("year")
        out.append(Finding("C-INFO", ERROR, f"预算年度“{budget.info('year')}”不是四位年份。",
                           (row.cell("value"),) if row.cell("value") else ()))
    return out


FIXED_REQUIRED = ("T1", "T4", "T9", "ASSET")
CODED_TOTAL = ("T2", "T3", "T5", "T6", "T7", "T8")


def missing_rows(budget: Budget) -> list[Finding]:
    """A deleted 合计 / 收入总计 / 资产总额 row would silently switch off every relation that uses it."""
    out = []
    for key in FIXED_REQUIRED:
        t = budget.tables.get(key)
        if t is None or not t.present:
            continue
        have = {r.key for r in t.rows}
        missing = [r.label for r in t.layout.all_fixed_rows if r.key not in have]
        if missing:
            out.append(Finding("C-ROWS", ERROR, f"{t.sheet_name()}缺少标准行次：" + "、".join(missing)
                               + "。请从空白模板复制这些行（行次文字不可改动）。", (t.title_cell,) if t.title_cell else ()))
    for key in CODED_TOTAL:
        t = budget.tables.get(key)
        if t is None or not t.present or t.total_row is not None:
            continue
        if t.coded_rows():
            out.append(Finding("C-ROWS", ERROR, f"{t.sheet_name()}缺少“合计”行，表内合计和表间核对都无法进行。",
                               (t.title_cell,) if t.title_cell else ()))
    return out
