"""How long rendering the sample's 情况说明 takes, against a baseline measured in the same run.

Target: under 0.1 s for the narrative (context + 12 section templates + self-check). The baseline is openpyxl
loading the sample workbook (~0.1 s on the reference machine), so the ratio travels between machines.
Prints numbers only; it asserts nothing (timings belong in a benchmark, not in the tests).

    python benchmarks/bench_narrative.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn, repeat: int) -> tuple[float, float]:
    """(first run, median of the next ``repeat`` runs) in seconds."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    import openpyxl

    from budget_xl.narrative.api import narrative_of, narrative_output
    from budget_xl.read import read_workbook
    from budget_xl.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        path = write_sample(Path(tmp) / "sample.xlsx")
        budget = read_workbook(path).budget
        base_first, base = timed(lambda: openpyxl.load_workbook(path), max(3, args.repeat // 4))
        render_first, render = timed(lambda: narrative_of(budget), args.repeat)
        narrative = narrative_of(budget)
        _, txt = timed(lambda: narrative_output(narrative, ".txt"), args.repeat)
        _, word = timed(lambda: narrative_output(narrative, ".docx"), max(3, args.repeat // 4))

    rows = [
        ("baseline: openpyxl loads the sample workbook", base_first, base),
        ("narrative rendered (context, templates, self-check)", render_first, render),
        ("... written as .txt", None, txt),
        ("... written as .docx (python-docx)", None, word),
    ]
    print(f"{'':58} {'first':>9} {'median':>9} {'÷ baseline':>11}")
    for name, first, median in rows:
        f = f"{first * 1000:8.1f}ms" if first is not None else " " * 10
        print(f"{name:58} {f} {median * 1000:8.1f}ms {median / base:10.2f}×")
    verdict = "under" if render_first < 0.1 else "OVER"
    print(f"\nrendering the narrative: {render_first * 1000:.1f} ms cold, {render * 1000:.1f} ms warm "
          f"({verdict} the 0.1 s target; {render / base:.2f}× the openpyxl load)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
