"""The marking plan: from the findings, the previous 校验结果 sheet, the hidden _校验标记 sheet and what
the engine can read of the cells involved, everything a writer has to do — which cells to restore (their
own fill, note text and note author), which to colour and with which note, the rows of 校验结果 (with
each user's 说明 carried over), and the new hidden record.

Pure and engine-neutral: ``check --mark`` (openpyxl, ``budget_xl.marking.xlsx``) and the add-in's 校验
(xlwings, ``budget_xl.excel.handlers``) build this same plan and differ only in how they apply it, so a
file marked by one can be re-marked by the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from budget_xl.findings import ERROR, LOCATE_RULE, SEVERITY_ZH, WARNING, Finding, count_text, split_ref, summarize
from budget_xl.marking.state import (
    NOTE_KEPT,
    NOTE_PREFIX,
    STATE_SHEET,
    Identity,
    SavedCell,
    State,
    clean,
    norm_note,
    read_state,
    recognise,
    state_rows,
    wrap,
)

RESULT_SHEET = "校验结果"
# printed on A4 landscape, one page wide: the widths add up to about 100 % of the printable width at 85 %
RESULT_WIDTHS = (5, 6, 13, 18, 44, 11, 11, 10, 5, 20, 22)
WRAPPED = (3, 4, 5, 10, 11)  # 1-based: 规则, 位置, 问题, 涉及单元格, 说明 wrap; nothing is cut
FILL = {ERROR: "FFFFC7CE", WARNING: "FFFFEB9C"}
LOCATE_FILL = "FFF4B084"  # the cell localization names (最可能出错): orange, apart from the red of what it explains
LOCATE_LEAD = "【最可能出错】"
OUR_FILLS = {v[-6:] for v in (*FILL.values(), LOCATE_FILL)}
FONT_COLOR = {ERROR: "FF9C0006", WARNING: "FF9C5700"}
HEADER = ["序号", "级别", "规则", "位置", "问题", "应为", "实为", "差额", "单位", "涉及单元格", "说明（请填写）"]
EXPLAIN_COL = len(HEADER)  # 1-based column of 说明
AMOUNT_COLS = (6, 7, 8)    # 1-based columns of 应为, 实为, 差额
GONE_TITLE = "以下问题在本次校验中已不再出现，保留当时填写的说明："
MONEY_FORMAT = "#,##0.00"  # thousands separators, two decimals: 元 to the 分, 万元 as printed
WAN = "万元"


# -- what an engine reads ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CellNow:
    """A cell as the engine sees it now."""

    fill: str | None = ""   # ARGB of its solid fill, "" none; None: this engine cannot read fills
    note: str | None = ""   # its note's text, "" none; None: this engine cannot read note texts
    author: str = ""
    has_note: bool = False  # when ``note`` is None: whether there is a note at all


Probe = Callable[[str], CellNow]
Anchor = Callable[[str, str], str]  # (sheet, A1) → the A1 that carries marks (a merge's top-left cell)


# -- what a writer does ------------------------------------------------------------------------------
@dataclass
class CellMark:
    cell: str
    severity: str
    lines: list[str] = field(default_factory=list)
    locate: bool = False  # named by a LOCATE finding: the cell to fix first

    @property
    def note(self) -> str:
        return NOTE_PREFIX + "\n".join(self.lines)


@dataclass(frozen=True)
class Restore:
    """Put back what a cell had before an earlier mark."""

    cell: str
    fill: str | None  # ARGB, "" for no fill; None: leave the fill as it is
    note: str | None  # "" to delete the note; None: leave the note as it is
    author: str = ""


@dataclass(frozen=True)
class Mark:
    cell: str
    severity: str
    note: str | None  # our note (with the cell's own after it); None: leave the cell's unreadable note
    own: SavedCell    # what the cell held before our first mark, for the record
    locate: bool = False

    @property
    def fill(self) -> str:
        return LOCATE_FILL if self.locate else FILL[self.severity]


@dataclass
class Explained:
    """A 说明 the user wrote on a row of the previous 校验结果."""

    rule: str
    where: str
    message: str
    text: str
    identity: Identity | None = None


@dataclass
class MarkPlan:
    title: str
    rows: list[list]            # the finding rows of 校验结果, in HEADER order
    gone: list[list]            # [规则, 位置, 问题, 说明] of explained findings no longer found
    links: list[str | None]     # first cell of each row, for the hyperlink in 位置
    restore: list[Restore] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    state: list[list] = field(default_factory=list)  # the hidden sheet, from A1
    warnings: list[str] = field(default_factory=list)

    @property
    def cells(self) -> dict[str, Mark]:
        return {m.cell: m for m in self.marks}


# -- which 说明 belongs to which finding --------------------------------------------------------------
_NUMBER = re.compile(r"-?\d[\d,]*\.\d+")
_CELLREF = re.compile(r"[^\s!、，。：“”]+![A-Z]{1,3}\d+")


def finding_key(rule: str, first_cell: str | None, message: str = "") -> str:
    """For findings without identity: rule, sheet and message without its amounts or cell addresses, so
    the 说明 survives inserted rows (addresses move) and corrected amounts (the difference changes)."""
    sheet = split_ref(first_cell)[0] if first_cell else ""
    norm = _CELLREF.sub("#", _NUMBER.sub("#", message or ""))
    return f"{rule}|{sheet}|{norm}"


def has_identity(identity: Identity | None) -> bool:
    return identity is not None and any(v is not None for v in identity[1:])


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _columns(header: list) -> dict[str, int]:
    """0-based columns of 规则, 位置, 问题 and 说明 from a 校验结果 header row (older layouts too)."""
    cols = {}
    for j, v in enumerate(header):
        if isinstance(v, str):
            for name in ("规则", "位置", "问题", "说明"):
                if v.strip().startswith(name) and name not in cols:
                    cols[name] = j
    return cols


def read_explanations(grid: list[list] | None, state: State | None = None) -> list[Explained]:
    """Every row of a 校验结果 sheet with a 说明, with its finding's identity when the record has it."""
    state = state or State()
    out: list[Explained] = []
    cols = {"规则": 2, "位置": 3, "问题": 4, "说明": 9}  # the layout before the 单位 column
    in_gone = after_header = False
    for row in grid or []:
        row = list(row)
        first = row[0] if row else None
        if isinstance(first, str) and first.strip() == HEADER[0]:
            found = _columns(row)
            if {"规则", "位置", "问题", "说明"} <= found.keys():
                cols = found
            after_header = True
            continue
        if isinstance(first, str) and first.startswith(GONE_TITLE[:8]):
            in_gone = True
            continue
        if in_gone and _laid_out(row):
            row += [None] * (max(cols.values()) + 1 - len(row))
            rule, where, message, text = (row[cols[k]] for k in ("规则", "位置", "问题", "说明"))
        elif in_gone:  # the layout before issue 17: 规则, 位置, 问题, 说明 from column A
            rule, where, message, text = (row + [None] * 4)[:4]
        elif after_header or isinstance(first, (int, float)) and not isinstance(first, bool):
            row += [None] * (max(cols.values()) + 1 - len(row))
            rule, where, message, text = (row[cols[k]] for k in ("规则", "位置", "问题", "说明"))
        else:
            continue
        if text in (None, ""):
            continue  # (a 说明 without its rule is kept too: it goes to the gone list)
        rule, where, message, text = (_cell_text(v) for v in (rule, where, message, text))
        out.append(Explained(rule, where, message, text, state.identities.get((rule, where, message))))
    return out


GONE_LEVEL = "已消除"
LINE_HEIGHT = 15.0  # points per line of the default 11-point font


def text_width(text: str) -> int:
    """How many character widths a text takes in a column: a CJK character (or a full-width one) takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(row: list, widths: tuple[float, ...] = RESULT_WIDTHS, wrapped: tuple[int, ...] = WRAPPED) -> float:
    """The height (points) a 校验结果 row needs for its wrapped cells to show whole: neither Excel nor LibreOffice
    grows a row written by a program, so the writer sets it."""
    lines = 1
    for col in wrapped:
        v = row[col - 1] if col - 1 < len(row) else None
        if v in (None, ""):
            continue
        room = max(widths[col - 1] - 1.5, 1)
        lines = max(lines, sum(max(1, -(-text_width(part) // int(room))) for part in str(v).split("\n")))
    return lines * LINE_HEIGHT + 2


def gone_row(g: list) -> list:
    """A gone explanation ([规则, 位置, 问题, 说明]) as a 校验结果 row: each field under its own header."""
    rule, where, message, text = g
    row: list = [None] * len(HEADER)
    row[1], row[2], row[3], row[4], row[EXPLAIN_COL - 1] = GONE_LEVEL, rule, where, message, text
    return row


def _laid_out(row: list) -> bool:
    """A gone row written under the headers (``gone_row``), not the older four columns from A."""
    return row[0] in (None, "") and any(v not in (None, "") for v in row[4:])


def _carry(findings: list[Finding], explained: list[Explained]) -> tuple[list[str | None], list[Explained]]:
    """The 说明 of each finding (by identity; by wording only where there is no identity), and the
    explained rows no finding took."""
    by_id: dict[Identity, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for i, e in enumerate(explained):
        if has_identity(e.identity):
            by_id.setdefault(e.identity, []).append(i)
        else:
            by_key.setdefault(finding_key(e.rule, e.where or None, e.message), []).append(i)
    taken: set[int] = set()

    def take(index: dict, key) -> int | None:
        for i in index.get(key, ()):
            if i not in taken:
                taken.add(i)
                return i
        return None

    texts = []
    for f in findings:
        i = take(by_id, f.identity) if has_identity(f.identity) else None
        if i is None:
            i = take(by_key, finding_key(f.rule, f.cells[0] if f.cells else None, f.message))
        texts.append(explained[i].text if i is not None else None)
    return texts, [e for i, e in enumerate(explained) if i not in taken]


# -- the plan ----------------------------------------------------------------------------------------
def _money(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def unit_of(f: Finding) -> str | None:
    """The unit of a finding's amounts: its table's (``Finding.unit``); amounts without one are 万元."""
    if f.unit:
        return f.unit
    return WAN if any(v is not None for v in (f.expected, f.actual, f.difference)) else None


def _anchored(ref: str, anchor: Anchor | None) -> str:
    if anchor is None:
        return ref
    sheet, a1 = split_ref(ref)
    return f"{sheet}!{anchor(sheet, a1)}"


def _ours(fill: str | None) -> bool:
    return bool(fill) and fill[-6:].upper() in OUR_FILLS


def _identity_row(rule, where, message, identity: Identity | None) -> list:
    table, row, column = identity[1:] if has_identity(identity) else (None, None, None)
    return [rule, where, message, table, row, column]


def plan_marks(findings: list[Finding], *, results: list[list] | None = None, state: list[list] | None = None,
               probe: Probe | None = None, notes: dict[str, tuple[str, str]] | None = None,
               sheets: list[str] | None = None, anchor: Anchor | None = None,
               source: str = "", now: datetime | None = None, coverage=None) -> MarkPlan:
    """Everything a writer does to mark a workbook.

    ``results`` and ``state``: the values of the previous 校验结果 and _校验标记 sheets, if any.
    ``probe``: what the engine reads of a cell now (asked only for cells marked now or recorded before).
    ``notes``: every note beginning with 【校验】 the engine can list (cell → text, author), so marks are
    found wherever inserted rows moved them. ``sheets``: the workbook's sheets (marks elsewhere dropped).
    ``coverage``: the relations' account (``budget_xl.relations.Coverage``), said on the title line.
    """
    saved = read_state(state)
    warnings = list(saved.warnings)
    seen: dict[str, CellNow] = {}

    def look(ref: str) -> CellNow:
        if ref not in seen:
            seen[ref] = probe(ref) if probe else CellNow()
        return seen[ref]

    def present(ref: str) -> bool:
        return sheets is None or split_ref(ref)[0] in sheets

    # 1. what to mark now
    cells: dict[str, CellMark] = {}
    for f in findings:
        if f.severity not in FILL:
            continue
        for c in f.cells:
            ref = _anchored(c, anchor)
            if not present(ref):
                continue
            m = cells.setdefault(ref, CellMark(cell=ref, severity=f.severity))
            if f.severity == ERROR:
                m.severity = ERROR
            if f.rule == LOCATE_RULE and f.severity == ERROR:
                m.locate = True  # its own colour, and the LOCATE line first in its note
                m.lines.insert(0, clean(f"{LOCATE_LEAD}{f.message}"))
            else:
                m.lines.append(clean(f"[{SEVERITY_ZH[f.severity]} {f.rule}] {f.message}"))

    # 2. where our earlier notes are now (found by their text, wherever rows have moved them)
    ours = saved.ours()
    found: dict[str, SavedCell] = {}
    for ref, (text, author) in (notes or {}).items():
        rec = recognise(ref, text, author, saved, ours)
        if rec is not None and present(ref):
            found[ref] = rec
    records = [s for s in saved.cells if present(s.cell)]
    for ref in list(cells) + [s.cell for s in records]:
        if ref not in found:
            now_ = look(ref)
            rec = recognise(ref, now_.note, now_.author, saved, ours)
            if rec is not None:
                found[ref] = rec
    found_texts = {norm_note(s.ours) for s in found.values()}
    # records whose note was not found: marks left without our note (an engine that could not write
    # it), still where the record says as long as the cell wears our colour
    remaining = {s.cell: s for s in records
                 if s.cell not in found and not (s.ours and norm_note(s.ours) in found_texts)}

    # 3. what each marked cell held before our first mark on it
    marks: list[Mark] = []
    for ref, m in cells.items():
        now_ = look(ref)
        rec = remaining.get(ref)
        if ref in found:
            own = found[ref]
        elif rec is not None and (now_.fill is None or _ours(now_.fill)):
            if now_.note is None:
                own = rec
            else:
                own = SavedCell(ref, rec.fill, now_.note, now_.author)
        else:
            # our colour without a record is a mark whose record was damaged; otherwise the user's own
            # (Excel's 差/中性 cell styles use the same colours)
            fill = "" if saved.warnings and _ours(now_.fill) else now_.fill or ""
            if now_.note is None:
                own = SavedCell(ref, fill, "", NOTE_KEPT if now_.has_note else "")
            else:
                own = SavedCell(ref, fill, now_.note, now_.author)
        note = None if own.author == NOTE_KEPT else wrap(m.note, own)
        marks.append(Mark(ref, m.severity, note, replace(own, cell=ref, ours=note or ""), m.locate))

    # 4. what to put back where our marks are no longer needed
    restore: list[Restore] = []
    for ref, own in found.items():
        if ref not in cells:
            restore.append(Restore(ref, own.fill, None if own.author == NOTE_KEPT else own.note, own.author))
    for ref, rec in remaining.items():
        if ref in cells:
            continue
        now_ = look(ref)
        if now_.fill is not None and not _ours(now_.fill):
            continue  # not our colour any more: a row moved here, or the user recoloured it
        if rec.author == NOTE_KEPT or now_.note is not None:
            note = None  # a note we could not read, or a readable one that is not ours: the user's
        else:
            note = rec.note
        restore.append(Restore(ref, rec.fill, note, rec.author))

    # 5. 校验结果, each 说明 carried by its finding's identity
    findings = sorted(findings, key=lambda f: f.rule != LOCATE_RULE)  # the cells to fix first, then the rest
    texts, left = _carry(findings, read_explanations(results, saved))
    rows, links, identities = [], [], []
    for i, (f, text) in enumerate(zip(findings, texts, strict=True), start=1):
        first = f.cells[0] if f.cells else None
        message = clean(f.message)
        rows.append([i, SEVERITY_ZH[f.severity], f.rule, first or "", message, _money(f.expected),
                     _money(f.actual), _money(f.difference), unit_of(f), "、".join(f.cells), clean(text) or None])
        links.append(first)
        identities.append(_identity_row(f.rule, first or "", message, f.identity))
    gone = [[e.rule, e.where, e.message, clean(e.text)] for e in left]
    identities += [_identity_row(e.rule, e.where, e.message, e.identity) for e in left if has_identity(e.identity)]
    counts = summarize(findings)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    title = clean(f"校验结果（{stamp}{'，' + source if source else ''}）：{count_text(counts)}{_coverage_tail(coverage)}")
    return MarkPlan(title=title, rows=rows, gone=gone, links=links, restore=restore, marks=marks,
                    state=state_rows([m.own for m in marks], identities), warnings=warnings)


def _coverage_tail(coverage) -> str:
    if coverage is None:
        return ""
    from budget_xl.report import coverage_text

    return f"；{coverage_text(coverage)}"


__all__ = ["AMOUNT_COLS", "EXPLAIN_COL", "FILL", "FONT_COLOR", "GONE_TITLE", "HEADER", "MONEY_FORMAT", "RESULT_WIDTHS",
           "WRAPPED", "gone_row", "LOCATE_FILL", "LOCATE_LEAD", "row_height",
           "NOTE_KEPT", "NOTE_PREFIX", "RESULT_SHEET", "STATE_SHEET", "CellMark", "CellNow", "Explained",
           "Mark", "MarkPlan", "Restore", "finding_key", "plan_marks", "read_explanations", "unit_of"]
