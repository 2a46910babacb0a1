"""--mark: error cells red, warnings yellow, a note on each, a 校验结果 sheet; re-running replaces marks."""

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from budget_xl.mark import EXPLAIN_COL, FILL
from budget_xl.marking.plan import LOCATE_FILL
from tests.conftest import run_cli

EXPLAIN = EXPLAIN_COL - 1  # 0-based: 说明 is the last column


@pytest.fixture
def broken(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["支出总表"]
    ws["F22"].value = ws["F22"].value + 1  # 2040607 公共法律服务 项目支出
    ws["F22"].fill = PatternFill("solid", fgColor="FF00B0F0")  # the user's own colour
    ws["F22"].comment = Comment("用户自己的批注", "会计")
    wb.save(sample_copy)
    return sample_copy


def test_mark_colours_error_and_warning_cells_with_notes(broken, tmp_path):
    out = tmp_path / "marked.xlsx"
    r = run_cli("check", broken, "--mark", out)
    assert r.returncode == 1
    wb = openpyxl.load_workbook(out)
    cell = wb["支出总表"]["F22"]
    assert cell.fill.fgColor.rgb == LOCATE_FILL  # the cell to fix first: its own colour (issue 17)
    assert cell.comment.text.startswith("【校验】【最可能出错】")
    assert cell.comment.text.startswith("【校验】") and "用户自己的批注" in cell.comment.text
    assert wb["项目"]["M31"].fill.fgColor.rgb == FILL["warning"]  # 目标内容 1
    assert wb["收入总表"]["D6"].fill.fgColor.rgb != FILL["error"]  # 尾差 stays uncoloured
    res = wb["校验结果"]
    assert res["A1"].value.startswith("校验结果") and [c.value for c in res[2]][:5] == ["序号", "级别", "规则", "位置", "问题"]
    first = next(r for r in res.iter_rows(min_row=3) if r[1].value == "错误")
    assert first[3].hyperlink.location or first[3].hyperlink.target
    assert openpyxl.load_workbook(broken)["支出总表"]["F22"].fill.fgColor.rgb == "FF00B0F0"  # input untouched


def test_rerun_restores_own_fill_and_keeps_explanations(broken, tmp_path):
    first = tmp_path / "first.xlsx"
    run_cli("check", broken, "--mark", first)
    wb = openpyxl.load_workbook(first)
    res = wb["校验结果"]
    warn_row = next(r for r in res.iter_rows(min_row=3) if r[2].value == "X-OPEX")
    warn_row[EXPLAIN].value = "公证处经费已单独核算，经财政局确认。"
    err_row = next(r for r in res.iter_rows(min_row=3) if r[1].value == "错误")
    err_row[EXPLAIN].value = "正在核对"
    ws = wb["支出总表"]
    ws["F22"].value = ws["F22"].value - 1  # the user fixes the error in the marked copy
    wb.save(first)
    second = tmp_path / "second.xlsx"
    r = run_cli("check", first, "--mark", second)
    assert r.returncode == 0
    wb2 = openpyxl.load_workbook(second)
    cell = wb2["支出总表"]["F22"]
    assert cell.fill.fgColor.rgb == "FF00B0F0" and cell.comment.text == "用户自己的批注"
    res2 = wb2["校验结果"]
    warn2 = next(r for r in res2.iter_rows(min_row=3) if r[2].value == "X-OPEX")
    assert warn2[EXPLAIN].value == "公证处经费已单独核算，经财政局确认。"
    texts = [c.value for row in res2.iter_rows() for c in row if c.value]
    assert "正在核对" in texts  # the explanation of a fixed error is kept, under 已不再出现
    assert sum(1 for ws in wb2.worksheets if ws.title == "校验结果") == 1


def test_a_note_office_js_could_not_read_is_left_alone(sample_copy, tmp_path):
    from budget_xl.mark import NOTE_KEPT, STATE_HEADER, STATE_SHEET

    wb = openpyxl.load_workbook(sample_copy)
    wb["项目"]["M31"].comment = Comment("用户在网页版 Excel 里写的批注", "会计")
    st = wb.create_sheet(STATE_SHEET)  # as validate() on Office.js leaves it
    st.append(STATE_HEADER)
    st.append(["项目!M31", "", "", NOTE_KEPT])
    wb.save(sample_copy)
    out = tmp_path / "m.xlsx"
    run_cli("check", sample_copy, "--mark", out)
    assert "用户在网页版 Excel 里写的批注" in openpyxl.load_workbook(out)["项目"]["M31"].comment.text


def test_marks_are_taken_off_where_inserted_rows_moved_them(broken, tmp_path):
    first = tmp_path / "first.xlsx"
    run_cli("check", broken, "--mark", first)
    wb = openpyxl.load_workbook(first)
    res = wb["校验结果"]
    err_row = next(r for r in res.iter_rows(min_row=3) if r[1].value == "错误")
    err_row[EXPLAIN].value = "正在核对"
    ws = wb["支出总表"]
    ws.insert_rows(9)                  # the marked F22 moves to F23
    ws["F23"].value = ws["F23"].value - 1  # and the user fixes it there
    wb.save(first)
    second = tmp_path / "second.xlsx"
    assert run_cli("check", first, "--mark", second).returncode == 0
    wb2 = openpyxl.load_workbook(second)
    ws2 = wb2["支出总表"]
    red = [f"{w.title}!{c.coordinate}" for w in wb2.worksheets for row in w.iter_rows() for c in row
           if c.fill.fill_type == "solid" and c.fill.fgColor.rgb == FILL["error"]]
    assert red == []
    assert ws2["F23"].fill.fgColor.rgb == "FF00B0F0" and ws2["F23"].comment.text == "用户自己的批注"
    assert ws2["F22"].comment is None  # the cell that moved into F22's old place gets nothing of it
    kept = [c.value for row in wb2["校验结果"].iter_rows() for c in row]
    assert "正在核对" in kept


def test_an_explanation_follows_its_finding_when_rows_move(sample_copy, tmp_path):
    first = tmp_path / "first.xlsx"
    run_cli("check", sample_copy, "--mark", first)
    wb = openpyxl.load_workbook(first)
    row = next(r for r in wb["校验结果"].iter_rows(min_row=3) if r[2].value == "P-PLACEHOLDER")
    row[EXPLAIN].value = "已请项目单位补写"
    wb["项目"].insert_rows(6, 2)       # the placeholder moves from M31 to M33
    wb.save(first)
    second = tmp_path / "second.xlsx"
    run_cli("check", first, "--mark", second)
    row2 = next(r for r in openpyxl.load_workbook(second)["校验结果"].iter_rows(min_row=3) if r[2].value == "P-PLACEHOLDER")
    assert row2[3].value == "项目!M33" and row2[EXPLAIN].value == "已请项目单位补写"


def _with_identity(findings, rule, message=None):
    """The sample's findings with ``rule``'s given an identity (and, optionally, new wording)."""
    from dataclasses import replace

    return [replace(f, table="P", row="消防设施修缮项目", column="绩效目标", message=message or f.message)
            if f.rule == rule else f for f in findings]


def test_an_explanation_follows_a_reworded_finding_through_the_marked_file(sample_copy, tmp_path):
    from budget_xl.mark import mark_workbook
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    r = read_workbook(sample_copy)
    findings = run_checks(r.budget, r.notes)
    first = mark_workbook(sample_copy, tmp_path / "first.xlsx", _with_identity(findings, "P-PLACEHOLDER"))
    wb = openpyxl.load_workbook(first)
    row = next(r for r in wb["校验结果"].iter_rows(min_row=3) if r[2].value == "P-PLACEHOLDER")
    row[EXPLAIN].value = "已请项目单位补写"
    wb.save(first)
    reworded = _with_identity(findings, "P-PLACEHOLDER", "项目“消防设施修缮项目”的绩效目标仍是模板文字。")
    second = mark_workbook(first, tmp_path / "second.xlsx", reworded)
    row2 = next(r for r in openpyxl.load_workbook(second)["校验结果"].iter_rows(min_row=3) if r[2].value == "P-PLACEHOLDER")
    assert row2[4].value == "项目“消防设施修缮项目”的绩效目标仍是模板文字。"
    assert row2[EXPLAIN].value == "已请项目单位补写"


def _check(src):
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    r = read_workbook(src)
    return run_checks(r.budget, r.notes)


def _remark(src, out):
    from budget_xl.mark import mark_workbook

    return mark_workbook(src, out, _check(src))


def test_a_finding_on_a_merged_cell_marks_the_merges_first_cell_instead_of_crashing(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    wb["收入总表"].merge_cells("D8:E8")  # E8 (20406 一般公共预算 1362.27) is now read as blank
    wb.save(sample_copy)
    out = tmp_path / "m.xlsx"
    r = run_cli("check", sample_copy, "--mark", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr
    d8 = openpyxl.load_workbook(out)["收入总表"]["D8"]
    assert d8.fill.fgColor.rgb == LOCATE_FILL and "收入总表“20406 司法”" in d8.comment.text
    res = [[c.value for c in row] for row in openpyxl.load_workbook(out)["校验结果"].iter_rows(min_row=3)]
    assert any("收入总表!E8" in (row[9] or "") for row in res)  # the finding still names the merged cell


def test_a_users_own_note_starting_with_the_check_marker_is_kept(broken, tmp_path):
    wb = openpyxl.load_workbook(broken)
    wb["支出总表"]["F22"].comment = Comment("【校验】请复核这一行", "会计")  # on a cell that gets marked
    wb["收入总表"]["B5"].comment = Comment("【校验】表头已核对", "出纳")  # on a cell that never is
    wb.save(broken)
    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    assert wb["收入总表"]["B5"].comment.text == "【校验】表头已核对"
    assert wb["支出总表"]["F22"].comment.text.endswith("——原批注：【校验】请复核这一行\n——原批注作者：会计\n——原底色：FF00B0F0")
    wb["支出总表"]["F22"].value -= 1  # fixed
    wb.save(first)
    second = openpyxl.load_workbook(_remark(first, tmp_path / "second.xlsx"))
    assert (second["收入总表"]["B5"].comment.text, second["收入总表"]["B5"].comment.author) == ("【校验】表头已核对", "出纳")
    f22 = second["支出总表"]["F22"]
    assert (f22.comment.text, f22.comment.author, f22.fill.fgColor.rgb) == ("【校验】请复核这一行", "会计", "FF00B0F0")


def test_a_damaged_hidden_record_is_skipped_with_a_chinese_warning(broken, tmp_path):
    from budget_xl.mark import STATE_HEADER, STATE_SHEET

    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    st = wb[STATE_SHEET]
    assert st.cell(1, 1).value == STATE_HEADER[0]
    st.append(["收入总表!ZZZZ1", "", "", ""])
    st.append([12345, "FF00B050", "", ""])
    st.append(["不是地址", None, None, None])
    st.append(["收入总表!D30", "绿色", "用户批注", "会计"])
    st.append(["不存在的表!A1", "", "", ""])
    (f22,) = [row for row in st.iter_rows() if row[0].value == "支出总表!F22"]
    f22[1].value = "=1/0"  # the record of the marked cell itself
    wb.save(first)
    out = tmp_path / "second.xlsx"
    r = run_cli("check", first, "--mark", out)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert "隐藏工作表“_校验标记”第" in r.stderr and "不是可识别的单元格记录，已忽略" in r.stderr
    assert "原填充色无法识别" in r.stderr
    assert openpyxl.load_workbook(out)["支出总表"]["F22"].fill.fgColor.rgb == LOCATE_FILL


def test_explanations_that_look_like_formulas_stay_text_after_re_marking(broken, tmp_path):
    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    rows = [r for r in wb["校验结果"].iter_rows(min_row=3) if isinstance(r[0].value, int)]
    typed = ['=HYPERLINK("https://example.com","点我")', "+86 0314 电话核对", "-已与财政核对", "@财务科 请看"]
    for row, text in zip(rows, typed, strict=False):
        row[EXPLAIN].value = text  # openpyxl, like Excel, takes the first for a formula
    assert rows[0][EXPLAIN].data_type == "f"
    wb.save(first)
    for step in ("second", "third"):  # and once more from the re-marked file
        out = _remark(first, tmp_path / f"{step}.xlsx")
        res = openpyxl.load_workbook(out)["校验结果"]
        kept = {c.value: c.data_type for row in res.iter_rows(min_row=3) for c in row if c.value in typed}
        assert kept == dict.fromkeys(typed, "s")
        first = out


def test_control_characters_in_a_message_are_dropped_not_a_crash(sample_copy, tmp_path):
    from budget_xl.findings import ERROR, Finding
    from budget_xl.mark import mark_workbook

    f = Finding("T2-ROW-SUM", ERROR, "项目“消防\x07设施\x0b修缮”合计不符。", cells=("收入总表!D8",))
    out = mark_workbook(sample_copy, tmp_path / "m.xlsx", [f])
    wb = openpyxl.load_workbook(out)
    assert "项目“消防设施修缮”合计不符。" in wb["收入总表"]["D8"].comment.text
    assert wb["校验结果"]["E3"].value == "项目“消防设施修缮”合计不符。"


def test_the_result_sheet_shows_each_amount_in_its_tables_unit(sample_copy, tmp_path):
    from decimal import Decimal

    from budget_xl.findings import ERROR, WARNING, Finding
    from budget_xl.mark import HEADER, mark_workbook

    yuan = Finding("T2-ROW-SUM", ERROR, "合计与各来源之和相差0.34元。", cells=("收入总表!D8",), unit="元",
                   expected=Decimal("9101677535.00"), actual=Decimal("9101677535.34"), difference=Decimal("0.34"))
    wan = Finding("T3-ROW-SUM", WARNING, "相差1.00万元。", cells=("支出总表!D8",),
                  expected=Decimal("1365.88"), actual=Decimal("1366.88"), difference=Decimal("1.00"))
    ws = openpyxl.load_workbook(mark_workbook(sample_copy, tmp_path / "m.xlsx", [yuan, wan]))["校验结果"]
    header = [c.value for c in ws[2]]
    assert header == HEADER and header[5:9] == ["应为", "实为", "差额", "单位"] and header[-1].startswith("说明")
    assert not any("万元" in h for h in header)
    assert [ws.cell(r, 9).value for r in (3, 4)] == ["元", "万元"]
    assert ws["G3"].value == 9101677535.34 and ws["G3"].number_format == "#,##0.00"
    assert ws["D3"].hyperlink.location == "'收入总表'!D8" or ws["D3"].hyperlink.target == "#'收入总表'!D8"


def test_mark_refuses_a_hard_link_to_its_input(sample_copy, tmp_path):
    import os

    link = tmp_path / "链接.xlsx"
    os.link(sample_copy, link)
    before = sample_copy.read_bytes()
    r = run_cli("check", sample_copy, "--mark", link)
    assert r.returncode == 2 and "--mark 的输出文件就是输入文件" in r.stderr
    assert sample_copy.read_bytes() == before


def test_a_theme_coloured_fill_comes_back_as_excel_showed_it(broken, tmp_path):
    from openpyxl.styles.colors import Color

    wb = openpyxl.load_workbook(broken)
    wb["支出总表"]["F22"].fill = PatternFill("solid", fgColor=Color(theme=6, tint=0.3999))  # 橄榄色，强调文字颜色 3，淡色 40%
    wb.save(broken)
    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    assert wb["支出总表"]["F22"].fill.fgColor.rgb == FILL["error"]
    wb["支出总表"]["F22"].value -= 1
    wb.save(first)
    second = openpyxl.load_workbook(_remark(first, tmp_path / "second.xlsx"))
    assert second["支出总表"]["F22"].fill.fgColor.rgb == "FFC3D69B"  # as Excel shows 9BBB59 lightened by 40%


def test_a_cell_styled_bad_by_the_user_keeps_its_colour_after_the_mark_is_taken_off(broken, tmp_path):
    wb = openpyxl.load_workbook(broken)
    wb["支出总表"]["F22"].fill = PatternFill("solid", fgColor=FILL["error"])  # Excel's 差 style: our red
    wb.save(broken)
    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    wb["支出总表"]["F22"].value -= 1
    wb.save(first)
    second = openpyxl.load_workbook(_remark(first, tmp_path / "second.xlsx"))
    assert second["支出总表"]["F22"].fill.fgColor.rgb == FILL["error"]
    assert second["支出总表"]["F22"].comment.text == "用户自己的批注"


@pytest.mark.parametrize("note, author", [
    ("【校验】[错误 T3-ROW-SUM] 旧版命令行写的批注。\n——原批注：用户自己的批注\n——原批注作者：会计\n——原底色：FF00B0F0", "budget-xl"),
    ("【校验】[错误 T3-ROW-SUM] 旧版加载项写的批注。\n——原批注：用户自己的批注", "财务科"),
], ids=["older-check-mark", "older-addin"])
def test_a_file_marked_by_the_previous_version_gets_its_own_fill_and_note_back(sample_copy, tmp_path, note, author):
    from budget_xl.mark import STATE_SHEET

    wb = openpyxl.load_workbook(sample_copy)
    c = wb["支出总表"]["F22"]
    c.fill = PatternFill("solid", fgColor=FILL["error"])
    c.comment = Comment(note, author)
    st = wb.create_sheet(STATE_SHEET)
    st.append(["单元格", "原填充色", "原批注", "原批注作者"])
    st.append(["支出总表!F22", "FF00B0F0", "用户自己的批注", "会计"])
    wb.save(sample_copy)
    out = openpyxl.load_workbook(_remark(sample_copy, tmp_path / "m.xlsx"))
    f22 = out["支出总表"]["F22"]
    assert (f22.fill.fgColor.rgb, f22.comment.text, f22.comment.author) == ("FF00B0F0", "用户自己的批注", "会计")


def test_batch_marked_copies_never_overwrite_an_input_or_each_other(sample_file, tmp_path):
    import shutil

    (tmp_path / "甲").mkdir()
    (tmp_path / "乙").mkdir()
    a, b = tmp_path / "甲" / "主表.xlsx", tmp_path / "乙" / "主表.xlsx"
    shutil.copy(sample_file, a)
    shutil.copy(sample_file, b)
    out = tmp_path / "标注"
    out.mkdir()
    earlier = out / "主表_标注.xlsx"  # a marked copy from an earlier run, with the user's 说明, checked again
    shutil.copy(sample_file, earlier)
    before = earlier.read_bytes()
    r = run_cli("check", a, b, earlier, "--mark", out)
    assert r.returncode in (0, 1), r.stderr
    assert earlier.read_bytes() == before
    written = sorted(p.name for p in out.iterdir())
    assert written == ["主表_标注.xlsx", "主表_标注_2.xlsx", "主表_标注_3.xlsx", "主表_标注_标注.xlsx"]


def test_a_note_without_author_comes_back_without_one(broken, tmp_path):
    wb = openpyxl.load_workbook(broken)
    wb["支出总表"]["F22"].comment = Comment("无作者的批注", " ")  # as a file from another program may have it
    wb.save(broken)
    first = _remark(broken, tmp_path / "first.xlsx")
    wb = openpyxl.load_workbook(first)
    wb["支出总表"]["F22"].value -= 1
    wb.save(first)
    f22 = openpyxl.load_workbook(_remark(first, tmp_path / "second.xlsx"))["支出总表"]["F22"]
    assert f22.comment.text == "无作者的批注" and f22.comment.author.strip() == ""
