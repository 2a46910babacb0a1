# ruff: noqa: E501
"""Hostile input, round four: inputs the earlier corpora did not build — package parts that are missing,
malformed or huge (shared strings, styles, the workbook part), zip members that are encrypted or named the
Windows way, XML with entity declarations, sheets whose names differ only in case or width; texts in
GBK, UTF-16, with a BOM or NUL bytes; PDFs that are empty, truncated, encrypted, image-only or 500 pages.

Each builder writes one input into a folder and returns its path. ``tests/hostile/probe.py`` runs every
command over them under odd paths and environments; ``tests/hostile/test_round_four.py`` asserts the
Chinese message of each kind that was found failing.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes

SHANGHAI_PDF = Path("/work/shared/samples/shanghai/2024_普陀区万里街道_部门预算.pdf")


def seed_text() -> str:
    from budget_xl.sample import seed_text as s

    return s()


# -- packages ------------------------------------------------------------------------------------------
def repack(change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None,
           base: bytes | None = None) -> bytes:
    """The sample package with each member passed through ``change`` (None drops it), plus ``extra``."""
    src = zipfile.ZipFile(io.BytesIO(base or sample_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                z.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


_SAVED: bytes | None = None


def saved_sample() -> bytes:
    """The sample as Excel saves it: strings in xl/sharedStrings.xml (``t="s"``), not inline."""
    global _SAVED
    if _SAVED is None:
        strings: list[bytes] = []

        def to_shared(m: re.Match) -> bytes:
            strings.append(m.group(2))
            return m.group(1) + b't="s"><v>%d</v></c>' % (len(strings) - 1)

        def change(name: str, data: bytes) -> bytes:
            if name.startswith("xl/worksheets/"):
                return re.sub(rb'(<c [^>]*)t="inlineStr"><is>(.*?)</is></c>', to_shared, data, flags=re.S)
            return data

        body = repack(change)
        sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
               b' count="%d" uniqueCount="%d">' % (len(strings), len(strings))
               + b"".join(b"<si>" + s + b"</si>" for s in strings) + b"</sst>")

        def register(name: str, data: bytes) -> bytes:
            if name == "[Content_Types].xml":
                return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if name == "xl/_rels/workbook.xml.rels":
                return data.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                                    b'Id="rIdSST"/></Relationships>')
            return data

        _SAVED = repack(register, {"xl/sharedStrings.xml": sst}, base=body)
    return _SAVED


def sheet_part(sheet: str) -> str:
    from budget_xl.read.files import _sheet_paths

    return _sheet_paths(zipfile.ZipFile(io.BytesIO(sample_bytes())))[sheet]


def _only(part: str, patch: Callable[[bytes], bytes | None]) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: patch(data) if name == part else data


def encrypted_member(data: bytes, member: str = "xl/workbook.xml") -> bytes:
    """Set the 'encrypted' flag (bit 0) of one member in its local and central headers."""
    buf = bytearray(data)
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(member)
    struct.pack_into("<H", buf, info.header_offset + 6, info.flag_bits | 1)
    pos = buf.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        name = bytes(buf[pos + 46: pos + 46 + name_len]).decode("utf-8", "replace")
        if name == member:
            struct.pack_into("<H", buf, pos + 8, info.flag_bits | 1)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    return bytes(buf)


def backslash_names(data: bytes) -> bytes:
    """Members named xl\\worksheets\\sheet1.xml, as some Windows zippers write them."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename.replace("/", "\\"), src.read(info.filename))
    return out.getvalue()


def wide_row(sheet_xml: bytes, columns: int = 16384, row: int = 40) -> bytes:
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(i)}{row}"><v>1</v></c>' for i in range(1, columns + 1))
    return sheet_xml.replace(b"</sheetData>", f'<row r="{row}">{cells}</row></sheetData>'.encode())


def entities(sheet_xml: bytes) -> bytes:
    """A billion-laughs DOCTYPE in front of the sheet (no reader should expand it)."""
    dtd = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>")
    head, sep, rest = sheet_xml.partition(b"?>")
    return head + sep + dtd.encode() + rest.replace(b"<sheetData>", b"<sheetData>", 1)


def rename_sheet_in_workbook(old: str, new: str) -> Callable[[str, bytes], bytes | None]:
    """Renamed in the package XML (openpyxl refuses some of these names); the new name quoted as XML wants."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            from xml.sax.saxutils import quoteattr

            return data.replace(f'name="{old}"'.encode(), f"name={quoteattr(new)}".encode(), 1)
        return data
    return change


def shared_strings_huge(data: bytes) -> bytes:
    body = b"<si><t>x</t></si>" * 2_000_000
    return re.sub(rb"(<sst[^>]*>)", lambda m: m.group(1) + body, data, count=1)


def w(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    """A builder writing ``data()`` to ``name`` in the folder it is given."""
    def build(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(data())
        return p
    return build


def xlsx_inputs() -> dict[str, Callable[[Path], Path]]:
    SS, ST, WB = "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"
    T3 = sheet_part("支出总表")

    return {
        "shared-strings-missing": w("无共享字符串.xlsx", lambda: repack(lambda n, d: None if n == SS else d, base=saved_sample())),
        "shared-strings-garbled": w("共享字符串乱码.xlsx", lambda: repack(_only(SS, lambda d: d[: len(d) // 2]), base=saved_sample())),
        "shared-strings-huge": w("共享字符串极多.xlsx", lambda: repack(_only(SS, shared_strings_huge), base=saved_sample())),
        "shared-string-index-out-of-range": w("共享字符串越界.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'(<c r="C9"[^>]*t="s"[^>]*>)<v>\d+</v>', rb"\1<v>9999999</v>", d, count=1)), base=saved_sample())),
        "shared-strings-count-lies": w("共享字符串计数.xlsx", lambda: repack(_only(SS, lambda d: re.sub(
            rb'uniqueCount="\d+"', b'uniqueCount="2000000000"', re.sub(rb' count="\d+"', b' count="2000000000"', d, count=1),
            count=1)), base=saved_sample())),
        "styles-missing": w("无样式.xlsx", lambda: repack(lambda n, d: None if n == ST else d)),
        "styles-garbled": w("样式乱码.xlsx", lambda: repack(_only(ST, lambda d: b"<styleSheet><numFmts count=")),),
        "style-index-out-of-range": w("样式越界.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'(<c r="D9") s="\d+"', rb'\1 s="99999"', d, count=1)))),
        "workbook-part-garbled": w("工作簿乱码.xlsx", lambda: repack(_only(WB, lambda d: d[: len(d) // 2]))),
        "content-types-missing": w("无类型.xlsx", lambda: repack(lambda n, d: None if n == "[Content_Types].xml" else d)),
        "rels-missing": w("无关系.xlsx", lambda: repack(lambda n, d: None if n == "xl/_rels/workbook.xml.rels" else d)),
        "rels-traversal": w("关系越界.xlsx", lambda: repack(_only("xl/_rels/workbook.xml.rels", lambda d: d.replace(
            b'Target="worksheets/sheet1.xml"', b'Target="../../../../etc/passwd"', 1).replace(
            b'Target="/xl/worksheets/sheet1.xml"', b'Target="../../../../etc/passwd"', 1)))),
        "encrypted-member": w("加密部件.xlsx", lambda: encrypted_member(sample_bytes())),
        "encrypted-sheet-member": w("加密工作表.xlsx", lambda: encrypted_member(sample_bytes(), T3)),
        "backslash-member-names": w("反斜杠部件.xlsx", lambda: backslash_names(sample_bytes())),
        "sheet-16384-columns": w("整行16384列.xlsx", lambda: repack(_only(T3, wide_row))),
        "entity-expansion": w("实体膨胀.xlsx", lambda: repack(_only(T3, entities))),
        "sheet-names-differ-by-width": w("全角表名.xlsx", lambda: repack(rename_sheet_in_workbook("收入总表", "收入总表\u3000"))),
        "sheet-names-exact-duplicate": w("重名工作表.xlsx", lambda: repack(rename_sheet_in_workbook("收入总表", "支出总表"))),
        "sheet-name-case": w("大小写表名.xlsx", lambda: repack(rename_sheet_in_workbook("基本信息", "基本信息a")
                                                              )),
        "one-row-sheet": w("一行表.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb"<sheetData>.*</sheetData>", '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>支出总表</t></is></c></row></sheetData>'.encode(),
            d, flags=re.S)))),
        "empty-sheet-data": w("空表.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb"<sheetData>.*</sheetData>", b"<sheetData/>", d, flags=re.S)))),
        "inf-nan-cells": w("无穷.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'(<c r="D9"[^>]*>)<v>[^<]*</v>', rb"\1<v>INF</v>", re.sub(
                rb'(<c r="E9"[^>]*>)<v>[^<]*</v>', rb"\1<v>NaN</v>", d, count=1), count=1)))),
        "number-with-garbage-v": w("数值乱码.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'(<c r="D9"[^>]*>)<v>[^<]*</v>', rb"\1<v>12,34x</v>", d, count=1)))),
        "bool-cell-bad-value": w("布尔乱码.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'<c r="D9"([^>]*) t="n">(<v>[^<]*</v>)', rb'<c r="D9"\1 t="b"><v>7</v>', d, count=1)))),
        "date-cell-iso": w("日期单元格.xlsx", lambda: repack(_only(T3, lambda d: re.sub(
            rb'<c r="D9"([^>]*) t="n">(<v>[^<]*</v>)', rb'<c r="D9"\1 t="d"><v>2024-13-45T99:00:00</v>', d, count=1)))),
        "row-number-zero": w("行号为零.xlsx", lambda: repack(_only(T3, lambda d: d.replace(
            b"</sheetData>", b'<row r="0"><c r="A0"><v>1</v></c></row></sheetData>')))),
        "cell-ref-garbage": w("坐标乱码.xlsx", lambda: repack(_only(T3, lambda d: d.replace(
            b"</sheetData>", b'<row r="60"><c r="!!60"><v>1</v></c></row></sheetData>')))),
        "zip-with-comment-and-prefix": w("前缀.xlsx", lambda: b"MZ" + b"\0" * 1000 + sample_bytes()),
        "stored-not-deflated": w("未压缩.xlsx", lambda: _stored(sample_bytes())),
    }


def _stored(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def cell_inputs() -> dict[str, Callable[[Path], Path]]:
    """Amount cells a user or an export fills oddly (openpyxl writes them, as Excel would)."""
    from datetime import date

    def edit(name: str, cells: dict[str, object], sheet: str = "支出总表", change=None):
        def build(folder: Path) -> Path:
            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
            ws = wb[sheet]
            for ref, v in cells.items():
                ws[ref].value = v
            if change:
                change(wb)
            p = folder / name
            wb.save(p)
            return p
        return build

    def hide(wb):
        wb["支出总表"].row_dimensions[9].hidden = True

    def merge_across(wb):
        wb["支出总表"].merge_cells("A5:J30")

    return {
        "fullwidth-comma-negative": edit("全角括号负数.xlsx", {"D9": "（９６７．３５）"}),
        "ascii-paren-negative": edit("括号负数.xlsx", {"D9": "(967.35)"}),
        "comma-and-spaces": edit("千分位空格.xlsx", {"D9": " 9 67.35 ", "E9": "1,2,3"}),
        "fullwidth-comma": edit("全角逗号.xlsx", {"D9": "９６７，３５"}),
        "date-in-amount": edit("日期金额.xlsx", {"D9": date(2024, 3, 5)}),
        "bool-in-amount": edit("布尔金额.xlsx", {"D9": False}),
        "percent-in-amount": edit("百分数金额.xlsx", {"D9": "12%"}),
        "scientific-text": edit("科学计数.xlsx", {"D9": "9.6735E+02"}),
        "formula-div0": edit("除零公式.xlsx", {"D9": "=1/0"}),
        "formula-ref": edit("引用公式.xlsx", {"D9": "=#REF!+1"}),
        "hidden-row": edit("隐藏行.xlsx", {}, change=hide),
        "merged-across-tables": edit("跨表合并.xlsx", {}, change=merge_across),
        "huge-text-cell": edit("长文本.xlsx", {"C9": "行" * 32767}),
        "newline-in-name": edit("换行名称.xlsx", {"C9": "行政\n运行\r\n"}),
    }


# -- texts and PDFs --------------------------------------------------------------------------------------
def text_inputs() -> dict[str, Callable[[Path], Path]]:
    t = seed_text
    return {
        "txt-gbk": w("公开GBK.txt", lambda: t().encode("gb18030")),
        "txt-utf16": w("公开UTF16.txt", lambda: t().encode("utf-16")),
        "txt-utf16-no-bom": w("公开UTF16LE.txt", lambda: t().encode("utf-16-le")),
        "txt-utf8-bom": w("公开BOM.txt", lambda: b"\xef\xbb\xbf" + t().encode()),
        "txt-nul-bytes": w("公开NUL.txt", lambda: t().encode().replace(b"\n", b"\n\0", 50)),
        "txt-empty": w("空.txt", lambda: b""),
        "txt-whitespace": w("空白.txt", lambda: b" \n\t\r\n" * 100),
        "txt-crlf": w("公开CRLF.txt", lambda: t().replace("\n", "\r\n").encode()),
        "txt-cr-only": w("公开CR.txt", lambda: t().replace("\n", "\r").encode()),
        "txt-binary": w("二进制.txt", lambda: bytes(range(256)) * 400),
        "txt-invalid-utf8": w("坏编码.txt", lambda: t().encode()[:5000] + b"\xff\xfe\xc3" + t().encode()[5000:]),
        "txt-one-long-line": w("长行.txt", lambda: ("收入" + "1" * 5_000_000).encode()),
        "txt-half": w("截半.txt", lambda: t().encode()[: len(t().encode()) // 2 + 1]),
        "txt-many-tabs": w("制表符.txt", lambda: ("\t" * 100000 + "\n").encode() * 20),
    }


def pdf_inputs() -> dict[str, Callable[[Path], Path]]:
    real = lambda: SHANGHAI_PDF.read_bytes()  # noqa: E731
    return {
        "pdf-empty": w("空.pdf", lambda: b""),
        "pdf-header-only": w("仅文件头.pdf", lambda: b"%PDF-1.7\n"),
        "pdf-truncated": w("截断.pdf", lambda: real()[: len(real()) // 2]),
        "pdf-garbage-tail": w("尾部垃圾.pdf", lambda: real() + b"\0garbage" * 1000),
        "pdf-encrypted-user": w("加密.pdf", lambda: _encrypted(real(), "123")),
        "pdf-encrypted-owner": w("仅权限密码.pdf", lambda: _encrypted(real(), "")),
        "pdf-image-only": w("扫描件.pdf", lambda: _blank_pages(3)),
        "pdf-500-pages": w("五百页.pdf", lambda: _blank_pages(500)),
        "pdf-500-pages-text": w("五百页正文.pdf", lambda: _repeat(real(), 500)),
        "pdf-is-png": w("图片.pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        "pdf-is-xlsx": w("表格.pdf", sample_bytes),
    }


def _encrypted(data: bytes, user: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    w.encrypt(user_password=user, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _blank_pages(n: int) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(n):
        w.add_blank_page(595, 842)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _repeat(data: bytes, n: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    r = PdfReader(io.BytesIO(data))
    w = PdfWriter()
    pages = list(r.pages)
    while len(w.pages) < n:
        for p in pages:
            if len(w.pages) >= n:
                break
            w.add_page(p)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def all_inputs() -> dict[str, Callable[[Path], Path]]:
    return {**xlsx_inputs(), **cell_inputs(), **text_inputs(), **pdf_inputs()}
