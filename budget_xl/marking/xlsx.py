"""The openpyxl writer of the marking plan (``check --mark``): reads what the plan needs from the file,
applies the plan to a copy and saves it atomically (the input file is never written)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from budget_xl.a1 import address
from budget_xl.findings import ERROR, SEVERITY_ZH, WARNING, Finding, split_ref
from budget_xl.marking.plan import (
    AMOUNT_COLS,
    FILL,
    FONT_COLOR,
    GONE_TITLE,
    HEADER,
    MONEY_FORMAT,
    RESULT_SHEET,
    RESULT_WIDTHS,
    WRAPPED,
    CellNow,
    MarkPlan,
    gone_row,
    plan_marks,
    row_height,
)
from budget_xl.marking.state import NOTE_KEPT, NOTE_PREFIX, OUR_AUTHOR, STATE_SHEET
from budget_xl.outputs import fit_name

FORMULA_START = "="  # openpyxl takes a str starting so for a formula


def _grid(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")  # Excel's theme colour index → the scheme's element


def theme_colours(theme_xml: bytes | None) -> list[str]:
    """The workbook theme's colours as RRGGBB, in Excel's theme-index order ([] without a theme)."""
    if not theme_xml:
        return []
    from xml.etree import ElementTree as ET

    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    try:
        scheme = ET.fromstring(theme_xml).find(".//a:clrScheme", ns)
    except ET.ParseError:
        return []
    if scheme is None:
        return []
    out = []
    for name in _THEME_ORDER:
        el = scheme.find(f"a:{name}", ns)
        srgb = el.find("a:srgbClr", ns) if el is not None else None
        sys_ = el.find("a:sysClr", ns) if el is not None else None
        rgb = srgb.get("val") if srgb is not None else sys_.get("lastClr") if sys_ is not None else None
        if not rgb:
            return out
        out.append(rgb.upper())
    return out


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lightness scaled toward black (tint < 0) or white (tint > 0)."""
    import colorsys

    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, sat = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(h, lum, sat))


def _argb(color, theme: list[str] = ()) -> str:
    """A solid fill's colour as ARGB ("" for none): theme colours resolved as Excel shows them, so every
    engine can put them back."""
    from openpyxl.styles.colors import COLOR_INDEX

    if color is None:
        return ""
    if color.type == "rgb" and isinstance(color.rgb, str):
        return color.rgb.upper()
    if color.type == "indexed" and isinstance(color.indexed, int) and color.indexed < len(COLOR_INDEX):
        return COLOR_INDEX[color.indexed].upper()
    if color.type == "theme" and isinstance(color.theme, int) and color.theme < len(theme):
        return "FF" + _tinted(theme[color.theme], float(color.tint or 0))
    return ""


def _fill_of(c, theme: list[str] = ()) -> str:
    f = c.fill
    return _argb(f.fgColor, theme) if f is not None and f.fill_type == "solid" else ""


def _set(c, value) -> None:
    """A value that stays what it is: text starting with = is text here, never a formula."""
    c.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        c.data_type = "s"


def _anchors(wb) -> Callable[[str, str], str]:
    """(sheet, A1) → the top-left cell of the merge holding it (merged cells are read-only)."""
    tops: dict[str, dict[str, str]] = {}

    def anchor(sheet: str, a1: str) -> str:
        if sheet not in wb.sheetnames or not hasattr(wb[sheet], "merged_cells"):
            return a1
        if sheet not in tops:
            m = {}
            for rng in wb[sheet].merged_cells.ranges:
                top = rng.start_cell.coordinate
                for row in rng.cells:
                    m.setdefault(_a1(*row), top)
            tops[sheet] = m
        return tops[sheet].get(a1.replace("$", "").upper(), a1)

    return anchor


def _a1(row: int, col: int) -> str:
    """1-based (openpyxl's) row and column → 'D5'."""
    return address(row - 1, col - 1)


def plan_for_workbook(wb, findings: list[Finding], source: str = "", now: datetime | None = None,
                      coverage=None) -> MarkPlan:
    """The marking plan of an openpyxl workbook: what ``plan_marks`` needs, read from the file."""
    sheets = {ws.title: ws for ws in wb.worksheets}
    data = [ws for ws in wb.worksheets if ws.title not in (RESULT_SHEET, STATE_SHEET)]
    notes = {f"{ws.title}!{c.coordinate}": (c.comment.text, _author(c.comment))
             for ws in data for c in _cells_of(ws)
             if c.comment is not None and (c.comment.text or "").startswith(NOTE_PREFIX)}

    theme = theme_colours(getattr(wb, "loaded_theme", None))

    def probe(ref: str) -> CellNow:
        sheet, a1 = split_ref(ref)
        c = sheets[sheet][a1]
        if c.comment is None:
            return CellNow(_fill_of(c, theme), "", "")
        return CellNow(_fill_of(c, theme), c.comment.text or "", _author(c.comment))

    return plan_marks(
        findings,
        results=_grid(sheets[RESULT_SHEET]) if RESULT_SHEET in sheets else None,
        state=_grid(sheets[STATE_SHEET]) if STATE_SHEET in sheets else None,
        probe=probe, notes=notes, sheets=[ws.title for ws in data], anchor=_anchors(wb),
        source=source, now=now, coverage=coverage)


# openpyxl saves a note without author as one by "None": we write a blank author as one space
NO_AUTHOR = " "


def _author(comment) -> str:
    a = comment.author or ""
    return a if a.strip() else ""


def _cells_of(ws):
    """The cells the sheet holds (not the empty rectangle iter_rows would create)."""
    cells = getattr(ws, "_cells", None)
    return list(cells.values()) if isinstance(cells, dict) else [c for row in ws.iter_rows() for c in row]


def mark_workbook(src: str | Path, out: str | Path, findings: list[Finding], now: datetime | None = None,
                  warn: Callable[[str], None] | None = None, coverage=None, keep_all: bool = True) -> Path:
    """Write a marked copy of ``src`` to ``out`` (``src`` itself is never written). ``warn`` gets each
    Chinese warning (a damaged hidden record); by default they go to standard error. ``coverage``: how many
    relations were checked, said on 校验结果's title line."""
    from openpyxl.cell.cell import MergedCell

    src, out = Path(src), Path(out)
    if out.exists() and os.path.samefile(src, out):  # a hard link or another spelling of the input
        from budget_xl.errors import InputError

        raise InputError("--mark 的输出文件就是输入文件；请另选文件名（原文件不会被改动）。", file=str(src))
    from budget_xl.read.files import is_xls
    from budget_xl.write.keep import from_xls, lossless_needed, mark_keeping

    if is_xls(src):  # read as it is, marked in an .xlsx copy
        return from_xls(src, lambda copy: mark_workbook(copy, out, findings, now, warn, coverage, keep_all))
    if keep_all and lossless_needed(src):  # text boxes, pictures, x14 validations…: write into the package itself
        return mark_keeping(src, out, findings, now=now, warn=warn, coverage=coverage)
    # macros survive only into an .xlsm: an .xlsx with a macro part is a file Excel refuses to open
    from budget_xl.read.editable import load_for_edit

    wb = load_for_edit(src, keep_vba=src.suffix.lower() == out.suffix.lower() == ".xlsm")
    plan = plan_for_workbook(wb, findings, source=src.name, now=now, coverage=coverage)
    sheets = {ws.title: ws for ws in wb.worksheets}
    for text in plan.warnings:
        (warn or _stderr)(text)
    _apply_cells(plan, sheets, MergedCell)
    _write_results(wb, plan)
    if STATE_SHEET in wb.sheetnames:
        del wb[STATE_SHEET]
    st = wb.create_sheet(STATE_SHEET)
    for row in plan.state:
        st.append([None] * len(row))
        for j, v in enumerate(row, start=1):
            _set(st.cell(st.max_row, j), v)
    st.sheet_state = "hidden"
    _save_atomic(wb, out)
    return out


def marked_names(files: list[Path], folder: Path) -> list[Path]:
    """The marked copy of each file of a batch in ``folder``: "名_标注.xlsx", numbered where two inputs
    share a name or the name is one of the inputs (a marked copy checked again), so no copy overwrites
    another or an input."""
    def same(a: Path, b: Path) -> bool:
        try:
            return a.exists() and b.exists() and os.path.samefile(a, b)
        except OSError:
            return False

    taken: set[str] = set()
    out = []
    for src in files:
        n = 1
        while True:
            suffix = ".xlsx" if src.suffix.lower() == ".xls" else src.suffix  # an .xls is marked in an .xlsx
            name = fit_name(src.stem, f"_标注{'' if n == 1 else f'_{n}'}{suffix}")
            path = folder / name
            if name.lower() not in taken and not any(same(path, f) or path.resolve() == f.resolve() for f in files):
                break
            n += 1
        taken.add(name.lower())
        out.append(path)
    return out


def _stderr(text: str) -> None:
    sys.stderr.write(f"注意：{text}\n")


def _apply_cells(plan: MarkPlan, sheets: dict, merged_type) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    def cell(ref: str):
        sheet, a1 = split_ref(ref)
        return sheets[sheet][a1]

    def fill(c, argb: str) -> None:
        c.fill = PatternFill("solid", fgColor=argb) if argb else PatternFill(fill_type=None)

    for r in plan.restore:
        c = cell(r.cell)
        if r.fill is not None:
            fill(c, r.fill)
        if r.note is not None and not isinstance(c, merged_type):
            c.comment = Comment(r.note, r.author or NO_AUTHOR) if r.note else None
    for m in plan.marks:
        c = cell(m.cell)
        fill(c, m.fill)
        if m.note is not None and not isinstance(c, merged_type):
            # the note keeps the author of the cell's own note, so taking it off gives the note back whole
            author = (m.own.author or NO_AUTHOR) if m.own.note and m.own.author != NOTE_KEPT else OUR_AUTHOR
            comment = Comment(m.note, author)
            comment.width, comment.height = 360, 160
            c.comment = comment


def _write_results(wb, plan: MarkPlan) -> None:
    """The 校验结果 sheet, rebuilt (it is ours) where it was, or first."""
    from openpyxl.styles import Alignment, Font

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
    colors = {SEVERITY_ZH[ERROR]: FONT_COLOR[ERROR], SEVERITY_ZH[WARNING]: FONT_COLOR[WARNING]}
    for row, link in zip(plan.rows, plan.links, strict=True):
        r = ws.max_row + 1
        for j, v in enumerate(row, start=1):
            _set(ws.cell(r, j), v)
        if row[1] in colors:
            ws.cell(r, 2).font = Font(color=colors[row[1]], bold=True)
        if link:
            sheet, a1 = split_ref(link)
            ws.cell(r, 4).hyperlink = "#'" + sheet.replace("'", "''") + "'!" + a1
            ws.cell(r, 4).font = Font(color="FF0563C1", underline="single")
        for col in AMOUNT_COLS:
            ws.cell(r, col).number_format = MONEY_FORMAT
        ws.cell(r, 5).alignment = Alignment(wrap_text=True, vertical="top")
    if plan.gone:
        ws.append([])
        ws.append([GONE_TITLE])
        for g in plan.gone:
            r = ws.max_row + 1
            for j, v in enumerate(gone_row(g), start=1):
                _set(ws.cell(r, j), v)
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(RESULT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):  # wrapped and top-aligned, each row as tall as its text: never cut
        for c in row:
            if c.column in WRAPPED or c.row == 2:
                c.alignment = Alignment(wrap_text=True, vertical="top")
            elif c.row > 2:
                c.alignment = Alignment(vertical="top")
        values = [c.value for c in row]
        if any(v not in (None, "") for v in values):
            ws.row_dimensions[row[0].row].height = row_height(values)
    _print_setup(ws)
    ws.freeze_panes = "A3"


def _print_setup(ws) -> None:
    """A4 landscape, one page wide (as many pages down as it takes), the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True


def _save_atomic(wb, out: Path) -> None:
    """Saved beside its final place and renamed over it: an interrupted run leaves the old file whole."""
    from budget_xl import outputs

    outputs.write_with(out, wb.save, force=True)


__all__ = ["FILL", "mark_workbook"]
