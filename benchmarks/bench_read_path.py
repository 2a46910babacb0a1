"""The read path against the raw read, in one run (issue 19); figures go to benchmarks/RESULTS.md.

    python benchmarks/bench_read_path.py [DIR]

1. ``check`` of one workbook (read + every rule + localization, what ``budget-xl check`` does in-process) against
   python-calamine merely reading every sheet, on the sample and on a synthetic department of ~5,000 rows;
   and the growth from ~500 to ~5,000 rows (linear: the time per row stays flat).
2. ``batch`` over DIR (made by ``budget-xl synth --count 100 --out DIR``) against ``pandas.read_excel`` of the
   same files with openpyxl and with calamine (all sheets, one after the other).

CPU time (process_time, worker processes included) so that the other jobs of a shared machine count less. Each
ratio is paired: the two sides are run in turn, round after round (their order alternating), and the ratio is the
median of the rounds' ratios — a machine whose speed drifts between the two measurements (a shared host) moves
both sides of a round alike.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_scale import load, machine, pandas_read, synth_file, timed_with_workers  # noqa: E402


def raw_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def check(path: Path) -> None:
    from budget_xl.localize.fold import locate_findings
    from budget_xl.read import read_workbook
    from budget_xl.rules import check_budget

    r = read_workbook(path)
    checked = check_budget(r.budget, r.notes)
    locate_findings(r.budget, checked.findings)


def rows_of(path: Path) -> int:
    from budget_xl.read import read_workbook

    return sum(len(t.rows) for t in read_workbook(path).budget.tables.values())


def paired(fa, fb, rounds: int) -> tuple[float, float, float]:
    """Median CPU seconds of ``fa`` and of ``fb`` and the median of their per-round ratio, run in turn."""
    import statistics
    import time

    fa(), fb()
    ta, tb = [], []
    for i in range(rounds):
        for f, out in ((fa, ta), (fb, tb)) if i % 2 == 0 else ((fb, tb), (fa, ta)):
            t = time.process_time()
            f()
            out.append(time.process_time() - t)
    return statistics.median(ta), statistics.median(tb), statistics.median(a / b for a, b in zip(ta, tb))


def one(rounds: int = 9) -> None:
    from budget_xl.sample import write_sample

    print("1. check 与 python-calamine 原始读取（CPU 时间中位数）")
    print(f"{'工作簿':<24}{'行数':>8}{'check ms':>10}{'calamine ms':>13}{'比值':>8}{'每行 µs':>9}")
    with tempfile.TemporaryDirectory() as d:
        files = [("样例（承德市司法局）", write_sample(Path(d) / "sample.xlsx")),
                 ("模拟部门 约 500 行", synth_file(Path(d) / "500", 450)),
                 ("模拟部门 约 5,000 行", synth_file(Path(d) / "5000", 4850))]
        for label, path in files:
            c, r, ratio = paired(lambda p=path: check(p), lambda p=path: raw_read(p), rounds)
            n = rows_of(path)
            print(f"{label:<24}{n:>8}{c * 1000:>10.1f}{r * 1000:>13.1f}{ratio:>8.2f}{c / n * 1e6:>9.0f}")
    print("目标：check / calamine ≤ 3；每行耗时不随行数增长（线性）")


def read_only(rounds: int = 9) -> str:
    """``read_workbook`` alone (scan, calamine, model) against the raw calamine read: the read half of check."""
    from budget_xl.read import read_workbook
    from budget_xl.sample import write_sample

    lines = ["\n1b. read_workbook 与 python-calamine 原始读取（CPU 时间中位数）",
             f"{'工作簿':<24}{'read ms':>10}{'calamine ms':>13}{'比值':>8}"]
    with tempfile.TemporaryDirectory() as d:
        for label, path in (("样例（承德市司法局）", write_sample(Path(d) / "sample.xlsx")),
                            ("模拟部门 约 5,000 行", synth_file(Path(d) / "5000", 4850))):
            c, r, ratio = paired(lambda p=path: read_workbook(p), lambda p=path: raw_read(p), rounds)
            lines.append(f"{label:<24}{c * 1000:>10.1f}{r * 1000:>13.1f}{ratio:>8.2f}")
    return "\n".join(lines + ["目标：read_workbook / calamine ≤ 2"])


def batch(folder: str, jobs: int, rounds: int = 3) -> None:
    """``rounds`` rounds, each: batch, then pandas with openpyxl and with calamine (one after the other); the
    ratios are the medians of the rounds' ratios (paired, as in ``paired``)."""
    import statistics

    from budget_xl.batch import collect, run_local

    files = collect([folder])
    print(f"\n2. batch 与 pandas.read_excel（{len(files)} 个模拟部门，--jobs {jobs}，{rounds} 轮，每轮依次运行，取各轮比值的中位数）")
    runs: dict[str, list[tuple[float, float]]] = {"batch": [], "openpyxl": [], "calamine": []}
    for _ in range(rounds):
        _results, wall, cpu, workers, idle = timed_with_workers(lambda: run_local(files, jobs), jobs)
        runs["batch"].append((wall, idle))
        for engine in ("openpyxl", "calamine"):
            runs[engine].append(pandas_read(files, engine))
    walls = [w for w, _ in runs["batch"]]
    idles = [i for _, i in runs["batch"]]
    print(f"batch：实测 {statistics.median(walls):.1f} s，空闲 {jobs} 核估计 {statistics.median(idles):.1f} s（各轮中位数）")
    for engine, goal in (("openpyxl", 5), ("calamine", 1)):
        w = statistics.median(pw / bw for (pw, _pc), bw in zip(runs[engine], walls))
        c = statistics.median(pc / bi for (_pw, pc), bi in zip(runs[engine], idles))
        each = "、".join(f"{pw / bw:.2f}" for (pw, _pc), bw in zip(runs[engine], walls))
        print(f"pandas(engine={engine!r})：实测 {statistics.median(p for p, _ in runs[engine]):.1f} s；batch 快 "
              f"{w:.2f} 倍（实测，各轮 {each}）/ {c:.2f} 倍（空闲机器估计）；目标 ≥ {goal}")

if __name__ == "__main__":
    print(f"{machine()}；{load()}")
    one()
    print(read_only())
    if len(sys.argv) > 1:
        batch(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else min(2, os.cpu_count() or 1))
    print(load())
