"""From a workbook file to the bytes of an output: the I/O edge of the narrative package."""

from __future__ import annotations

from pathlib import Path

from budget_xl.findings import ERROR, WARNING
from budget_xl.model import Budget
from budget_xl.narrative import prior as prior_mod
from budget_xl.narrative.context import check_basics
from budget_xl.narrative.render import Narrative, render_narrative

FORMATS = (".docx", ".txt", ".md")
# a cell that holds something other than a number (text, a date, a date-formatted amount) is no blank either:
# "合计数空白" and "重算汇总" would be the wrong advice
UNREADABLE_RULES = ("READ-CELL-ERROR", "READ-FORMULA-UNCACHED", "READ-MERGED", "READ-DUP-CODE", "READ-NOT-NUMBER")


def narrative_of(budget: Budget, *, prior: str | Path | None = None, templates: str | Path | None = None,
                 whole_document: bool = False) -> Narrative:
    """Render the 情况说明 of a budget; last year's figures from ``prior`` (a workbook) or the 上年数 sheet."""
    if budget.kind == "决算":  # the 决算情况说明 (narrative/final_accounts.py, templates/juesuan/)
        from budget_xl.narrative import final_accounts

        return final_accounts.render(budget, templates)
    if budget.profile == "shanghai":  # the Shanghai chapters (narrative/shanghai.py, templates/shanghai/)
        from budget_xl.narrative import shanghai

        return shanghai.render(budget, shanghai.read_prior(prior, budget.year or 0), templates)
    year = check_basics(budget)
    require_totals(budget)
    last = (prior_mod.from_workbook(prior, year, budget.dept_name) if prior
            else prior_mod.from_sheet(budget, year))
    return render_narrative(budget, last, templates=templates, whole_document=whole_document)


def require_totals(budget: Budget) -> None:
    """Refuse a workbook whose totals are blank while their parts are filled: the text would print them
    as "0.00万元". (Wholly blank lines, such as an unused 三公 item, are published zeros and are fine.)"""
    from budget_xl.derive import derivations
    from budget_xl.errors import InputError
    from budget_xl.findings import split_ref

    blank = [d.target.cell for d in derivations(budget)
             if d.target.cell and d.target.value() is None and d.compute() is not None]
    if blank:
        sheet, cell = split_ref(blank[0])
        more = f"等 {len(blank)} 处" if len(blank) > 1 else ""
        raise InputError(f"合计数空白{more}（{'、'.join(blank[:5])}），情况说明会把它们写成“0.00万元”。"
                         "请先运行“重算汇总”（budget-xl fill）或补填后再导出。",
                         file=budget.source, sheet=sheet, cell=cell)


def narrative_output(narrative: Narrative, suffix: str) -> bytes:
    """.docx, .txt (UTF-8 with BOM, so Word and Notepad recognise it) or .md."""
    if suffix == ".docx":
        from budget_xl.narrative.docx_out import narrative_docx

        return narrative_docx(narrative)
    from budget_xl.narrative.text_out import to_md, to_txt

    if suffix == ".txt":
        return to_txt(narrative).encode("utf-8-sig")
    if suffix == ".md":
        return to_md(narrative).encode("utf-8")
    raise ValueError(suffix)


def document_output(narrative: Narrative) -> bytes:
    from budget_xl.narrative.document import document_docx

    return document_docx(narrative.budget, narrative)


def refuse_unreadable(result, path) -> None:
    """An error value or a formula without result is not a blank: 重算汇总 would not mend it, so say what it is."""
    unreadable = [n for n in result.notes if n.rule in UNREADABLE_RULES]
    if unreadable:
        from budget_xl.errors import InputError

        raise InputError("以下单元格无法读出数值，情况说明没有生成：" + "；".join(n.message.rstrip("。") for n in unreadable[:5])
                         + ("……" if len(unreadable) > 5 else ""), file=str(path))


def _read(path: str | Path) -> tuple[Budget, list[str]]:
    from budget_xl.read import read_workbook

    result = read_workbook(path)
    refuse_unreadable(result, path)
    notes = [f"读取工作簿：{n.message}" + (f"（{'、'.join(n.cells)}）" if n.cells else "")
             for n in result.notes if n.severity in (ERROR, WARNING)]
    return result.budget, notes


def narrative_bytes(path, suffix: str, *, prior=None, templates=None) -> tuple[bytes, list[str]]:
    budget, notes = _read(path)
    narrative = narrative_of(budget, prior=prior, templates=templates)
    return narrative_output(narrative, suffix), notes + narrative.notes


def document_bytes(path, *, prior=None, templates=None) -> tuple[bytes, list[str]]:
    budget, notes = _read(path)
    if budget.profile == "shanghai":
        from budget_xl.narrative import shanghai

        narrative = shanghai.render(budget, shanghai.read_prior(prior, budget.year or 0), templates)
        return shanghai.document_docx(budget, narrative), notes + narrative.notes
    narrative = narrative_of(budget, prior=prior, templates=templates, whole_document=True)
    return document_output(narrative), notes + narrative.notes
