"""One published PDF reviewed: imported and checked as ``check`` does, its pages checked as a reader sees them,
every problem placed under the checklist's items."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.findings import WARNING, Finding
from budget_xl.review.checklist import Checklist, Row, load_checklist, place
from budget_xl.review.document import REASON_THRESHOLD, Context, run_document_checks
from budget_xl.review.pages import Document, read_documents

# what ``check`` says about the workbook an import makes, not about the published document (a PDF prints no 部门编码)
NOT_OF_THE_DOCUMENT = {("C-INFO", WARNING), ("C-NOTHING-CHECKED", WARNING)}


@dataclass
class Review:
    path: str
    dept: str
    year: int | None
    kind: str
    profile: str
    checklist: Checklist
    rows: list[Row]
    doc: Document
    note: str = ""  # why the tables could not be checked, when they could not

    @property
    def problems(self) -> int:
        return sum(len(r.problems) + (not r.found and r.item.required) for r in self.rows)

    @property
    def region(self) -> str:
        m = re.search(r"(?:市)?([^市省]{2,4}?[区县])", self.dept)
        return m.group(1) if m else ""


def review_pdf(path, profile: str | None = None, threshold: Decimal = REASON_THRESHOLD,
               checklist_file: str | Path | None = None) -> Review:
    """One document: a PDF, or the PDFs it was published as (说明 and 公开表), in order."""
    from budget_xl.importers.checked import check_imported
    from budget_xl.importers.pdf import import_pdfs

    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    for p in paths:
        if p.suffix.lower() != ".pdf":
            raise InputError("review 只审核公开的 PDF 文件。", file=str(p))
    doc = read_documents(paths, for_import=True)  # the importer's lines read in the same pass
    findings: list[Finding] = []
    tables: dict[str, list[int]] = {}
    note = ""
    try:
        budget, report = import_pdfs(paths, profile=profile)
    except InputError as e:  # 决算, a template we have no checklist for, prose only: no checklist to fill
        raise InputError(f"无法按检查表审核：{e.text}", file=None) from None
    profile = budget.profile
    _book, checked = check_imported(budget, paths[0])  # as import then check, with what only the printing shows
    findings += [f for f in checked.findings if (f.rule, f.severity) not in NOT_OF_THE_DOCUMENT]
    tables = {t.key: [_our_page(doc, report, p) for p in t.pages] for t in report.tables if t.pages}
    dept, year, kind = budget.dept_name, budget.year, budget.budget_type
    ctx = Context(doc, year=year, kind=kind, table_pages={p for pages in tables.values() for p in pages},
                  threshold=threshold, budget=budget)
    findings += run_document_checks(ctx)
    checklist = load_checklist(profile or "shanghai", checklist_file)
    rows = place(findings, doc, checklist, tables, ctx.toc_pages, kind)
    return Review(doc.path, dept, year, kind, profile or "", checklist, rows, doc, note)


def _our_page(doc: Document, report, page: int) -> int:
    """The importer's page number (it counts a PDF to its last printed line) as ours (every page of every PDF)."""
    if not report.files:
        return page
    firsts = {}
    for p in doc.pages:
        firsts.setdefault(p.source, p.number)
    for name, first, last in report.files:
        if first <= page <= last and name in firsts:
            return firsts[name] + page - first
    return page
