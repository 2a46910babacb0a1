"""``budget-xl import SOURCE -o OUT.xlsx``: a published disclosure (PDF with text, or text) → master workbook."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from budget_xl.errors import InputError

REPORT_SHEET = "导入报告"


def _is_pdf(src: Path) -> bool:
    """Through the one input guard: a FIFO or a device is refused, never opened blocking."""
    from budget_xl.inputs import read_head

    return b"%PDF-" in read_head(src, 1024, "来源文件")


def import_sources(sources: list[Path], profile: str | None = None):
    """One disclosure published as several PDFs (说明.pdf 公开表.pdf): read as one document, in the order given.
    ``profile`` forces the template (--template); None = recognised from the titles."""
    from budget_xl.importers.pdf import import_pdfs
    from budget_xl.inputs import MAX_PDF_BYTES, require_size

    if len(sources) == 1:
        return import_source(sources[0], profile)
    for src in sources:
        if not _is_pdf(src):
            raise InputError("几个文件一起导入时，每个都须是 PDF（同一份公开文件的情况说明和公开表）。", file=str(src))
        require_size(src, MAX_PDF_BYTES, "PDF 文件")
    return import_pdfs(sources, profile=profile)


def import_source(src: Path, profile: str | None = None):
    """PDF → import_pdf; text in the seed's form → the seed importer. Returns (Budget, ImportReport)."""
    from budget_xl.importers.pdf import ImportReport, import_pdf
    from budget_xl.inputs import MAX_PDF_BYTES, MAX_TEXT_BYTES, read_bounded, require_size

    if _is_pdf(src):
        require_size(src, MAX_PDF_BYTES, "PDF 文件")
        return import_pdf(src, profile=profile)
    from budget_xl.inputs import require_regular_file
    from budget_xl.read.files import OTHER_SPREADSHEETS, is_xls

    require_regular_file(src, "文件")  # a FIFO or device is refused before anything opens it
    if zipfile.is_zipfile(src) or is_xls(src) or Path(src).suffix.lower() in OTHER_SPREADSHEETS:  # a .fods is XML text
        return import_workbook(src, profile)
    from budget_xl.inputs import decode_text

    text = decode_text(read_bounded(src, MAX_TEXT_BYTES, "文本文件"), str(src), "文件",
                       not_text="不是 PDF 文件，也不是可导入的文本：")
    from budget_xl.importers.seed_text import import_seed_text
    from budget_xl.read.grid import read_grids

    wrapped = hard_wrap_problem(text)
    if wrapped:
        raise InputError(wrapped, file=str(src))
    try:
        grids = import_seed_text(text).grids
    except (ValueError, StopIteration, IndexError, KeyError) as e:
        raise InputError(not_importable_text(text, e), file=str(src)) from None
    result = read_grids(grids, source=str(src))
    report = ImportReport(source=str(src), profile=result.budget.profile)
    from budget_xl.importers.pdf import TableFound

    for lay in result.budget.tables.values():
        if re.fullmatch(r"T\d", lay.key) and lay.present:
            report.tables.append(TableFound(lay.key, lay.layout.title, [], len(lay.rows), lay.unit))
    return result.budget, report


def spaces_for_tabs(text: str) -> bool:
    """A disclosure's text whose columns were turned into spaces (copied from a web page or a PDF viewer)."""
    return "\t" not in text and re.search(r"\S[ \u3000\u00a0]{2,}\S|\d[ \u3000\u00a0]\d|\S\u3000\S", text) is not None


def pipes_for_tabs(text: str) -> bool:
    """A disclosure's tables as Markdown rows (“| 序号 | 项目 | 预算数 |”: copied from a wiki, a chat tool or
    an AI answer). It was called “the columns are separated by spaces”, which they are not."""
    return "\t" not in text and len(re.findall(r"(?m)^[ \u3000]*\|.*\|[ \u3000]*$", text)) >= 3


def commas_for_tabs(text: str) -> bool:
    """A disclosure's tables saved as CSV (“序号,项目,预算数”: Excel's “CSV（逗号分隔）” renamed .txt): rows of
    ASCII commas between cells, never a tab."""
    plain = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 4,148.23: a figure's thousands, not a cell's end
    rows = re.findall(r"(?m)^[^,\n]*(?:,[^,\n]*){2,}$", plain)
    return "\t" not in text and len(rows) >= 5


_MOJIBAKE = re.compile("[\u00e4-\u00e9](?:[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                      "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]){2}")


def mojibake(text: str) -> str | None:
    """The first run of a text that is UTF-8 read as Windows-1252 or Latin-1 and saved again (“é¢„ç®—” for
    “预算”: a Chinese text through a western editor or mail program), when most of its characters are such
    runs; None otherwise."""
    runs = _MOJIBAKE.findall(text[:20000])
    if len(runs) < 5 or len(runs) < sum("\u4e00" <= ch <= "\u9fff" for ch in text[:20000]):
        return None
    return runs[0]


def _unmojibake(run: str) -> str:
    for enc in ("cp1252", "latin-1"):
        try:
            return run.encode(enc).decode("utf-8")
        except UnicodeError:
            continue
    return ""


def markup(text: str) -> bool:
    """A web page's source saved as .txt (“网页另存为”, a system's export opened in Notepad): tags, not text."""
    return len(re.findall(r"(?i)<(?:p|td|tr|th|br|div|span|table|body|html)\b[^>]*>", text[:50000])) >= 10


def hard_wrapped(text: str) -> int | None:
    """The width a text was cut into lines at (Word's “插入换行符” when saving as plain text, a mail program's
    80 columns): many lines of just that many characters and none longer. Rows and figures are broken at it
    (“效益指标” became “准”), so the text is not read."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    width = max(len(line) for line in lines)
    cut = {line for line in lines if len(line) == width}  # a header repeated on every page is one line
    return width if 40 <= width <= 160 and len(cut) >= 5 else None


def hard_wrap_problem(text: str) -> str | None:
    """Why a text that would import must not: its lines were cut at a fixed width (``hard_wrapped``)."""
    width = hard_wrapped(text)
    if width is None:
        return None
    return (f"这份文本的每一行都在第 {width} 个字符处被强行折断（另存为纯文本时勾选了“插入换行符”，或经邮件转发），"
            "表格的行和数字被拆到了下一行，不能可靠导入。请重新另存为纯文本并取消“插入换行符”，或直接导入公开的 PDF。")


def column_separator_problem(text: str) -> str | None:
    """What is wrong with a text's form — mojibake, a web page's source, pipes, commas or spaces instead of
    tabs between its columns — or None."""
    run = mojibake(text)
    if run:
        fixed = _unmojibake(run)
        example = f"，如“{run}”原是“{fixed}”" if fixed else f"，如“{run}”"
        return (f"这份文本是乱码：UTF-8 编码的中文被当作西文（Windows-1252）读取后又保存了{example}。"
                "请从原文件重新导出，或在记事本中以 UTF-8 编码打开原文件再另存。")
    if markup(text):
        return ("这份文本是网页（HTML）的源代码（满是“<p>”“<td>”之类的标记），不是文字稿。请在浏览器中打开它，"
                "把表格复制到 Excel 后导入工作簿，或直接导入公开的 PDF。")
    if pipes_for_tabs(text):
        return ("文本中没有制表符：各表的列应以制表符（Tab）分隔，这份文本的表格是用竖线“|”画的"
                "（从网页、聊天工具或在线文档复制表格时常见）。请从原文件重新复制，或直接导入公开的 PDF。")
    if commas_for_tabs(text):
        return ("文本中没有制表符：各表的列应以制表符（Tab）分隔，这份文本的列是用逗号隔开的"
                "（Excel“另存为 CSV”的文件）。请在 Excel 中打开后用“budget-xl import”导入工作簿，"
                "或另存为“文本文件（制表符分隔）”，或直接导入公开的 PDF。")
    if spaces_for_tabs(text):
        return ("文本中没有制表符：各表的列应以制表符（Tab）分隔，这份文本的列是用空格隔开的"
                "（从网页或 PDF 复制时常被转换）。请从原文件重新复制，或直接导入公开的 PDF。")
    return None


def not_importable_text(text: str, e: Exception | None = None) -> str:
    """Why a text is not a disclosure the seed importer reads, in words that say what to do."""
    problem = column_separator_problem(text)
    if problem:
        return problem
    why = f"（{e}）" if e is not None and isinstance(e, ValueError) and str(e) else ""
    return f"文本中找不到预算公开表格{why}：导入文本须是公开文件的文字稿（各表为制表符分隔的行）。"


def import_workbook(src: Path, profile: str | None = None):
    """A workbook of the official tables (the district's template, the budget system's export) → (Budget,
    report), read as its PDF would be; the budget is laid out afresh as the master workbook."""
    from budget_xl.read.files import ENGINES
    from budget_xl.read.official import import_grids, is_official

    grids = ENGINES["calamine"](src)
    if not is_official(grids):
        raise InputError("这个工作簿里找不到预算公开表的表题（如“部门财务收支预算总表”），无法导入。"
                         "若它已是主表工作簿，可直接校验：budget-xl check。", file=str(src))
    budget, report, _notes = import_grids(grids, str(src), profile)
    for table in budget.tables.values():  # the master workbook has its own sheets and cells
        table.sheet = table.title_cell = None
        for row in table.rows:
            row.cells = {}
    return budget, report


# 上年数 rows ← last year's tables: (table, row, column)
PRIOR_SOURCES = {
    "total": ("T1", "in_grand", "in_amount"), "fin": ("T1", "fin", "in_amount"), "gen": ("T4", "gen", "in_amount"),
    "fund": ("T4", "fund", "in_amount"), "soe": ("T4", "soe", "in_amount"), "basic": ("T3", "合计", "basic"),
    "project": ("T3", "合计", "project"), "opex": ("T9", "opex", "total"), "sangong": ("T9", "total", "total"),
    "abroad": ("T9", "abroad", "total"), "car": ("T9", "car", "total"), "car_buy": ("T9", "car_buy", "total"),
    "car_run": ("T9", "car_run", "total"), "recep": ("T9", "recep", "total"),
}


def fill_prior(budget, last, report=None) -> int:
    """The 上年数 sheet (万元) from last year's document (imported PDF or workbook); returns rows filled.

    Only figures last year's tables print are taken; a blank stays blank (unknown)."""
    from budget_xl.model import Row
    from budget_xl.units import round2, to_wan

    prior = budget.tables.get("PRIOR")
    if prior is None:
        return 0
    declared = {r.key for r in prior.layout.rows}
    n = 0
    for key, (tkey, rkey, col) in PRIOR_SOURCES.items():
        t = last.tables.get(tkey)
        if key not in declared or t is None or not t.present:
            continue
        r = t.get(rkey)
        v = r.amount(col) if r is not None else None
        if v is None:
            continue
        value = round2(to_wan(v, t.unit))
        row = prior.get(key)
        if row is None:
            row = Row(key=key, values={"item": prior.layout.fixed_row(key).label})
            prior.rows.append(row)
            prior.reindex()
        row.values["amount"] = value
        n += 1
        if report is not None:
            report.extracted.append((f"上年数：{prior.layout.fixed_row(key).label}（万元，取自上年文件）", str(value)))
    return n


def read_last_year(path: Path):
    """Last year's document: a PDF (imported) or a workbook."""
    if path.suffix.lower() == ".pdf":
        from budget_xl.importers.pdf import import_pdf
        from budget_xl.inputs import MAX_PDF_BYTES, require_size

        require_size(path, MAX_PDF_BYTES, "上年 PDF 文件")

        return import_pdf(path)[0]
    from budget_xl.read import read_workbook

    return read_workbook(path).budget


def write_imported(budget, report, out: Path) -> Path:
    """The workbook plus an 导入报告 sheet listing what was found and what did not fit."""
    from openpyxl.styles import Font

    from budget_xl.write.workbook import build_workbook

    wb = build_workbook(budget)
    ws = wb.create_sheet(REPORT_SHEET)
    ws.append(["导入报告（本表由 budget-xl import 生成，不参与校验）"])
    ws["A1"].font = Font(bold=True)
    for line in report.lines():
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    from budget_xl.outputs import write_with

    write_with(out, wb.save)  # atomic; an existing file there is kept as a backup first
    return out


def cmd_import(args) -> int:
    from budget_xl.inputs import each_once

    sources = each_once([Path(s) for s in args.source])
    out = Path(args.output)
    from budget_xl.outputs import prepare
    from budget_xl.schema import PROFILES

    if args.template and args.template not in PROFILES:
        raise InputError(f"没有名为“{args.template}”的表式（可用：{'、'.join(PROFILES)}）。")
    out = prepare(out, inputs=[*sources, args.prior], suffixes=(".xlsx", ".xlsm"))
    budget, report = import_sources(sources, args.template)
    if args.prior:
        last = read_last_year(Path(args.prior))
        if budget.year and last.year and last.year != budget.year - 1:
            raise InputError(f"上年文件的预算年度是{last.year}年，应为{budget.year - 1}年。", file=str(args.prior))
        fill_prior(budget, last, report)
    write_imported(budget, report, out)
    for line in report.lines():
        print(line)
    print(f"已导入：{out}（共找到 {len(report.tables)} 张表；未找到 {len(report.missing)} 张；"
          f"未能归入 {len(report.unfitted)} 行，见“{REPORT_SHEET}”工作表）")
    return 0


def register(sub) -> None:
    s = sub.add_parser("import", help="导入公开的预算文件（带文字层的 PDF、文本，或按正式公开表填写的 Excel 工作簿），生成主表工作簿")
    s.add_argument("source", metavar="来源", nargs="+",
                   help="预算公开 PDF、文本文件或正式公开表的工作簿（.xlsx/.xlsm/.xls）；一份公开文件分成几个 PDF 的"
                   "（说明.pdf 公开表.pdf），依次全部列出")
    s.add_argument("-o", "--output", required=True, metavar="输出.xlsx", help="输出的主表工作簿")
    s.add_argument("--prior", metavar="上年文件", help="上年的预算公开 PDF 或主表工作簿：其各表的数填入“上年数”工作表，"
                   "供校验文字中的“比上年”和情况说明使用")
    s.add_argument("--template", metavar="表式", help="按指定表式读取（national、shanghai、jiangsu）；不指定时按表题自动识别")
    s.set_defaults(func=cmd_import)
