"""Error localization on the sample: 300 planted single errors of every kind, and the time it takes.

Each single error is typed into the Budget and localized from it (constraints rebuilt, as `check` does);
a plant that breaks no relation (it only blanks a total: a warning) is replaced by another.

Acceptance (issue 10): the planted cell named first in ≥ 95 %, among the candidates in 100 %; one planted
error localized in < 0.2 s, ten in < 2 s. Times are printed next to a baseline measured in the same run
(the whole rule engine, run_checks, on the same sample). Run: python benchmarks/bench_localize.py [SEED]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import defaultdict

from budget_xl.localize import localize
from budget_xl.localize.adapter import constraints_from_budget
from budget_xl.localize.plant import KINDS, among_candidates, named_first, plant, run_plants
from budget_xl.rules import run_checks
from budget_xl.sample import sample_budget


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def several(inputs, rng, n):
    values, plants, used = dict(inputs.values), [], set()
    while len(plants) < n:
        p = plant(rng.choice(KINDS), inputs, rng, values)
        if p is None or p.cells & used:
            continue
        used |= p.cells
        plants.append(p)
        values = p.apply(values)
    return values, plants


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    rng = random.Random(seed)
    budget = sample_budget()
    run_checks(budget)
    _, base = timed(lambda: run_checks(budget))
    inputs, build = timed(lambda: constraints_from_budget(budget))

    stats = defaultdict(lambda: [0, 0, 0])
    times = []
    for p, loc, dt in run_plants(budget, 300, rng):
        times.append(dt)
        s = stats[p.kind]
        s[0] += 1
        s[1] += named_first(p, loc)
        s[2] += among_candidates(p, loc)
    n = sum(s[0] for s in stats.values())
    first = sum(s[1] for s in stats.values())
    among = sum(s[2] for s in stats.values())
    print(f"种子 {seed}；约束 {len(inputs.constraints)} 条，单元格 {len(inputs.meta)} 个")
    print(f"{'类型':<14}{'次数':>6}{'首位命中':>10}{'候选命中':>10}")
    for kind in KINDS:
        s = stats[kind]
        print(f"{kind:<14}{s[0]:>6}{s[1]:>10}{s[2]:>10}")
    print(f"合计 {n} 次：首位命中 {first / n:.1%}（目标 ≥ 95%），候选命中 {among / n:.1%}（目标 100%）")

    one = statistics.median(times)
    print(f"\n基线 run_checks（全部规则）：{base * 1000:.1f} ms；建约束（adapter）：{build * 1000:.1f} ms")
    print(f"一处错误（含建约束）：中位 {one * 1000:.1f} ms，最慢 {max(times) * 1000:.1f} ms（目标 < 200 ms），"
          f"中位为基线的 {one / base:.2f} 倍")

    ten_times, named, planted = [], 0, 0
    for _ in range(20):
        values, plants = several(inputs, rng, 10)
        loc, dt = timed(lambda values=values: localize(inputs.constraints, values, inputs.weights, inputs.meta))
        ten_times.append(dt)
        best = {c for g in loc.groups if g.best for c in g.best.cells}
        named += sum(1 for p in plants if p.cells & best)
        planted += len(plants)
    ten = statistics.median(ten_times)
    print(f"十处错误（20 次）：定位中位 {ten * 1000:.1f} ms，最慢 {max(ten_times) * 1000:.1f} ms；"
          f"含建约束 {(max(ten_times) + build) * 1000:.1f} ms（目标 < 2000 ms），为基线的 {(ten + build) / base:.2f} 倍；"
          f"首选解点中 {named}/{planted} 处")


if __name__ == "__main__":
    main()
