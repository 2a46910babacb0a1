# ruff: noqa: E501
"""Hostile input, round ten: sheet XML as other libraries write it (every element under an ``x:`` prefix,
as the .NET Open XML SDK does; a UTF-8 byte-order mark before each part; cell references in lower case or
left out; attributes single-quoted or with blanks round the “=”; ``t="str"`` cells with no formula; rows
with ``spans``; CDATA strings; ``<f>`` after ``<v>``; numbers padded with blanks in ``<v>``; shared-string
indexes written “3.0” or “ 3 ”; a dimension of the whole sheet or of one cell; far cells and lying
shared-string counts written those ways), relationship targets written relative, in another letter case or
percent-encoded (also where fill takes the lossless writer); table sheets hidden or very hidden; defined
names and print titles pointing at sheets that are not there; a chartsheet first; an Apple Numbers export
summary first; comments, threaded comments, data validation lists; ``_x000D_`` and control-character
escapes; WPS pictures embedded in cells (DISPIMG); sheet names Excel forbids or over 31 characters; amounts
typed as text with a trailing minus, full-width digits, spaces or a non-breaking space round them, an
exponent, or a double's full printout; a package with a zeroed block (a broken disk) in a member, in the
workbook part or in the central directory; PDFs with JavaScript, a broken or blanked cross-reference
table, an incremental update, AES-256 owner encryption, junk before the header, a zero-filled tail, a
zeroed sector in the embedded font, tables scanned as pictures; texts ending in a DOS end-of-file mark,
joined with a byte-order mark mid-file, copied from Excel with trailing tabs or quoted cells, GB18030 or
UTF-16 with CR line ends, NBSP separators, zero-width spaces in numbers, Big5; file names typed in NFC for
a name stored NFD (or the other way), or in another letter case.

Each builder writes one input into a folder and returns its path (``path_inputs``: the path as the user
types it, which is not the one stored); ``tests/hostile/test_round_ten.py`` asserts what each must give,
``python -m tests.hostile.probe OUT --round 10`` runs them through every command.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import repack, saved_sample, sheet_part, w
from tests.hostile.round_six import edit

Builder = Callable[[Path], Path]
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(patch: Callable[[bytes], bytes], sheet: str = "支出总表", base: Callable[[], bytes] = sample_bytes) -> Callable[[], bytes]:
    part = sheet_part(sheet)
    return lambda: repack(lambda n, d: patch(d) if n == part else d, base=base())


def _every_sheet(patch: Callable[[bytes], bytes], base: Callable[[], bytes] = sample_bytes) -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n.startswith("xl/worksheets/sheet") else d, base=base())


def _part(name: str, patch: Callable[[bytes], bytes], base: Callable[[], bytes] = sample_bytes) -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n == name else d, base=base())


# -- sheet XML as other libraries write it -------------------------------------------------------------
def prefixed(d: bytes, prefix: bytes = b"x") -> bytes:
    """Every element of the main namespace under ``prefix:`` (the .NET Open XML SDK writes ``<x:c>``)."""
    if MAIN not in d:
        return d
    d = d.replace(b'xmlns="' + MAIN + b'"', b"xmlns:" + prefix + b'="' + MAIN + b'"', 1)

    def tag(m: re.Match) -> bytes:
        slash, name = m.group(1), m.group(2)
        if b":" in name:
            return m.group(0)
        return b"<" + slash + prefix + b":" + name
    return re.sub(rb"<(/?)([A-Za-z][\w.:-]*)", tag, d)


def _bom(d: bytes) -> bytes:
    return b"\xef\xbb\xbf" + d if d.lstrip().startswith(b"<") else d


def _lower_refs(d: bytes) -> bytes:
    return re.sub(rb'(<c [^>]*?\br=")([A-Z]+)(\d+")', lambda m: m.group(1) + m.group(2).lower() + m.group(3), d)


def _contiguous_rows(d: bytes) -> bool:
    return all(int(m) == i for i, m in enumerate(re.findall(rb'<row r="(\d+)"', d), 1))


def _without_row_numbers(d: bytes) -> bytes:
    """Rows without ``r`` (allowed: a row is then the one after the last), every row present."""
    assert _contiguous_rows(d)
    return re.sub(rb'(<row) r="\d+"', rb"\1", d)


def _without_cell_refs(d: bytes) -> bytes:
    """Cells without ``r`` where the row holds them from column A on without a gap (as a streaming writer
    leaves them out): each is then the one after the last."""
    from budget_xl.read.files import col_index_of

    def row(m: re.Match) -> bytes:
        refs = re.findall(rb'<c r="([A-Z]+\d+)"', m.group(0))
        cols = [col_index_of(r.decode())[1] for r in refs]
        if cols != list(range(len(cols))) and cols != list(range(1, len(cols) + 1)):
            return m.group(0)
        return re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", m.group(0))
    return re.sub(rb"<row [^>]*>.*?</row>", row, d, flags=re.S)


def _spans(d: bytes) -> bytes:
    return re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:9" x14ac:dyDescent="0.25"', d).replace(
        b"<worksheet ", b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" ', 1)


def _str_no_formula(d: bytes) -> bytes:
    """Every number cell typed ``t="str"`` (a formula's string result) with no formula: as text."""
    return re.sub(rb'(<c [^>]*?)t="n"><v>', rb'\1t="str"><v>', d)


def _text_amount(value: Callable[[str], str]) -> Callable[[bytes], bytes]:
    """D7 of 支出总表 (3397.31) as an inline string ``value("3397.31")``."""
    def patch(d: bytes) -> bytes:
        old = b'<c r="D7" s="13" t="n"><v>3397.31</v></c>'
        assert old in d
        new = value("3397.31").encode("ascii", "xmlcharrefreplace")
        return d.replace(old, b'<c r="D7" s="13" t="inlineStr"><is><t xml:space="preserve">' + new + b"</t></is></c>")
    return patch


_FULL = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")


def _x000d(d: bytes) -> bytes:
    """Every shared string ending in ``_x000D_`` (a carriage return as Excel escapes it: copied from a cell
    edited on Windows, the label keeps it)."""
    return re.sub(rb"(<t[^>]*>)([^<]+)(</t>)", rb"\1\2_x000D_\3", d)


def _x000d_inline(d: bytes) -> bytes:
    return re.sub(rb"(<is><t[^>]*>)([^<]+)(</t></is>)", rb"\1\2_x000D_\3", d)


# -- the package around the sheets ---------------------------------------------------------------------
def _rels_targets(change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    return lambda d: re.sub(rb'Target="([^"]+)"', lambda m: b'Target="' + change(m.group(1)) + b'"', d)


def _relative(t: bytes) -> bytes:
    """A target relative to xl/ (as Excel writes it; the sample's writer writes them absolute)."""
    return t.removeprefix(b"/xl/") if t.startswith(b"/xl/") else t


def _capitalised(t: bytes) -> bytes:
    return t.replace(b"worksheets/sheet", b"Worksheets/Sheet").replace(b"styles.xml", b"Styles.xml")


def _spaced_sheet_names(base: bytes | None = None) -> bytes:
    """Every sheet part named ``sheet N.xml`` (a space), its relationship target percent-encoded."""
    def change(n: str, d: bytes) -> bytes:
        if n == "xl/_rels/workbook.xml.rels":
            return re.sub(rb'Target="/xl/worksheets/sheet(\d+)\.xml"', rb'Target="/xl/worksheets/sheet%20\1.xml"', d)
        if n == "[Content_Types].xml":
            return re.sub(rb'PartName="/xl/worksheets/sheet(\d+)\.xml"', rb'PartName="/xl/worksheets/sheet%20\1.xml"', d)
        return d
    data = repack(change, base=base)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(re.sub(r"^xl/worksheets/sheet(\d+)\.xml$", r"xl/worksheets/sheet \1.xml", info.filename), src.read(info.filename))
    return out.getvalue()


def _state(sheet: str, state: str) -> Callable[[bytes], bytes]:
    def patch(d: bytes) -> bytes:
        return re.sub(rb'(<sheet [^>]*name="' + sheet.encode() + rb'"[^>]*?)state="visible"', rb'\1state="' + state.encode() + b'"', d)
    return patch


def _defined_names(names: bytes) -> Callable[[bytes], bytes]:
    def patch(d: bytes) -> bytes:
        d = re.sub(rb"<definedNames>.*?</definedNames>", b"", d)
        return d.replace(b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>", 1)
    return patch


def _chartsheet_first(wb) -> None:
    from openpyxl.chart import BarChart, Reference

    cs = wb.create_chartsheet("图表", 0)
    chart = BarChart()
    chart.add_data(Reference(wb["支出总表"], min_col=4, min_row=6, max_row=12))
    cs.add_chart(chart)
    wb.active = 0


def _comments_and_validation(wb) -> None:
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb["支出总表"]
    ws["D7"].comment = Comment("请核实：与上年相比增幅较大", "审核人")
    ws["C8"].comment = Comment("批注" * 500, "张三")
    dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("J6:J40")
    dv2 = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    ws.add_data_validation(dv2)
    dv2.add("D6:I40")
    ws.conditional_formatting.add("D6:I40", CellIsRule(operator="lessThan", formula=["0"], fill=PatternFill("solid", bgColor="FFC7CE")))


_THREADED = b'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><threadedComment ref="D7" dT="2026-01-05T10:00:00.00" personId="{11111111-1111-1111-1111-111111111111}" id="{22222222-2222-2222-2222-222222222222}"><text>\xe8\xaf\xb7\xe6\xa0\xb8\xe5\xae\x9e</text></threadedComment></ThreadedComments>'''
_PERSONS = b'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="\xe5\xbc\xa0\xe4\xb8\x89" id="{11111111-1111-1111-1111-111111111111}" userId="zhang" providerId="None"/></personList>'''


def _threaded_comments() -> bytes:
    """A threaded comment (Excel 365's “批注”, in xl/threadedComments/) on D7 of 支出总表, its person list."""
    part = sheet_part("支出总表")
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"

    def change(n: str, d: bytes) -> bytes:
        if n == "[Content_Types].xml":
            return d.replace(b"</Types>", b'<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
                             b'<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>')
        if n == "xl/_rels/workbook.xml.rels":
            return d.replace(b"</Relationships>", b'<Relationship Id="rIdP" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>')
        return d
    extra = {rels: b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   b'<Relationship Id="rIdT" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>',
             "xl/threadedComments/threadedComment1.xml": _THREADED, "xl/persons/person.xml": _PERSONS}
    assert rels not in zipfile.ZipFile(io.BytesIO(sample_bytes())).namelist()
    return repack(change, extra)


def _zeroed_block(member: str, at: float = 0.5, size: int = 4096) -> Callable[[], bytes]:
    """The sample with ``size`` bytes zeroed inside ``member``'s compressed data (a bad disk sector)."""
    def build() -> bytes:
        data = bytearray(sample_bytes())
        info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        cut = start + int(info.compress_size * at)
        size_ = min(size, info.compress_size - int(info.compress_size * at))
        data[cut:cut + size_] = bytes(size_)
        return bytes(data)
    return build


def _dispimg(d: bytes) -> bytes:
    """A picture placed in a cell the WPS way (“嵌入单元格的图片”): the cell a DISPIMG formula whose cached
    result is the formula's own text, the picture in xl/cellimages.xml (left out here: the cell is what the
    reader meets)."""
    cell = b'<c r="D9" t="str"><f>_xlfn.DISPIMG("ID_8F3A0C1B2D4E",1)</f><v>=DISPIMG("ID_8F3A0C1B2D4E",1)</v></c>'
    return re.sub(rb"(<row r=\"9\"[^>]*>.*?)(</row>)", lambda m: m.group(1) + cell + m.group(2), d, count=1, flags=re.S)


def _dimension(ref: bytes) -> Callable[[bytes], bytes]:
    return lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + ref + b'"/>', d)


def _v_spaces(d: bytes) -> bytes:
    """Every number's ``<v>`` padded with spaces and a line break (a pretty-printing XML writer)."""
    return re.sub(rb'(t="n"><v>)([^<]+)(</v>)', rb"\1\n    \2  \3", d)


def _cdata(d: bytes) -> bytes:
    """Every inline string as CDATA (a Java writer's habit): ``<t><![CDATA[合计]]></t>``."""
    import html

    return re.sub(rb"<t>([^<]*)</t>", lambda m: b"<t><![CDATA[" + html.unescape(m.group(1).decode()).encode() + b"]]></t>", d)


def _f_after_v(d: bytes) -> bytes:
    """A formula cell whose ``<f>`` comes after its ``<v>``."""
    return re.sub(rb"(<c [^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>)", rb"\1\3\2", d)


def _control_escapes(d: bytes) -> bytes:
    """The department's name (基本信息!B4) with escaped control characters in it (_x0001_, _x001F_: a
    text pasted from a terminal or a database field), which openpyxl may not write back."""
    return re.sub(rb'(<c r="B4"[^>]*><is><t>)([^<]+)(</t>)', rb"\1\2_x0001__x001F_\3", d, count=1)


def _bracket_names() -> bytes:
    """An extra sheet named with characters Excel forbids in sheet names (“附表[1]*?”): a library wrote it."""
    return edit_bytes(lambda wb: wb.create_sheet("附表").append(["说明"]), rename={"附表": "附表[1]*?"})


def edit_bytes(change: Callable, rename: dict[str, str] | None = None) -> bytes:
    """The sample opened with openpyxl, ``change(wb)``, saved; sheets then renamed in workbook.xml (names
    openpyxl would refuse to set)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    for old, new in (rename or {}).items():
        data = repack(lambda n, d, old=old, new=new: d.replace(b'name="' + old.encode() + b'"', b'name="' + new.encode() + b'"') if n == "xl/workbook.xml" else d, base=data)
    return data


def _summary_first(wb) -> None:
    """An “导出摘要” sheet first, as Apple Numbers exports a document of several tables."""
    ws = wb.create_sheet("导出摘要", 0)
    for row in (["此文档已从 Numbers 导出。每个表格都已转换为 Excel 工作表。"], [], ["Numbers 工作表名称", "Numbers 表格名称", "Excel 工作表名称"],
                *(["工作表 1", name, name] for name in wb.sheetnames[1:])):
        ws.append(row)
    wb.active = 0


def _single_quoted(d: bytes) -> bytes:
    """Every attribute value in single quotes (well-formed XML; a hand-written exporter's habit)."""
    return re.sub(rb'(\s[\w:.-]+)="([^"\']*)"', rb"\1='\2'", d)


def _spaced_equals(d: bytes) -> bytes:
    """Blanks around every ``=`` of an attribute and before ``>`` (well-formed XML)."""
    return re.sub(rb'(\s[\w:.-]+)="([^"]*)"', rb'\1 = "\2" ', d)


def _error_cells(d: bytes) -> bytes:
    """支出总表!D9 a formula giving #DIV/0!, E9 a formula saved without its result."""
    d, n = re.subn(rb'<c r="D9" s="10" t="n"><v>[^<]*</v></c>', b'<c r="D9" s="10" t="e"><f>1/0</f><v>#DIV/0!</v></c>', d)
    d, m = re.subn(rb'<c r="E9" s="10" t="n"><v>[^<]*</v></c>', b'<c r="E9" s="10"><f>SUM(E10:E12)</f></c>', d)
    assert n == m == 1
    return d


def _far_cell(d: bytes) -> bytes:
    from tests.hostile.round_eight import _far
    return _far(d)


def _count_lies(quote: bytes, eq: bytes = b"=") -> Callable[[bytes], bytes]:
    """Round four's lying shared-strings count (2,000,000,000, which calamine reserves up front), written
    with ``quote`` and ``eq`` as XML allows."""
    def patch(d: bytes) -> bytes:
        d = re.sub(rb'\s(?:unique)?[cC]ount="\d+"', b"", d)
        return d.replace(b"<sst ", b"<sst count" + eq + quote + b"2000000000" + quote + b" uniqueCount" + eq + quote + b"2000000000" + quote + b" ", 1)
    return patch


def lossless(quirk: Callable[[bytes], bytes]) -> Callable[[], bytes]:
    """``quirk`` applied to the sample with a wrong figure (支出总表!D7 3497.31: fill rewrites the totals) and
    an x14 extension on that sheet (what openpyxl drops: fill and --mark take the lossless writer)."""
    from tests.hostile.round_seven import _with_ext_list

    part = sheet_part("支出总表")

    def wrong(d: bytes) -> bytes:
        return _with_ext_list(d.replace(b'<c r="D7" s="13" t="n"><v>3397.31</v></c>', b'<c r="D7" s="13" t="n"><v>3497.31</v></c>'))
    return lambda: quirk(repack(lambda n, d: wrong(d) if n == part else d))


def _targets_capitalised(data: bytes) -> bytes:
    return repack(lambda n, d: _rels_targets(_capitalised)(d) if n == "xl/_rels/workbook.xml.rels" else d, base=data)


def xlsx_inputs() -> dict[str, Builder]:
    sheet4 = sheet_part("支出总表")
    return {
        "ns-prefixed-sheet": w("前缀工作表.xlsx", _sheet(prefixed)),
        "ns-prefixed-all": w("全部前缀.xlsx", lambda: repack(lambda n, d: prefixed(d) if n.endswith(".xml") else d)),
        "ns-prefixed-shared": w("前缀共享文字.xlsx", lambda: repack(lambda n, d: prefixed(d) if n.endswith(".xml") else d, base=saved_sample())),
        "utf8-bom-parts": w("部件带BOM.xlsx", lambda: repack(lambda n, d: _bom(d) if n.endswith((".xml", ".rels")) else d)),
        "lowercase-refs": w("小写引用.xlsx", _every_sheet(_lower_refs)),
        "rows-without-r": w("行无编号.xlsx", _sheet(_without_row_numbers)),
        "cells-without-r": w("单元格无引用.xlsx", _sheet(_without_cell_refs)),
        "rows-with-spans": w("行带范围.xlsx", _every_sheet(_spans)),
        "str-without-formula": w("文本型结果.xlsx", _sheet(_str_no_formula)),
        "amount-trailing-minus": w("尾部负号.xlsx", _sheet(_text_amount(lambda v: v + "-"))),
        "amount-fullwidth-text": w("全角金额.xlsx", _sheet(_text_amount(lambda v: v.translate(_FULL)))),
        "amount-spaces-around": w("金额带空格.xlsx", _sheet(_text_amount(lambda v: "  " + v + " "))),
        "amount-nbsp-thousands": w("不换行空格千分位.xlsx", _sheet(_text_amount(lambda v: "3\u00a0397.31"))),
        "amount-text-exponent": w("科学计数文本.xlsx", _sheet(_text_amount(lambda v: "3.39731E+3"))),
        "strings-x000d-shared": w("共享文字回车转义.xlsx", _part("xl/sharedStrings.xml", _x000d, base=saved_sample)),
        "strings-x000d-inline": w("回车转义.xlsx", _every_sheet(_x000d_inline)),
        "rels-relative": w("相对目标.xlsx", _part("xl/_rels/workbook.xml.rels", _rels_targets(_relative))),
        "rels-case-differs": w("目标大小写不同.xlsx", _part("xl/_rels/workbook.xml.rels", _rels_targets(_capitalised))),
        "rels-percent-encoded": w("目标含空格.xlsx", _spaced_sheet_names),
        "lossless-rels-case-differs": w("保真写出目标大小写不同.xlsx", lossless(_targets_capitalised)),
        "lossless-rels-percent-encoded": w("保真写出目标含空格.xlsx", lossless(_spaced_sheet_names)),
        "lossless-plain": w("保真写出.xlsx", lossless(lambda d: d)),
        "rels-relative-case-differs": w("相对目标大小写不同.xlsx", _part("xl/_rels/workbook.xml.rels", _rels_targets(lambda t: _capitalised(_relative(t))))),
        "table-sheet-hidden": w("隐藏表.xlsx", _part("xl/workbook.xml", _state("支出总表", "hidden"))),
        "table-sheet-very-hidden": w("深度隐藏表.xlsx", _part("xl/workbook.xml", _state("支出总表", "veryHidden"))),
        "defined-name-missing-sheet": w("名称指向缺失表.xlsx", _part("xl/workbook.xml", _defined_names(
            "<definedName name=\"合计区\">'没有的表'!$D$6:$I$40</definedName><definedName name=\"坏引用\">#REF!$A$1</definedName>".encode()))),
        "print-titles-past-sheets": w("打印标题越界.xlsx", _part("xl/workbook.xml", _defined_names(
            b"<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"40\">'\xe6\xb2\xa1\xe6\x9c\x89\xe7\x9a\x84\xe8\xa1\xa8'!$1:$5</definedName>"
            b"<definedName name=\"_xlnm.Print_Area\" localSheetId=\"3\">#REF!</definedName>"))),
        "chartsheet-first": edit("图表页在前.xlsx", _chartsheet_first),
        "comments-validation": edit("批注与数据验证.xlsx", _comments_and_validation),
        "threaded-comments": w("线程批注.xlsx", _threaded_comments),
        "attrs-single-quoted": w("单引号属性.xlsx", _every_sheet(_single_quoted)),
        "attrs-spaced-equals": w("等号带空格.xlsx", _every_sheet(_spaced_equals)),
        "attrs-single-quoted-far-cell": w("单引号远端单元格.xlsx", _sheet(lambda d: _single_quoted(_far_cell(d)))),
        "attrs-spaced-equals-far-cell": w("等号带空格远端单元格.xlsx", _sheet(lambda d: _spaced_equals(_far_cell(d)))),
        "attrs-single-quoted-error-cells": w("单引号错误值.xlsx", _sheet(lambda d: _single_quoted(_error_cells(d)))),
        "attrs-spaced-equals-error-cells": w("等号带空格错误值.xlsx", _sheet(lambda d: _spaced_equals(_error_cells(d)))),
        "error-cells": w("错误值.xlsx", _sheet(_error_cells)),
        "shared-strings-count-lies-single-quoted": w("共享文字数量不实单引号.xlsx", _part("xl/sharedStrings.xml", _count_lies(b"'"), base=saved_sample)),
        "shared-strings-count-lies-spaced": w("共享文字数量不实带空格.xlsx", _part("xl/sharedStrings.xml", _count_lies(b'"', b" = "), base=saved_sample)),
        "shared-index-as-float": w("共享文字序号带小数.xlsx", _every_sheet(lambda d: re.sub(rb't="s"><v>(\d+)</v>', rb't="s"><v>\1.0</v>', d), base=saved_sample)),
        "shared-index-padded": w("共享文字序号带空白.xlsx", _every_sheet(lambda d: re.sub(rb't="s"><v>(\d+)</v>', rb't="s"><v> \1 </v>', d), base=saved_sample)),
        "lowercase-refs-far-cell": w("小写引用远端单元格.xlsx", _sheet(lambda d: _lower_refs(_far_cell(d)))),
        "wps-dispimg": w("单元格图片.xlsx", _sheet(_dispimg, "基本信息")),
        "wps-dispimg-amount": w("金额格图片.xlsx", _sheet(_dispimg)),
        "dimension-whole-sheet": w("维度整表.xlsx", _every_sheet(_dimension(b"A1:XFD1048576"))),
        "dimension-lies-small": w("维度过小.xlsx", _every_sheet(_dimension(b"A1"))),
        "v-padded": w("数值带空白.xlsx", _sheet(_v_spaces)),
        "cdata-strings": w("CDATA文字.xlsx", _every_sheet(_cdata)),
        "formula-after-value": w("公式在值后.xlsx", _every_sheet(_f_after_v)),
        "control-char-escapes": w("控制字符转义.xlsx", _sheet(_control_escapes, "基本信息")),
        "sheet-name-forbidden-chars": w("表名含禁用字符.xlsx", _bracket_names),
        "numbers-summary-first": edit("Numbers摘要在前.xlsx", _summary_first),
        "sheet-name-40-chars": w("表名40字.xlsx", lambda: edit_bytes(lambda wb: wb.create_sheet("附表").append(["说明"]), rename={"附表": "附" * 40})),
        "zeroed-block-sheet": w("坏扇区.xlsx", _zeroed_block(sheet4, 0.3, 512)),
        # data that no longer inflates (zlib: "invalid distance too far back"), not only a bad checksum
        "zeroed-block-inflate": w("坏扇区无法解压.xlsx", _zeroed_block(sheet_part("绩效指标"), 0.01, 512)),
        "zeroed-block-workbook": w("坏扇区工作簿.xlsx", _zeroed_block("xl/workbook.xml", 0.2, 16)),
        "zeroed-block-central": w("坏扇区目录.xlsx", lambda: (lambda d: d[:-600] + bytes(512) + d[-88:])(sample_bytes())),
    }


# -- PDFs ---------------------------------------------------------------------------------------------
def _shanghai() -> bytes:
    from tests.hostile.round_four import SHANGHAI_PDF
    return SHANGHAI_PDF.read_bytes()


def _pypdf(change: Callable) -> Callable[[], bytes]:
    """The Shanghai PDF through pypdf, ``change(writer)`` before it is written."""
    def build() -> bytes:
        import pypdf

        wr = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_shanghai())))
        change(wr)
        out = io.BytesIO()
        wr.write(out)
        return out.getvalue()
    return build


def _startxref(value: bytes) -> Callable[[], bytes]:
    """The last ``startxref`` pointing at ``value`` (nowhere): a viewer rebuilds the table by scanning."""
    def build() -> bytes:
        d = _shanghai()
        at = d.rindex(b"startxref")
        return d[:at] + b"startxref\n" + value + b"\n%%EOF\n"
    return build


def _xref_blanked() -> bytes:
    """The cross-reference table (or stream) overwritten with spaces: every offset lost."""
    d = bytearray(_shanghai())
    at = d.rindex(b"startxref")
    off = int(d[at + 9:].split()[0])
    end = d.index(b"trailer", off) if b"trailer" in d[off:] else at
    d[off:end] = b" " * (end - off)
    return bytes(d)


def _incremental() -> bytes:
    """An incremental update appended (a signature tool or Acrobat's “保存” writes one): a second body,
    xref and trailer after the first %%EOF."""
    import pypdf

    r = pypdf.PdfReader(io.BytesIO(_shanghai()))
    wr = pypdf.PdfWriter(r, incremental=True)
    wr.add_metadata({"/Title": "部门预算（修订）"})
    out = io.BytesIO()
    wr.write(out)
    return out.getvalue()


def _javascript(wr) -> None:
    """A document-level script run on opening (a budget system's export that prints itself)."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    wr.add_open_action(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                         NameObject("/JS"): TextStringObject('app.alert("本文件含脚本");this.print();')}))
    wr.add_metadata({"/Producer": "FineReport"})


def _aes_owner(wr) -> None:
    wr.encrypt(user_password="", owner_password="主管", algorithm="AES-256", permissions_flag=0)


def _zeroed(at: float, size: int) -> Callable[[], bytes]:
    def build() -> bytes:
        d = bytearray(_shanghai())
        cut = int(len(d) * at)
        d[cut:cut + size] = bytes(size)
        return bytes(d)
    return build


def _scanned(first: int, last: int | None = None) -> Callable[[], bytes]:
    """Pages ``first``…``last`` (1-based; to the end when None) a scanned picture, the others as the exporter
    wrote them: the tables printed, signed and scanned, then put back into the file."""
    def build() -> bytes:
        import pypdf
        import pypdfium2 as pdfium

        src = pdfium.PdfDocument(_shanghai())
        end = len(src) if last is None else last
        pictures = [src[i].render(scale=0.6).to_pil().convert("L") for i in range(first - 1, end)]
        scanned = io.BytesIO()
        pictures[0].save(scanned, "PDF", save_all=True, append_images=pictures[1:], resolution=43.2)
        images = pypdf.PdfReader(io.BytesIO(scanned.getvalue())).pages
        text = pypdf.PdfReader(io.BytesIO(_shanghai())).pages
        wr = pypdf.PdfWriter()
        for i in range(len(text)):
            wr.add_page(images[i - first + 1] if first - 1 <= i < end else text[i])
        out = io.BytesIO()
        wr.write(out)
        return out.getvalue()
    return build


def pdf_inputs() -> dict[str, Builder]:
    return {
        "pdf-javascript": w("带脚本.pdf", _pypdf(_javascript)),
        "pdf-startxref-past-end": w("交叉引用越界.pdf", _startxref(b"99999999")),
        "pdf-startxref-zero": w("交叉引用为零.pdf", _startxref(b"0")),
        "pdf-xref-blanked": w("交叉引用被抹.pdf", _xref_blanked),
        "pdf-incremental": w("增量更新.pdf", _incremental),
        "pdf-aes256-owner": w("AES所有者密码.pdf", _pypdf(_aes_owner)),
        "pdf-junk-before-header": w("头前有杂字.pdf", lambda: b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + _shanghai()),
        "pdf-nul-tail": w("尾部全零.pdf", lambda: _shanghai() + bytes(1 << 20)),
        "pdf-zeroed-sector": w("坏扇区.pdf", _zeroed(0.5, 4096)),  # the embedded font: no page after the 2nd has text
        "pdf-tables-scanned": w("表为扫描件.pdf", _scanned(3)),
        "pdf-one-page-scanned": w("一页为扫描件.pdf", _scanned(6, 6)),
    }


# -- texts --------------------------------------------------------------------------------------------
def _text(change: Callable[[str], str], encoding: str = "utf-8") -> Callable[[], bytes]:
    from tests.hostile.round_four import seed_text
    return lambda: change(seed_text()).encode(encoding)


def _bom_mid(t: str) -> str:
    """Two texts joined by ``copy /b a.txt+b.txt`` (each saved with a BOM): a U+FEFF before the second."""
    at = t.index("# 部门预算支出总表") if "# 部门预算支出总表" in t else len(t) // 2
    return "\ufeff" + t[:at] + "\ufeff" + t[at:]


def _quoted_cells(t: str) -> str:
    """Header cells holding a line break, as Excel puts them on the clipboard: in double quotes."""
    return t.replace("\t科目编码\t科目名称", '\t"科目\n编码"\t"科目\n名称"')


def text_inputs() -> dict[str, Builder]:
    return {
        "txt-ctrl-z": w("文件尾标记.txt", _text(lambda t: t + "\x1a")),
        "txt-bom-mid": w("中间BOM.txt", _text(_bom_mid)),
        "txt-trailing-tabs": w("行尾制表符.txt", _text(lambda t: t.replace("\n", "\t\t\n"))),
        "txt-quoted-cells": w("引号单元格.txt", _text(_quoted_cells)),
        "txt-gb18030-cr": w("GB18030回车.txt", _text(lambda t: t.replace("\n", "\r"), "gb18030")),
        "txt-utf16-cr": w("UTF16回车.txt", _text(lambda t: "\ufeff" + t.replace("\n", "\r"), "utf-16-le")),
        "txt-nbsp-separators": w("不换行空格.txt", _text(lambda t: t.replace("\t", "\u00a0"))),
        "txt-zwsp-numbers": w("零宽空格.txt", _text(lambda t: re.sub(r"(\d)\.(\d)", "\\1.\u200b\\2", t))),
        "txt-big5": w("繁体BIG5.txt", _text(lambda t: t, "big5hkscs") if False else lambda: "部門預算收支總表\n".encode("big5")),
    }


# -- names typed otherwise than they are stored --------------------------------------------------------
def _typed_otherwise(stored: str, typed: str) -> Builder:
    """The sample stored as ``stored``; the builder returns the path as the user types it, ``typed``."""
    def build(folder: Path) -> Path:
        (folder / stored).write_bytes(sample_bytes())
        return folder / typed
    return build


def path_inputs() -> dict[str, Builder]:
    import unicodedata

    name = "预算é（修订）.xlsx"
    return {
        "name-nfd-typed-nfc": _typed_otherwise(unicodedata.normalize("NFD", name), unicodedata.normalize("NFC", name)),
        "name-nfc-typed-nfd": _typed_otherwise(unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)),
        "name-case-differs": _typed_otherwise("主表.XLSX", "主表.xlsx"),
    }
