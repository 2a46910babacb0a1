# ruff: noqa: E501
"""Hostile input, round eleven (content): workbooks as other programs really write them, and what cells hold,
through check, --mark, fill, show, narrative and document — a workbook written from scratch by openpyxl, by
pandas (openpyxl and xlsxwriter engines), the 1904 date system with a real date cell, array and data-table
formulas, shared formulas whose followers carry no ``<v>``, shared-string indexes written “3.0” or “3E0”, an
inline-string cell holding a ``<v>`` beside its ``<is>`` (with text, empty, or after the ``<v>``); control
characters (``_x0001_``, ``_x000B_``, ``_xFFFE_``, a lone ``_xD800_``, a surrogate pair written as two escapes)
in the department name, a project's name and a 说明文字 text; 32,767-character cells; emoji and astral CJK in
names; Jinja-looking text; a text reading “[[…]]” (the template's table marker), a department name typed on
two lines or with Markdown's ** in it; amounts with commas that are no 千分位 (“3397，31”) or are (“3，397.31”); OpenDocument files (.ods,
.fods, an .ods renamed .xlsx) and, through LibreOffice when installed, the sample saved as .xlsx, .ods, .fods.

Each builder writes one input into a folder and returns its path; ``tests/hostile/test_round_eleven_content.py``
asserts what each must give, ``python -m tests.hostile.probe OUT --round 11`` runs them through every command.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import repack, saved_sample, sheet_part, w

Builder = Callable[[Path], Path]


def _sheet(sheet: str, pattern: bytes, new: bytes, base: Callable[[], bytes] = sample_bytes) -> Callable[[], bytes]:
    """The package with ``pattern`` (one match, required) replaced by ``new`` in ``sheet``'s part."""
    part = sheet_part(sheet)

    def patch(d: bytes) -> bytes:
        out, n = re.subn(pattern, new, d, count=1, flags=re.S)
        assert n == 1, pattern
        return out
    return lambda: repack(lambda name, d: patch(d) if name == part else d, base=base())


def _every_sheet(patch: Callable[[bytes], bytes], base: Callable[[], bytes] = sample_bytes) -> Callable[[], bytes]:
    return lambda: repack(lambda n, d: patch(d) if n.startswith("xl/worksheets/sheet") else d, base=base())


def _d7(cell: bytes) -> Callable[[], bytes]:
    """支出总表!D7 (204 公共安全支出·合计, 3397.31) written as ``cell``."""
    return _sheet("支出总表", rb'<c r="D7"[^>]*>.*?</c>', cell)


def edited(cells: dict[tuple[str, str], object], rename: dict[str, str] | None = None) -> Callable[[], bytes]:
    """The sample opened by openpyxl, cells set, sheets renamed, saved (inline strings, as the sample)."""
    def build() -> bytes:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
        for (sheet, ref), v in cells.items():
            wb[sheet][ref].value = v
        for old, new in (rename or {}).items():
            wb[old].title = new
        b = io.BytesIO()
        wb.save(b)
        return b.getvalue()
    return build


def escaped(escape: bytes) -> Callable[[], bytes]:
    """``escape`` (an OOXML ``_xHHHH_``) in 部门名称, a project's name and a 说明文字 text."""
    base = edited({("基本信息", "B3"): "承德市司法局MARKA", ("项目", "C6"): "法律顾问MARKA经费",
                   ("说明文字", "C3"): "承德市戒毒管理所MARKA四区五中心建设项目"})
    return _every_sheet(lambda d: d.replace(b"MARKA", escape), base=base)


# -- workbooks other programs write -----------------------------------------------------------------------
def _values() -> dict[str, list[list]]:
    """Every sheet's values as Excel shows them (formulas by their saved results)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()), data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def from_scratch() -> bytes:
    """A new openpyxl workbook holding the sample's values, no styles, no formulas."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in _values().items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def by_pandas(engine: str) -> Callable[[], bytes]:
    """The sample's values written by ``DataFrame.to_excel`` (no header, no index)."""
    def build() -> bytes:
        import pandas as pd

        b = io.BytesIO()
        with pd.ExcelWriter(b, engine=engine) as xw:
            for name, rows in _values().items():
                pd.DataFrame(rows).to_excel(xw, sheet_name=name, index=False, header=False)
        return b.getvalue()
    return build


def date1904() -> bytes:
    """The 1904 date system, 固定资产截止时间 a real date cell (2023-12-31 as the 1904 serial 43829)."""
    data = _sheet("基本信息", rb'<c r="B19"[^>]*>.*?</c>', b'<c r="B19" s="STYLE"><v>43829</v></c>')()
    z = zipfile.ZipFile(io.BytesIO(data))
    styles = z.read("xl/styles.xml")
    m = re.search(rb'<cellXfs count="(\d+)">', styles)
    n = int(m.group(1))
    styles = styles.replace(m.group(0), b'<cellXfs count="%d">' % (n + 1)).replace(
        b"</cellXfs>", b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>')
    part = sheet_part("基本信息")
    return repack(lambda name, d: styles if name == "xl/styles.xml" else
                  d.replace(b'<workbookPr/>', b'<workbookPr date1904="1"/>') if name == "xl/workbook.xml" else
                  d.replace(b's="STYLE"', b's="%d"' % n) if name == part else d, base=data)


def ods_package() -> bytes:
    """The smallest OpenDocument spreadsheet package: ``mimetype`` first, stored, then its content."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return b.getvalue()


FODS = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet/></office:body>'
        '</office:document>\n').encode()


def xlsx_inputs() -> dict[str, Builder]:
    return {
        # other writers
        "openpyxl-scratch": w("新建工作簿.xlsx", from_scratch),
        "pandas-openpyxl": w("pandas写出.xlsx", by_pandas("openpyxl")),
        "date1904": w("1904日期.xlsx", date1904),
        "array-formula": w("数组公式.xlsx", _d7(b'<c r="D7" s="13"><f t="array" ref="D7">SUM(D8,D19)</f><v>3397.31</v></c>')),
        "datatable-formula": w("模拟运算表.xlsx", _d7(b'<c r="D7" s="13"><f t="dataTable" ref="D7" dt2D="0" dtr="0" r1="A1"/><v>3397.31</v></c>')),
        "shared-follower-no-v": w("共享公式无值.xlsx", _sheet("支出总表", rb'<c r="D9"([^>]*)>.*?</c>(.*?)<c r="D10"([^>]*)>.*?</c>',
                                                         rb'<c r="D9"\1><f t="shared" ref="D9:D10" si="0">E9+F9</f><v>967.35</v></c>\2<c r="D10"\3><f t="shared" si="0"/></c>')),
        "shared-index-float": w("共享文字序号3点0.xlsx", _every_sheet(lambda d: re.sub(rb't="s"><v>(\d+)</v>', rb't="s"><v>\1.0</v>', d), base=saved_sample)),
        "shared-index-exponent": w("共享文字序号3E0.xlsx", _every_sheet(lambda d: re.sub(rb't="s"><v>(\d+)</v>', rb't="s"><v>\1E0</v>', d), base=saved_sample)),
        "inline-and-v": w("文字与数值.xlsx", _d7(b'<c r="D7" s="13" t="inlineStr"><is><t>3397.31</t></is><v>3397.31</v></c>')),
        "inline-empty-and-v": w("空文字与数值.xlsx", _d7(b'<c r="D7" s="13" t="inlineStr"><is/><v>3397.31</v></c>')),
        "v-before-inline": w("数值在文字前.xlsx", _d7(b'<c r="D7" s="13" t="inlineStr"><v>3397.31</v><is><t>3397.31</t></is></c>')),
        # what cells hold
        "ctl-x0001": w("控制字符01.xlsx", escaped(b"_x0001_")),
        "ctl-x000b": w("控制字符0B.xlsx", escaped(b"_x000B_")),
        "ctl-xfffe": w("控制字符FFFE.xlsx", escaped(b"_xFFFE_")),
        "ctl-lone-surrogate": w("孤立代理.xlsx", escaped(b"_xD800_")),
        "ctl-surrogate-pair": w("代理对转义.xlsx", escaped(b"_xD83D__xDE00_")),
        "cells-32767": w("三万字.xlsx", edited({("说明文字", "C3"): "长" * 32767, ("项目", "H5"): "用" * 32767, ("基本信息", "B3"): "部" * 32767})),
        "astral-names": w("扩展汉字.xlsx", edited({("基本信息", "B3"): "承德市\U00020000司法局😀", ("项目", "C6"): "法律\U0002A6A5顾问经费🎉"})),
        "jinja-text": w("模板语法.xlsx", edited({("基本信息", "B3"): "承德市{{ 7*7 }}司法局{% set a = 7 %}{{ a*a }}",
                                             ("说明文字", "C3"): "{{ lipsum.__globals__ }}{# c #}{% for x in range(3) %}y{% endfor %}",
                                             ("项目", "C6"): "{{7*7}}法律顾问经费"})),
        "table-marker-text": w("表格标记.xlsx", edited({("说明文字", "C3"): "前文\n[[t1]]\n[[机构设置表]]\n后文"})),
        "dept-two-lines": w("部门名两行.xlsx", edited({("基本信息", "B3"): "承德市\n司法局"})),
        "markup-text": w("标记文字.xlsx", edited({("基本信息", "B3"): "**承德市**司法局", ("项目", "C6"): "法律|顾问|*经费*",
                                               ("说明文字", "C3"): "# 标题\n<b>粗</b>\\*"})),
        "sheet-name-space": w("表名空格.xlsx", edited({}, rename={"支出总表": "支出 总表"})),
        "amount-bad-grouping": w("逗号位置不对.xlsx", edited({("支出总表", "D7"): "3397，31"})),
        "amount-full-width-grouping": w("全角千分位.xlsx", edited({("支出总表", "D7"): "3，397.31"})),
        # other programs' spreadsheets
        "ods-renamed-xlsx": w("改名的ods.xlsx", ods_package),
        **({"pandas-xlsxwriter": w("pandas写出xlsxwriter.xlsx", by_pandas("xlsxwriter"))} if find_spec("xlsxwriter") else {}),
    }


def other_inputs() -> dict[str, Builder]:
    """Spreadsheets of other programs under their own names (refused, named as what they are)."""
    return {"ods": w("主表.ods", ods_package), "fods": w("主表.fods", lambda: FODS)}


def lo_inputs() -> dict[str, Builder]:
    """The sample saved by LibreOffice (probe only: a few seconds each; RuntimeError when soffice is missing)."""
    from tests.hostile.round_six import _lo

    return {"lo-xlsx": _lo("另存.xlsx", "xlsx", "Calc MS Excel 2007 XML"), "lo-ods": _lo("另存.ods", "ods"),
            "lo-fods": _lo("另存.fods", "fods")}
