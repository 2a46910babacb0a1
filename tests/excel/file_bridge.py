"""Moving a workbook between a file (what ``check --mark`` writes) and the desktop stand-in (what the
add-in's 校验 sees in Excel), with values, solid fills, notes and their authors, and hidden sheets — as
Excel would when the user opens a marked file, presses 校验 and saves."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from .fake_desktop import DesktopBook


def _rgb(argb: str) -> tuple[int, int, int]:
    return int(argb[-6:-4], 16), int(argb[-4:-2], 16), int(argb[-2:], 16)


def book_from_file(path: Path) -> DesktopBook:
    wb = openpyxl.load_workbook(path)
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    book = DesktopBook(grids, fullname=str(path))
    for ws in wb.worksheets:
        sheet = book.sheets[ws.title]
        sheet.visible = ws.sheet_state == "visible"
        for row in ws.iter_rows():
            for c in row:
                key = (c.row - 1, c.column - 1)
                if c.fill is not None and c.fill.fill_type == "solid" and isinstance(c.fill.fgColor.rgb, str):
                    sheet.fills[key] = _rgb(c.fill.fgColor.rgb)
                if c.comment is not None:
                    sheet.cell_notes[key] = (c.comment.text, c.comment.author)
    return book


def file_from_book(book: DesktopBook, base: Path, out: Path) -> Path:
    """``base`` with every sheet's values, fills and notes as the stand-in holds them."""
    wb = openpyxl.load_workbook(base)
    for name in [n for n in wb.sheetnames if n not in [s.name for s in book.sheets]]:
        del wb[name]
    for i, sheet in enumerate(book.sheets):
        if sheet.name in wb.sheetnames:
            ws = wb[sheet.name]
        else:
            ws = wb.create_sheet(sheet.name, i)
        for row in ws.iter_rows():
            for c in row:
                key = (c.row - 1, c.column - 1)
                if c.value is not None and key not in sheet.values:
                    c.value = None
                if c.fill is not None and c.fill.fill_type == "solid" and key not in sheet.fills:
                    c.fill = PatternFill(fill_type=None)
                if c.comment is not None and key not in sheet.cell_notes:
                    c.comment = None
        for (r, col), v in sheet.values.items():
            ws.cell(r + 1, col + 1).value = v
        for (r, col), rgb in sheet.fills.items():
            ws.cell(r + 1, col + 1).fill = PatternFill("solid", fgColor="FF%02X%02X%02X" % rgb)
        for (r, col), (text, author) in sheet.cell_notes.items():
            ws.cell(r + 1, col + 1).comment = Comment(text, author)
        ws.sheet_state = "visible" if sheet.visible else "hidden"
    wb._sheets.sort(key=lambda ws: [s.name for s in book.sheets].index(ws.title))
    wb.save(out)
    return out
