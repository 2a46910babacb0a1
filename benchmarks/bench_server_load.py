"""A departmental add-in server under load: 20 concurrent 校验 requests on the sample, on loopback.

    python benchmarks/bench_server_load.py [--workers 2] [--requests 20]

Starts `budget-xl serve --workers N` on 127.0.0.1 (a user list switches authentication on, as on a
LAN server), measures one request at a time first (the baseline of this run), then N concurrent
requests, each carrying its own workbook (a different wrong figure in 收入总表!D8). Prints p50/p95/max
latency, the ratio p95 / baseline, whether every request succeeded and saw only its own workbook, and
the peak memory of the server's processes (sum of RSS, sampled from /proc every 20 ms; Linux only).
Copy the printed lines into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budget_xl.excel.users import add_user  # noqa: E402
from budget_xl.sample import write_sample  # noqa: E402
from tests.excel.fake_excel import FakeExcel, sample_grids_from_file, with_value  # noqa: E402

CELL = "收入总表!D8"


def wrong_value(i: int) -> float:
    return round(1400.11 + i, 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pid: int) -> int:
    """RSS in bytes of a process and its children (uvicorn's workers)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return total


def run(workers: int, requests: int) -> dict:
    tmp = Path(tempfile.mkdtemp())
    grids = sample_grids_from_file(write_sample(tmp / "sample.xlsx"))
    users = tmp / "users.txt"
    token = add_user(users, "bench")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    proc = subprocess.Popen([sys.executable, "-m", "budget_xl", "serve", "--port", str(port), "--workers",
                             str(workers), "--users", str(users)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/xlwings/custom-scripts-call/validate"
    headers = {"Authorization": token}
    peak, stop = [0], threading.Event()

    def sample_memory():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.02)

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/xlwings/custom-scripts-meta", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.3)
        payloads = [FakeExcel(with_value(grids, CELL, wrong_value(i))).payload() for i in range(requests)]
        for _ in range(workers * 2):  # warm every worker up
            httpx.post(url, json=payloads[0], headers=headers, timeout=120)
        baseline = []
        for i in range(5):
            t = time.perf_counter()
            httpx.post(url, json=payloads[i], headers=headers, timeout=120).raise_for_status()
            baseline.append(time.perf_counter() - t)
        threading.Thread(target=sample_memory, daemon=True).start()

        def one(i):
            t = time.perf_counter()
            r = httpx.post(url, json=payloads[i], headers=headers, timeout=120)
            return i, r, time.perf_counter() - t

        t0 = time.perf_counter()
        with ThreadPoolExecutor(requests) as pool:
            results = list(pool.map(one, range(requests)))
        wall = time.perf_counter() - t0
        stop.set()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ok = all(r.status_code == 200 for _i, r, _t in results)
    own = all(json.dumps(wrong_value(i)) in r.text and not any(
        json.dumps(wrong_value(j)) in r.text for j in range(requests) if j != i) for i, r, _t in results)
    lat = sorted(t for _i, _r, t in results)
    p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
    base = statistics.median(baseline)
    return {"workers": workers, "requests": requests, "all_ok": ok, "own_workbook_only": own,
            "baseline_s": base, "p50_s": statistics.median(lat), "p95_s": p95, "max_s": lat[-1], "wall_s": wall,
            "p95_over_baseline": p95 / base, "peak_rss_mb": peak[0] / 2**20, "cpus": os.cpu_count()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=20)
    a = ap.parse_args()
    r = run(a.workers, a.requests)
    print(f"{r['requests']} concurrent 校验 requests, {r['workers']} workers, {r['cpus']} CPUs: "
          f"all succeeded: {r['all_ok']}; each saw only its own workbook: {r['own_workbook_only']}")
    print(f"one request alone (baseline, median of 5): {r['baseline_s'] * 1000:.0f} ms")
    print(f"concurrent: p50 {r['p50_s'] * 1000:.0f} ms, p95 {r['p95_s'] * 1000:.0f} ms, max {r['max_s'] * 1000:.0f} ms, "
          f"all done in {r['wall_s']:.2f} s; p95 / baseline = {r['p95_over_baseline']:.1f}")
    print(f"peak memory of the server's processes: {r['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
