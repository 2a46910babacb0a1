"""``--mark`` and ``fill`` on a department's own workbook (the official template, filled, with a text box, a seal,
an x14 drop-down and print settings): only the cells meant change; everything else is the user's bytes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli
from official_templates import DEPT_PDF, DEPT_TEMPLATE, TEXT_BOX, decorate, fill_template, png_bytes

pytestmark = [pytest.mark.skipif(not DEPT_TEMPLATE.exists(), reason="shared samples not present"),
              pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")]  # our own reads
SHEET = "部门支出总表"


def _row_of(ws, parts) -> int:
    return next(r for r in range(1, ws.max_row + 1) if [ws.cell(r, c).value for c in (1, 2, 3)] == parts)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("lossless")
    filled = fill_template(DEPT_TEMPLATE, DEPT_PDF, d / "已填.xlsx")
    wb = openpyxl.load_workbook(filled)
    ws = wb[SHEET]
    leaf, parent = _row_of(ws, [204, "06", "01"]), _row_of(ws, [204, "06", None])
    planted = ws.cell(leaf, 6).value + 1000
    ws.cell(leaf, 6).value = planted  # 2040601 行政运行 · 基本支出: a detail typed wrong
    wb.save(d / "埋错.xlsx")
    wb = openpyxl.load_workbook(filled)
    blanked = wb[SHEET].cell(parent, 6).value
    wb[SHEET].cell(parent, 6).value = None  # 20406 司法 · 基本支出 left for 重算汇总 to fill
    wb.save(d / "待重算.xlsx")
    return {"error": decorate(d / "埋错.xlsx", SHEET, d / "部门_埋错.xlsx"),
            "blank": decorate(d / "待重算.xlsx", SHEET, d / "部门_待重算.xlsx"),
            "leaf": leaf, "parent": parent, "blanked": blanked, "dir": d}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    wb = parts["xl/workbook.xml"].decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="(\w+)"', wb).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel = next(r for r in re.findall(r"<Relationship [^>]*/>", rels) if f'Id="{rid}"' in r)
    t = re.search(r'Target="([^"]+)"', rel).group(1)
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


def _assert_kept(before: dict[str, bytes], after: dict[str, bytes], touched: set[str]) -> None:
    """The text box, the picture, the x14 drop-down and the print settings are there, byte for byte; every sheet
    we did not mean to touch is the user's own part, unchanged."""
    assert after["xl/drawings/drawing_fx1.xml"] == before["xl/drawings/drawing_fx1.xml"]
    assert TEXT_BOX in after["xl/drawings/drawing_fx1.xml"].decode()
    assert after["xl/media/seal_fx1.png"] == png_bytes()
    sheet_xml = after[_sheet_part(after, SHEET)].decode()
    assert _x14(after) == _x14(before)  # the same XML (attribute order aside)
    assert "<xm:f>目录!$A$4:$A$8</xm:f>" in _x14(after).decode()
    assert re.search(r'<pageSetup[^>]*orientation="landscape"', sheet_xml)
    assert re.search(r'<drawing r:id="rIdDrw1"\s*/>', sheet_xml)
    wb_xml = after["xl/workbook.xml"].decode()
    assert "_xlnm.Print_Titles" in wb_xml and "_xlnm.Print_Area" in wb_xml
    for name in openpyxl.load_workbook(_as_file(before), read_only=True).sheetnames:
        if name not in touched:
            assert after[_sheet_part(after, name)] == before[_sheet_part(before, name)], name


def _x14(parts: dict[str, bytes]) -> bytes:
    from lxml import etree

    root = etree.fromstring(parts[_sheet_part(parts, SHEET)])
    ns = {"x14": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"}
    return etree.tostring(root.find(".//x14:dataValidations", ns), method="c14n")


_FILES: dict[int, Path] = {}


def _as_file(parts: dict[str, bytes]) -> Path:
    return _FILES[id(parts)]


def _load(path: Path) -> dict[str, bytes]:
    parts = _parts(path)
    _FILES[id(parts)] = path
    return parts


def test_mark_keeps_the_users_workbook_and_marks_the_planted_cell(workbooks, tmp_path):
    src, out = workbooks["error"], tmp_path / "标注.xlsx"
    r = run_cli("check", src, "--mark", out)
    assert r.returncode == 1, r.stderr
    assert "UserWarning" not in r.stderr and "Warning" not in r.stderr
    before, after = _load(src), _load(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "校验结果"
    cell = wb[SHEET].cell(workbooks["leaf"], 6)
    assert cell.fill.fgColor.rgb.endswith("F4B084") and cell.comment is not None  # the planted cell is the LOCATE cell: orange (issue 17)
    assert cell.comment.text.startswith("【校验】") and f"{SHEET}!F{workbooks['leaf']}" in cell.comment.text
    results = [row for row in wb["校验结果"].iter_rows(min_row=3, values_only=True) if row[0]]
    assert results[0][2] == "LOCATE" and results[0][3] == f"{SHEET}!F{workbooks['leaf']}"
    touched = {name for name in wb.sheetnames if any(
        c.comment is not None for row in wb[name].iter_rows() for c in row)} - {"校验结果"}
    assert SHEET in touched
    _assert_kept(before, after, touched)
    # the number the user typed stays as typed: marking changes looks, not figures
    assert cell.value == openpyxl.load_workbook(src)[SHEET].cell(workbooks["leaf"], 6).value


def test_marking_the_marked_copy_again_keeps_everything(workbooks, tmp_path):
    once, twice = tmp_path / "标注1.xlsx", tmp_path / "标注2.xlsx"
    assert run_cli("check", workbooks["error"], "--mark", once).returncode == 1
    assert run_cli("check", once, "--mark", twice).returncode == 1
    wb = openpyxl.load_workbook(twice)
    assert wb.sheetnames.count("校验结果") == 1 and wb.sheetnames[0] == "校验结果"
    assert wb[SHEET].cell(workbooks["leaf"], 6).fill.fgColor.rgb.endswith("F4B084")
    after = _parts(twice)
    assert after["xl/media/seal_fx1.png"] == png_bytes() and "<x14:dataValidation " in after[
        _sheet_part(after, SHEET)].decode()


def test_fill_writes_the_total_and_nothing_else(workbooks, tmp_path):
    src, out = workbooks["blank"], tmp_path / "重算.xlsx"
    r = run_cli("fill", src, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr
    assert "改写 1 个单元格" in r.stdout
    wb = openpyxl.load_workbook(out)
    assert wb[SHEET].cell(workbooks["parent"], 6).value == pytest.approx(workbooks["blanked"])
    log = [row for row in wb["变更记录"].iter_rows(min_row=3, values_only=True)]
    assert log[0][1] == f"{SHEET}!F{workbooks['parent']}"
    _assert_kept(_load(src), _load(out), {SHEET})
    # the result is checked clean again: the filled total is the right one
    r = run_cli("check", out)
    assert "错误 3 条" in r.stdout  # only the document's own three defects in its text


def test_openpyxl_is_not_used_where_it_would_lose_nothing(sample_file, tmp_path):
    from budget_xl.write.package import openpyxl_would_lose

    assert openpyxl_would_lose(sample_file) == []


def test_what_openpyxl_would_lose_is_named(workbooks):
    from budget_xl.write.package import openpyxl_would_lose

    lost = openpyxl_would_lose(workbooks["error"])
    assert lost == ["数据验证（下拉列表，x14 扩展）", "文本框或图形", "图片（如印章、标志）"]


def test_libreoffice_opens_the_marked_copy(workbooks, tmp_path):
    from conftest import soffice

    exe = soffice()
    out = tmp_path / "标注.xlsx"
    assert run_cli("check", workbooks["error"], "--mark", out).returncode == 1
    import subprocess

    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=240)
    assert (tmp_path / "标注.pdf").stat().st_size > 10_000


def _as_xlsm(src: Path, out: Path) -> bytes:
    """``src`` as a macro workbook: a VBA project part (an OLE container) the way Excel stores it in an .xlsm."""
    from budget_xl.excel.vba_project import write_cfb

    vba = write_cfb({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nName="BudgetBook"\r\n'})
    parts = _parts(src)
    parts["xl/vbaProject.bin"] = vba
    ct = parts["[Content_Types].xml"].decode()
    ct = ct.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    ct = ct.replace("<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    "<Default ", 1)
    parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", '<Relationship Id="rIdVba1" Type="http://'
                                                       'schemas.microsoft.com/office/2006/relationships/vbaProject" '
                                                       'Target="vbaProject.bin"/></Relationships>').encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return vba


def test_the_macros_of_an_xlsm_survive_marking(workbooks, tmp_path):
    src = tmp_path / "部门.xlsm"
    vba = _as_xlsm(workbooks["error"], src)
    out = tmp_path / "标注.xlsm"
    r = run_cli("check", src, "--mark", out)
    assert r.returncode == 1, r.stderr
    after = _parts(out)
    assert after["xl/vbaProject.bin"] == vba
    assert "macroEnabled.main+xml" in after["[Content_Types].xml"].decode()
    assert after["xl/media/seal_fx1.png"] == png_bytes()
    r = run_cli("check", src, "--mark", tmp_path / "标注.xlsx")
    assert r.returncode == 2 and "宏" in r.stderr and not (tmp_path / "标注.xlsx").exists()


def _with_button(src: Path, out: Path) -> None:
    """``src`` with a form button (a legacy VML control) on the sheet that gets marked."""
    parts = _parts(src)
    part = _sheet_part(parts, SHEET)
    parts["xl/drawings/vmlDrawing_fx9.vml"] = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t201">'
        '<x:ClientData ObjectType="Button"><x:Anchor>8, 0, 1, 0, 10, 0, 2, 0</x:Anchor></x:ClientData>'
        "</v:shape></xml>").encode()
    d, f = part.rsplit("/", 1)
    rels = f"{d}/_rels/{f}.rels"
    parts[rels] = parts[rels].decode().replace("</Relationships>", '<Relationship Id="rIdVml9" Type="http://schemas.'
                                               'openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" '
                                               'Target="/xl/drawings/vmlDrawing_fx9.vml"/></Relationships>').encode()
    xml = parts[part].decode()
    at = xml.index("<extLst>")
    parts[part] = (xml[:at] + '<legacyDrawing r:id="rIdVml9"/>' + xml[at:]).encode()
    ct = parts["[Content_Types].xml"].decode()
    if 'Extension="vml"' not in ct:
        parts["[Content_Types].xml"] = ct.replace("<Default ", '<Default Extension="vml" ContentType="application/'
                                                  'vnd.openxmlformats-officedocument.vmlDrawing"/><Default ', 1).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_form_button_on_the_marked_sheet_survives_beside_our_note(workbooks, tmp_path):
    from budget_xl.write.package import openpyxl_would_lose

    src = tmp_path / "带按钮.xlsx"
    _with_button(workbooks["error"], src)
    assert "表单控件（按钮、复选框等）" in openpyxl_would_lose(src)
    out = tmp_path / "标注.xlsx"
    r = run_cli("check", src, "--mark", out)
    assert r.returncode == 1, r.stderr
    after = _parts(out)
    vml = after["xl/drawings/vmlDrawing_fx9.vml"].decode()
    assert vml.count('ObjectType="Button"') == 1 and '<x:Anchor>8, 0, 1, 0, 10, 0, 2, 0</x:Anchor>' in vml
    assert vml.count('ObjectType="Note"') >= 1 and "_x0000_s1025" in vml  # the button keeps its id
    ids = re.findall(r'id="(_x0000_s\d+)"', vml)
    assert len(ids) == len(set(ids))
    wb = openpyxl.load_workbook(out)
    assert wb[SHEET].cell(workbooks["leaf"], 6).comment.text.startswith("【校验】")


def test_checking_the_marked_copy_finds_what_checking_the_original_finds(workbooks, tmp_path):
    from budget_xl.read import read_workbook
    from budget_xl.rules import check_budget

    out = tmp_path / "标注.xlsx"
    assert run_cli("check", workbooks["error"], "--mark", out).returncode == 1

    def found(p):
        r = read_workbook(p)
        assert r.budget.year == 2026 and r.budget.dept_name == "上海市普陀区司法局"
        return sorted((f.rule, f.severity, f.message) for f in check_budget(r.budget, r.notes).findings)

    assert found(out) == found(workbooks["error"])
