"""Test fixtures: the shared official Excel templates filled with a shared PDF's figures, as a department would.

The figures come from importing the PDF with our importer (what the PDF prints); they are written into the
template's own cells — its sheets, titles, headers and row labels left as the district hands them out, example
rows cleared, rows inserted where the template has fewer rows than the document, the year and the publisher
put into the titles and the 编制部门 line, the 说明 sheets' text replaced by the document's paragraphs.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl

SAMPLES = Path("/work/shared/samples/shanghai")
if not SAMPLES.exists():
    SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "shanghai"
TEMPLATES = SAMPLES / "templates"
DEPT_TEMPLATE = TEMPLATES / "2026_部门预算公开模板.xlsx"
UNIT_TEMPLATE = TEMPLATES / "2026_单位预算公开模板.xlsx"
UNIT_XLS_TEMPLATE = TEMPLATES / "2026_单位预算公开模板.xls"
DEPT_PDF = SAMPLES / "2026_普陀区司法局_部门预算.pdf"
UNIT_PDF = SAMPLES / "2025_普陀区商务委员会_单位预算.pdf"

# the template's sheets, told by the words of their titles (A1)
_SHEETS = [("财务收支", "T1"), ("收入预算总表", "T2"), ("支出预算总表", "T3"), ("财政拨款收支", "T4"),
           ("一般公共预算支出功能", "T5"), ("政府性基金", "T7"), ("国有资本", "T8"), ("基本支出", "T6"),
           ("三公", "T9"), ("主要职能", "主要职能"), ("机构设置", "机构设置"), ("名词解释", "名词解释"),
           ("编制说明", "预算编制说明"), ("其他相关情况说明", "其他相关情况说明"), ("项目经费情况说明", "项目经费情况说明")]
_HEADERS = {"合计": "total", "财政拨款收入": "fin", "事业收入": "biz", "事业单位经营收入": "oper", "其他收入": "other",
            "基本支出": "basic", "项目支出": "project", "人员经费": "person", "公用经费": "public"}
_NUMERALS = "一二三四五六七八九十"
_T9 = ["total", "abroad", "recep", "car", "car_buy", "car_run", "opex"]


def _flat(v) -> str:
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


def _num(v: Decimal | None):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _numeral(n: int) -> str:
    return _NUMERALS[n - 1] if n <= 10 else "十" + _NUMERALS[n - 11]


def _kind(ws) -> str | None:
    title = next((_flat(c.value) for row in ws.iter_rows(max_row=3) for c in row if isinstance(c.value, str)), "")
    return next((key for words, key in _SHEETS if words in title), None)


def _insert_rows(ws, at: int, n: int, style_row: int) -> None:
    """Insert n rows before row ``at`` the way Excel does: merged ranges below move down, styles copied."""
    if n <= 0:
        return
    below = [m for m in ws.merged_cells.ranges if m.min_row >= at]
    for m in below:
        ws.merged_cells.remove(m)
    ws.insert_rows(at, n)
    for m in below:
        m.shift(0, n)
        ws.merged_cells.add(m)
    for r in range(at, at + n):
        for c in range(1, ws.max_column + 1):
            src = ws.cell(style_row, c)
            dst = ws.cell(r, c)
            dst._style = copy.copy(src._style)
        ws.row_dimensions[r].height = ws.row_dimensions[style_row].height


def _row_of(ws, col: int, text: str, start: int = 1) -> int | None:
    for r in range(start, ws.max_row + 1):
        if _flat(ws.cell(r, col).value) == text:
            return r
    return None


def _clear(ws, rows, cols) -> None:
    for r in rows:
        for c in cols:
            cell = ws.cell(r, c)
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                cell.value = None


def _fill_coded(ws, table) -> None:
    head = next(r for r in range(1, 12) if _flat(ws.cell(r, 1).value) == "类")
    econ = _flat(ws.cell(head, 3).value) != "项"
    code_cols = 2 if econ else 3
    name_col = code_cols + 1
    amount_cols = {}
    for c in range(name_col + 1, ws.max_column + 1):
        key = _HEADERS.get(_flat(ws.cell(head - 1, c).value))
        if key:
            amount_cols[key] = c
    total_row = _row_of(ws, 1, "合计", head + 1)
    rows = [r for r in table.rows if r.code]
    first = head + 1
    _insert_rows(ws, total_row, len(rows) - (total_row - first), first)
    total_row = _row_of(ws, 1, "合计", head + 1)
    _clear(ws, range(first, total_row), range(1, ws.max_column + 1))
    for i, row in enumerate(rows):
        r = first + i
        code = row.code
        parts = [code[:3], code[3:5], code[5:7]][: len(code) // 2]
        ws.cell(r, 1).value = int(parts[0])
        for j, p in enumerate(parts[1:], start=2):
            ws.cell(r, j).value = p
        ws.cell(r, name_col).value = row.text("name")
        for key, c in amount_cols.items():
            ws.cell(r, c).value = _num(row.amount(key))
    total = table.total_row
    for key, c in amount_cols.items():
        ws.cell(total_row, c).value = _num(total.amount(key)) if total else None
    _notes(ws, table, total_row + 1)


def _notes(ws, table, row: int) -> None:
    """The table's notes (空表说明) on the rows under it, as printed."""
    for i, (text, _cell) in enumerate(table.notes):
        ws.cell(row + i, 1).value = text


def _fill_two_sided(ws, table, set_aside=()) -> None:
    in_side, out_side = table.layout.sides
    total_row = _row_of(ws, 1, "收入总计")
    head = next(r for r in range(1, 12) if _flat(ws.cell(r, 2).value) == "预算数")
    first = next(r for r in range(head + 1, total_row) if ws.cell(r, 1).value)
    out_cols = {}
    for c in range(4, ws.max_column + 1):
        key = {"预算数": "out_amount", "合计": "total", "一般公共预算": "gen", "政府性基金预算": "fund",
               "国有资本经营预算": "soe"}.get(_flat(ws.cell(head, c).value))
        if key:
            out_cols[key] = c
    extra: dict[str, int] = {}
    if table.key == "T1":  # 单位预算 prints 合计 | 基本支出（人员经费、公用经费）| 项目支出 under 预算数: 合计 is the amount
        out_cols = {"out_amount": 4}
        for r in range(head, head + 3):
            for c in range(5, ws.max_column + 1):
                if _flat(ws.cell(r, c).value) in ("人员经费", "公用经费", "项目支出"):
                    extra[_flat(ws.cell(r, c).value)] = c
    # 本年收入: the template's own labels, in order
    in_rows = [d for d in in_side.rows if not d.total]
    r = first
    for d in in_rows:
        while r < total_row and not ws.cell(r, 1).value:
            r += 1
        row = table.get(d.key)
        ws.cell(r, 2).value = _num(row.amount(in_side.columns[0])) if row else None
        r += 1
    grand = table.get(in_side.rows[-1].key)
    ws.cell(total_row, 2).value = _num(grand.amount(in_side.columns[0])) if grand else None
    # 本年支出: one row per 类
    classes = [row for row in table.side_rows(out_side.name) if row.key.isdigit()]
    _insert_rows(ws, total_row, len(classes) - (total_row - first), first)
    total_row = _row_of(ws, 1, "收入总计")
    _clear(ws, range(first, total_row), range(3, ws.max_column + 1))
    printed = _split_printed(classes, set_aside, extra)
    for i, row in enumerate(classes):
        ws.cell(first + i, 3).value = f"{_numeral(i + 1)}、{row.text(out_side.label)}"
        for key, c in out_cols.items():
            ws.cell(first + i, c).value = _num(row.amount(key))
        for column, value in printed[i].items():
            ws.cell(first + i, extra[column]).value = _num(value)
    grand = table.get(out_side.rows[-1].key)
    for key, c in out_cols.items():
        ws.cell(total_row, c).value = _num(grand.amount(key)) if grand else None
    for column, value in (printed[len(classes)] if len(printed) > len(classes) else {}).items():
        ws.cell(total_row, extra[column]).value = _num(value)


def _split_printed(classes, set_aside: list, extra: dict[str, int]) -> list[dict]:
    """The figures the PDF printed under 人员经费 / 公用经费 / 项目支出 (which our layout does not keep), in print
    order, given back to their rows: each row's add up to its 合计 (the 支出总计 row comes last)."""
    if not extra or not set_aside:
        return [{} for _ in classes]
    from decimal import Decimal

    queue = [(column, value) for column, value in set_aside if column in extra]
    totals = [row.amount("out_amount") or Decimal(0) for row in classes]
    totals.append(sum(totals, Decimal(0)))
    out = []
    for total in totals:
        got, acc = {}, Decimal(0)
        while queue and acc < total:
            column, value = queue.pop(0)
            got[column] = value
            acc += value or 0
        out.append(got)
    return out


def _fill_t9(ws, table) -> None:
    head = next(r for r in range(1, 10) if _flat(ws.cell(r, 4).value) == "小计")
    r = head + 1
    for c in range(1, 8):
        ws.cell(r, c)._style = copy.copy(ws.cell(head, c)._style)
    for c, key in enumerate(_T9, start=1):
        row = table.get(key)
        ws.cell(r, c).value = _num(row.amount("total")) if row else None


def _paragraphs(budget, chapter: str) -> list[str]:
    out, title, n = [], None, 0
    for row in budget.texts(chapter):
        t = row.values.get("title")
        if t and t != title:
            n += 1
            out.append(f"{_numeral(n)}、{t}")
            title = t
        if row.text("text"):
            out.append(row.text("text"))
    return out


def _fill_text(ws, budget, chapter: str, dept: str) -> None:
    if chapter == "主要职能":
        paras = [f"（{_numeral(i)}）{r.text('text')}" for i, r in enumerate(budget.tables["DUTY"].rows, start=1)]
    else:
        paras = _paragraphs(budget, chapter)
    ws["A1"].value = re.sub(r"XX（[部门单位]+）", dept, str(ws["A1"].value)).replace("XX", dept)
    _clear(ws, range(3, ws.max_row + 1), [1])
    if chapter == "预算编制说明":  # one paragraph a row, as the template's own example rows
        for i, p in enumerate(paras):
            ws.cell(3 + i, 1).value = p
            ws.cell(3 + i, 1)._style = copy.copy(ws.cell(4, 1)._style)
    elif paras:
        ws["A3"].value = "\n".join(paras)


def fill_template(template: Path, pdf: Path, out: Path) -> Path:
    """The template filled with the PDF's figures and text, written to ``out`` (.xlsx)."""
    from budget_xl.importers.pdf import import_pdf

    budget, report = import_pdf(pdf)
    year, dept = budget.year, budget.dept_name
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    v = cell.value.replace("2025年", f"{year - 1}年").replace("2026年", f"{year}年")
                    if v.startswith(("编制部门：", "编制单位：")):
                        v = v + dept
                    cell.value = v
    cover = wb.worksheets[0]
    for row in cover.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(("预算主管部门：", "预算单位：")):
                cell.value = cell.value.split("：")[0] + "：" + dept
    for ws in wb.worksheets[1:]:
        kind = _kind(ws)
        if kind is None:
            continue
        if kind.startswith("T"):
            table = budget[kind]
            if table.layout.kind == "coded":
                _fill_coded(ws, table)
            elif table.layout.kind == "two_sided":
                _fill_two_sided(ws, table, [(c, v) for t, c, v in report.set_aside if t == kind])
            else:
                _fill_t9(ws, table)
        else:
            _fill_text(ws, budget, kind, dept)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """src converted by LibreOffice to ``fmt`` (xls / xlsx) in outdir."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise FileNotFoundError("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt)


def fill_xls_template(out_dir: Path) -> Path:
    """The old .xls 单位 template filled like the .xlsx one: via an .xlsx copy, converted back to .xls."""
    as_xlsx = soffice_convert(UNIT_XLS_TEMPLATE, "xlsx", out_dir / "xlsx")
    filled = fill_template(as_xlsx, UNIT_PDF, out_dir / "filled" / "单位预算_已填.xlsx")
    return soffice_convert(filled, "xls", out_dir)


# -- what a department's own workbook also holds: a text box, a seal, a drop-down, print settings ------------
TEXT_BOX = "科长审核意见：数字已核对，同意报送。"
X14_DV = ('<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
          '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
          '<x14:formula1><xm:f>目录!$A$4:$A$8</xm:f></x14:formula1><xm:sqref>A1</xm:sqref>'
          '</x14:dataValidation></x14:dataValidations>')
_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small red square, the way a scanned seal is a picture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xcc\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _drawing_xml() -> str:
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    anchor = ('<xdr:twoCellAnchor><xdr:from><xdr:col>{c0}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>'
              '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{c1}</xdr:col><xdr:colOff>0</xdr:colOff>'
              '<xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>')
    box = ('<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="文本框 1"/><xdr:cNvSpPr txBox="1"/>'
           '</xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="600000"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/>'
           f'<a:p><a:r><a:rPr lang="zh-CN"/><a:t>{TEXT_BOX}</a:t></a:r></a:p></xdr:txBody></xdr:sp>')
    pic = ('<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="图片 2" descr="公章"/><xdr:cNvPicPr/></xdr:nvPicPr>'
           '<xdr:blipFill><a:blip r:embed="rIdImg1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
           '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="600000" cy="600000"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{xdr}" xmlns:a="{a}" '
            f'xmlns:r="{r}">' + anchor.format(c0=8, c1=11, body=box) + anchor.format(c0=12, c1=13, body=pic)
            + "</xdr:wsDr>")


def _sheet_part(z, sheet: str) -> str:
    wb = z.read("xl/workbook.xml").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="(\w+)"', wb).group(1)
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels)
    t = target.group(1)
    return t[1:] if t.startswith("/") else "xl/" + t


def decorate(path: Path, sheet: str, out: Path) -> Path:
    """``path`` with, on ``sheet``: a text box (科长审核意见), a picture (a seal), an x14 drop-down list (its list on
    another sheet, which only the x14 kind can hold), landscape A4 printing with repeated title rows."""
    import zipfile

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "1:8"
    ws.print_area = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    staged = out.with_name(".staged_" + out.name)
    wb.save(staged)
    with zipfile.ZipFile(staged) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        part = _sheet_part(z, sheet)
    staged.unlink()
    xml = parts[part].decode()
    if "<extLst>" in xml:
        xml = xml.replace("</extLst>", f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{_X14}">'
                          + X14_DV + "</ext></extLst>")
    else:
        xml = xml.replace("</worksheet>", f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" '
                          f'xmlns:x14="{_X14}">' + X14_DV + "</ext></extLst></worksheet>")
    drawing = '<drawing r:id="rIdDrw1"/>'
    m = re.search(r"<(legacyDrawing|legacyDrawingHF|picture|oleObjects|tableParts|extLst)[ >/]", xml)
    xml = xml[:m.start()] + drawing + xml[m.start():]
    if 'xmlns:r="' not in xml[:500]:
        xml = xml.replace("<worksheet ", '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                          '2006/relationships" ', 1)
    parts[part] = xml.encode()
    d, f = part.rsplit("/", 1)
    rels_name = f"{d}/_rels/{f}.rels"
    rel = ('<Relationship Id="rIdDrw1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'drawing" Target="/xl/drawings/drawing_fx1.xml"/>')
    if rels_name in parts:
        parts[rels_name] = parts[rels_name].decode().replace("</Relationships>", rel + "</Relationships>").encode()
    else:
        parts[rels_name] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
                            'schemas.openxmlformats.org/package/2006/relationships">' + rel + "</Relationships>").encode()
    parts["xl/drawings/drawing_fx1.xml"] = _drawing_xml().encode()
    parts["xl/drawings/_rels/drawing_fx1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rIdImg1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/image" Target="/xl/media/seal_fx1.png"/></Relationships>').encode()
    parts["xl/media/seal_fx1.png"] = png_bytes()
    ct = parts["[Content_Types].xml"].decode()
    if 'Extension="png"' not in ct:
        ct = ct.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    ct = ct.replace("</Types>", '<Override PartName="/xl/drawings/drawing_fx1.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
    parts["[Content_Types].xml"] = ct.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out
