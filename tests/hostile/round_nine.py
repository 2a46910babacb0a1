# ruff: noqa: E501
"""Hostile input, round nine: packages other zippers write (members compressed with bzip2 or LZMA, zip64
records, data descriptors), sheet XML other spreadsheet programs write (rich-text inline strings, empty
``<v/>``, a cell holding both ``<is>`` and ``<v>``, shared formulas, rows out of order or twice, the same
cell twice, negative or huge style ids, UTF-16 parts), workbook parts listing a sheet twice or pointing at a
dialog sheet, a macro-enabled workbook with its VBA project; PDFs with zero-size pages or an attached file.

Each builder writes one input into a folder and returns its path; ``tests/hostile/test_round_nine.py``
asserts what each must give.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_eight import _far
from tests.hostile.round_four import repack, saved_sample, sheet_part, w

Builder = Callable[[Path], Path]


def _recompress(method: int, only: str | None = None, zip64: bool = False) -> Callable[[], bytes]:
    """The sample with every member (or only ``only``) compressed with ``method``."""
    def build_method() -> bytes:
        src = zipfile.ZipFile(io.BytesIO(sample_bytes()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in src.infolist():
                m = method if only is None or info.filename == only else zipfile.ZIP_DEFLATED
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.compress_type = m
                with z.open(zi, "w", force_zip64=zip64) as f:
                    f.write(src.read(info.filename))
        return out.getvalue()
    return build_method


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes each member with a data descriptor after it."""

    def __init__(self) -> None:
        self.buf = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        return self.buf.write(b)


def _data_descriptors() -> bytes:
    src = zipfile.ZipFile(io.BytesIO(sample_bytes()))
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
    return sink.buf.getvalue()


def _sheet(patch: Callable[[bytes], bytes], sheet: str = "支出总表") -> Callable[[], bytes]:
    part = sheet_part(sheet)
    return lambda: repack(lambda n, d: patch(d) if n == part else d)


def _rich_runs(d: bytes) -> bytes:
    """Every inline string split into two runs, the second bold (as WPS writes a partly bold cell)."""
    def split(m: re.Match) -> bytes:
        t = m.group(1)
        cut = t.find(b";") + 1 if t.startswith(b"&#") else 1
        if cut <= 0 or cut >= len(t):
            return m.group(0)
        return b"<is><r><t>" + t[:cut] + b"</t></r><r><rPr><b/></rPr><t>" + t[cut:] + b"</t></r></is>"
    return re.sub(rb"<is><t>(.*?)</t></is>", split, d)


def _empty_v(d: bytes) -> bytes:
    return d.replace(b't="n"></c>', b't="n"><v/></c>')


def _is_and_v(d: bytes) -> bytes:
    """D7 an inline string cell holding both ``<is>`` (9999) and a ``<v>`` (its number)."""
    return d.replace(b'<c r="D7" s="13" t="n"><v>3397.31</v></c>',
                     b'<c r="D7" s="13" t="inlineStr"><is><t>9999</t></is><v>3397.31</v></c>')


def _shared_formula(d: bytes) -> bytes:
    d = d.replace(b'<c r="D8" s="10" t="n"><v>1365.88</v></c>',
                  b'<c r="D8" s="10"><f t="shared" ref="D8:D9" si="0">E8+F8</f><v>1365.88</v></c>')
    return re.sub(rb'<c r="D9" s="10" t="n"><v>([0-9.]+)</v></c>', rb'<c r="D9" s="10"><f t="shared" si="0"/><v>\1</v></c>', d)


def _rows_reversed(d: bytes) -> bytes:
    head, rest = d.split(b"<sheetData>", 1)
    body, tail = rest.split(b"</sheetData>", 1)
    rows = re.findall(rb"<row .*?</row>", body)
    return head + b"<sheetData>" + b"".join(reversed(rows)) + b"</sheetData>" + tail


def _row_twice(d: bytes) -> bytes:
    """Row 8 written twice, the second copy with 9999 in D8."""
    m = re.search(rb'<row r="8".*?</row>', d)
    copy = m.group(0).replace(b"<v>1365.88</v>", b"<v>9999</v>")
    return d[:m.end()] + copy + d[m.end():]


def _cell_twice(d: bytes) -> bytes:
    return d.replace(b'<c r="D7" s="13" t="n"><v>3397.31</v></c>',
                     b'<c r="D7" s="13" t="n"><v>3397.31</v></c><c r="D7" s="13" t="n"><v>9999</v></c>')


def _style(value: bytes) -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b'<c r="D7" s="13"', b'<c r="D7" s="' + value + b'"')


def _utf16(d: bytes) -> bytes:
    """A part in UTF-16 (little-endian, with a BOM), its declaration saying so."""
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", d)
    return '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + body.decode().encode("utf-16-le")


def _all_parts_utf16() -> bytes:
    """Every XML part in UTF-16, as a .NET export writing through a StringWriter does."""
    return repack(lambda n, d: _utf16(d) if n.endswith((".xml", ".rels")) else d)


def _shared_strings_utf16_count() -> bytes:
    """The saved sample's shared strings in UTF-16, declaring 2,000,000,000 of them (round four's lie,
    where the byte search for it did not look)."""
    def change(n: str, d: bytes) -> bytes:
        if n != "xl/sharedStrings.xml":
            return d
        d = re.sub(rb'\s(?:unique)?[cC]ount="\d+"', b"", d)
        return _utf16(d.replace(b"<sst ", b'<sst count="2000000000" uniqueCount="2000000000" ', 1))
    return repack(change, base=saved_sample())


def _declared_gbk(d: bytes) -> bytes:
    """UTF-8 bytes behind a declaration saying GBK (and a Chinese sheet text outside entities)."""
    return b'<?xml version="1.0" encoding="GBK"?>' + d


def _workbook(patch: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None,
              types: Callable[[bytes], bytes] | None = None) -> Callable[[], bytes]:
    def change(n: str, d: bytes) -> bytes:
        if n == "xl/workbook.xml":
            return patch(d)
        if n == "[Content_Types].xml" and types:
            return types(d)
        return d
    return lambda: repack(change, extra)


def _sheet_listed_twice(d: bytes) -> bytes:
    """支出总表 listed again (same part) as 支出总表（副本）."""
    m = re.search(rb'<sheet [^>]*name="' + "支出总表".encode() + rb'"[^>]*/>', d)
    copy = m.group(0).replace(b'sheetId="4"', b'sheetId="99"')
    copy = re.sub(rb'name="[^"]*"', 'name="支出总表（副本）"'.encode(), copy)
    return d.replace(b"</sheets>", copy + b"</sheets>")


def _as_dialogsheet() -> bytes:
    part = sheet_part("支出总表")

    def change(n: str, d: bytes) -> bytes:
        if n == part:
            return d.replace(b"<worksheet ", b"<dialogsheet ").replace(b"</worksheet>", b"</dialogsheet>")
        if n == "xl/_rels/workbook.xml.rels":
            target = part.removeprefix("xl/").encode()
            return re.sub(rb'(<Relationship [^>]*Target="' + re.escape(target) + rb'"[^>]*>)',
                          lambda m: m.group(1).replace(b"/worksheet\"", b"/dialogsheet\""), d)
        if n == "[Content_Types].xml":
            return d.replace(b'PartName="/' + part.encode() + b'" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"',
                             b'PartName="/' + part.encode() + b'" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml"')
        return d
    return repack(change)


def _macro_enabled(main_type: bytes) -> Callable[[], bytes]:
    """The sample with a VBA project, its workbook part listed under ``main_type``."""
    def build() -> bytes:
        def change(n: str, d: bytes) -> bytes:
            if n == "[Content_Types].xml":
                d = d.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", main_type)
                return d.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if n == "xl/_rels/workbook.xml.rels":
                return d.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            return d
        from tests.hostile.make_corpus import _ole
        return repack(change, {"xl/vbaProject.bin": _ole("VBA")()})
    return build


def xlsx_inputs() -> dict[str, Builder]:
    return {
        "zip-bzip2-sheet": w("bzip2压缩.xlsx", _recompress(zipfile.ZIP_BZIP2, sheet_part("支出总表"))),
        "zip-bzip2-all": w("全部bzip2压缩.xlsx", _recompress(zipfile.ZIP_BZIP2)),
        "zip-lzma-sheet": w("lzma压缩.xlsx", _recompress(zipfile.ZIP_LZMA, sheet_part("支出总表"))),
        "zip-lzma-all": w("全部lzma压缩.xlsx", _recompress(zipfile.ZIP_LZMA)),
        "zip64": w("zip64.xlsx", _recompress(zipfile.ZIP_DEFLATED, zip64=True)),
        "zip-data-descriptors": w("数据描述符.xlsx", _data_descriptors),
        "bom-before-pk": w("带BOM.xlsx", lambda: b"\xef\xbb\xbf" + sample_bytes()),
        "rich-text-runs": w("富文本.xlsx", _sheet(_rich_runs)),
        "empty-v": w("空值.xlsx", _sheet(_empty_v)),
        "is-and-v": w("字符串与数值.xlsx", _sheet(_is_and_v)),
        "shared-formula": w("共享公式.xlsx", _sheet(_shared_formula)),
        "rows-reversed": w("行倒序.xlsx", _sheet(_rows_reversed)),
        "row-twice": w("行重复.xlsx", _sheet(_row_twice)),
        "cell-twice": w("单元格重复.xlsx", _sheet(_cell_twice)),
        "style-negative": w("负样式.xlsx", _sheet(_style(b"-1"))),
        "style-huge": w("巨大样式.xlsx", _sheet(_style(b"99999999999999999999"))),
        "style-text": w("文字样式.xlsx", _sheet(_style(b"abc"))),
        "sheet-utf16": w("UTF16部件.xlsx", _sheet(_utf16)),
        "all-parts-utf16": w("全部UTF16部件.xlsx", _all_parts_utf16),
        "sheet-utf16-far-cell": w("UTF16远端单元格.xlsx", _sheet(lambda d: _utf16(_far(d)))),
        "shared-strings-utf16-count-lies": w("UTF16共享文字数量不实.xlsx", _shared_strings_utf16_count),
        "sheet-declared-gbk": w("声明GBK.xlsx", _sheet(_declared_gbk)),
        "sheet-listed-twice": w("工作表列出两次.xlsx", _workbook(_sheet_listed_twice)),
        "dialogsheet": w("对话框表.xlsx", _as_dialogsheet),
        "xlsm-vba": w("宏.xlsm", _macro_enabled(b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")),
        # an export that spliced the two names together: openpyxl finds "no valid workbook part"
        "workbook-content-type-odd": w("工作簿类型有误.xlsm", _macro_enabled(b"application/vnd.openxmlformats-officedocument.ms-excel.sheet.macroEnabled.main+xml")),
        "workbook-content-type-xml": w("工作簿类型为xml.xlsx", lambda: repack(lambda n, d: d.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", b"application/xml") if n == "[Content_Types].xml" else d)),
    }


# -- PDFs ---------------------------------------------------------------------------------------------
def _pdf(pages: list[bytes], extra_catalog: bytes = b"", extra_objects: list[bytes] | None = None) -> bytes:
    """A small PDF by hand: one object per page given as its dictionary body (without Parent)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>", b""]
    kids = []
    font = len(pages) * 2 + 3
    for p in pages:
        kids.append(len(objs) + 1)
        objs.append(b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R " % (font, len(objs) + 2) + p + b">>")
        content = b"BT /F1 12 Tf 72 720 Td (Budget 2026) Tj ET"
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objs += extra_objects or []
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _with_attachment() -> bytes:
    """The Shanghai PDF with the sample workbook attached (pypdf)."""
    import pypdf

    from tests.hostile.round_four import SHANGHAI_PDF
    r = pypdf.PdfReader(str(SHANGHAI_PDF))
    wr = pypdf.PdfWriter(clone_from=r)
    wr.add_attachment("预算.xlsx", sample_bytes())
    out = io.BytesIO()
    wr.write(out)
    return out.getvalue()


SHANGHAI_2026 = Path("/work/shared/samples/shanghai/2026_普陀区司法局_部门预算.pdf")


def _turned(rotate: int) -> Callable[[], bytes]:
    """The (landscape) 2026 Shanghai PDF with every page's /Rotate set to ``rotate``: turned in a viewer and
    saved, its tables show sideways (-450 is a legal way of writing 270)."""
    def build() -> bytes:
        import pypdf
        from pypdf.generic import NameObject, NumberObject

        wr = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(SHANGHAI_2026)))
        for page in wr.pages:
            page[NameObject("/Rotate")] = NumberObject(rotate)
        out = io.BytesIO()
        wr.write(out)
        return out.getvalue()
    return build


def _portfolio() -> bytes:
    """A PDF portfolio (“PDF 包”): a blank cover page, the disclosure attached inside."""
    import pypdf
    from pypdf.generic import DictionaryObject, NameObject

    wr = pypdf.PdfWriter()
    wr.add_blank_page(595, 842)
    wr.add_attachment(SHANGHAI_2026.name, SHANGHAI_2026.read_bytes())
    wr._root_object[NameObject("/Collection")] = DictionaryObject({NameObject("/View"): NameObject("/D")})
    out = io.BytesIO()
    wr.write(out)
    return out.getvalue()


def pdf_inputs() -> dict[str, Builder]:
    return {
        "pdf-portfolio": w("PDF包.pdf", _portfolio),
        "pdf-turned-90": w("转了90度.pdf", _turned(90)),
        "pdf-turned-minus-450": w("转了负450度.pdf", _turned(-450)),
        "pdf-zero-size-pages": w("零尺寸页.pdf", lambda: _pdf([b"/MediaBox [0 0 0 0] "] * 3)),
        "pdf-negative-mediabox": w("负尺寸页.pdf", lambda: _pdf([b"/MediaBox [0 0 -612 -792] "])),
        "pdf-huge-mediabox": w("巨大页.pdf", lambda: _pdf([b"/MediaBox [0 0 14400000 14400000] "])),
        "pdf-no-mediabox": w("无页面尺寸.pdf", lambda: _pdf([b""])),
        "pdf-attachment": w("带附件.pdf", _with_attachment),
    }


# -- texts --------------------------------------------------------------------------------------------
def _text(change: Callable[[str], str], encoding: str = "utf-8") -> Callable[[], bytes]:
    from tests.hostile.round_four import seed_text
    return lambda: change(seed_text()).encode(encoding)


def _pipes(t: str) -> str:
    """Each table row as a Markdown table row (| a | b |), as a chat tool or a wiki copies a table."""
    return "\n".join("| " + " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in t.split("\n"))


_FULL = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def text_inputs() -> dict[str, Builder]:
    return {
        "txt-ideographic-spaces": w("全角空格.txt", _text(lambda t: t.replace("\t", "\u3000"))),
        "txt-runs-of-spaces": w("多个空格.txt", _text(lambda t: t.replace("\t", "    "))),
        "txt-markdown-pipes": w("竖线表格.txt", _text(_pipes)),
        "txt-fullwidth-digits": w("全角数字.txt", _text(lambda t: t.translate(_FULL))),
        "txt-twice": w("两份.txt", _text(lambda t: t + "\n" + t)),
        "txt-commas": w("逗号分隔.txt", _text(lambda t: t.replace("\t", ","))),
    }
