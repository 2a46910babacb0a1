"""The exhaustive sweep behind tests/test_rules_every_amount.py: ±1.00 (万元) on each of the sample's 362 printed
amounts must give an error naming that cell. Prints the misses (0 expected) and the time per amount against one
plain check of the sample in the same run. Run: python benchmarks/bench_every_amount.py"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.rulekit import check  # noqa: E402
from tests.test_rules_every_amount import CELLS, missed_cells  # noqa: E402


def main() -> None:
    t = time.perf_counter()
    check()
    base = time.perf_counter() - t
    for delta in (1, -1):
        t = time.perf_counter()
        missed = missed_cells(CELLS, delta)
        per = (time.perf_counter() - t) / len(CELLS)
        print(f"{delta:+d}.00 万元 × {len(CELLS)} 个金额：漏报 {len(missed)} 个 {missed[:5]}；"
              f"每个 {per * 1000:.1f} ms，为一次校验的 {per / base:.2f} 倍")


if __name__ == "__main__":
    main()
