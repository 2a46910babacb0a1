"""Findings for people: a table grouped by sheet, and the JSON a reviewer's tooling reads.

Localization's LOCATE findings (budget_xl.localize.fold) come first, each with the findings it explains
printed under it; those folded findings are not repeated in their sheet's group. Counts leave LOCATE out
(it restates errors already counted) and name it separately.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from budget_xl.findings import SEVERITY_ZH, Finding, summarize

STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
LOCATE = "LOCATE"


def finding_json(f: Finding) -> dict:
    out = f.to_json()
    for key in ("folded_under", "explains", "kind", "candidates"):
        if key in f.extra:
            out[key] = f.extra[key]
    return out


def _counts(findings: list[Finding]) -> dict[str, int]:
    return summarize([f for f in findings if f.rule != LOCATE])


def _located(findings: list[Finding]) -> int:
    """Suspect cells named (LOCATE errors; a LOCATE warning says none could be)."""
    return sum(1 for f in findings if f.rule == LOCATE and f.severity == "error")


def to_json(source: str, findings: list[Finding]) -> str:
    summary = {**_counts(findings), "located": _located(findings)}
    return json.dumps({"file": source, "summary": summary,
                       "findings": [finding_json(f) for f in findings]}, ensure_ascii=False, indent=2)


def summary_line(findings: list[Finding]) -> str:
    c = _counts(findings)
    located = _located(findings)
    tail = f"；定位到 {located} 条最可能出错之处" if located else ""
    return f"错误 {c['error']} 条，警告 {c['warning']} 条，提示 {c['info']} 条{tail}"


def _line(console: Console, f: Finding, indent: str = "  ") -> None:
    cells = "、".join(f.cells[:4]) + ("等" if len(f.cells) > 4 else "")
    # user text (file, sheet and row names) may hold “[red]” or “[/bold]”: printed literally, never as markup
    console.print(f"{indent}[{STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.rule}  {escape(cells)}", soft_wrap=True)
    console.print(f"{indent}    {escape(f.message)}", soft_wrap=True)


def print_findings(console: Console, source: str, findings: list[Finding], show_info: bool = True) -> None:
    """Plain lines grouped by sheet, whole messages (a reviewer copies them into a letter)."""
    console.print(f"[bold]校验 {escape(source)}[/bold]：{summary_line(findings)}", soft_wrap=True)
    located = [f for f in findings if f.rule == LOCATE]
    if located:
        console.print("\n[bold]【最可能出错的单元格】[/bold]")
        shown: set[int] = set()
        for f in located:
            _line(console, f)
            under = [g for g in findings if g.extra.get("folded_under") and id(g) not in shown
                     and set(g.cells) & {e for x in f.extra.get("explains", ()) for e in x["cells"]}
                     and any(x["message"] == g.message for x in f.extra.get("explains", ()))]
            for g in under:
                shown.add(id(g))
                _line(console, g, indent="      ")
    by_sheet: dict[str, list[Finding]] = {}
    for f in findings:
        if (f.severity == "info" and not show_info) or f.rule == LOCATE or f.extra.get("folded_under"):
            continue
        by_sheet.setdefault(f.sheet or "（整体）", []).append(f)
    for sheet, items in by_sheet.items():
        console.print(f"\n[bold]【{escape(sheet)}】[/bold]")
        for f in items:
            _line(console, f)
