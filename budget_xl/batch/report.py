"""The batch report workbook: 汇总 (one row per file, worst first), 明细 (every finding, a filterable Excel
table), 规则统计 (how often each rule fires — what a reviewer reads first) and 图表 (errors per department).

Only results go in, so the report is the same whichever runner produced them. Every text a file or a
finding brings (file names, departments, messages) is written as text, never as a formula; the file is
written next to its destination and moved into place, so a crash never leaves half a report.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from budget_xl.batch.work import FileResult
from budget_xl.findings import SEVERITIES, SEVERITY_ZH

FORMULA_START = ("=", "+", "-", "@")
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
STATUS_FILL = {"无法读取": PatternFill("solid", fgColor="F4B084"), "有错误": PatternFill("solid", fgColor="FFC7CE"),
               "有警告": PatternFill("solid", fgColor="FFEB9C")}
LINK_FONT = Font(color="0563C1", underline="single")
SUMMARY_HEAD = ("文件", "部门", "年度", "模板", "状态", "错误", "警告", "提示", "首要问题")
DETAIL_HEAD = ("文件", "部门", "规则", "级别", "单元格", "说明")
RULES_HEAD = ("规则", "涉及文件数", "出现次数", "错误", "警告", "提示", "示例说明")
CHART_TOP = 40
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def status(r: FileResult) -> str:
    if r.problem:
        return "无法读取"
    if r.count("error"):
        return "有错误"
    return "有警告" if r.count("warning") else "通过"


def worst_first(results: list[FileResult]) -> list[FileResult]:
    """Unreadable files, then most errors, most warnings, most notes; ties by file name."""
    return sorted(results, key=lambda r: (r.problem is None, -r.count("error"), -r.count("warning"),
                                          -r.count("info"), r.path))


def first_problem(r: FileResult) -> str:
    if r.problem:
        return r.problem
    for sev in ("error", "warning"):
        f = next((f for f in r.findings if f["severity"] == sev), None)
        if f:
            where = f"（{'、'.join(f['cells'][:3])}）" if f["cells"] else ""
            return f"{SEVERITY_ZH[sev]} {f['rule']}{where}：{f['message']}"
    return ""


def rule_stats(results: list[FileResult]) -> list[tuple]:
    """(rule, files, times, errors, warnings, notes, an example message), most widespread first."""
    files: dict[str, set] = defaultdict(set)
    by_sev: dict[str, Counter] = defaultdict(Counter)
    example: dict[str, str] = {}
    for r in results:
        for f in r.findings:
            files[f["rule"]].add(r.path)
            by_sev[f["rule"]][f["severity"]] += 1
            if f["rule"] not in example or _RANK[f["severity"]] < _RANK[example[f["rule"]][0]]:
                example[f["rule"]] = (f["severity"], f["message"])
    rows = [(rule, len(files[rule]), sum(c.values()), c["error"], c["warning"], c["info"], example[rule][1])
            for rule, c in by_sev.items()]
    return sorted(rows, key=lambda x: (-x[3], -x[1], -x[2], x[0]))


def _put(ws, row: int, col: int, value):
    """A value as data: text that Excel would take for a formula (= + - @) stays text."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


def _head(ws, names, widths) -> None:
    for c, (name, width) in enumerate(zip(names, widths), start=1):
        cell = _put(ws, 1, c, name)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _link(path: str, report_dir: Path) -> str:
    """A link that survives moving the report together with the files: relative when possible."""
    p = Path(path).resolve()
    try:
        return os.path.relpath(p, report_dir)
    except ValueError:  # another drive (Windows)
        return p.as_uri()


def build_report(results: list[FileResult], report_dir: Path) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _head(ws, SUMMARY_HEAD, (40, 26, 8, 18, 10, 8, 8, 8, 100))
    ordered = worst_first(results)
    for i, r in enumerate(ordered, start=2):
        name_cell = _put(ws, i, 1, Path(r.path).name)
        name_cell.hyperlink = _link(r.path, report_dir)
        name_cell.font = LINK_FONT
        st = status(r)
        for c, v in enumerate((r.dept, r.year, r.template, st, r.count("error"), r.count("warning"),
                               r.count("info"), first_problem(r)), start=2):
            _put(ws, i, c, v)
        if st in STATUS_FILL:
            ws.cell(row=i, column=5).fill = STATUS_FILL[st]
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_HEAD))}{max(2, len(ordered) + 1)}"

    det = wb.create_sheet("明细")
    _head(det, DETAIL_HEAD, (40, 26, 16, 8, 36, 110))
    n = 1
    for r in ordered:
        for f in sorted(r.findings, key=lambda f: _RANK[f["severity"]]):
            n += 1
            for c, v in enumerate((Path(r.path).name, r.dept, f["rule"], SEVERITY_ZH[f["severity"]],
                                   "、".join(f["cells"]), f["message"]), start=1):
                _put(det, n, c, v)
    if n > 1:  # an Excel table needs a data row
        table = Table(displayName="Findings", ref=f"A1:{get_column_letter(len(DETAIL_HEAD))}{n}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        det.add_table(table)

    st_ws = wb.create_sheet("规则统计")
    _head(st_ws, RULES_HEAD, (18, 12, 10, 8, 8, 8, 110))
    for i, row in enumerate(rule_stats(results), start=2):
        for c, v in enumerate(row, start=1):
            _put(st_ws, i, c, v)

    ch = wb.create_sheet("图表")
    _head(ch, ("部门", "错误"), (30, 10))
    worst = [r for r in ordered if r.count("error")][:CHART_TOP]
    for i, r in enumerate(worst, start=2):
        _put(ch, i, 1, r.dept or Path(r.path).stem)
        _put(ch, i, 2, r.count("error"))
    if worst:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"各部门错误数（前{len(worst)}个）"
        chart.y_axis.title = "错误条数"
        chart.legend = None
        chart.add_data(Reference(ch, min_col=2, min_row=1, max_row=len(worst) + 1), titles_from_data=True)
        chart.set_categories(Reference(ch, min_col=1, min_row=2, max_row=len(worst) + 1))
        chart.height, chart.width = max(7.5, 0.5 * len(worst)), 18
        ch.add_chart(chart, "D2")
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > 40:
                    cell.alignment = Alignment(wrap_text=False, vertical="top")
    return wb


def write_report(results: list[FileResult], path: Path) -> Path:
    """Build in memory, save to a temporary file beside ``path``, then move it into place (os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build_report(results, path.parent.resolve())
    fd, tmp = tempfile.mkstemp(prefix=".budget-xl-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
