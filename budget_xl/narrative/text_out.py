"""The 情况说明 as plain text (ready to paste into Word) or Markdown."""

from __future__ import annotations

import re

from budget_xl.narrative.render import HEADING, PARA, TABLE, TITLE, Narrative, shown
from budget_xl.narrative.tables import Grid, grid_for

INDENT = "\u3000\u3000"  # 首行缩进两字
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def plain(text: str) -> str:
    return shown(_BOLD.sub(r"\1", text))


def markdown(text: str) -> str:
    """A block's text in Markdown: the template's **…** as it is, a sheet text's asterisk escaped."""
    return shown(text, "\\*")


def to_txt(narrative: Narrative) -> str:
    """One paragraph a line, indented two characters; tables as tab-separated lines (Word: 文本转换成表格)."""
    lines: list[str] = []
    for b in narrative.blocks:
        if b.kind == TITLE:
            lines += [plain(b.text), ""]
        elif b.kind == HEADING:
            if b.level == 1 and lines and lines[-1]:
                lines.append("")
            lines.append(plain(b.text))
        elif b.kind == PARA:
            lines.append(INDENT + plain(b.text))
        elif b.kind == TABLE:
            lines += [""] + grid_lines_tsv(grid_for(narrative.budget, b.text, b.arg)) + [""]
    return "\n".join(lines).rstrip() + "\n"


def grid_lines_tsv(grid: Grid) -> list[str]:
    out = []
    if grid.title:
        out.append(grid.title)
    cap = [c for c in grid.caption if c]
    if cap:
        out.append("    ".join(cap))
    for row in _filled(grid):
        out.append("\t".join(_one_line(c) for c in row))
    out += grid.notes
    return out


def to_md(narrative: Narrative) -> str:
    out: list[str] = []
    for b in narrative.blocks:
        if b.kind == TITLE:
            out.append(f"# {markdown(b.text)}")
        elif b.kind == HEADING:
            out.append(f"{'#' * (b.level + 1)} {markdown(b.text)}")
        elif b.kind == PARA:
            out.append(markdown(b.text))
        elif b.kind == TABLE:
            out.append(grid_md(grid_for(narrative.budget, b.text, b.arg)))
    return "\n\n".join(out).rstrip() + "\n"


def grid_md(grid: Grid) -> str:
    parts = []
    if grid.title:
        parts.append(f"**{grid.title}**")
    cap = [c for c in grid.caption if c]
    if cap:
        parts.append("　".join(cap))
    rows = _filled(grid)
    nh = max(grid.header_rows, 1)
    head = [_md_cell("·".join(dict.fromkeys(rows[r][c] for r in range(nh) if rows[r][c])))
            for c in range(grid.ncols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    for row in rows[nh:]:
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    parts.append("\n".join(lines))
    parts += grid.notes
    return "\n\n".join(parts)


def _filled(grid: Grid) -> list[list[str]]:
    """Merged header cells repeat their text over the columns they span (so flattened headers read right)."""
    rows = [list(r) for r in grid.rows]
    for r0, c0, r1, c1 in grid.merges:
        if r0 < grid.header_rows:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    rows[r][c] = rows[r0][c0] if (r, c) != (r0, c0) and r == r0 else rows[r][c]
    return rows


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")
