"""The master workbook writer: sheets that look like the official tables.

Title, 部门/预算年度/单位 line, merged two-level headers, 栏次 row, ``#,##0.00``, frozen header, column widths,
A4 landscape fit-to-width. Amounts are written as values (never formulas): totals are ours to check and fill.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import cn2an
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.schema import PROFILE_LABELS, Layout, load_schema, render_header, typed_title

FONT = "宋体"
TITLE_FONT = Font(name="黑体", size=16, bold=True)
HEAD_FONT = Font(name=FONT, size=10, bold=True)
BODY_FONT = Font(name=FONT, size=10)
BOLD_FONT = Font(name=FONT, size=10, bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
MONEY = "#,##0.00"
PERCENT = "0%"
BLANK_ROWS = 30
FIXED_TIME = datetime(2024, 1, 1)


def _ordinal(n: int) -> str:
    return cn2an.an2cn(n) + "、"


def _is_table(lay: Layout) -> bool:
    return lay.key.startswith("T")


def _has_subtitle(lay: Layout) -> bool:
    return bool(lay.amount_columns) and lay.key not in ("PRIOR",)


class _SheetWriter:
    def __init__(self, ws: Worksheet, table: Table, budget: Budget):
        self.ws, self.table, self.budget, self.lay = ws, table, budget, table.layout
        self.ncols = len(self.lay.columns)

    def write(self) -> None:
        lay, ws = self.lay, self.ws
        r = self._title()
        r = self._headers(r)
        first_data = r
        if lay.kind == "two_sided":
            r = self._two_sided(r)
        elif lay.kind in ("fixed", "keyvalue"):
            r = self._fixed(r)
        elif lay.kind == "coded":
            r = self._coded(r)
        else:
            r = self._records(r)
        self._notes(r)
        for i, col in enumerate(lay.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        freeze_col = next((i + 2 for i, c in enumerate(lay.columns) if c.type == "label"), 1)
        ws.freeze_panes = ws.cell(row=first_data, column=min(freeze_col, self.ncols))
        self._print_setup(first_data - 1)

    # -- parts -------------------------------------------------------------------------------------
    def _title(self) -> int:
        ws, n = self.ws, self.ncols
        ws.cell(row=1, column=1, value=typed_title(self.lay.title, self.budget.budget_type)).font = TITLE_FONT
        ws.cell(row=1, column=1).alignment = CENTER
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
        ws.row_dimensions[1].height = 30
        if not _has_subtitle(self.lay):
            return 2
        # 部门 / 预算年度 / 单位 line: formulas on 基本信息, so editing 基本信息 updates every sheet
        info = "基本信息"
        dept = f'="部门："&{info}!$B$4&" "&{info}!$B$3'
        year_label = next((r.label for r in load_schema(self.budget.profile)["INFO"].rows if r.key == "year"), "预算年度")
        year = f'="{year_label}："&{info}!$B$5'
        unit_row = self._info_row("unit:" + self.lay.key, self.budget.profile)
        unit = f'="单位："&{info}!$B${unit_row}' if unit_row else f"单位：{self.table.unit}"
        if self.lay.key == "ASSET":
            year = f'="截止时间："&{info}!$B${self._info_row("asset_date", self.budget.profile)}'
        mid = n // 2 + 1 if n >= 4 else 2
        ws.cell(row=2, column=1, value=dept).alignment = Alignment(horizontal="left")
        if mid > 2:
            ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=mid - 1)
        ws.cell(row=2, column=mid, value=year).alignment = Alignment(horizontal="center")
        ws.cell(row=2, column=n, value=unit).alignment = Alignment(horizontal="right")
        for c in (1, mid, n):
            ws.cell(row=2, column=c).font = BODY_FONT
        return 3

    @staticmethod
    def _info_row(key: str, profile: str = "national") -> int | None:
        """Sheet row of a 基本信息 entry: title row, header row, then the declared rows in order."""
        rows = load_schema(profile)["INFO"].rows
        for i, r in enumerate(rows):
            if r.key == key:
                return 3 + i
        return None

    def _headers(self, r: int) -> int:
        ws, lay = self.ws, self.lay
        depth = lay.header_depth
        year = self.budget.year or ""
        unit = self.table.unit
        i = 0
        cols = lay.columns
        while i < len(cols):
            col = cols[i]
            c = i + 1
            text = render_header(col.header[0], year, unit)
            if len(col.header) == 1:
                ws.cell(row=r, column=c, value=text)
                if depth == 2:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
                i += 1
                continue
            j = i
            while j + 1 < len(cols) and len(cols[j + 1].header) == 2 and cols[j + 1].header[0] == col.header[0]:
                j += 1
            ws.cell(row=r, column=c, value=text)
            if j > i:
                ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=j + 1)
            for k in range(i, j + 1):
                ws.cell(row=r + 1, column=k + 1, value=cols[k].header[1])
            i = j + 1
        for rr in range(r, r + depth):
            ws.row_dimensions[rr].height = 30
            for c in range(1, self.ncols + 1):
                cell = ws.cell(row=rr, column=c)
                cell.font, cell.fill, cell.alignment, cell.border = HEAD_FONT, HEAD_FILL, CENTER, BORDER
        r += depth
        if _is_table(lay) and lay.has_seq:
            ws.cell(row=r, column=1, value="栏次")
            for c in range(2, self.ncols + 1):
                ws.cell(row=r, column=c, value=c - 1)
            for c in range(1, self.ncols + 1):
                cell = ws.cell(row=r, column=c)
                cell.font, cell.alignment, cell.border = HEAD_FONT, CENTER, BORDER
            r += 1
        return r

    def _put_row(self, r: int, row: Row | None, seq: int | None, *, only: set[str] | None = None,
                 label: str | None = None, bold: bool = False) -> None:
        ws = self.ws
        for c, col in enumerate(self.lay.columns, start=1):
            if only is not None and col.key not in only and col.type != "seq":
                continue
            cell = ws.cell(row=r, column=c)
            value = None
            if col.type == "seq":
                if only is None or seq is not None:
                    value = seq
                else:
                    continue
            elif col.type == "label" and label is not None:
                value = label
            elif row is not None:
                value = row.values.get(col.key)
            if col.type == "percent" and isinstance(value, Decimal):
                value = value / 100
            if isinstance(value, Decimal) and col.type == "number" and value == value.to_integral():
                value = int(value)
            cell.value = value
            cell.border = BORDER
            cell.font = BOLD_FONT if bold else BODY_FONT
            if col.type in ("amount", "number"):
                cell.number_format = MONEY if col.type == "amount" else "#,##0.##"
                cell.alignment = RIGHT
            elif col.type == "percent":
                cell.number_format = PERCENT
                cell.alignment = RIGHT
            elif col.type in ("seq",):
                cell.alignment = CENTER
            elif col.type == "code":
                cell.number_format = "@"
                cell.alignment = Alignment(horizontal="left", vertical="center")
            else:
                cell.alignment = LEFT

    def _coded(self, r: int) -> int:
        rows = self.table.rows or [Row(key=TOTAL_KEY, values={"name": "合计"})]
        for seq, row in enumerate(rows, start=1):
            bold = row.key == TOTAL_KEY or (row.code is not None and len(row.code) == 3)
            self._put_row(r, row, seq, bold=bold)
            r += 1
        if not self.table.rows and not self.table.notes:  # room to paste into, unless declared empty
            for _ in range(BLANK_ROWS):
                self._put_row(r, None, None)
                r += 1
        return r

    def _records(self, r: int) -> int:
        rows = list(self.table.rows)
        if not rows and self.lay.items:
            rows = [Row(key=f"#{i}", values={"item": it}) for i, it in enumerate(self.lay.items)]
        for seq, row in enumerate(rows, start=1):
            self._put_row(r, row, seq)
            r += 1
        for _ in range(BLANK_ROWS if not self.table.rows and not self.table.notes else 0):
            self._put_row(r, None, None)
            r += 1
        return r

    def _fixed(self, r: int) -> int:
        for seq, d in enumerate(self.lay.rows, start=1):
            row = self.table.get(d.key)
            if row is None and d.unit_of:
                unit = self.budget.tables[d.unit_of].unit if d.unit_of in self.budget.tables else "万元"
                row = Row(key=d.key, values={"value": unit})
            elif row is None and self.lay.key == "INFO" and d.key in ("profile", "budget_type", "doc_kind"):
                kind = load_schema(self.budget.profile).kind  # 公开类型: 部门预算 or 部门决算
                row = Row(key=d.key, values={"value": PROFILE_LABELS.get(self.budget.profile, self.budget.profile)
                                                 if d.key == "profile" else f"部门{kind}"})
            if self.lay.kind == "keyvalue" and d.type == "amount" and row is not None:
                row = Row(key=d.key, values={"value": row.values.get("amount", row.values.get("value"))})
            self._put_row(r, row, seq, label=d.label, bold=d.total)
            if self.lay.kind == "keyvalue" and d.type == "amount":
                self.ws.cell(row=r, column=2).number_format = MONEY
            r += 1
        return r

    def _two_sided(self, r: int) -> int:
        lines: dict[int, list] = {}
        for side in self.lay.sides:
            n = 0
            for d in side.rows:
                n = d.line or n + 1
                label = d.label
                if d.code is not None or d.key == "往来":
                    idx = [x.key for x in side.rows].index(d.key) + 1
                    label = _ordinal(idx) + d.label
                lines.setdefault(n, []).append((side, d, label))
        last = max(lines)
        for n in range(1, last + 1):
            self._put_row(r, None, n, only=set())
            for side, d, label in lines.get(n, []):
                row = self.table.get(d.key)
                self._put_row(r, row, None, only={side.label, *side.columns}, label=label, bold=d.total)
            for c in range(1, self.ncols + 1):
                self.ws.cell(row=r, column=c).border = BORDER
            r += 1
        return r

    def _notes(self, r: int) -> None:
        r += 1
        for text, _cell in self.table.notes:
            cell = self.ws.cell(row=r, column=1, value=text)
            cell.font = BODY_FONT
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=False)
            r += 1

    def _print_setup(self, last_header_row: int) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        if last_header_row >= 3:
            ws.print_title_rows = f"1:{last_header_row}"


def build_workbook(budget: Budget) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for lay in load_schema(budget.profile).layouts:
        if not lay.written:
            continue
        table = budget.tables.get(lay.key) or Table(layout=lay)
        ws = wb.create_sheet(lay.sheet)
        _SheetWriter(ws, table, budget).write()
    # the desktop add-in's settings (UDF Modules …), hidden; the Python interpreter is set by excel-setup
    from budget_xl.excel.vba import add_conf_sheet  # plain data, no xlwings import

    add_conf_sheet(wb)
    wb.properties.creator = "budget-xl 预算公开助手"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def write_workbook(budget: Budget, path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(budget).save(p)
    return p
