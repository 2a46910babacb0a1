"""The whole disclosure in one Word file: 目录, the nine tables, the 情况说明 with every 绩效目标表 and the
政府采购 and 国有资产 tables, 名词解释 — what the department publishes."""

from __future__ import annotations

from docx.shared import Pt

from budget_xl.model import Budget
from budget_xl.narrative.docx_out import add_body, add_grid, add_title, new_document, new_section, page_break, to_bytes, write_narrative
from budget_xl.narrative.render import Narrative
from budget_xl.narrative.tables import table_grid
from budget_xl.schema import load_schema, typed_title

PART_TABLES = "部门预算公开表"
PART_TEXT = "部门预算信息公开情况说明"


def document_title(budget: Budget) -> str:
    if budget.kind == "决算":
        return f"{budget.dept_name}{budget.year}年度部门决算"
    return f"{budget.dept_name}{budget.year}年{budget.budget_type}信息公开"


def _parts(budget: Budget) -> tuple[str, str]:
    """The two parts' headings: 公开表 and 情况说明 (部门决算表 / 部门决算情况说明 for a 决算)."""
    if budget.kind == "决算":
        return f"{budget.dept_name}{budget.year}年度部门决算表", f"{budget.dept_name}{budget.year}年度部门决算情况说明"
    return PART_TABLES, PART_TEXT


def contents(narrative: Narrative) -> list[tuple[int, str]]:
    """目录 entries as (level, text): the two parts, the nine tables, the eleven sections."""
    kind = narrative.budget.budget_type
    tables, text = _parts(narrative.budget)
    out = [(0, typed_title(tables, kind))] + [(1, typed_title(lay.title, kind))
                                              for lay in load_schema(narrative.budget.profile).tables]
    out += [(0, typed_title(text, kind))] + [(1, h) for h in narrative.section_headings()]
    return out


def document_docx(budget: Budget, narrative: Narrative) -> bytes:
    """``narrative`` must be rendered with ``whole_document=True`` (its section 七 then holds the tables)."""
    doc = new_document()
    add_title(doc, document_title(budget))
    add_title(doc, "目  录").paragraph_format.space_before = Pt(24)
    for level, text in contents(narrative):
        p = add_body(doc, text if level else f"**{text}**")
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.left_indent = Pt(32 * level)
        p.paragraph_format.line_spacing = Pt(22)
    new_section(doc, landscape=True)
    for i, lay in enumerate(load_schema(budget.profile).tables):
        if i:
            page_break(doc)
        add_grid(doc, table_grid(budget, lay.key), title_level=1)
    new_section(doc, landscape=False)
    write_narrative(doc, narrative)
    return to_bytes(doc)
