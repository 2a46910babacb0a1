# ruff: noqa: E501
"""Hostile input, round eight: a workbook saved as “Strict Open XML 电子表格” (ISO 29500 Strict: the same
parts under http://purl.oclc.org/ooxml/… namespaces), which python-calamine reads and openpyxl reads as a
workbook with no sheet; and the extent guard's blind spots — a far cell in a Strict workbook, in a workbook
whose workbook part does not parse (a duplicated attribute), in a sheet kept outside xl/worksheets/.

Each builder writes one input into a folder and returns its path; ``tests/hostile/test_round_eight.py``
asserts what each must give.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import repack, sheet_part, w

Builder = Callable[[Path], Path]
FAR = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'  # calamine would allocate 17 G cells


def strict(data: bytes) -> bytes:
    """A part as Excel's “Strict Open XML 电子表格” writes it: the transitional namespaces and relationship
    types replaced by their purl.oclc.org names."""
    data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships")
    data = data.replace(b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main")
    data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties")
    return data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)


def _strict(extra_sheet_patch: Callable[[bytes], bytes] | None = None) -> Callable[[], bytes]:
    t3 = sheet_part("支出总表")

    def change(name: str, data: bytes) -> bytes:
        if name == t3 and extra_sheet_patch is not None:
            data = extra_sheet_patch(data)
        return strict(data) if name.endswith((".xml", ".rels")) else data
    return lambda: repack(change)


def _far(data: bytes) -> bytes:
    return data.replace(b"</sheetData>", FAR, 1)


def _duplicated_attribute_and_far() -> bytes:
    t3 = sheet_part("支出总表")

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":  # not well-formed XML; python-calamine reads it
            return data.replace(b"<workbook ", b'<workbook a="1" a="1" ', 1)
        return _far(data) if name == t3 else data
    return repack(change)


def _sheet_elsewhere_and_far() -> bytes:
    """支出总表 kept as xl/data/t3.xml (its relationship says so), with a far cell."""
    t3 = sheet_part("支出总表")
    moved = "xl/data/t3.xml"

    def change(name: str, data: bytes) -> bytes | None:
        if name == t3:
            return None
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(t3.removeprefix("xl/").encode(), b"data/t3.xml")
        if name == "[Content_Types].xml":
            return data.replace(b"/" + t3.encode(), b"/" + moved.encode())
        return data
    body = _far(zipfile.ZipFile(io.BytesIO(sample_bytes())).read(t3))
    return repack(change, {moved: body})


def xls_far_cell(folder: Path) -> Path:
    """An old .xls (saved by LibreOffice) holding one stray figure at IV65536, the last cell the format has:
    no package to scan before python-calamine builds its grid."""
    import openpyxl

    from tests.hostile.round_six import soffice

    work = folder / ".lo"
    work.mkdir(exist_ok=True)
    src = work / "远端.xlsx"
    src.write_bytes(sample_bytes())
    wb = openpyxl.load_workbook(src)
    wb["支出总表"]["IV65536"] = 1
    wb.save(src)
    out = soffice(src, "xls", work / "out", "MS Excel 97")
    if out is None:
        raise RuntimeError("soffice failed")
    p = folder / "旧版远端单元格.xls"
    out.rename(p)
    return p


def xlsx_inputs() -> dict[str, Builder]:
    return {
        "strict-ooxml": w("严格格式.xlsx", _strict()),
        "strict-ooxml-far-cell": w("严格格式远端单元格.xlsx", _strict(_far)),
        "workbook-unparsable-far-cell": w("工作簿部件重复属性远端单元格.xlsx", _duplicated_attribute_and_far),
        "sheet-elsewhere-far-cell": w("工作表不在默认位置远端单元格.xlsx", _sheet_elsewhere_and_far),
    }
