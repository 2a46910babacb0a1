# ruff: noqa: E501
"""Hostile input, round seven: what rounds one to six did not build — sheet names holding a right-to-left
mark, a zero-width space or combining accents; amounts stored as numbers but formatted as dates; a workbook
part with a duplicated attribute (alone, and beside what only the lossless writer keeps); a hyperlink, a
picture or the notes of a sheet whose relationship points at nothing; a conditional format whose colour is
past the style sheet; a workbook with no sheet at all, with an external link, with protected sheets, with
200,000 merged ranges, with phonetic guides in its shared strings; a department named like rich markup;
files named .xlsx that are empty, an Excel lock file, a macOS companion file, CSV, tab-separated text, JSON,
a web page or an Excel 2003 XML table; file names that are not UTF-8, end in a space after the extension,
hold a line break or a right-to-left override.

Each builder writes one input into a folder and returns its path. ``tests/hostile/probe.py --round 7`` runs
every command over them; ``tests/hostile/test_round_seven.py`` asserts the kinds that were found failing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import SHANGHAI_PDF, rename_sheet_in_workbook, repack, saved_sample, sheet_part, w
from tests.hostile.round_six import edit

Builder = Callable[[Path], Path]
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _part(part: str, patch: Callable[[bytes], bytes], extra: dict[str, bytes] | None = None,
          base: bytes | None = None) -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n == part else d, extra, base)


def _sheet(patch: Callable[[bytes], bytes], sheet: str = "支出总表", extra: dict[str, bytes] | None = None) -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n == sheet_part(sheet) else d, extra)


def sheet_rels(sheet: str = "支出总表") -> str:
    folder, name = sheet_part(sheet).rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _rels(*rels: tuple[str, str, str]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{R}/{t}" Target="{target}"/>' for i, t, target in rels)
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships">{body}</Relationships>').encode()


def _date_formatted_amounts() -> bytes:
    """Column D of 支出总表 from row 6 on given a date format (numFmtId 14): the numbers are there, Excel
    shows 1909-04-19 for 3397.31."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            return re.sub(rb'<cellXfs count="(\d+)">(.*?)</cellXfs>', lambda m: b'<cellXfs count="%d">' % (int(m.group(1)) + 1) + m.group(2)
                          + b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/></cellXfs>', data, flags=re.S)
        if name == sheet_part("支出总表"):
            return re.sub(rb'<c r="(D\d+)" s="\d+"( t="n")?><v>', lambda m: b'<c r="' + m.group(1) + b'" s="20"><v>', data)
        return data
    return repack(change)


def duplicated_attribute(data: bytes) -> bytes:
    """``firstSheet`` twice on the workbook view: calamine reads it, openpyxl's lxml refuses it."""
    return data.replace(b'activeTab="0"', b'activeTab="0" firstSheet="0"', 1)


def _with_ext_list(data: bytes) -> bytes:
    """An x14 extension on the sheet: what openpyxl drops, so fill and --mark take the lossless writer."""
    return data.replace(b"</worksheet>", b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext></extLst></worksheet>')


def _dup_attr_lossless() -> bytes:
    part = sheet_part("支出总表")
    return repack(lambda n, d: duplicated_attribute(d) if n == "xl/workbook.xml" else _with_ext_list(d) if n == part else d)


def _dangling(element: bytes, rel: tuple[str, str, str] | None) -> Callable[[], bytes]:
    """The sheet given ``element`` (before ``</worksheet>``) and, when given, a relationship whose target part
    is not in the package."""
    extra = {sheet_rels(): _rels(rel)} if rel else None
    return _sheet(lambda d: d.replace(b"</worksheet>", element + b"</worksheet>", 1), extra=extra)


def _hyperlink_dangling(d: bytes) -> bytes:
    return d.replace(b"</sheetData>", b'</sheetData><hyperlinks><hyperlink xmlns:r="' + R.encode() + b'" ref="C9" r:id="rIdNope"/></hyperlinks>', 1)


def _cf_past_styles(d: bytes) -> bytes:
    rules = b"".join(b'<conditionalFormatting sqref="D%d"><cfRule type="cellIs" dxfId="999" priority="%d" operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting>' % (i, i) for i in range(6, 41))
    return d.replace(b"</sheetData>", b"</sheetData>" + rules, 1)


def _no_sheets(d: bytes) -> bytes:
    return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d, flags=re.S)


def _external_link() -> bytes:
    def change(name: str, d: bytes) -> bytes:
        if name == sheet_part("支出总表"):
            return re.sub(rb'<c r="D9"((?: s="\d+")?)(?: t="n")?><v>([^<]*)</v>', rb'<c r="D9"\1><f>[1]Sheet1!A1</f><v>\2</v>', d, count=1)
        if name == "xl/workbook.xml":
            return d.replace(b"</workbook>", b'<externalReferences><externalReference xmlns:r="' + R.encode() + b'" r:id="rIdX"/></externalReferences></workbook>')
        if name == "xl/_rels/workbook.xml.rels":
            return d.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="' + R.encode() + b'/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
        return d
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="'
            + R.encode() + b'"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="' + R.encode() + b'/externalLinkPath" Target="file:///C:/%E4%B8%8A%E5%B9%B4.xlsx" TargetMode="External"/></Relationships>')
    return repack(change, {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": rels})


def _merged_ranges(n: int) -> Callable[[bytes], bytes]:
    def patch(d: bytes) -> bytes:
        body = "".join(f'<mergeCell ref="K{i}:L{i}"/>' for i in range(1, n + 1)).encode()
        d = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", d, flags=re.S)
        return d.replace(b"</sheetData>", b'</sheetData><mergeCells count="%d">' % n + body + b"</mergeCells>", 1)
    return patch


def _phonetic() -> bytes:
    base = saved_sample()
    head = "<si><t>基本支出</t></si>".encode("ascii", "xmlcharrefreplace")
    guide = "<si><t>基本支出</t><rPh sb=\"0\" eb=\"2\"><t>キホン</t></rPh><phoneticPr fontId=\"1\"/></si>".encode("ascii", "xmlcharrefreplace")
    return repack(lambda n, d: d.replace(head, guide) if n == "xl/sharedStrings.xml" else d, base=base)


def _dept(name: str) -> Callable:
    def change(wb):
        wb["基本信息"]["B3"].value = name
    return change


def xlsx_inputs() -> dict[str, Builder]:
    return {
        "sheet-rtl-mark": w("从右到左标记.xlsx", lambda: repack(rename_sheet_in_workbook("支出总表", "\u200f支出总表"))),
        "sheet-zero-width-space": w("零宽空格.xlsx", lambda: repack(rename_sheet_in_workbook("支出总表", "支出\u200b总表"))),
        "sheet-combining-accents": w("组合附加符.xlsx", lambda: repack(rename_sheet_in_workbook("说明文字", "说明文字\u0301\u0301"))),
        "amount-date-format": w("日期格式金额.xlsx", _date_formatted_amounts),
        "workbook-duplicated-attribute": w("重复属性.xlsx", _part("xl/workbook.xml", duplicated_attribute)),
        "workbook-duplicated-attribute-lossless": w("重复属性带扩展.xlsx", _dup_attr_lossless),
        "hyperlink-dangling": w("悬空超链接.xlsx", _sheet(_hyperlink_dangling)),
        "conditional-format-past-styles": w("条件格式越界.xlsx", _sheet(_cf_past_styles)),
        "drawing-missing": w("缺少图片部件.xlsx", _dangling(b'<drawing xmlns:r="' + R.encode() + b'" r:id="rIdD1"/>', ("rIdD1", "drawing", "../drawings/drawing1.xml"))),
        "comments-missing": w("缺少批注部件.xlsx", _dangling(b"", ("rIdC1", "comments", "../comments99.xml"))),
        "no-sheets": w("没有工作表.xlsx", _part("xl/workbook.xml", _no_sheets)),
        "external-link": w("外部链接.xlsx", _external_link),
        "sheet-protected": w("工作表保护.xlsx", _sheet(lambda d: d.replace(b"</sheetData>", b'</sheetData><sheetProtection algorithmName="SHA-512" hashValue="abc=" saltValue="def=" spinCount="100000" sheet="1" objects="1" scenarios="1"/>', 1))),
        "workbook-structure-locked": w("工作簿保护.xlsx", _part("xl/workbook.xml", lambda d: d.replace(b"<workbookProtection/>", b'<workbookProtection lockStructure="1" workbookAlgorithmName="SHA-512" workbookHashValue="abc=" workbookSaltValue="def=" workbookSpinCount="100000"/>'))),
        "merged-200000": w("二十万合并.xlsx", _sheet(_merged_ranges(200_000))),
        "phonetic-guides": w("注音.xlsx", _phonetic),
        "dept-rich-markup": edit("标记部门.xlsx", _dept("[/red]司法局")),
        "style-id-not-a-number": w("样式编号非数字.xlsx", _sheet(lambda d: re.sub(rb' s="\d+"', b' s="abc"', d, count=5))),
        "utf8-declared-gbk": w("声明为GBK.xlsx", _sheet(_declared_gbk)),
    }


def _declared_gbk(d: bytes) -> bytes:
    """UTF-8 bytes under a declaration naming GBK (Python's XML parser takes no multi-byte encoding: openpyxl
    raised ValueError, fill and --mark refused what check read)."""
    return re.sub(rb'encoding="[^"]*"', b'encoding="GBK"', d, count=1) if d.lstrip().startswith(b"<?xml") \
        else b'<?xml version="1.0" encoding="GBK" standalone="yes"?>\n' + d


def not_workbook_inputs() -> dict[str, tuple[Builder, str]]:
    """Files named .xlsx (or .xls) that are no zip package, with what the refusal must call them."""
    lock = b"\x06" + "张三".encode("utf-16-le").ljust(53, b" ") + b"\x00" * 110
    apple = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 4000
    return {
        "empty-xlsx": (w("空文件.xlsx", lambda: b""), "文件是空的（0 字节）"),
        "lock-file": (w("~$主表.xlsx", lambda: lock), "临时锁定文件（文件名以“~$”开头），不是工作簿。请改用“主表.xlsx”"),
        "appledouble": (w("._主表.xlsx", lambda: apple), "macOS 复制文件时附带生成的隐藏文件"),
        "csv-as-xlsx": (w("逗号文本.xlsx", lambda: "科目编码,科目名称,合计\n204,公共安全支出,3397.31\n".encode()), "这是逗号分隔的文本（CSV）文件"),
        "tsv-gbk-as-xlsx": (w("制表文本.xlsx", lambda: "科目编码\t科目名称\t合计\n204\t公共安全支出\t3397.31\n".encode("gbk")), "这是制表符分隔的文本文件"),
        "json-as-xlsx": (w("数据.xlsx", lambda: '{"sheets": [{"name": "支出", "rows": [[1, 2]]}]}'.encode()), "这是 JSON 文本文件"),
        "html-as-xlsx": (w("网页.xlsx", lambda: "<html><body><table><tr><td>科目</td><td>3397.31</td></tr></table></body></html>".encode()), "这是网页（HTML）文件"),
        "html-as-xls": (w("导出.xls", lambda: "<html><body><table><tr><td>科目</td></tr></table></body></html>".encode("gbk")), "这是网页（HTML）文件"),
        "xml2003-as-xlsx": (w("表格2003.xlsx", lambda: '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell><Data>科目</Data></Cell></Row></Table></Worksheet></Workbook>'.encode()), "这是 Excel 2003 XML 表格文件"),
        "pdf-as-xlsx": (w("公开.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"), "这是一个 PDF 文件"),
    }


def named(raw_name: bytes, data: Callable[[], bytes] = sample_bytes) -> Builder:
    """The sample (or ``data``) under a name given as bytes: not UTF-8, a space after the extension…"""
    def build(folder: Path) -> Path:
        p = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw_name))
        p.write_bytes(data())
        return p
    return build


def path_inputs() -> dict[str, Builder]:
    return {
        "name-not-utf8": named(b"bad\xff\xfe.xlsx"),
        "name-gbk": named("主表.xlsx".encode("gbk")),
        "name-gbk-pdf": named("公开.pdf".encode("gbk"), SHANGHAI_PDF.read_bytes),
        "name-space-after-suffix": named("主表.xlsx ".encode()),
        "name-line-break": named("主\n表.xlsx".encode()),
        "name-rtl-override": named("\u202e主表.xlsx".encode()),
        "name-leading-dash": named("-主表.xlsx".encode()),
    }


def all_inputs() -> dict[str, Builder]:
    return {**xlsx_inputs(), **{k: b for k, (b, _) in not_workbook_inputs().items()}, **path_inputs()}
