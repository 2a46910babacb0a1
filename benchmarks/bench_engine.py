"""`check` on the sample with the declared-relations engine against the engine before it (commit 1099504,
rules written per table in Python), in one run: both timed in fresh subprocesses, interleaved, same file.

Prints the ratio new / old (target ≤ 1.0: no slower). Run: python benchmarks/bench_engine.py [ROUNDS]
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "1099504"  # the last commit with the old engine

TIMER = r"""
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
path, rounds = sys.argv[2], int(sys.argv[3])
r = read_workbook(path); run_checks(r.budget, r.notes)
times = []
for _ in range(rounds):
    t = time.perf_counter()
    r = read_workbook(path)
    found = run_checks(r.budget, r.notes)
    times.append(time.perf_counter() - t)
print(statistics.median(times), len(found))
"""


def _old_tree(into: Path) -> Path:
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "budget_xl"], capture_output=True, check=True).stdout
    tarfile.open(fileobj=BytesIO(blob)).extractall(into)
    return into


def _time(tree: Path, path: Path, rounds: int) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", TIMER, str(tree), str(path), str(rounds)], capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    from budget_xl.sample import write_sample

    with tempfile.TemporaryDirectory() as d:
        path = write_sample(Path(d) / "sample.xlsx")
        old = _old_tree(Path(d) / "old")
        new_t, old_t = [], []
        for _ in range(3):
            new_t.append(_time(ROOT, path, rounds))
            old_t.append(_time(old, path, rounds))
    new_med = sorted(t for t, _ in new_t)[1]
    old_med = sorted(t for t, _ in old_t)[1]
    print(f"新引擎（关系声明）check：中位 {new_med * 1000:.1f} ms，{new_t[0][1]} 条结果")
    print(f"旧引擎（{BASELINE}）check：中位 {old_med * 1000:.1f} ms，{old_t[0][1]} 条结果")
    print(f"比值 新 / 旧 = {new_med / old_med:.2f}（目标 ≤ 1.0）")


if __name__ == "__main__":
    main()
