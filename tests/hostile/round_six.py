# ruff: noqa: E501
"""Hostile input, round six: what rounds one to four did not build — sheet names with emoji, 31 characters,
a leading apostrophe or only spaces; amount cells holding 1e308, -0.0, "NaN", "∞", "－1,234.50", "1,234.50元",
"12.3万元", every amount an error value; a table with its header and no rows, a table three times on one
sheet, headers merged across the table; 300 sheets; a sheet holding only a chart; the sample as LibreOffice
saves it (.xlsx, .ods, .xls, .csv); .xltx/.xlsb names; a real .docx or a zip of other things named .xlsx;
a directory entry named like a sheet part, a sheet part stored as a symlink; texts with mixed line ends;
PDFs rotated 90/270, HTML named .pdf, the tool's own document printed to PDF.

Each builder writes one input into a folder and returns its path. ``tests/hostile/probe.py --round 6`` runs
every command over them; ``tests/hostile/test_round_six.py`` asserts the kinds that were found failing.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import SHANGHAI_PDF, rename_sheet_in_workbook, repack, seed_text, sheet_part, w

Builder = Callable[[Path], Path]


def edit(name: str, change: Callable) -> Builder:
    """The sample opened with openpyxl, changed, saved as ``name``."""
    def build(folder: Path) -> Path:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
        change(wb)
        p = folder / name
        wb.save(p)
        return p
    return build


def cells(values: dict[str, object], sheet: str = "支出总表") -> Callable:
    def change(wb):
        for ref, v in values.items():
            wb[sheet][ref].value = v
    return change


def _amount_refs(wb, sheet: str = "支出总表") -> list[str]:
    ws = wb[sheet]
    return [c.coordinate for row in ws.iter_rows(min_row=6) for c in row[3:]
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]


def _xml_sheet(patch: Callable[[bytes], bytes], sheet: str = "支出总表") -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n == sheet_part(sheet) else d)


def _extra_sheets(names: list[str]) -> Callable:
    def change(wb):
        for n in names:
            ws = wb.create_sheet(n)
            ws["A1"] = "备注"
    return change


def _all_errors(d: bytes) -> bytes:
    """Every numeric cell from row 6 on in columns D–I an error value (a formula returning #DIV/0!)."""
    def one(m: re.Match) -> bytes:
        ref = m.group(1)
        col = re.match(rb"[A-Z]+", ref).group(0)
        row = int(ref[len(col):])
        if col in (b"D", b"E", b"F", b"G", b"H", b"I") and row >= 6:
            return b'<c r="' + ref + b'"' + m.group(2) + b' t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        return m.group(0)
    return re.sub(rb'<c r="([A-Z]+\d+)"((?: s="\d+")?)(?: t="n")?><v>[^<]*</v></c>', one, d)


def _v(ref: str, raw: str) -> Callable[[bytes], bytes]:
    """Cell ``ref`` given the raw ``<v>`` text ``raw`` (as a number cell)."""
    def patch(d: bytes) -> bytes:
        return re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*>)<v>[^<]*</v>', lambda m: m.group(1) + b"<v>" + raw.encode() + b"</v>", d, count=1)
    return patch


def _no_data_rows(wb) -> None:
    ws = wb["支出总表"]
    ws.delete_rows(6, ws.max_row)


def _three_times(wb) -> None:
    ws = wb["支出总表"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=1, max_row=ws.max_row)]
    start = ws.max_row + 3
    for _ in range(2):
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ws.cell(start + i, j + 1).value = v
        start += len(rows) + 3


def _merge(ref: str, sheet: str = "支出总表") -> Callable:
    def change(wb):
        ws = wb[sheet]
        for m in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(m))
        ws.merge_cells(ref)
    return change


def _many_sheets(n: int) -> Callable:
    def change(wb):
        for i in range(n):
            wb.create_sheet(f"附表{i + 1}")["A1"] = i
    return change


def _chart_only(wb) -> None:
    from openpyxl.chart import BarChart, Reference

    cs = wb.create_chartsheet("图表")
    chart = BarChart()
    chart.add_data(Reference(wb["支出总表"], min_col=4, min_row=6, max_row=12))
    cs.add_chart(chart)


def _drawing_only(wb) -> None:
    from openpyxl.chart import LineChart, Reference

    ws = wb.create_sheet("只有图")
    chart = LineChart()
    chart.add_data(Reference(wb["支出总表"], min_col=4, min_row=6, max_row=12))
    ws.add_chart(chart, "B2")


def _zip(members: dict[str, bytes], dirs: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for d in dirs:
            z.writestr(zipfile.ZipInfo(d), b"")
        for n, data in members.items():
            z.writestr(n, data)
    return out.getvalue()


def _dir_entry_like_sheet() -> bytes:
    """The sample plus a directory entry ``xl/worksheets/sheet99.xml/`` listed as a sheet in the workbook."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", b'<sheet name="\xe7\x9b\xae\xe5\xbd\x95" sheetId="99" r:id="rIdDir"/></sheets>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdDir" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet99.xml/"/></Relationships>')
        return data
    src = repack(change)
    z = zipfile.ZipFile(io.BytesIO(src))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            o.writestr(info.filename, z.read(info.filename))
        o.writestr(zipfile.ZipInfo("xl/worksheets/sheet99.xml/"), b"")
    return out.getvalue()


def _sheet_member_replaced(member) -> bytes:
    """The sample with the sheet part of 支出总表 written by ``member(writer, part)`` instead of itself."""
    part = sheet_part("支出总表")
    z = zipfile.ZipFile(io.BytesIO(sample_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            if info.filename == part:
                member(o, part)
            else:
                o.writestr(info.filename, z.read(info.filename))
    return out.getvalue()


def _dir_entry_replacing_sheet() -> bytes:
    """The sheet part of 支出总表 replaced by a directory entry of the same name plus a slash."""
    return _sheet_member_replaced(lambda o, part: o.writestr(zipfile.ZipInfo(part + "/"), b""))


def _symlinked_sheet() -> bytes:
    """The sheet part of 支出总表 stored as a symlink member (Unix mode 0o120777) pointing at /etc/passwd."""
    def link(o: zipfile.ZipFile, part: str) -> None:
        info = zipfile.ZipInfo(part)
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        o.writestr(info, b"/etc/passwd")

    return _sheet_member_replaced(link)


def _real_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("部门预算情况说明")
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


# -- through LibreOffice -------------------------------------------------------------------------------
def soffice(src: Path, fmt: str, outdir: Path, filt: str | None = None) -> Path | None:
    """``src`` converted by LibreOffice to ``fmt`` in ``outdir`` (None when soffice is missing or fails)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    target = fmt if not filt else f"{fmt}:{filt}"
    try:
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                        "--outdir", str(outdir), str(src)], capture_output=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / (src.stem + "." + fmt)
    return out if out.exists() else None


def _lo(name: str, fmt: str, filt: str | None = None, via: str | None = None) -> Builder:
    """The sample saved by LibreOffice as ``fmt`` (``via`` another format first), named ``name``."""
    def build(folder: Path) -> Path:
        work = folder / ".lo"
        work.mkdir(exist_ok=True)
        src = work / "主表.xlsx"
        src.write_bytes(sample_bytes())
        if via:
            src = soffice(src, via, work / "via") or src
            if src.suffix != "." + via:
                raise RuntimeError("soffice failed")
        out = soffice(src, fmt, work / "out", filt)
        if out is None:
            raise RuntimeError("soffice failed")
        p = folder / name
        shutil.move(out, p)
        shutil.rmtree(work, ignore_errors=True)
        return p
    return build


# -- the families --------------------------------------------------------------------------------------
def xlsx_inputs() -> dict[str, Builder]:
    from xml.sax.saxutils import escape  # noqa: F401

    return {
        "sheet-emoji-extra": edit("表情表名.xlsx", _extra_sheets(["😀备注", "📊"])),
        "sheet-emoji-renamed": w("表情改名.xlsx", lambda: repack(rename_sheet_in_workbook("支出总表", "支出总表😀"))),
        "sheet-31-chars": edit("三十一字.xlsx", _extra_sheets(["备" * 31])),
        "sheet-31-chars-renamed": w("三十一字改名.xlsx", lambda: repack(rename_sheet_in_workbook("一般公共预算支出表", "一般公共预算支出表" + "附" * 22))),
        "sheet-apostrophe": w("撇号表名.xlsx", lambda: repack(rename_sheet_in_workbook("说明文字", "'说明文字"))),
        "sheet-apostrophe-table": w("撇号表格名.xlsx", lambda: repack(rename_sheet_in_workbook("支出总表", "'支出总表"))),
        "sheet-only-spaces": w("空格表名.xlsx", lambda: repack(rename_sheet_in_workbook("政府采购", "   "))),
        "sheet-empty-name": w("空表名.xlsx", lambda: repack(rename_sheet_in_workbook("政府采购", ""))),
        "sheet-name-bang": w("叹号表名.xlsx", lambda: repack(rename_sheet_in_workbook("三公经费表", "三公!经费[表]"))),
        "amount-1e308": edit("极大数.xlsx", cells({"D9": 1e308, "E9": 1e308})),
        "amount-neg-1e308": edit("极小数.xlsx", cells({"D9": -1e308})),
        "amount-neg-zero": edit("负零.xlsx", cells({"D11": -0.0, "F11": -0.0})),
        "amount-denormal": edit("次正规数.xlsx", cells({"D9": 5e-324})),
        "amount-xml-1e309": w("溢出数.xlsx", _xml_sheet(_v("D9", "1e309"))),
        "amount-xml-minus-zero": w("负零文本.xlsx", _xml_sheet(_v("D11", "-0"))),
        "amount-xml-hex": w("十六进制.xlsx", _xml_sheet(_v("D9", "0x3C7"))),
        "amount-xml-long-digits": w("长数字.xlsx", _xml_sheet(_v("D9", "967." + "3" * 400))),
        "amount-xml-exp-huge": w("巨指数.xlsx", _xml_sheet(_v("D9", "1e99999999"))),
        "amount-xml-underscore": w("下划线数.xlsx", _xml_sheet(_v("D9", "9_67.35"))),
        "amount-nan-text": edit("NaN文本.xlsx", cells({"D9": "NaN", "E9": "nan"})),
        "amount-inf-text": edit("无穷文本.xlsx", cells({"D9": "inf", "E9": "-Infinity"})),
        "amount-infinity-sign": edit("无穷符号.xlsx", cells({"D9": "∞", "E9": "-∞"})),
        "amount-fullwidth-minus": edit("全角负号.xlsx", cells({"D12": "－1,234.50"})),
        "amount-paren-thousands": edit("括号千分位.xlsx", cells({"D12": "(1,234.50)"})),
        "amount-yuan-suffix": edit("元后缀.xlsx", cells({"D9": "967.35元"})),
        "amount-wanyuan-suffix": edit("万元后缀.xlsx", cells({"D9": "967.35万元"})),
        "amount-percent": edit("百分号.xlsx", cells({"D9": "96735%"})),
        "amount-yen-sign": edit("货币符号.xlsx", cells({"D9": "￥967.35", "E9": "¥967.35"})),
        "amount-only-minus": edit("仅负号.xlsx", cells({"D12": "-", "E12": "—"})),
        "amount-exp-text": edit("指数文本.xlsx", cells({"D9": "1e308", "E9": "1e400"})),
        "amount-decimal-comma": edit("小数逗号.xlsx", cells({"D9": "967,35"})),
        "amount-all-errors": w("全部错误.xlsx", _xml_sheet(_all_errors)),
        "table-header-no-rows": edit("只有表头.xlsx", _no_data_rows),
        "table-three-times": edit("重复三遍.xlsx", _three_times),
        "header-merged-whole": edit("表头整体合并.xlsx", _merge("A3:I5")),
        "header-merged-diagonal": edit("表头错位合并.xlsx", _merge("C3:E4")),
        "header-merged-into-data": edit("表头并入数据.xlsx", _merge("D4:D8")),
        "sheets-300": edit("三百表.xlsx", _many_sheets(300)),
        "chartsheet": edit("图表页.xlsx", _chart_only),
        "drawing-only-sheet": edit("只有图.xlsx", _drawing_only),
        "real-docx-as-xlsx": w("文档.xlsx", _real_docx),
        "zip-of-other": w("压缩包.xlsx", lambda: _zip({"说明.txt": "预算".encode(), "图片/a.png": b"\x89PNG"})),
        "zip-empty": w("空压缩包.xlsx", lambda: _zip({})),
        "dir-entry-like-sheet": w("目录项.xlsx", _dir_entry_like_sheet),
        "dir-entry-replacing-sheet": w("目录替表.xlsx", _dir_entry_replacing_sheet),
        "symlinked-sheet-part": w("链接部件.xlsx", _symlinked_sheet),
        "xltx-suffix": w("模板.xltx", sample_bytes),
        "xlsb-suffix": w("二进制.xlsb", sample_bytes),
        "xlam-suffix": w("加载项.xlam", sample_bytes),
        "csv-suffix": w("导出.csv", lambda: "科目编码,金额\n204,3397.31\n".encode("gbk")),
    }


def lo_inputs() -> dict[str, Builder]:
    return {
        "lo-xlsx": _lo("另存.xlsx", "xlsx", "Calc MS Excel 2007 XML"),
        "lo-via-ods-xlsx": _lo("经ods.xlsx", "xlsx", "Calc MS Excel 2007 XML", via="ods"),
        "lo-ods": _lo("另存.ods", "ods"),
        "lo-xls": _lo("另存.xls", "xls", "MS Excel 97"),
        "lo-csv": _lo("另存.csv", "csv"),
    }


def text_inputs() -> dict[str, Builder]:
    def mixed() -> bytes:
        lines = seed_text().split("\n")
        ends = ["\r\n", "\r", "\n"]
        return "".join(line + ends[i % 3] for i, line in enumerate(lines)).encode()

    return {
        "txt-mixed-line-ends": w("混合换行.txt", mixed),
        "txt-utf16be-bom": w("公开UTF16BE.txt", lambda: b"\xfe\xff" + seed_text().encode("utf-16-be")),
        "txt-utf32": w("公开UTF32.txt", lambda: seed_text().encode("utf-32")),
        "txt-gb18030-4byte": w("公开GB18030.txt", lambda: (seed_text() + "\n备注：𠀀😀").encode("gb18030")),
        "txt-bom-then-gbk": w("BOM加GBK.txt", lambda: b"\xef\xbb\xbf" + seed_text().encode("gbk")),
        "txt-form-feeds": w("分页符.txt", lambda: seed_text().replace("\n\n", "\n\f\n").encode()),
        "txt-u2028": w("行分隔符.txt", lambda: seed_text().replace("\n", "\u2028", 40).encode()),
        "txt-suffix-upper": w("公开.TXT", lambda: seed_text().encode()),
        "txt-is-xlsx": w("表格.txt", sample_bytes),
        "txt-html": w("网页.txt", lambda: ("<html><body><pre>" + seed_text() + "</pre></body></html>").encode()),
    }


def pdf_inputs() -> dict[str, Builder]:
    def rotated(deg: int) -> Callable[[], bytes]:
        def make() -> bytes:
            from pypdf import PdfReader, PdfWriter

            r = PdfReader(SHANGHAI_PDF)
            wr = PdfWriter()
            for p in r.pages:
                wr.add_page(p)
                wr.pages[-1].rotate(deg)
            b = io.BytesIO()
            wr.write(b)
            return b.getvalue()
        return make

    def one_page(deg: int) -> Callable[[], bytes]:
        def make() -> bytes:
            from pypdf import PdfReader, PdfWriter

            r = PdfReader(SHANGHAI_PDF)
            wr = PdfWriter()
            wr.add_page(r.pages[0])
            wr.pages[0].rotate(deg)
            b = io.BytesIO()
            wr.write(b)
            return b.getvalue()
        return make

    return {
        "pdf-rotated-90": w("旋转90.pdf", rotated(90)),
        "pdf-rotated-270": w("旋转270.pdf", rotated(270)),
        "pdf-one-page-90": w("单页旋转.pdf", one_page(90)),
        "pdf-is-html": w("网页.pdf", lambda: b"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>\xe9\xa2\x84\xe7\xae\x97</body></html>"),
        "pdf-upper-suffix": w("公开.PDF", lambda: SHANGHAI_PDF.read_bytes()),
        "pdf-is-docx": w("文档.pdf", _real_docx),
        "pdf-is-text": w("文字.pdf", lambda: seed_text().encode()),
    }


def all_inputs(with_lo: bool = True) -> dict[str, Builder]:
    return {**xlsx_inputs(), **(lo_inputs() if with_lo else {}), **text_inputs(), **pdf_inputs()}
