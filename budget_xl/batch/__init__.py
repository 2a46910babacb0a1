"""Review at scale: ``budget-xl batch`` checks many workbooks (and imported texts/PDFs) in parallel and
writes one report. work.py = one file; run.py = where files are checked; report.py = the report workbook."""

from __future__ import annotations

from budget_xl.batch.inputs import collect
from budget_xl.batch.report import write_report
from budget_xl.batch.run import run_dask, run_local
from budget_xl.batch.work import FileResult, check_file

__all__ = ["FileResult", "check_file", "collect", "run_dask", "run_local", "write_report"]
