"""Bulk reads and writes on an ``xw.Book``, the same on every engine that can write.

Desktop Excel (COM/AppleScript, engine "excel") answers every call at once but each call costs a
round trip; xlwings Server's remote engine (engine "remote", Office.js) answers reads from the payload
the add-in sent and queues every write as a JSON action for Excel to apply after the script returns.
So: one read per sheet, writes grouped into blocks, and the two things only desktop can read — a
cell's own fill and its note's text — asked for only on the cells being marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from budget_xl.excel.ranges import Block, blocks_by, parse_a1
from budget_xl.findings import split_ref
from budget_xl.marking.plan import CellNow
from budget_xl.marking.state import NOTE_KEPT, NOTE_PREFIX  # noqa: F401 - NOTE_KEPT imported from here by older code
from budget_xl.read.values import ERROR_CODES, CellError

DESKTOP_ENGINE = "excel"
TEXT_START = ("=", "+", "-", "@")  # Excel would take such a text for a formula


def argb_to_hex(argb: str | None) -> str | None:
    """'FFFFC7CE' (openpyxl, _校验标记) → '#FFC7CE'; '' → None (no fill)."""
    return f"#{argb[-6:]}" if argb else None


def rgb_to_argb(rgb) -> str:
    """(255, 199, 206) → 'FFFFC7CE'; None → ''."""
    if rgb is None:
        return ""
    r, g, b = rgb
    return f"FF{r:02X}{g:02X}{b:02X}"


def cell_value(v):
    """A value Excel (COM) and JSON (Office.js) can both carry: Decimal → float, dates kept."""
    if isinstance(v, Decimal):
        return float(v)
    if v is None or isinstance(v, (int, float, str, bool, date, datetime)):
        return v
    return str(v)


def as_text(v):
    """User text that would start a formula gets Excel's text apostrophe."""
    if isinstance(v, str) and v.startswith(TEXT_START):
        return "'" + v
    return v


def error_value(v):
    """An Excel error value as the command line reads it (``CellError``: reported as "单元格是 #REF!"). Without
    ``err_to_str`` xlwings gives None for #REF!, #DIV/0! and the others on every engine, so the buttons read a
    broken total as blank — a warning at most, where ``check`` says it is an error."""
    if isinstance(v, str) and v in ERROR_CODES:
        return CellError(v)
    return v


def last_used_row(grid: list[list]) -> int:
    """1-based row of the grid's last row holding a value (0 for an empty grid)."""
    for i in range(len(grid) - 1, -1, -1):
        if any(v not in (None, "") for v in grid[i]):
            return i + 1
    return 0


def rectangular(rows: list[list], width: int | None = None) -> list[list]:
    width = width or max((len(r) for r in rows), default=1) or 1
    return [[cell_value(v) for v in r] + [None] * (width - len(r)) for r in rows]


class BookIO:
    """One workbook, whatever the engine. Sheet lookups are by exact name."""

    def __init__(self, book):
        self.book = book
        self.desktop = book.app.engine.name == DESKTOP_ENGINE
        self._anchors: dict[tuple[str, str], str] = {}

    # -- sheets ----------------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def has(self, name: str) -> bool:
        return name in self.names()

    def sheet(self, name: str):
        return self.book.sheets[name]

    def fresh_sheet(self, name: str, *, first: bool = False, hidden: bool = False, clear_formats: bool = True):
        """The sheet ``name`` emptied (one call), or added: before the first sheet or after the last."""
        if self.has(name):
            sheet = self.sheet(name)
            if clear_formats:
                sheet.clear()
            else:
                sheet.clear_contents()
        else:
            sheets = self.book.sheets
            if first:
                sheet = sheets.add(name=name, before=sheets[0])
            else:
                sheet = sheets.add(name=name, after=sheets[len(sheets) - 1])
        if hidden and _visible(sheet):
            sheet.visible = False
        return sheet

    # -- reading ---------------------------------------------------------------------------------------
    def read_grid(self, name: str) -> list[list]:
        """The sheet's values from A1 to its last used cell, in one read."""
        from budget_xl.read.files import check_extent

        sheet = self.sheet(name)
        last = sheet.used_range.last_cell
        check_extent(last.row, last.column, name)  # a used range a request claims is never allocated unchecked
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
        return [[error_value(v) for v in r] for r in values or []]

    def read_grids(self, skip: tuple[str, ...] = ()) -> dict[str, list[list]]:
        return {n: self.read_grid(n) for n in self.names() if n not in skip}

    # -- writing ---------------------------------------------------------------------------------------
    def write(self, sheet_name: str, row: int, col: int, matrix: list[list]):
        """Write a matrix with its top-left corner at the 0-based (row, col): one setValues."""
        rng = self.sheet(sheet_name).range((row + 1, col + 1))
        rng.value = rectangular(matrix)
        return rng

    def block(self, b: Block):
        return self.sheet(b.sheet).range(b.address)

    def fill(self, colours: Mapping[str, str | None]) -> int:
        """'sheet!A1' → '#RRGGBB' (None: no fill), one call per block of equal colour. Returns the calls."""
        n = 0
        for colour, b in blocks_by(colours):
            self.block(b).color = colour
            n += 1
        return n

    # -- what a cell held before it was marked -----------------------------------------------------------
    def notes_supported(self, sheet_name: str) -> bool:
        if self.desktop:
            return True
        api = self.sheet(sheet_name).api
        return api.get("notes") is not None and api.get("notes_supported") is not False

    def _cell(self, ref: str):
        sheet, a1 = split_ref(ref)
        parse_a1(a1)  # a clear error for a malformed reference
        return self.sheet(sheet).range(a1)

    def probe(self, ref: str) -> CellNow:
        """What the marking plan needs of a cell: its fill and its note's text and author. The remote
        engine reads neither fills nor note texts (an existing note is then left alone)."""
        rng = self._cell(ref)
        if not self.desktop:
            has_note = self.notes_supported(split_ref(ref)[0]) and rng.note is not None
            return CellNow(fill=None, note=None, has_note=has_note)
        note = rng.note
        if note is None:
            return CellNow(rgb_to_argb(rng.color), "", "")
        return CellNow(rgb_to_argb(rng.color), note.text or "", _author(note))

    def anchor(self, sheet_name: str, a1: str) -> str:
        """Desktop: the top-left cell of the merge holding ``a1`` (where Excel keeps a merge's note)."""
        if not self.desktop:
            return a1
        key = (sheet_name, a1)
        if key not in self._anchors:
            top = a1
            try:
                rng = self.sheet(sheet_name).range(a1)
                if rng.merge_cells:
                    top = rng.merge_area.address.split(":")[0].replace("$", "")
            except (AttributeError, NotImplementedError, TypeError, KeyError):  # an engine without merges
                pass
            self._anchors[key] = top
        return self._anchors[key]

    def marked_notes(self, sheet_names: list[str]) -> dict[str, tuple[str, str]]:
        """Desktop: every note starting with 【校验】 on these sheets, cell → (text, author), so marks are
        found wherever inserted rows have moved them. The remote engine cannot read note texts: {}."""
        if not self.desktop:
            return {}
        out = {}
        for name in sheet_names:
            try:
                notes = list(self.sheet(name).notes)
            except (AttributeError, NotImplementedError, TypeError):  # an engine without sheet.notes
                continue
            for note in notes:
                try:
                    text = note.text or ""
                    if text.startswith(NOTE_PREFIX):
                        out[f"{name}!{note.location.address.replace('$', '')}"] = (text, _author(note))
                except (AttributeError, NotImplementedError, TypeError):  # macOS: no note.location
                    continue
        return out

    def put_note(self, ref: str, text: str) -> None:
        """Set the cell's note text, adding the note if there is none."""
        if not self.notes_supported(split_ref(ref)[0]):
            return
        rng = self._cell(ref)
        note = rng.note
        if note is not None:
            note.text = text
        else:
            rng.add_note(text)

    def delete_note(self, ref: str) -> None:
        if not self.notes_supported(split_ref(ref)[0]):
            return
        note = self._cell(ref).note
        if note is not None:
            note.delete()

    def column_widths(self, sheet_name: str, widths: tuple[float, ...]) -> None:
        """Widths in characters from column A on; equal neighbours in one call. Office.js takes points."""
        sheet = self.sheet(sheet_name)
        start = 0
        for i in range(1, len(widths) + 1):
            if i < len(widths) and widths[i] == widths[start]:
                continue
            chars = widths[start]
            rng = sheet.range((1, start + 1), (1, i))
            rng.column_width = chars if self.desktop else round((chars * 7 + 5) * 0.75, 1)
            start = i

    def alert(self, text: str, title: str = "预算公开助手") -> None:
        self.book.app.alert(text, title=title)

    def confirm(self, text: str, title: str = "预算公开助手") -> bool:
        """A 确定/取消 message box (desktop Excel; xlwings returns "ok" or "cancel")."""
        return self.book.app.alert(text, title=title, buttons="ok_cancel") == "ok"


def _author(note) -> str:
    try:
        return note.author or ""
    except (AttributeError, NotImplementedError):  # not every desktop engine reads it (macOS)
        return ""


def _visible(sheet) -> bool:
    try:
        return bool(sheet.visible)
    except (KeyError, NotImplementedError):
        return True
