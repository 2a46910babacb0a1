"""Hostile input, round eight (inputs from tests/hostile/round_eight.py): a Strict Open XML workbook was
checked but written back empty by ``fill`` and ``--mark`` (openpyxl reads none of its sheets: a 5 KB copy
holding only 变更记录, "改写 0 个单元格"), and a far cell in it, or beside a workbook part that does not parse,
aborted python-calamine (exit 134) because the extent guard found no sheet to measure."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.hostile import round_eight
from tests.hostile.make_corpus import sample_bytes
from tests.hostile.test_corpus import findings, run


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return round_eight.xlsx_inputs()[name](folder)






def test_a_strict_workbook_is_checked_as_the_same_workbook_saved_as_usual(sample_findings, tmp_path):
    path = build("strict-ooxml", tmp_path)
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert findings(path) == sample_findings and len(sample_findings) == 37


@pytest.mark.parametrize("argv", [["fill", "{src}", "-o", "{out}"], ["check", "{src}", "--mark", "{out}"]])
def test_a_strict_workbook_is_written_back_whole(argv, sample_findings, tmp_path):
    src = build("strict-ooxml", tmp_path)
    out = tmp_path / "副本.xlsx"
    before = src.read_bytes()
    code, text = run([a.format(src=src, out=out) for a in argv])
    assert code in (0, 1), text
    assert src.read_bytes() == before
    with zipfile.ZipFile(out) as z:  # written as usual (transitional) Open XML, every sheet of the user's kept
        assert b"purl.oclc.org" not in z.read("xl/workbook.xml")
    import openpyxl

    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert {"收支总表", "支出总表", "基本信息", "说明文字"} <= set(names), names
    assert findings(out) == sample_findings  # the copy checks as the original (mark's own sheets are not tables)


@pytest.mark.parametrize("name", ["strict-ooxml-far-cell", "workbook-unparsable-far-cell", "sheet-elsewhere-far-cell"])
def test_a_far_cell_is_refused_wherever_the_sheet_is_listed(name, tmp_path):
    """In a subprocess: a regression would abort the interpreter (python-calamine's allocation), not fail."""
    path = build(name, tmp_path)
    p = subprocess.run([sys.executable, "-m", "budget_xl", "check", str(path)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2, p.stderr[-2000:]
    assert "工作表“支出总表”的范围达 1048576 行 × 16384 列，远超预算公开表的合理大小" in p.stderr + p.stdout


def test_strict_names_are_the_usual_ones():
    from budget_xl.read.editable import transitional

    cases = {
        b"http://purl.oclc.org/ooxml/spreadsheetml/main": b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet":
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties":
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties":
            b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
        b"http://schemas.openxmlformats.org/package/2006/relationships":
            b"http://schemas.openxmlformats.org/package/2006/relationships",  # the same in both
    }
    for strict, usual in cases.items():
        assert transitional(b'<x xmlns="' + strict + b'"/>') == b'<x xmlns="' + usual + b'"/>'


def test_a_copy_missing_sheets_is_not_written(tmp_path):
    """The net under every edit: openpyxl reading fewer sheets than the workbook lists refuses, naming them."""
    from budget_xl.errors import InputError
    from budget_xl.read.editable import _complete

    src = tmp_path / "样例.xlsx"
    src.write_bytes(sample_bytes())

    class Read:
        sheetnames = ["收支总表", "收入总表"]
    with pytest.raises(InputError, match="只能读到 2 张") as e:
        _complete(Read(), src)
    assert "支出总表" in e.value.text and "为免丢失内容，未写出" in e.value.text


def test_an_old_xls_with_a_far_cell_is_refused_before_its_grid_is_made(tmp_path):
    """An .xls has no package to scan: its extent is measured from python-calamine's sheet, before a Python
    object is made for each of 16.7 million cells (1.25 GB and three seconds for one sheet; more sheets, more)."""
    from tests.conftest import soffice

    soffice("calc")
    tmp_path.mkdir(exist_ok=True)
    path = round_eight.xls_far_cell(tmp_path)
    code, text = run(["check", str(path)])
    assert code == 2, text
    assert "工作表“支出总表”的范围达 65536 行 × 256 列，远超预算公开表的合理大小" in text


@pytest.mark.parametrize("command", [["fill", "{src}", "-o", "{out}"], ["check", "{src}", "--mark", "{out}"],
                                     ["batch", "{folder}", "--jobs", "2", "--report", "{out}"]])
def test_a_library_s_english_warning_is_not_shown(command, tmp_path):
    """openpyxl warned “UserWarning: Defined names for sheet index 99 cannot be located” (with its source
    line) on a print area of a sheet that is gone; what it concerns is read as well as it can be."""
    from tests.hostile.round_four import repack

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        names = b'<definedName name="_xlnm.Print_Area" localSheetId="99">x!$A$1:$B$2</definedName>'
        if b"<definedNames>" in data:
            return data.replace(b"<definedNames>", b"<definedNames>" + names, 1)
        return data.replace(b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>", 1)
    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / "打印区域.xlsx"
    src.write_bytes(repack(change))
    (folder / "样例.xlsx").write_bytes(sample_bytes())
    argv = [a.format(src=src, out=tmp_path / "出.xlsx", folder=folder) for a in command]
    env = {k: v for k, v in __import__("os").environ.items() if k != "BUDGET_XL_DEBUG"}
    p = subprocess.run([sys.executable, "-m", "budget_xl", *argv], capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    assert "Warning" not in p.stderr and "cannot be located" not in p.stderr, p.stderr[-2000:]
    assert (tmp_path / "出.xlsx").exists()


def _odd_folder(folder: Path) -> Path:
    import os

    folder.mkdir()
    (folder / "主表.xlsx").write_bytes(sample_bytes())
    (folder / "链接.xlsx").symlink_to("主表.xlsx")                 # a good link: checked
    (folder / "失效.xlsx").symlink_to(folder / "已删除.xlsx")       # its file is gone
    (folder / "自指.xlsx").symlink_to("自指.xlsx")                  # points at itself
    (folder / "甲.xlsx").symlink_to("乙.xlsx")
    (folder / "乙.xlsx").symlink_to("甲.xlsx")                      # two pointing at each other
    os.mkfifo(folder / "管道.xlsx")
    return folder


def test_batch_lists_links_whose_file_is_gone_loops_and_pipes_as_unreadable(tmp_path):
    """They were left out of the batch without a word (only regular files were collected); a self-pointing
    link then gave exit 3 (pathlib's “Symlink loop”), and one whose file is gone was named by the missing file."""
    folder = _odd_folder(tmp_path / "各部门")
    report = tmp_path / "报告.xlsx"
    code, text = run(["batch", str(folder), "--jobs", "1", "--report", str(report)])
    assert code == 1, text
    assert "共 7 个文件：有错误 0 个，无法读取 5 个" in text
    assert f"这是一个快捷方式（符号链接），它指向的“{folder / '已删除.xlsx'}”不存在" in text
    assert text.count("这个快捷方式（符号链接）形成了循环（它指向的链接又指回自己）") == 3
    assert "这不是普通文件（可能是管道或设备）" in text
    assert "失效.xlsx" in text and "已删除.xlsx”：不支持" not in text
    assert report.exists()


@pytest.mark.parametrize("name, said", [("失效.xlsx", "它指向的“"), ("自指.xlsx", "又指回自己"), ("甲.xlsx", "又指回自己")])
def test_check_says_a_link_leads_nowhere(name, said, tmp_path):
    folder = _odd_folder(tmp_path / "各部门")
    code, text = run(["check", str(folder / name)])
    assert code == 2 and said in text and "请改用文件本身" in text, text


@pytest.mark.parametrize("stacked", [
    ["收支总表", "收入总表", "支出总表", "财拨收支总表", "一般公共预算支出表", "基本支出表", "政府性基金支出表",
     "国有资本经营支出表", "三公经费表"],
    ["收支总表", "收入总表"],
])
def test_tables_stacked_on_one_sheet_are_said_so(stacked, tmp_path):
    """All nine tables (or two) pasted one under another on one sheet were told “可能被改了名：请把它改回‘收支总表’”."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    src = tmp_path / "样例.xlsx"
    src.write_bytes(sample_bytes())
    wb = CalamineWorkbook.from_path(str(src))
    out = openpyxl.Workbook()
    ws = out.active
    ws.title = "公开表"
    for name in wb.sheet_names:
        if name not in stacked:
            o = out.create_sheet(name)
            for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
                o.append([None if v == "" else v for v in row])
    for name in stacked:
        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
            ws.append([None if v == "" else v for v in row])
        ws.append([])
    path = tmp_path / "一张表.xlsx"
    out.save(path)
    code, text = run(["check", str(path)])
    assert code == 2, text
    assert "工作表“公开表”：这个工作表中放了多张表（部门预算收支总表、部门预算收入总表" in text
    assert "每张表应放在各自的工作表中" in text and "改回" not in text
