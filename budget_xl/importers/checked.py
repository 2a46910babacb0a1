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

PRINTING_CHECKS = ("C-ROWS", "DUP-CODE")  # the registered checks only the document as printed can fire


def printing_only(rule: str) -> bool:
    """A finding of ``PRINTING_CHECKS``: a standard row left out, a code printed twice (``T5-DUP-CODE``)."""
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
    from budget_xl.rules.registry import PYTHON_CHECKS, applies
    from budget_xl.schema import load_schema

    result = read_back(budget, source)
    checked = check_budget(result.budget, [])
    kept = [f for f in checked.findings if not printing_only(f.rule)]
    schema = load_schema(budget.profile)  # only those checks on the document itself, not every rule again
    printed = [f for rule_id, fn in PYTHON_CHECKS if rule_id in PRINTING_CHECKS and applies(rule_id, schema)
               for f in fn(budget)]
    return result, CheckResult(sorted(kept + printed, key=severity_order), checked.coverage)
