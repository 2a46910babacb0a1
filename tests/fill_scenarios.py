"""The accountant's edits of issue 17, on a budget model: a consistent change of one 项 in every table that prints
it (and its project), the same with the totals above it blanked, and a new 项 row in all its tables.

Each scenario works on a copy and returns it; ``delta_of`` is Δ of the grand total (in its table's unit)."""

from __future__ import annotations

from decimal import Decimal

from budget_xl.model import Budget, Row, copy_budget

# the detail columns an accountant types for a 项 (project spending paid from this year's 财政拨款)
DETAIL_COLUMNS = {"T3": "project", "T5": "project"}
INCOME = {"national": ("T2", "fin"), "shanghai": ("T2", "gen")}


def income_column(budget: Budget) -> tuple[str, str]:
    t2 = budget["T2"]
    for col in ("fin", "gen", "general"):
        if col in t2.layout.column_map:
            return "T2", col
    raise KeyError("T2 income column")


def item_tables(budget: Budget) -> list[tuple[str, str]]:
    """(table, column) of the detail cells one 项's project spending is typed into."""
    return [("T3", "project"), ("T5", "project"), income_column(budget)]


def consistent_edit(budget: Budget, code: str, delta: Decimal, with_project: bool = True) -> Budget:
    """``code``'s project spending + ``delta`` in 支出总表, 一般公共预算支出表 and 收入总表 (its 财政拨款), and
    the first project under that 功能科目 by the same amount (converted to the project table's unit)."""
    b = copy_budget(budget)
    for key, col in item_tables(b):
        row = b[key].get(code)
        row.values[col] = (row.amount(col) or Decimal(0)) + _in(delta, b, "T3", key)
    if with_project and "PROJ" in b.tables and b["PROJ"].rows:
        proj = next((r for r in b["PROJ"].rows if r.text("func_code") == code), None)
        if proj is not None:
            for col in ("budget", "fiscal"):
                if proj.amount(col) is not None:
                    proj.values[col] = proj.amount(col) + _in(delta, b, "T3", "PROJ")
    return b


def _in(amount: Decimal, budget: Budget, src: str, dst: str) -> Decimal:
    from budget_xl.units import convert

    return convert(amount, budget[src].unit, budget[dst].unit)


def blank(budget: Budget, cells: set[str]) -> Budget:
    """A copy with the given cells blanked (the totals the accountant cleared before 重算汇总)."""
    b = copy_budget(budget)
    for t in b.tables.values():
        for r in t.rows:
            for col, cell in r.cells.items():
                if cell in cells:
                    r.values[col] = None
    return b


def add_item(budget: Budget, code: str, name: str, amount: Decimal, after: str) -> Budget:
    """A new 项 row ``code`` (project spending ``amount``) in the three tables, after row ``after``, with a new
    project under it. Derived cells of the new rows (their 合计) are left blank for 重算汇总."""
    b = copy_budget(budget)
    for key, col in item_tables(b):
        t = b[key]
        at = next(i for i, r in enumerate(t.rows) if r.key == after) + 1
        t.rows.insert(at, Row(key=code, values={"code": code, "name": name, col: _in(amount, b, "T3", key)}))
        t.reindex()
    if "PROJ" in b.tables and b["PROJ"].rows:
        t = b["PROJ"]
        first = t.rows[0]
        v = _in(amount, b, "T3", "PROJ")
        values = {k: None for k in first.values}
        values.update({"seq": str(len(t.rows) + 1), "code": f"NEW{code}", "name": f"{name}经费", "func_code": code,
                       "budget": v, "fiscal": v})
        t.rows.append(Row(key=f"NEW{code}", values=values))
        t.reindex()
    return b


def remove_item(budget: Budget, code: str) -> Budget:
    """A 项 row taken out of every table (its projects too)."""
    b = copy_budget(budget)
    for t in b.tables.values():
        if t.layout.key in ("T2", "T3", "T5", "T7", "T8") and t.get(code) is not None:
            t.rows = [r for r in t.rows if r.key != code]
            t.reindex()
    if "PROJ" in b.tables:
        gone = {r.text("code") for r in b["PROJ"].rows if r.text("func_code") == code}
        b["PROJ"].rows = [r for r in b["PROJ"].rows if r.text("func_code") != code]
        b["PROJ"].reindex()
        if "IND" in b.tables:  # their performance indicators go with them
            b["IND"].rows = [r for r in b["IND"].rows if r.text("project") not in gone]
            b["IND"].reindex()
    return b


def materialize(budget: Budget, path) -> Budget:
    """Write the model as a workbook and read it back: every value gets its cell (sheet!A1)."""
    from budget_xl.read import read_workbook
    from budget_xl.write.workbook import write_workbook

    write_workbook(budget, path)
    return read_workbook(path).budget


def add_project(budget: Budget, code: str, amount: Decimal) -> Budget:
    """A new project under 项 ``code`` and the 项's project spending raised by its amount in the three tables."""
    b = consistent_edit(budget, code, amount, with_project=False)
    t = b["PROJ"]
    v = _in(amount, b, "T3", "PROJ")
    values = {k: None for k in t.rows[0].values}
    key = f"NEWP{len(t.rows) + 1}"
    values.update({"seq": str(len(t.rows) + 1), "code": key, "name": f"新增项目{len(t.rows) + 1}", "func_code": code,
                   "budget": v, "fiscal": v})
    t.rows.append(Row(key=key, values=values))
    t.reindex()
    return b


def project_items(budget: Budget) -> list[str]:
    """项 codes printed in all three tables, paid from this year's 财政拨款 only, with project spending and a
    project under them: where a consistent edit of the project spending can go either way."""
    key, col = income_column(budget)
    funded = {r.text("func_code") for r in budget["PROJ"].rows} if "PROJ" in budget.tables else set()
    out = []
    for r in budget["T3"].coded_rows():
        code = r.code
        if len(code) != 7 or r.amount("project") is None or code not in funded:
            continue
        t2, t5 = budget[key].get(code), budget["T5"].get(code)
        if t2 is None or t5 is None or t2.amount(col) is None:
            continue
        out.append(code)
    return out


def removable_items(budget: Budget) -> list[str]:
    """项 rows of project spending only (no 基本支出, no 上年结转), whose 款 keeps other 项 and prints exactly the sum
    of its 项: taking one out of every table (with its projects) is a consistent edit whose Δ the workbook still
    tells. (Under a 款 whose printed figure carries the budget system's rounding, the row taken out takes the
    knowledge of that rounding with it: the 款 becomes the sum of what is left, within 尾差 of old + Δ.)"""
    out = []
    t3 = budget["T3"]
    for code in project_items(budget):
        r, t2 = t3.get(code), budget["T2"].get(code)
        siblings = [x for x in t3.coded_rows() if x.code != code and x.code.startswith(code[:5]) and len(x.code) == 7]
        if r.amount("basic") is None and t2.amount("carry") is None and siblings and _exact(budget, code[:5]):
            out.append(code)
    return out


def _exact(budget: Budget, kuan: str) -> bool:
    """Every amount column of the 款 row equals the sum of its 项 in the three tables."""
    for key in ("T2", "T3", "T5"):
        t = budget[key]
        row = t.get(kuan)
        items = [r for r in t.coded_rows() if len(r.code) == 7 and r.code.startswith(kuan)]
        for col in t.layout.amount_columns:
            parts = [r.amount(col) for r in items if r.amount(col) is not None]
            if parts and (row.amount(col) or Decimal(0)) != sum(parts, Decimal(0)):
                return False
    return True


def free_item_codes(budget: Budget) -> list[tuple[str, str]]:
    """(new 项 code, the row it follows) under each 款 of 支出总表 that has 项 rows: codes not yet used."""
    t3 = budget["T3"]
    out = []
    for kuan in [r.code for r in t3.coded_rows() if len(r.code) == 5]:
        children = [r.code for r in t3.coded_rows() if len(r.code) == 7 and r.code.startswith(kuan)]
        if not children:
            continue
        free = next((f"{kuan}{n:02d}" for n in range(1, 99) if f"{kuan}{n:02d}" not in children), None)
        if free and free < children[-1]:
            after = max(c for c in children if c < free)
            out.append((free, after))
    return out
