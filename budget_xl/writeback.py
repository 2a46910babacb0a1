"""Writing computed values back into a copy of the user's workbook, with a 变更记录 sheet.

Only the changed cells are written; formats, formulas elsewhere, comments and other sheets stay as they are.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from budget_xl.findings import split_ref
from budget_xl.schema import load_schema

_LOG = load_schema()["LOG"]
LOG_SHEET = _LOG.sheet
LOG_TITLE = _LOG.title
LOG_HEADER = [c.header[0] for c in _LOG.columns]


def log_rows(changes, now: datetime | None = None) -> list[list]:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return [[stamp, c.cell, c.what, None if c.old is None else float(c.old), float(c.new)] for c in changes]


def apply_changes(src: str | Path, out: str | Path, changes, now: datetime | None = None) -> Path:
    import openpyxl
    from openpyxl.styles import Font

    src, out = Path(src), Path(out)
    # macros survive only into an .xlsm: an .xlsx with a macro part is a file Excel refuses to open
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == out.suffix.lower() == ".xlsm")
    for c in changes:
        sheet, ref = split_ref(c.cell)
        wb[sheet][ref].value = c.new
    if LOG_SHEET in wb.sheetnames:
        ws = wb[LOG_SHEET]  # keep earlier runs' records: nothing is lost
    else:
        ws = wb.create_sheet(LOG_SHEET)
        ws.append([LOG_TITLE])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(LOG_HEADER)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for col, width in zip("ABCDE", (20, 22, 46, 14, 14)):
            ws.column_dimensions[col].width = width
    rows = log_rows(changes, now)
    if not rows:
        rows = [[(now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S"), "", "没有需要改写的合计数", None, None]]
    for r in rows:
        ws.append(r)
        for col in (4, 5):
            ws.cell(ws.max_row, col).number_format = "#,##0.00"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
