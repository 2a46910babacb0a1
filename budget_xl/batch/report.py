"""The batch report workbook: 汇总 (one row per file, worst first, with how many relations were checked,
not applicable, left unchecked by blanks), 明细 (every finding, a filterable Excel
table), 规则统计 (how often each rule fires — what a reviewer reads first) and 图表 (errors per department).

Only results go in, so the report is the same whichever runner produced them. Every text a file or a
finding brings (file names, departments, messages) is written as text, never as a formula; the file is
written next to its destination and moved into place, so a crash never leaves half a report. Sheets are
written row by row (openpyxl write-only): a province's findings fit in constant memory.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from budget_xl.batch.work import FileResult
from budget_xl.findings import SEVERITIES, SEVERITY_ZH

FORMULA_START = ("=", "+", "-", "@")
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
STATUS_FILL = {"无法读取": PatternFill("solid", fgColor="F4B084"), "有错误": PatternFill("solid", fgColor="FFC7CE"),
               "有警告": PatternFill("solid", fgColor="FFEB9C"), "未核对": PatternFill("solid", fgColor="FFEB9C")}
LINK_FONT = Font(color="0563C1", underline="single")
SUMMARY_HEAD = ("文件", "部门", "年度", "模板", "状态", "错误", "警告", "提示", "检查关系", "不适用", "因空白未能检查",
                "首要问题")
COVERAGE = ("checked", "not_applicable", "not_checkable")
DETAIL_HEAD = ("文件", "部门", "规则", "级别", "单元格", "说明")
RULES_HEAD = ("规则", "涉及文件数", "出现次数", "错误", "警告", "提示", "示例说明")
CHART_TOP = 40
MAX_DETAIL_ROWS = 1_048_575  # Excel's last row, less the header
DETAIL_WIDTHS = (40, 26, 16, 8, 36, 110)
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def status(r: FileResult) -> str:
    if r.problem:
        return "无法读取"
    if r.count("error"):
        return "有错误"
    if r.covered("checked") == 0:
        return "未核对"  # no relation checked: "no error" says nothing
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


def _cell(ws, value, font=None, fill=None):
    """A value as data: text that Excel would take for a formula (= + - @) stays text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _row(ws, values) -> None:
    ws.append([_cell(ws, v) for v in values])


def _sheet(wb, title: str, names, widths):
    """A write-only sheet (constant memory, however many findings) with a frozen, coloured header row."""
    ws = wb.create_sheet(title)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, n, HEAD_FONT, HEAD_FILL) for n in names])
    return ws


def _link(path: str, report_dir: Path) -> str:
    """A link that survives moving the report together with the files: relative when possible (to the file's
    own name: a link whose file is gone, or that points at itself, is listed as the name the user sees)."""
    p = Path(os.path.abspath(path))
    try:
        return os.path.relpath(p, report_dir)
    except ValueError:  # another drive (Windows)
        return p.as_uri()


def _shown_name(r: FileResult) -> str:
    """A row's file as the report names it: its name, or the names of a document's PDFs joined by “、”."""
    return "、".join(Path(f).name for f in r.members)


def _table(ws, name: str, head, rows: int) -> None:
    table = Table(displayName=name, ref=f"A1:{get_column_letter(len(head))}{rows + 1}")
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(head, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():  # "add table columns manually": done just above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def build_report(results: list[FileResult], report_dir: Path) -> Workbook:
    wb = Workbook(write_only=True)
    ordered = worst_first(results)
    ws = _sheet(wb, "汇总", SUMMARY_HEAD, (40, 26, 8, 18, 10, 8, 8, 8, 10, 8, 14, 100))
    for r in ordered:
        name = _cell(ws, _shown_name(r), LINK_FONT)
        name.hyperlink = _link(r.members[0], report_dir)  # a document in parts: its first (the 说明)
        st = status(r)
        template = f"{r.template}·{r.kind}" if r.kind else r.template  # 预算 and 决算 files side by side
        ws.append([name, *(_cell(ws, v) for v in (r.dept, r.year, template)), _cell(ws, st, fill=STATUS_FILL.get(st)),
                   *(_cell(ws, v) for v in (r.count("error"), r.count("warning"), r.count("info"),
                                            *(r.covered(k) for k in COVERAGE), first_problem(r)))])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_HEAD))}{max(2, len(ordered) + 1)}"

    # 明细: one Excel table per sheet; past Excel's row limit the findings go on to 明细2, 明细3 …
    part, n, det = 1, 0, _sheet(wb, "明细", DETAIL_HEAD, DETAIL_WIDTHS)
    for r in ordered:
        for f in sorted(r.findings, key=lambda f: _RANK[f["severity"]]):
            if n == MAX_DETAIL_ROWS:
                _table(det, f"Findings{'' if part == 1 else part}", DETAIL_HEAD, n)
                part, n = part + 1, 0
                det = _sheet(wb, f"明细{part}", DETAIL_HEAD, DETAIL_WIDTHS)
            _row(det, (_shown_name(r), r.dept, f["rule"], SEVERITY_ZH[f["severity"]], "、".join(f["cells"]), f["message"]))
            n += 1
    if n:  # an Excel table needs a data row
        _table(det, f"Findings{'' if part == 1 else part}", DETAIL_HEAD, n)

    st_ws = _sheet(wb, "规则统计", RULES_HEAD, (18, 12, 10, 8, 8, 8, 110))
    for row in rule_stats(results):
        _row(st_ws, row)

    ch = _sheet(wb, "图表", ("部门", "错误"), (30, 10))
    worst = [r for r in ordered if r.count("error")][:CHART_TOP]
    for r in worst:
        _row(ch, (r.dept or Path(r.members[0]).stem, r.count("error")))
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
    return wb


def write_report(results: list[FileResult], path: Path) -> Path:
    """Build in memory, save to a temporary file beside ``path``, then move it into place (os.replace)."""
    from budget_xl import outputs

    path = Path(path)
    # built inside the atomic write: the write-only sheets already write (to temporary files) while built
    outputs.write_with(path, lambda tmp: build_report(results, Path(os.path.abspath(path.parent))).save(tmp), force=True)
    return path
