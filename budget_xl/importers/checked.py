"""An imported PDF checked as ``import`` then ``check`` checks it, with what only its printing shows.

``batch`` and ``review`` check a published PDF; the user's path is ``import`` (a workbook written) then
``check``. Both read the document back from the workbook ``import`` would write, so that they find exactly what
that path finds (the rounding of totals, findings keyed by cell: checked in memory, a 决算 gave two copy errors
the workbook calls 尾差). The workbook holds every standard row of its form and one row per code, so the read
back cannot see a standard row the document left out (C-ROWS) nor a code it printed twice (…-DUP-CODE): those
come from the document as imported, and the read-back's own notes (about rows of a workbook nobody sees) go.
"""

from __future__ import annotations

from pathlib import Path


def printing_only(rule: str) -> bool:
    """A rule only the document as printed can fire: its standard rows, its codes printed twice."""
    return rule == "C-ROWS" or rule.endswith("-DUP-CODE")


def read_back(budget, source: Path):
    """The imported ``budget`` read back from the workbook ``import`` would write (a ReadResult)."""
    import tempfile

    from budget_xl.read import read_workbook
    from budget_xl.write import write_workbook

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "导入.xlsx"
        write_workbook(budget, book)
        result = read_workbook(book)
    result.budget.source = str(source)
    return result


def check_imported(budget, source: Path):
    """(the read-back's ReadResult, its CheckResult): the findings of ``import`` then ``check``, the printing's
    own (``printing_only``) taken from the document as imported."""
    from budget_xl.rules import CheckResult, check_budget, severity_order

    result = read_back(budget, source)
    checked = check_budget(result.budget, [])
    kept = [f for f in checked.findings if not printing_only(f.rule)]
    printed = [f for f in check_budget(budget, []).findings if printing_only(f.rule)]
    return result, CheckResult(sorted(kept + printed, key=severity_order), checked.coverage)
