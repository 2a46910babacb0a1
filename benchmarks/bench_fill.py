"""`fill` (重算汇总) on the sample grown by N extra 项 rows, against `check` of the same file, in one run.

The extra rows (new 款 20491…, 50 项 each, 1.00 万元 of basic spending) are added to 收入总表, 支出总表 and the
一般公共预算支出表 with every total above them blanked, so fill has real work: the ratio fill / check shows
whether fill grows like check (target ≤ 3; the old repair loop re-ran every check per candidate).
Run: python benchmarks/bench_fill.py [N]
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from budget_xl.fill import plan_fill
from budget_xl.model import TOTAL_KEY, Row
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
from budget_xl.sample import sample_budget
from budget_xl.write.workbook import write_workbook


def grown(n: int):
    budget = copy.deepcopy(sample_budget())
    one = Decimal("1.00")
    for key, cols in (("T2", {"total": one, "sub": one, "fin": one}), ("T3", {"total": one, "basic": one}),
                      ("T5", {"total": one, "basic": one})):
        t = budget.tables[key]
        at = next(i for i, r in enumerate(t.rows) if r.key == "20406") + 1
        extra = []
        for i in range(n):  # new 款 20491…, 50 项 each: 2049150…
            kuan = f"2049{1 + i // 50}"
            if i % 50 == 0:
                extra.append(Row(key=kuan, values={"code": kuan, "name": f"测试款{1 + i // 50}"}))
            code = f"{kuan}{50 + i % 50:02d}"
            extra.append(Row(key=code, values={"code": code, "name": f"测试项目{i}", **cols}))
        t.rows[at:at] = extra
        for r in t.rows:  # blank every total above (类、款、合计): fill recomputes them
            if r.key == TOTAL_KEY or len(r.key) < 7:
                for c in cols:
                    r.values[c] = None
        t.reindex()
    return budget


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as d:
        path = write_workbook(grown(n), Path(d) / "grown.xlsx")
        r = read_workbook(path)
        t = time.perf_counter()
        run_checks(r.budget, r.notes)
        t_check = time.perf_counter() - t
        t = time.perf_counter()
        _, changes = plan_fill(r.budget)
        t_fill = time.perf_counter() - t
        filled, _ = plan_fill(r.budget)
        errors = [f for f in run_checks(filled) if f.severity == "error"]
    print(f"样例 + {n} 个项级行：check {t_check * 1000:.0f} ms；fill {t_fill * 1000:.0f} ms（改写 {len(changes)} 个单元格，"
          f"重算后错误 {len(errors)} 条）")
    print(f"比值 fill / check = {t_fill / t_check:.2f}（目标 ≤ 3）")


if __name__ == "__main__":
    main()
