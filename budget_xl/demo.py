"""``budget-xl demo``: the whole pipeline on the embedded sample, printed for a newcomer."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from budget_xl.model import Budget
from budget_xl.read import read_workbook
from budget_xl.sample import write_sample
from budget_xl.units import fmt2

SAMPLE_NAME = "样例_承德市司法局2024.xlsx"


def overview(budget: Budget) -> RichTable:
    """One line per sheet: rows read and the key total."""
    t = RichTable(title=Text(f"{budget.dept_name} {budget.year or ''} 年部门{budget.kind}主表工作簿"), show_lines=False)
    t.add_column("工作表")
    t.add_column("表名")
    t.add_column("行数", justify="right")
    t.add_column("单位")
    t.add_column("合计", justify="right")
    for key, table in budget.tables.items():
        if not table.present and not table.layout.written:
            continue
        total = ""
        if table.layout.kind == "coded" and table.total_row:
            total = fmt2(table.total_row.amount("total"))
        elif key == "T1" and table.get("in_grand"):
            total = "收入总计 " + fmt2(table.get("in_grand").amount("in_amount"))
        elif key == "T4" and table.get("in_grand"):
            total = "收入总计 " + fmt2(table.get("in_grand").amount("in_amount"))
        elif key == "T9" and table.get("total"):
            total = fmt2(table.get("total").amount("total"))
        elif key == "ASSET" and table.get("total"):
            total = "资产总额 " + fmt2(table.get("total").amount("value"))
        elif key == "PROJ":
            amounts = [r.amount("budget") for r in table.rows if r.amount("budget") is not None]
            total = f"预算数合计 {fmt2(sum(amounts))}" if amounts else ""
        if not table.has_amounts() and table.notes:
            total = "空表"
        has_money = bool(table.layout.amount_columns) and key not in ("INFO",)
        t.add_row(*(Text(x) for x in (table.sheet_name(), table.layout.title, str(len(table.rows)),
                                       table.unit if has_money else "", total)))
    return t


def run_demo(out: Path, console: Console) -> int:
    from budget_xl import outputs

    if out.exists() and not out.is_dir():
        from budget_xl.errors import InputError
        raise InputError("演示的输出应是一个文件夹，这里是一个文件。", file=str(out))
    sample = out / SAMPLE_NAME
    outputs.write_with(sample, write_sample, force=True)  # our own generated files, replaced atomically
    console.print(f"[bold]1. 样例工作簿[/bold] 已写入 {escape(str(sample))}")
    result = read_workbook(sample)
    console.print(overview(result.budget))
    for step in _later_steps():
        step(result, out, console)
    return 0


MARKED_NAME = "样例_校验标注.xlsx"


def check_step(result, out: Path, console: Console) -> None:
    """校验 the sample and write the marked copy."""
    from budget_xl.mark import mark_workbook
    from budget_xl.report import print_findings
    from budget_xl.rules import run_checks

    findings = run_checks(result.budget, result.notes)
    console.print("\n[bold]2. 校验[/bold]（尾差只作提示，不算错误）")
    print_findings(console, result.budget.source, findings, show_info=False)
    from budget_xl import outputs

    marked = outputs.write_with(out / MARKED_NAME,
                                lambda tmp: mark_workbook(Path(result.budget.source), tmp, findings), force=True)
    console.print(f"已写出标注副本 {escape(str(marked))}：警告单元格标黄并加批注，全部 {len(findings)} 条结果见“校验结果”工作表。",
                  soft_wrap=True)


def _later_steps():
    """Demo steps after writing the sample (each takes result, out dir, console)."""
    from budget_xl.narrative import demo_step

    return [check_step, demo_step]
