"""Findings for people: a table grouped by sheet, and the JSON a reviewer's tooling reads."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from budget_xl.findings import SEVERITY_ZH, Finding, summarize

STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def to_json(source: str, findings: list[Finding]) -> str:
    return json.dumps({"file": source, "summary": summarize(findings),
                       "findings": [f.to_json() for f in findings]}, ensure_ascii=False, indent=2)


def summary_line(findings: list[Finding]) -> str:
    c = summarize(findings)
    return f"错误 {c['error']} 条，警告 {c['warning']} 条，提示 {c['info']} 条"


def print_findings(console: Console, source: str, findings: list[Finding], show_info: bool = True) -> None:
    """Plain lines grouped by sheet, whole messages (a reviewer copies them into a letter)."""
    by_sheet: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == "info" and not show_info:
            continue
        by_sheet.setdefault(f.sheet or "（整体）", []).append(f)
    # user text (file, sheet and row names) may hold “[red]” or “[/bold]”: printed literally, never as markup
    console.print(f"[bold]校验 {escape(source)}[/bold]：{summary_line(findings)}", soft_wrap=True)
    for sheet, items in by_sheet.items():
        console.print(f"\n[bold]【{escape(sheet)}】[/bold]")
        for f in items:
            cells = "、".join(f.cells[:4]) + ("等" if len(f.cells) > 4 else "")
            console.print(f"  [{STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.rule}  {escape(cells)}", soft_wrap=True)
            console.print(f"      {escape(f.message)}", soft_wrap=True)
