"""Findings for people: a table grouped by sheet, and the JSON a reviewer's tooling reads.

The summary line and the JSON also carry the coverage of the relations (``budget_xl.relations.Coverage``):
how many were checked, how many do not apply to this template or document, how many a blank left unchecked —
so that "0 errors" reads as "checked and found none".

Localization's LOCATE findings (budget_xl.localize.fold) come first, each with the findings it explains
printed under it; those folded findings are not repeated in their sheet's group. Counts leave LOCATE out
(it restates errors already counted) and name it separately.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from budget_xl.findings import SEVERITY_ZH, Finding, count_text, summarize

if TYPE_CHECKING:
    from budget_xl.relations import Coverage

STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
LOCATE = "LOCATE"


def finding_json(f: Finding) -> dict:
    out = f.to_json()
    for key in ("folded_under", "explains", "kind", "candidates"):
        if key in f.extra:
            out[key] = f.extra[key]
    return out


def to_json(source: str, findings: list[Finding], coverage: Coverage | None = None) -> str:
    return json.dumps(file_json(source, findings, coverage), ensure_ascii=False, indent=2)


def file_json(source: str, findings: list[Finding], coverage: Coverage | None = None) -> dict:
    """One checked file as JSON: counts, the coverage of its relations (checked / not applicable / not
    checkable, per table and per rule) and every finding."""
    summary = summarize(findings)  # the one count (findings.summarize): LOCATE apart, as "located"
    out = {"file": source, "summary": summary}
    if coverage is not None:
        out["coverage"] = coverage.to_json()
    out["findings"] = [finding_json(f) for f in findings]
    return out


def coverage_text(coverage: Coverage | None) -> str:
    """“检查关系 466 处，不适用 207 处，因空白未能检查 0 处”, and plainly when nothing was checked."""
    if coverage is None:
        return ""
    if coverage.checked == 0:
        return f"{coverage.line()}——没有核对任何关系，“错误 0 条”不表示通过"
    return coverage.line()


def summary_line(findings: list[Finding], coverage: Coverage | None = None) -> str:
    cov = f"；{coverage_text(coverage)}" if coverage is not None else ""
    return f"{count_text(summarize(findings))}{cov}"


def _line(console: Console, f: Finding, indent: str = "  ") -> None:
    cells = "、".join(f.cells[:4]) + ("等" if len(f.cells) > 4 else "")
    # user text (file, sheet and row names) may hold “[red]” or “[/bold]”: printed literally, never as markup
    console.print(f"{indent}[{STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.rule}  {escape(cells)}", soft_wrap=True)
    console.print(f"{indent}    {escape(f.message)}", soft_wrap=True)


def print_findings(console: Console, source: str, findings: list[Finding], show_info: bool = True,
                   coverage: Coverage | None = None) -> None:
    """Plain lines grouped by sheet, whole messages (a reviewer copies them into a letter)."""
    console.print(f"[bold]校验 {escape(source)}[/bold]：{summary_line(findings, coverage)}", soft_wrap=True)
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
