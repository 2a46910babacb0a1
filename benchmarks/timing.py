"""The benchmarks' one way of timing a call: every round measured, the caller takes the best or the median."""

from __future__ import annotations

import time


def times(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def best(fn, rounds: int) -> float:
    return min(times(fn, rounds))
