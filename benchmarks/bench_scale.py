"""Review at scale, one run each, ratios printed (figures go to benchmarks/RESULTS.md).

    python benchmarks/bench_scale.py one            # check of one workbook vs calamine read / openpyxl load
    python benchmarks/bench_scale.py rows           # check time for departments of ~50 / 500 / 5,000 rows
    python benchmarks/bench_scale.py addin          # add-in validate: actions vs cells
    python benchmarks/bench_scale.py batch DIR [JOBS]   # batch of DIR vs pandas.read_excel (openpyxl, calamine)
    python benchmarks/bench_scale.py planted DIR REPORT # manifest vs report: planted errors found at their cells

Make DIR with: budget-xl synth --count 500 --out DIR --errors 3 --jobs 2
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def machine() -> str:
    return (f"{platform.platform()}，nproc={os.cpu_count()}，Python {platform.python_version()}，"
            f"{platform.processor() or platform.machine()}")


def med(fn, rounds: int) -> float:
    """Median CPU time of ``fn`` (process_time): other work on a shared machine inflates wall time, not this."""
    fn()
    times = []
    for _ in range(rounds):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def load() -> str:
    return "负载 " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def synth_file(folder: Path, leaves: int | None, seed: int = 3) -> Path:
    from budget_xl.synth import Job, make_one

    folder.mkdir(parents=True, exist_ok=True)
    name, _ = make_one(Job(index=1, seed=seed, out=str(folder), template="national", errors=0, leaves=leaves))
    return folder / name


def check(path: Path):
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    r = read_workbook(path)
    return run_checks(r.budget, r.notes)


def coded_rows(path: Path) -> int:
    from budget_xl.read import read_workbook

    return len(read_workbook(path).budget["T3"].coded_rows())


def bench_one(rounds: int = 10) -> None:
    import openpyxl
    from python_calamine import CalamineWorkbook

    from budget_xl.sample import write_sample

    def raw(path):
        wb = CalamineWorkbook.from_path(str(path))
        for n in wb.sheet_names:
            wb.get_sheet_by_name(n).to_python()

    with tempfile.TemporaryDirectory() as d:
        files = [("样例（承德市司法局）", write_sample(Path(d) / "sample.xlsx")),
                 ("模拟部门（约 150 行）", synth_file(Path(d), 120))]
        print(f"CPU 时间中位数（{rounds} 次），{machine()}，{load()}")
        print(f"{'工作簿':<22}{'check ms':>10}{'calamine ms':>13}{'openpyxl ms':>13}{'check/calamine':>16}{'check/openpyxl':>16}")
        for label, path in files:
            c = med(lambda path=path: check(path), rounds)
            r = med(lambda path=path: raw(path), rounds)
            o = med(lambda path=path: openpyxl.load_workbook(path), rounds)
            print(f"{label:<22}{c * 1000:>10.1f}{r * 1000:>13.1f}{o * 1000:>13.1f}{c / r:>16.2f}{c / o:>16.2f}")
    print("目标：check/calamine ≤ 3，check/openpyxl ≤ 0.5")


def bench_rows() -> None:
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    print(f"CPU 时间，{load()}")
    print(f"{'功能科目行':>10}{'读取 ms':>10}{'规则 ms':>10}{'合计 ms':>10}{'每行 µs':>10}")
    with tempfile.TemporaryDirectory() as d:
        for leaves in (40, 400, 4850):
            path = synth_file(Path(d) / str(leaves), leaves)
            rows = coded_rows(path)
            t = time.process_time()
            r = read_workbook(path)
            t_read = time.process_time() - t
            t = time.process_time()
            run_checks(r.budget, r.notes)
            t_rules = time.process_time() - t
            total = t_read + t_rules
            print(f"{rows:>10}{t_read * 1000:>10.0f}{t_rules * 1000:>10.0f}{total * 1000:>10.0f}{total / rows * 1e6:>10.0f}")


def bench_addin() -> None:
    import xlwings as xw

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_excel import padded, payload

    from budget_xl.excel import handlers
    from budget_xl.read.files import load_grids_calamine

    print(f"{'功能科目行':>10}{'单元格':>10}{'validate 动作数':>16}{'错误':>6}{'问题(含提示)':>14}{'标记单元格':>12}{'ms':>8}")
    with tempfile.TemporaryDirectory() as d:
        for leaves in (40, 400, 4850):
            from budget_xl.synth import Job, make_one

            name, _ = make_one(Job(index=1, seed=3, out=d, template="national", errors=3, leaves=leaves))
            path = Path(d) / name
            grids = load_grids_calamine(path)
            fs = check(path)
            errors = sum(1 for f in fs if f.severity == "error")
            marked = len({c for f in fs for c in f.cells})
            variants = [("", grids)] + ([("（加无关数据）", padded(grids))] if leaves < 100 else [])
            for label, g in variants:
                p = payload(g)
                cells = sum(len(r) for s in p["sheets"] for r in s["values"])
                t = time.process_time()
                book = xw.Book(json=p)
                handlers.validate(book)
                ms = (time.process_time() - t) * 1000
                actions = book.json()["actions"]
                print(f"{str(coded_rows(path)) + label:>10}{cells:>10}{len(actions):>16}{errors:>6}{len(fs):>14}"
                      f"{marked:>12}{ms:>8.0f}")
            path.unlink()


def timed_with_workers(fn, jobs: int):
    """Run ``fn()``: its result, wall seconds, the parent's CPU, the worker processes' CPU, and the idle-machine
    estimate (the parent's CPU + the workers' / jobs) — on a shared machine the wall time of a parallel run says
    more about the neighbours than about us."""
    import resource

    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    return result, wall, cpu, workers, cpu + workers / jobs if jobs > 1 else cpu


def pandas_read(files, engine: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``pandas.read_excel(sheet_name=None)`` over ``files``, one after the other."""
    import pandas as pd

    w, c = time.perf_counter(), time.process_time()
    for f in files:
        pd.read_excel(f, sheet_name=None, engine=engine)
    return time.perf_counter() - w, time.process_time() - c


def bench_batch(folder: str, jobs: int) -> None:
    """Wall time as measured, and CPU time (parent + worker processes): on a machine shared with other work
    the wall time of parallel runs says more about the neighbours than about us; the CPU figures give the
    time on an idle machine (CPU of the workers / jobs + the parent's own)."""
    from budget_xl.batch import collect, run_local, write_report

    files = collect([folder])
    print(f"文件数 {len(files)}；{machine()}；{load()}")

    def run():
        results = run_local(files, jobs)
        with tempfile.TemporaryDirectory() as d:
            write_report(results, Path(d) / "r.xlsx")
        return results

    results, wall, cpu, workers, idle = timed_with_workers(run, jobs)
    per_file = statistics.mean(r.seconds for r in results)
    print(f"batch --jobs {jobs}（校验+报告）：实测 {wall:.1f} s；CPU：主进程 {cpu:.1f} s + 工作进程 {workers:.1f} s；"
          f"空闲 {jobs} 核估计 {idle:.1f} s；单文件校验 CPU 平均 {per_file * 1000:.0f} ms")
    for engine in ("calamine", "openpyxl"):
        w, c = pandas_read(files, engine)
        print(f"pandas.read_excel(sheet_name=None, engine={engine!r}) 逐个读取：实测 {w:.1f} s，CPU {c:.1f} s；"
              f"batch 快 {w / wall:.2f} 倍（实测）/ {c / idle:.2f} 倍（空闲机器估计）")
    print(f"目标：比 openpyxl 快 ≥ 5 倍（2 核），比 calamine 快 ≥ 1 倍；{load()}")


def bench_planted(folder: str, report: str) -> None:
    import openpyxl

    from budget_xl.synth import read_manifest

    plants = read_manifest(folder)
    wb = openpyxl.load_workbook(report, read_only=True)
    cells_err, cells_any = set(), set()
    for row in wb["明细"].iter_rows(min_row=2, values_only=True):
        for c in (row[4] or "").split("、"):
            cells_any.add((row[0], c))
            if row[3] == "错误":
                cells_err.add((row[0], c))
    by_kind: dict[str, list[int]] = {}
    for p in plants:
        k = by_kind.setdefault(p["kind"], [0, 0, 0])
        k[0] += 1
        k[1] += (p["file"], p["cell"]) in cells_err
        k[2] += (p["file"], p["cell"]) in cells_any
    print(f"{'类型':<8}{'埋入':>6}{'错误中有该单元格':>18}{'任一问题中有':>14}")
    for kind, (n, e, a) in sorted(by_kind.items()):
        print(f"{kind:<8}{n:>6}{e:>18}{a:>14}")
    n = len(plants)
    e = sum(v[1] for v in by_kind.values())
    a = sum(v[2] for v in by_kind.values())
    print(f"{'合计':<8}{n:>6}{e:>18}{a:>14}")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "one"
    random.seed(0)
    if what == "one":
        bench_one()
    elif what == "rows":
        bench_rows()
    elif what == "addin":
        bench_addin()
    elif what == "batch":
        bench_batch(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    elif what == "planted":
        bench_planted(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
