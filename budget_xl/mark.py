"""Marking a workbook with its findings: red error cells, yellow warnings, a note on each, and a
校验结果 sheet with a hyperlink per finding and a 说明 column for the user.

``plan_marks`` is pure and engine-agnostic (the openpyxl writer below and the xlwings adapter both apply
it). Re-running replaces the previous marks: the cells' own fills and notes are kept in a hidden sheet and
restored first, and every 说明 the user wrote is carried over — for findings that are gone too, at the
bottom, so nothing typed is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from budget_xl.findings import ERROR, SEVERITY_ZH, WARNING, Finding, split_ref, summarize

RESULT_SHEET = "校验结果"
STATE_SHEET = "_校验标记"
FILL = {ERROR: "FFFFC7CE", WARNING: "FFFFEB9C"}
FONT_COLOR = {ERROR: "FF9C0006", WARNING: "FF9C5700"}
HEADER = ["序号", "级别", "规则", "位置", "问题", "应为（万元）", "实为（万元）", "差额（万元）", "涉及单元格", "说明（请填写）"]
EXPLAIN_COL = len(HEADER)  # 1-based column of 说明
GONE_TITLE = "以下问题在本次校验中已不再出现，保留当时填写的说明："
NOTE_PREFIX = "【校验】"
STATE_HEADER = ["单元格", "原填充色", "原批注", "原批注作者"]
# written in 原批注作者 by an engine that could not read a cell's own note (Office.js): leave that note alone
NOTE_KEPT = "（原批注未读取，保持不变）"


@dataclass
class CellMark:
    cell: str
    severity: str
    lines: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return NOTE_PREFIX + "\n".join(self.lines)


@dataclass
class MarkPlan:
    cells: dict[str, CellMark]
    title: str
    rows: list[list]            # the finding rows of 校验结果, in HEADER order
    gone: list[list]            # [规则, 位置, 问题, 说明] of explained findings no longer found
    links: list[str | None]     # first cell of each row, for the hyperlink


_NUMBER = re.compile(r"-?\d[\d,]*\.\d+")
_CELLREF = re.compile(r"[^\s!、，。：“”]+![A-Z]{1,3}\d+")


def finding_key(rule: str, first_cell: str | None, message: str = "") -> str:
    """Which finding a 说明 belongs to: rule, sheet and message without its amounts or cell addresses, so
    the 说明 survives inserted rows (addresses move) and corrected amounts (the difference changes)."""
    sheet = split_ref(first_cell)[0] if first_cell else ""
    norm = _CELLREF.sub("#", _NUMBER.sub("#", message or ""))
    return f"{rule}|{sheet}|{norm}"


def _money(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def plan_marks(findings: list[Finding], explanations: dict[str, tuple[str, str, str, str]] | None = None,
               source: str = "", now: datetime | None = None) -> MarkPlan:
    """What to colour, what to note and what 校验结果 lists; ``explanations`` maps finding_key → (rule, 位置,
    问题, 说明) from the previous 校验结果 sheet."""
    explanations = dict(explanations or {})
    cells: dict[str, CellMark] = {}
    for f in findings:
        if f.severity not in FILL:
            continue
        for c in f.cells:
            m = cells.setdefault(c, CellMark(cell=c, severity=f.severity))
            if f.severity == ERROR:
                m.severity = ERROR
            m.lines.append(f"[{SEVERITY_ZH[f.severity]} {f.rule}] {f.message}")
    rows, links = [], []
    for i, f in enumerate(findings, start=1):
        first = f.cells[0] if f.cells else None
        key = finding_key(f.rule, first, f.message)
        explained = explanations.pop(key, ("", "", "", ""))[3]
        rows.append([i, SEVERITY_ZH[f.severity], f.rule, first or "", f.message, _money(f.expected),
                     _money(f.actual), _money(f.difference), "、".join(f.cells), explained or None])
        links.append(first)
    gone = [[rule, where, message, text] for rule, where, message, text in explanations.values() if text]
    counts = summarize(findings)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    title = (f"校验结果（{stamp}{'，' + source if source else ''}）：错误 {counts['error']} 条，"
             f"警告 {counts['warning']} 条，提示 {counts['info']} 条")
    return MarkPlan(cells=cells, title=title, rows=rows, gone=gone, links=links)


def read_explanations(grid: list[list]) -> dict[str, tuple[str, str, str, str]]:
    """From a 校验结果 sheet's values: finding_key → (rule, 位置, 问题, 说明) for every row with a 说明."""
    out: dict[str, tuple[str, str, str, str]] = {}
    in_gone = False
    for row in grid:
        row = list(row) + [None] * (EXPLAIN_COL - len(row))
        if row and isinstance(row[0], str) and row[0].startswith(GONE_TITLE[:8]):
            in_gone = True
            continue
        if in_gone:
            rule, where, message, text = (row + [None] * 4)[:4]
        elif isinstance(row[0], (int, float)) and not isinstance(row[0], bool):
            rule, where, message, text = row[2], row[3], row[4], row[EXPLAIN_COL - 1]
        else:
            continue
        if rule and text not in (None, ""):
            where, message = str(where or ""), str(message or "")
            out[finding_key(str(rule), where or None, message)] = (str(rule), where, message, str(text))
    return out


@dataclass
class SavedCell:
    cell: str
    fill: str       # ARGB of the cell's own solid fill, "" for none or unknown
    note: str
    author: str


def read_state(grid: list[list]) -> list[SavedCell]:
    out = []
    for row in grid[1:]:
        row = list(row) + [None] * 4
        if row[0]:
            out.append(SavedCell(str(row[0]), str(row[1] or ""), str(row[2] or ""), str(row[3] or "")))
    return out


def state_rows(saved: list[SavedCell]) -> list[list]:
    return [STATE_HEADER] + [[s.cell, s.fill, s.note, s.author] for s in saved]


# -- openpyxl: marking a file ------------------------------------------------------------------------
OWN_NOTE = "\n——原批注："
OWN_AUTHOR = "\n——原批注作者："
OWN_FILL = "\n——原底色："


def _wrap(note: str, own_note: str, own_author: str, own_fill: str) -> str:
    """Our note, followed by what the cell had before (so the next run can put it back)."""
    text = note
    if own_note:
        text += OWN_NOTE + own_note + (OWN_AUTHOR + own_author if own_author else "")
    if own_fill:
        text += OWN_FILL + own_fill
    return text


def _unwrap(text: str) -> tuple[str, str, str]:
    """Our note → (the cell's own note, its author, its own fill ARGB)."""
    own_fill = own_note = own_author = ""
    if OWN_FILL in text:
        text, own_fill = text.rsplit(OWN_FILL, 1)
    if OWN_NOTE in text:
        text, own_note = text.split(OWN_NOTE, 1)
        if OWN_AUTHOR in own_note:
            own_note, own_author = own_note.rsplit(OWN_AUTHOR, 1)
    return own_note, own_author, own_fill.strip()
def _grid(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def mark_workbook(src: str | Path, out: str | Path, findings: list[Finding], now: datetime | None = None) -> Path:
    """Write a marked copy of ``src`` to ``out`` (``src`` itself is never written)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    src, out = Path(src), Path(out)
    # macros survive only into an .xlsm: an .xlsx with a macro part is a file Excel refuses to open
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == out.suffix.lower() == ".xlsm")
    explanations = read_explanations(_grid(wb[RESULT_SHEET])) if RESULT_SHEET in wb.sheetnames else {}
    # 1. take off the previous run's marks. Our notes carry what they replaced, so marks are found by
    #    content wherever inserted or deleted rows have moved them; the state sheet (by address) only serves
    #    marks an engine left without our note, and only where the cell still wears our colour.
    restored: set[str] = set()
    for ws in wb.worksheets:
        if ws.title in (RESULT_SHEET, STATE_SHEET):
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.comment is not None and c.comment.text.startswith(NOTE_PREFIX):
                    own_note, own_author, own_fill = _unwrap(c.comment.text)
                    c.fill = PatternFill("solid", fgColor=own_fill) if own_fill else PatternFill(fill_type=None)
                    c.comment = Comment(own_note, own_author or "budget-xl") if own_note else None
                    restored.add(f"{ws.title}!{c.coordinate}")
    if STATE_SHEET in wb.sheetnames:
        for s in read_state(_grid(wb[STATE_SHEET])):
            sheet, ref = split_ref(s.cell)
            if s.cell in restored or sheet not in wb.sheetnames:
                continue
            c = wb[sheet][ref]
            if c.fill is None or c.fill.fill_type != "solid" or c.fill.fgColor.rgb not in FILL.values():
                continue  # not our colour any more: a row moved here, or the user recoloured it
            c.fill = PatternFill("solid", fgColor=s.fill) if s.fill else PatternFill(fill_type=None)
        del wb[STATE_SHEET]
    plan = plan_marks(findings, explanations, source=src.name, now=now)
    # 2. remember the cells' own fill and note, then mark
    saved: list[SavedCell] = []
    for ref, m in plan.cells.items():
        sheet, a1 = split_ref(ref)
        if sheet not in wb.sheetnames:
            continue
        c = wb[sheet][a1]
        own_fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" and isinstance(c.fill.fgColor.rgb, str) else ""
        own_note = c.comment.text if c.comment else ""
        own_author = c.comment.author if c.comment else ""
        saved.append(SavedCell(ref, own_fill, own_note, own_author or ""))
        c.fill = PatternFill("solid", fgColor=FILL[m.severity])
        comment = Comment(_wrap(m.note, own_note, own_author or "", own_fill), "budget-xl")
        comment.width, comment.height = 360, 160
        c.comment = comment
    # 3. the 校验结果 sheet, rebuilt (it is ours), with the user's 说明 carried over
    if RESULT_SHEET in wb.sheetnames:
        idx = wb.sheetnames.index(RESULT_SHEET)
        del wb[RESULT_SHEET]
        ws = wb.create_sheet(RESULT_SHEET, idx)
    else:
        ws = wb.create_sheet(RESULT_SHEET, 0)
    ws.append([plan.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(HEADER)
    for c in ws[2]:
        c.font = Font(bold=True)
    for row, link in zip(plan.rows, plan.links):
        ws.append(row)
        r = ws.max_row
        sev = row[1]
        color = {"错误": FONT_COLOR[ERROR], "警告": FONT_COLOR[WARNING]}.get(sev)
        if color:
            ws.cell(r, 2).font = Font(color=color, bold=True)
        if link:
            sheet, a1 = split_ref(link)
            ws.cell(r, 4).hyperlink = f"#'{sheet}'!{a1}"
            ws.cell(r, 4).font = Font(color="FF0563C1", underline="single")
        for col in (6, 7, 8):
            ws.cell(r, col).number_format = "#,##0.00"
        ws.cell(r, 5).alignment = Alignment(wrap_text=True, vertical="top")
    if plan.gone:
        ws.append([])
        ws.append([GONE_TITLE])
        for g in plan.gone:
            ws.append(g)
    for col, width in zip("ABCDEFGHIJ", (6, 6, 16, 22, 70, 12, 12, 12, 30, 40)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    st = wb.create_sheet(STATE_SHEET)
    for row in state_rows(saved):
        st.append(row)
    st.sheet_state = "hidden"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
