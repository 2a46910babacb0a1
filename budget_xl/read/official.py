"""Workbooks laid out as the official tables (the district's Excel template, the budget system's export).

Such a workbook has no 基本信息 and no sheet names of ours: its sheets are 封面, 目录, 部门主要职能, …, 部门收支总表,
…, 其他相关情况说明, in any order and under any names. Each sheet is handed to the importer's table recogniser as if
it were a printed page: every row a printed line, every cell a word standing at its column, knowing its own cell
(``sheet!A1``). Tables are then found by title and header, rows by codes and labels, the 单位 line of each table
read, and the 说明 sheets read as text by chapter — exactly as a PDF of the same disclosure is read — while every
figure keeps the address of the user's own cell, so findings, marks and 重算汇总 point there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.read.grid import ReadResult, ref
from budget_xl.read.values import CellError, Uncached
from budget_xl.recognise.tables import choose_profile, match_title
from budget_xl.recognise.titles import fold

Grid = Sequence[Sequence[Any]]
COL_WIDTH = 100.0  # a column's width on the imagined page: wider than the importer's alignment tolerances
ROW_HEIGHT = 40.0  # far enough apart that two header rows are never taken for one stacked cell
TITLE_ROWS = 8  # a table's title stands in its first rows
PROSE_MIN = 30  # a cell this long standing alone in its row is text (a 说明 paragraph), not a table cell
_FAR = 1e7


@dataclass
class SheetPages:
    """The workbook as the importer's lines: page n is sheet ``names[n - 1]``."""

    names: list[str]
    lines: list = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)


def _word_text(v: Any) -> str | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return format(Decimal(repr(v)), "f")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    s = str(v)
    return s if s.strip() else None


def _is_prose(text: str, alone: bool) -> bool:
    return "\n" in text.strip() or (alone and len(text.strip()) > PROSE_MIN)


def sheet_lines(page: int, name: str, grid: Grid, merged=(), notes: list[Finding] | None = None) -> list:
    """One sheet → printed lines. A cell is a word at its column (a merged cell spans its range); a long text
    cell standing alone in its row is prose, one line per line of its text."""
    from budget_xl.importers.pdf import Line, Word

    span = {(r1, c1): c2 for r1, c1, _r2, c2 in merged}
    hidden = {(r, c) for r1, c1, r2, c2 in merged for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
              if (r, c) != (r1, c1) and (r2 - r1 + 1) * (c2 - c1 + 1) <= 10_000}
    lines: list = []
    prose_sheet = True
    for r, row in enumerate(grid):
        top = r * ROW_HEIGHT

        def where(x: float, _r=r) -> str:
            return ref(name, _r, max(0, int(x // COL_WIDTH)))

        cells = []
        for c, v in enumerate(row):
            if (r, c) in hidden:
                continue
            if isinstance(v, CellError | Uncached):
                if notes is not None and isinstance(v, Uncached):
                    notes.append(Finding("READ-FORMULA-UNCACHED", ERROR, f"{ref(name, r, c)} 是公式，但文件中没有保存计算结果"
                                         "（文件可能由程序生成）。请在 Excel 或 WPS 中打开并保存后再试；在此之前按“未知”处理。",
                                         (ref(name, r, c),)))
                if notes is not None and isinstance(v, CellError):
                    at = ref(name, r, c)
                    notes.append(Finding("READ-CELL-ERROR", ERROR, f"{at} 单元格是 {v.code}（Excel 错误值，不是空白）："
                                         "请在 Excel 中修正它的公式或引用，涉及它的关系暂不核对。", (at,)))
                continue
            text = _word_text(v)
            if text is not None:
                cells.append((c, text))
        if not cells:
            continue
        if len(cells) == 1 and _is_prose(cells[0][1], True):
            c, text = cells[0]
            parts = [p for p in text.split("\n") if p.strip()]
            for i, part in enumerate(parts):
                w = Word(part.strip(), c * COL_WIDTH, c * COL_WIDTH + 1, top + i * 0.01, ref(name, r, c))
                lines.append(Line(page, top + i * 0.01, [w], where))
            continue
        prose_sheet = prose_sheet and len(cells) == 1
        words = []
        for c, text in cells:
            c2 = span.get((r, c), c)
            flat = re.sub(r"\s*\n\s*", "", text).strip()
            words.append(Word(flat, c * COL_WIDTH, (c2 + 1) * COL_WIDTH - 10, top, ref(name, r, c)))
        lines.append(Line(page, top, words, where))
    if lines and not prose_sheet and not any(_names_table(ln.text) for ln in lines if ln.top < TITLE_ROWS * ROW_HEIGHT) \
            and _names_table(name):
        # an export without its title row (“2.11单位支出总表”): the sheet's name stands for the title
        lines.insert(0, Line(page, -ROW_HEIGHT, [Word(name.strip(), 0, COL_WIDTH - 10, -ROW_HEIGHT, ref(name, 0, 0))]))
    if lines and prose_sheet:
        # the importer joins a line that ran to the right margin with the next: in a cell every line ends
        # where its writer pressed Enter, so no line may look full — only this mark at the very end does
        lines[-1].words.append(Word("", 0, _FAR, lines[-1].top))
    return lines


def _our_sheets() -> set[str]:
    """Sheets we add to the user's workbook (校验结果, the hidden record, 变更记录): not part of the disclosure."""
    from budget_xl.marking.plan import RESULT_SHEET
    from budget_xl.marking.state import STATE_SHEET
    from budget_xl.writeback import LOG_SHEET

    return {RESULT_SHEET, STATE_SHEET, LOG_SHEET}


def _names_table(text: str) -> bool:
    from budget_xl.schema import PROFILES

    return any(match_title(text, p) for p in PROFILES)


def workbook_pages(grids: Mapping[str, Grid]) -> SheetPages:
    pages = SheetPages(names=list(grids))
    merged = getattr(grids, "merged", {})
    ours = _our_sheets()
    for i, (name, grid) in enumerate(grids.items(), start=1):
        if name not in ours:
            pages.lines += sheet_lines(i, name, grid, merged.get(name, ()), pages.notes)
    return pages


def _titles(grids: Mapping[str, Grid]) -> list[str]:
    out = [str(name) for name in grids]  # an export's sheets may be named by their tables
    for grid in grids.values():
        for row in list(grid)[:TITLE_ROWS]:
            out += [v for v in row if isinstance(v, str) and v.strip()]
    return out


def recognised_profile(grids: Mapping[str, Grid]) -> tuple[str, int]:
    """(profile, number of its tables whose titles stand at the top of some sheet)."""
    titles = _titles(grids)
    profile = choose_profile(titles)
    return profile, len({m.layout.key for t in titles if (m := match_title(t, profile))})


def is_official(grids: Mapping[str, Grid]) -> bool:
    """A workbook of the official tables: at least two tables of a known profile found by their titles."""
    return recognised_profile(grids)[1] >= 2


def import_grids(grids: Mapping[str, Grid], source: str, profile: str | None = None):
    """(Budget, report, reader notes) of a workbook of official tables, every figure with its own cell."""
    return _import(workbook_pages(grids), source, profile)[:3]


def _import(pages: SheetPages, source: str, profile: str | None = None):
    from budget_xl.importers.pdf import import_lines

    toc = {ln.page for ln in pages.lines if re.sub(r"\s+", "", ln.text) == "目录"}
    chosen = profile or choose_profile(ln.text for ln in pages.lines if ln.page not in toc)
    budget, report = import_lines(pages.lines, chosen, source)
    _place(budget, pages, {t.key: t.pages for t in report.tables})
    _blank_tables(budget, {t.key for t in report.tables})
    report = WorkbookReport(**vars(report), sheets=pages.names)
    return budget, report, pages.notes, pages


def _place(budget, pages: SheetPages, found: dict[str, list[int]]) -> None:
    """Each table on the sheet its title stands on; 说明文字 rows at the cell their paragraph starts in."""
    for key, table in budget.tables.items():
        sheets = [c.split("!")[0] for r in table.rows for c in r.cells.values()]
        if key in found and found[key]:
            table.sheet = pages.names[found[key][0] - 1]
        elif sheets:
            table.sheet = max(set(sheets), key=sheets.count)
        if table.sheet and key in found:
            page = pages.names.index(table.sheet) + 1
            for ln in pages.lines:
                if ln.page == page and ln.top < TITLE_ROWS * ROW_HEIGHT and match_title(ln.text, budget.profile):
                    table.title_cell = ln.words[0].cell
                    break
    text = budget.tables.get("TEXT")
    if text is None:
        return
    starts = [(re.sub(r"\s+", "", fold(w.text)), w.cell) for ln in pages.lines for w in ln.words if w.cell and w.text]
    for row in text.rows:
        head = re.sub(r"\s+", "", fold(row.text("text") or row.text("title")))[:12]
        cell = next((c for t, c in starts if t.startswith(head)), None) if head else None
        if cell:
            row.cells["text"] = cell


def _blank_tables(budget, found: set[str]) -> None:
    """A table of fixed rows the user left wholly blank (the 三公 table of a department without any) has its rows,
    every figure unknown: it is an empty table, not one whose rows were deleted."""
    from budget_xl.model import Row

    for key in found:
        table = budget.tables[key]
        lay = table.layout
        if lay.kind not in ("fixed", "two_sided") or any(
                r.amount(c) is not None for r in table.rows for c in lay.amount_columns):
            continue
        sides = lay.sides if lay.kind == "two_sided" else [None]
        for side in sides:
            declared = side.rows if side else lay.rows
            label = side.label if side else lay.label
            for d in declared:
                if not any(r.key == d.key and r.side == (side.name if side else None) for r in table.rows):
                    table.rows.append(Row(key=d.key, values={label: d.label}, side=side.name if side else None))
        table.reindex()


class WorkbookReport:
    """The importer's report, its pages named as the sheets they are."""

    def __init__(self, sheets: list[str], **fields):
        from budget_xl.importers.pdf import ImportReport

        self._report = ImportReport(**fields)
        self.sheets = sheets

    def __getattr__(self, name):
        return getattr(self._report, name)

    def _where(self, page: int) -> str:
        return f"工作表“{self.sheets[page - 1]}”" if 0 < page <= len(self.sheets) else "文字中"

    def lines(self) -> list[str]:
        out = []
        for line in self._report.lines():
            m = re.match(r"^(未能归入|按惯例读取)（第(\d+)页）：(.*)$", line)
            if m:
                line = f"{m.group(1)}（{self._where(int(m.group(2)))}）：{m.group(3)}"
            m = re.match(r"^找到：(.*?)（第([\d、]+)页，(.*)$", line)
            if m:
                pages = [int(p) for p in m.group(2).split("、")]
                names = "、".join(f"“{self.sheets[p - 1]}”" for p in pages if 0 < p <= len(self.sheets))
                line = f"找到：{m.group(1)}（工作表{names}，{m.group(3)}"
            out.append(line)
        return out


def read_official(grids: Mapping[str, Grid], source: str = "", profile: str | None = None) -> ReadResult:
    budget, report, notes, pages = _import(workbook_pages(grids), source, profile)
    return ReadResult(budget=budget, notes=[*notes, *_unfitted(report, pages)])


def _unfitted(report: WorkbookReport, pages: SheetPages) -> list[Finding]:
    """Figures the tables' layouts could not place: a check must not pass over them in silence."""
    out = []
    for page, text, why in report.unfitted:
        if "其下没有数字" in why or "项目绩效目标" in why:
            continue
        at = next((w.cell for ln in pages.lines if ln.page == page for w in ln.words
                   if w.cell and text in (ln.text, w.text)), None)
        where = f"工作表“{pages.names[page - 1]}”" if 0 < page <= len(pages.names) else ""
        # a column the template prints and the profile does not check (单位预算's 人员经费 …): said once, as a hint
        severity = INFO if "不是本表式的列" in why else WARNING
        out.append(Finding("READ-UNFITTED", severity, f"{where}“{text}”：{why}，未核对。", (at,) if at else ()))
    return out


__all__ = ["import_grids", "is_official", "read_official", "sheet_lines"]
