"""The per-file work of a batch: one input file in, one plain, picklable result out — never an exception.

The same function runs in-process, in worker processes and on dask workers, so the report cannot depend on
where a file was checked. Workbooks are read as ``check`` reads them; ``.txt`` goes through the seed-text
importer, ``.pdf`` (or the PDFs of one document) through the PDF importer, checked as import then check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # .xls: read through python-calamine
SUFFIXES = (*WORKBOOK_SUFFIXES, ".txt", ".pdf")
PDF_MODULE = "budget_xl.importers.pdf"


@dataclass
class FileResult:
    """What a batch knows about one file. ``problem`` set means the file could not be checked."""

    path: str
    files: list[str] = field(default_factory=list)  # the PDFs of a document published in parts (说明, 公开表)
    dept: str = ""
    year: str = ""
    template: str = ""
    kind: str = ""  # 部门预算 or 部门决算: a batch may mix the spring and the summer disclosures
    problem: str | None = None
    findings: list[dict] = field(default_factory=list)  # rule, severity, message, cells (+ identity parts)
    coverage: dict | None = None  # the relations' account (Coverage.to_json): checked / not applicable / blank
    seconds: float = 0.0  # CPU time of this file's check (thread time: the same under dask threads)

    def count(self, severity: str) -> int:
        """The one count (``findings.summarize``): LOCATE findings are counted apart, as ``located``."""
        from budget_xl.findings import LOCATE_RULE

        if severity == "located":
            return sum(1 for f in self.findings if f["rule"] == LOCATE_RULE and f["severity"] == "error")
        return sum(1 for f in self.findings if f["severity"] == severity and f["rule"] != LOCATE_RULE)

    @property
    def members(self) -> list[str]:
        """The files this row is of: one, or the PDFs of one document."""
        return self.files or [self.path]

    def covered(self, what: str) -> int | None:
        """How many relation instances were ``checked`` / ``not_applicable`` / ``not_checkable`` (None: unread)."""
        return None if self.coverage is None else self.coverage.get(what, 0)

    def to_json(self) -> dict:
        from budget_xl.findings import SEVERITIES

        return {"file": self.path, "files": self.members, "dept": self.dept, "year": self.year,
                "template": self.template, "kind": self.kind,
                "error_reading": self.problem, "summary": {s: self.count(s) for s in (*SEVERITIES, "located")},
                "coverage": self.coverage, "findings": self.findings, "seconds": round(self.seconds, 4)}


def _as_read_result(imported, source: str):
    """Whatever an importer returns (grids, a SeedImport-like object, a ReadResult, a Budget) → ReadResult."""
    from budget_xl.model import Budget
    from budget_xl.read import ReadResult, read_grids

    if isinstance(imported, ReadResult):
        return imported
    if isinstance(imported, tuple) and imported and isinstance(imported[0], Budget):  # import_pdf: (budget, report)
        return ReadResult(budget=imported[0], notes=[])
    if isinstance(imported, Budget):
        return ReadResult(budget=imported, notes=[])
    if hasattr(imported, "budget") and hasattr(imported, "notes"):
        return ReadResult(budget=imported.budget, notes=list(imported.notes))
    grids = getattr(imported, "grids", imported)
    return read_grids(grids, source=source)


def read_any(path: Path | tuple[Path, ...]):
    """A file, or the PDFs one disclosure was published as (说明, 公开表) → (ReadResult, template label,
    CheckResult or None). A PDF comes checked (``importers.checked``: as import then check, with what only its
    printing shows); a workbook or text is checked by the caller. Raises InputError for what cannot be read."""
    from budget_xl.errors import InputError
    from budget_xl.read import read_workbook

    if isinstance(path, tuple) or path.suffix.lower() == ".pdf":
        return _read_pdfs(path if isinstance(path, tuple) else (path,))
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix.rstrip(" .\u3000") in WORKBOOK_SUFFIXES:  # “主表.xlsx ”: said why
        result = read_workbook(path)
        return result, result.budget.profile, None
    if suffix == ".txt":
        from budget_xl.importers.seed_text import import_seed_text
        from budget_xl.inputs import MAX_TEXT_BYTES, decode_text, read_bounded

        text = decode_text(read_bounded(path, MAX_TEXT_BYTES, "文本文件"), str(path))
        from budget_xl.importers.cli import hard_wrap_problem

        wrapped = hard_wrap_problem(text)
        if wrapped:
            raise InputError(wrapped, file=str(path))
        try:
            imported = import_seed_text(text)
        except (ValueError, StopIteration, IndexError, KeyError):
            from budget_xl.importers.cli import column_separator_problem

            why = column_separator_problem(text) or "文本无法按部门预算公开文本导入（找不到九张表的表题或说明章节）。"
            raise InputError(why, file=str(path)) from None
        result = _as_read_result(imported, str(path))
        # a text has no number cells: "stored as text" says nothing about a published text
        result.notes = [n for n in result.notes if n.rule != "READ-TEXT-NUMBER"]
        return result, f"{result.budget.profile}（文本导入）", None
    from budget_xl.inputs import blank_after_suffix

    raise InputError(blank_after_suffix(path) or f"不支持的文件类型“{path.suffix}”。", file=str(path))


def _read_pdfs(paths: tuple[Path, ...]):
    """``read_any`` for one PDF or the PDFs of one document. A part that cannot be read (a 说明 cut short, a
    link whose file is gone) does not take the others with it: they are checked, and the part is an error of
    the row (READ-PART-UNREADABLE) naming it and why."""
    from budget_xl.errors import InputError
    from budget_xl.findings import ERROR, Finding
    from budget_xl.importers.checked import check_imported
    from budget_xl.importers.pdf import import_pdfs

    parts, lost = list(paths), []
    try:
        budget, _report = import_pdfs(parts)
    except InputError as whole:
        if len(parts) == 1:
            raise
        for p in paths:
            try:
                import_pdfs([p])
            except InputError as e:
                if "只有情况说明" not in e.text:  # a 说明 alone has no table: it is not the part that failed
                    lost.append((p, e.text))
        parts = [p for p in paths if p not in {q for q, _ in lost}]
        if not lost or not parts:
            raise whole from None
        try:
            budget, _report = import_pdfs(parts)
        except InputError:  # what is left has no table (the 公开表 was the part lost): the reason is the loss
            raise whole from None
    result, checked = check_imported(budget, paths[0])
    for p, why in lost:
        checked.findings.insert(0, Finding("READ-PART-UNREADABLE", ERROR,
                                           f"本文件的“{p.name}”无法读取，只核对了其余部分（{'、'.join(q.name for q in parts)}）："
                                           f"{why}"))
    return result, f"{result.budget.profile}（PDF导入）", checked


def finding_dict(f) -> dict:
    _rule, table, row, column = f.identity
    return {"rule": f.rule, "severity": f.severity, "message": f.message, "cells": list(f.cells),
            "table": table, "row": row, "column": column}


def warm_up() -> None:
    """What every file's check needs once per process: the reader, the rules and every profile's schema (the
    reader tries each profile's titles). Done in the parent before the workers fork, it is done once, not once
    per worker (about half a second each: imports, TOML and validation of four profiles)."""
    from budget_xl.read import read_workbook  # noqa: F401
    from budget_xl.rules import check_budget  # noqa: F401
    from budget_xl.schema import PROFILES, load_schema

    for profile in PROFILES:
        load_schema(profile)


def check_file(path: str | tuple[str, ...]) -> FileResult:
    """Read and check one file (or the PDFs of one document); any failure becomes ``problem`` so the batch goes
    on."""
    from budget_xl.batch.inputs import document_name
    from budget_xl.errors import InputError
    from budget_xl.rules import check_budget

    start = time.thread_time()
    doc = tuple(Path(p) for p in path) if isinstance(path, tuple) else Path(path)
    res = FileResult(path=document_name(doc), files=[str(p) for p in doc] if isinstance(doc, tuple) else [])
    try:
        result, res.template, checked = read_any(doc)
        budget = result.budget
        res.dept = budget.dept_name
        res.kind = f"部门{budget.kind}"
        res.year = str(budget.year or budget.info("year") or "")
        if checked is None:
            checked = check_budget(budget, result.notes)
        res.findings = [finding_dict(f) for f in checked.findings]
        res.coverage = checked.coverage.to_json()
    except InputError as e:
        res.problem = e.text
    except OSError as e:
        from budget_xl.outputs import os_reason

        res.problem = f"文件“{res.path}”无法打开：{os_reason(e).replace('写入', '读取')}。"
    except Exception as e:  # a batch reports and goes on; the message names the file
        from budget_xl.errors import internal_error
        from budget_xl.limits import memory_message, out_of_memory

        res.problem = (memory_message([res.path]) if out_of_memory(e)
                       else f"文件“{res.path}”处理时发生" + internal_error(e, "已跳过此文件。"))
    res.seconds = time.thread_time() - start
    return res
