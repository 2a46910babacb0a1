"""Reading and marking a department's own workbook (the official template, filled from the shared 部门 PDF) against
the same budget in our master workbook, in one run.

Prints: read official / read master (the cost of finding the tables by title and header), and the lossless
``--mark`` (openpyxl's copy plus the package edit) / openpyxl's ``--mark`` alone on the same decorated file.
Run: python benchmarks/bench_official.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import warnings
from pathlib import Path

from timing import times  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from official_templates import DEPT_PDF, DEPT_TEMPLATE, decorate, fill_template  # noqa: E402

from budget_xl.importers.cli import import_source, write_imported  # noqa: E402
from budget_xl.mark import mark_workbook  # noqa: E402
from budget_xl.read import read_workbook  # noqa: E402
from budget_xl.rules import run_checks  # noqa: E402


def med(fn, rounds: int) -> float:
    return statistics.median(times(fn, rounds))


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    warnings.filterwarnings("ignore", category=UserWarning)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        official = fill_template(DEPT_TEMPLATE, DEPT_PDF, d / "已填.xlsx")
        decorated = decorate(official, "部门支出总表", d / "已填_带图.xlsx")
        master = write_imported(*import_source(DEPT_PDF), d / "主表.xlsx")
        r = read_workbook(decorated)
        findings = run_checks(r.budget, r.notes)
        t_official = med(lambda: read_workbook(official), rounds)
        t_master = med(lambda: read_workbook(master), rounds)
        t_lossless = med(lambda: mark_workbook(decorated, d / "a.xlsx", findings), rounds)
        t_openpyxl = med(lambda: mark_workbook(decorated, d / "b.xlsx", findings, keep_all=False), rounds)
    print(f"读取：正式模板 {t_official * 1000:.0f} ms，主表 {t_master * 1000:.0f} ms，比值 {t_official / t_master:.2f}")
    print(f"--mark：不丢内容 {t_lossless * 1000:.0f} ms，仅 openpyxl {t_openpyxl * 1000:.0f} ms，"
          f"比值 {t_lossless / t_openpyxl:.2f}")


if __name__ == "__main__":
    main()
