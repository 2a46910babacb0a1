"""Time `check` on the sample against openpyxl merely loading the same file, in one run.

Prints the ratio check / load (target ≤ 1.0). Run: python benchmarks/bench_check.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import openpyxl
from timing import times  # noqa: E402

from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
from budget_xl.sample import write_sample


def best(fn, rounds: int) -> tuple[float, float]:
    ts = times(fn, rounds)
    return min(ts), statistics.median(ts)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as d:
        path = write_sample(Path(d) / "sample.xlsx")

        def check():
            r = read_workbook(path)
            return run_checks(r.budget, r.notes)

        def load():
            openpyxl.load_workbook(path)

        check()  # warm imports and caches for both
        load()
        c_best, c_med = best(check, rounds)
        l_best, l_med = best(load, rounds)
    print(f"check（读取+全部规则）：最快 {c_best * 1000:.1f} ms，中位 {c_med * 1000:.1f} ms")
    print(f"openpyxl 仅加载：       最快 {l_best * 1000:.1f} ms，中位 {l_med * 1000:.1f} ms")
    print(f"比值 check / openpyxl 加载 = {c_med / l_med:.2f}（目标 ≤ 1.0）")


if __name__ == "__main__":
    main()
