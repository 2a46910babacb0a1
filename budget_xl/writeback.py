"""Writing computed values back into a copy of the user's workbook, with a 变更记录 sheet.

Only the changed cells are written; formats, formulas elsewhere, comments and other sheets stay as they are.
A cell holding the user's own formula is never replaced by a constant: it is left as it is and named. The
变更记录 keeps each changed cell's original content exactly (a number as a number, anything else — “12.3万”,
TRUE, a date, a zero-width space — as text), so nothing the user had is lost.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from budget_xl import outputs
from budget_xl.findings import split_ref
from budget_xl.schema import load_schema

_LOG = load_schema()["LOG"]
LOG_SHEET = _LOG.sheet
LOG_TITLE = _LOG.title
LOG_HEADER = [c.header[0] for c in _LOG.columns]


def original_content(value):
    """A cell's content as the 变更记录 keeps it: numbers stay numbers, blank stays blank, the rest is text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def log_rows(changes, now: datetime | None = None, originals: dict | None = None) -> list[list]:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    originals = originals or {}
    rows = []
    for c in changes:
        old = originals[c.cell] if c.cell in originals else (None if c.old is None else float(c.old))
        rows.append([stamp, c.cell, c.what, old, float(c.new), getattr(c, "why", "") or None])
    return rows


def held_rows(held, now: datetime | None = None) -> list[list]:
    """The 变更记录 rows of the totals 重算汇总 held (``fill.Held``): the reason in 内容, old and new value."""
    from budget_xl.fill import held_note

    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return [[stamp, h.cell, held_note(h), float(h.old if h.old is not None else h.value), float(h.value),
             "其下明细疑有错误，未计入"] for h in held]


def is_formula(cell) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def apply_changes(src: str | Path, out: str | Path, changes, now: datetime | None = None,
                  force: bool = False, held=(), keep_all: bool = True) -> tuple[list, list[str]]:
    """Write ``changes`` into a copy of ``src`` at ``out`` (atomically). Returns (changes written, formula
    cells left untouched). ``held``: totals kept on purpose (``fill.Held``), logged with the reason."""
    from openpyxl.styles import Font

    src, out = Path(src), Path(out)
    from budget_xl.read.files import is_xls
    from budget_xl.write.keep import fill_keeping, from_xls, lossless_needed

    if is_xls(src):  # read as it is, written as an .xlsx
        return from_xls(src, lambda copy: apply_changes(copy, out, changes, now, force, held, keep_all))
    if keep_all and lossless_needed(src):  # text boxes, pictures, x14 validations…: write into the package itself
        return fill_keeping(src, out, changes, now=now, force=force, held=held)
    # macros survive only into an .xlsm: an .xlsx with a macro part is a file Excel refuses to open
    from budget_xl.read.editable import load_for_edit

    wb = load_for_edit(src, keep_vba=src.suffix.lower() == out.suffix.lower() == ".xlsm")
    written, formulas, originals = [], [], {}
    for c in changes:
        sheet, ref = split_ref(c.cell)
        cell = wb[sheet][ref]
        if is_formula(cell):
            formulas.append(c.cell)
            continue
        if type(cell).__name__ == "MergedCell":  # inside a merged range: not ours to write
            formulas.append(c.cell)
            continue
        originals[c.cell] = original_content(cell.value)
        if cell.is_date or not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
            cell.number_format = "#,##0.00"  # a date or text format would hide the amount
        cell.value = c.new
        written.append(c)
    if LOG_SHEET in wb.sheetnames:
        ws = wb[LOG_SHEET]  # keep earlier runs' records: nothing is lost
    else:
        ws = wb.create_sheet(LOG_SHEET)
        ws.append([LOG_TITLE])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(LOG_HEADER)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for col, width in zip("ABCDEF", (20, 22, 46, 14, 14, 50)):
            ws.column_dimensions[col].width = width
    rows = log_rows(written, now, originals)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    for cell in formulas:
        rows.append([stamp, cell, "公式单元格，保留未改写（Excel 打开时自动重算）", None, None])
    rows += held_rows(held, now)
    if not rows:
        rows = [[stamp, "", "没有需要改写的合计数", None, None, None]]
    for r in rows:
        ws.append(r)
        for col in (2, 3, 4):
            c = ws.cell(ws.max_row, col)
            if isinstance(c.value, str):
                c.data_type = "s"  # an original “=SUM(…)” or “=1+2” is kept as text, never a live formula
        for col in (4, 5):
            ws.cell(ws.max_row, col).number_format = "#,##0.00"
    outputs.write_with(out, wb.save, force)
    return written, formulas
