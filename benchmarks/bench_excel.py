"""How the add-in's handlers scale: actions and JSON sizes for the sample and for a padded workbook.

    python benchmarks/bench_excel.py

Runs on the remote engine (what xlwings Server runs for Office.js), no Excel needed. The padded
workbook holds the same tables plus many unrelated values (3× the columns to the right of every
table, twice the rows below, a sheet of 10,000 numbers); its findings are the sample's.
"""

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import xlwings as xw  # noqa: E402

from budget_xl.excel import handlers  # noqa: E402
from budget_xl.excel.ranges import a1  # noqa: E402
from budget_xl.read.files import load_grids_calamine  # noqa: E402
from budget_xl.sample import write_sample  # noqa: E402


def payload(grids):
    sheets = []
    for name, grid in grids.items():
        width = max((len(r) for r in grid), default=0)
        values = [["" if v is None else v for v in r] + [""] * (width - len(r)) for r in grid]
        sheets.append({"name": name, "values": values, "used_range_address": f"A1:{a1(len(grid) - 1, width - 1)}",
                       "visibility": "Visible", "pictures": [], "tables": [], "notes": []})
    return {"client": "Office.js", "version": xw.__version__, "names": [], "sheets": sheets,
            "book": {"name": "bench.xlsx", "active_sheet_index": 0, "selection": "A1"}}


def padded(grids, factor=3):
    out = {}
    for name, grid in grids.items():
        w = max(len(r) for r in grid)
        rows = [list(r) + [""] * (w - len(r)) + [""] + [float(i + j) for j in range(w * factor)]
                for i, r in enumerate(grid)]
        rows += [[""] * (w + 1) + [float(i + j) for j in range(w * factor)] for i in range(2 * len(grid))]
        out[name] = rows
    out["附表（无关数据）"] = [[float(i * j) for j in range(20)] for i in range(500)]
    return out


def broken(grids):
    g = {k: [list(r) for r in v] for k, v in grids.items()}
    g["收入总表"][7][3] = 1465.88  # 20406 司法 合计, was 1365.88
    return g


def run(label, grids, handler):
    p = payload(grids)
    size_in = len(json.dumps(p, ensure_ascii=False).encode())
    cells = sum(len(r) for s in p["sheets"] for r in s["values"])
    t = time.perf_counter()
    book = xw.Book(json=p)
    handler(book)
    ms = (time.perf_counter() - t) * 1000
    actions = book.json()["actions"]
    size_out = len(json.dumps(book.json(), ensure_ascii=False).encode())
    print(f"{label:<28}{handler.__name__:<12}{cells:>8}{size_in / 1024:>10.0f}{len(actions):>9}"
          f"{size_out / 1024:>10.1f}{ms:>9.0f}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        grids = load_grids_calamine(write_sample(Path(tmp) / "sample.xlsx"))
    print(f"{'workbook':<28}{'handler':<12}{'cells':>8}{'in KB':>10}{'actions':>9}{'out KB':>10}{'ms':>9}")
    for label, g in (("sample", grids), ("sample, one amount changed", broken(grids)),
                     ("padded", padded(grids)), ("padded, one amount changed", broken(padded(grids)))):
        run(label, g, handlers.validate)
    run("sample", grids, handlers.recompute)
    run("padded", padded(grids), handlers.recompute)


if __name__ == "__main__":
    main()
