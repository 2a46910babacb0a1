"""The button handlers on xlwings' remote engine (what xlwings Server runs for Office.js): a payload
built from the sample → ``xw.Book(json=…)`` → handler → the actions Excel would apply."""

import json

import pytest
import xlwings as xw

from budget_xl.excel import handlers
from budget_xl.excel.book_io import NOTE_KEPT, BookIO
from budget_xl.excel.handlers import NARRATIVE_SHEET, run_for_button
from budget_xl.findings import ERROR, WARNING
from budget_xl.mark import FILL, GONE_TITLE, HEADER, NOTE_PREFIX, RESULT_SHEET, STATE_SHEET
from budget_xl.marking.plan import LOCATE_FILL
from budget_xl.read.files import load_grids_calamine
from budget_xl.read.grid import read_grids
from budget_xl.rules import check_budget, run_checks
from budget_xl.writeback import LOG_HEADER, LOG_SHEET

from .fake_excel import FakeExcel, actions_of, cell_count, covered, padded, sheet_names, with_value

RED, YELLOW = f"#{FILL[ERROR][-6:]}", f"#{FILL[WARNING][-6:]}"
ORANGE = f"#{LOCATE_FILL[-6:]}"
CHANGED = "收入总表!D8"  # 20406 司法, 合计 1365.88


def findings_of(grids):
    r = read_grids(grids)
    return run_checks(r.budget, r.notes)


def cells_of(findings, severity):
    return {c for f in findings if f.severity == severity for c in f.cells}


def validate(grids, excel=None):
    excel = excel or FakeExcel(grids)
    payload = excel.payload()
    sheets = sheet_names(payload)  # before the handler: xlwings adds sheets to the payload it was given
    book = xw.Book(json=payload)
    handlers.validate(book)
    return actions_of(book), sheets


def written(actions, sheet_position):
    return [a["values"] for a in actions if a["func"] == "setValues" and a["sheet_position"] == sheet_position]


def test_the_unchanged_sample_gets_no_red_and_its_warnings_yellow(grids):
    actions, sheets = validate(grids)
    findings = findings_of(grids)
    assert not covered(actions, sheets, "setRangeColor", RED)
    assert covered(actions, sheets, "setRangeColor", YELLOW) == cells_of(findings, WARNING)
    assert len(cells_of(findings, WARNING)) == 7


def test_a_changed_amount_reddens_exactly_the_cells_of_the_failed_relations(grids):
    broken = with_value(grids, CHANGED, 1465.88)
    actions, sheets = validate(broken)
    errors = cells_of(findings_of(broken), ERROR)
    assert CHANGED in errors
    # the cell to fix first has its own colour (issue 17), the cells it explains are red
    assert covered(actions, sheets, "setRangeColor", ORANGE) == {CHANGED}
    assert covered(actions, sheets, "setRangeColor", RED) == errors - {CHANGED}
    # 收入总表 D7, E8, M8, D9:D19 and 支出总表 D8: one colour call per block, not per cell
    assert len([a for a in actions if a["func"] == "setRangeColor" and a["args"] == [RED]]) == 5


def test_each_marked_cell_gets_one_note_with_its_findings(grids):
    broken = with_value(grids, CHANGED, 1465.88)
    actions, sheets = validate(broken)
    notes = {f"{sheets[a['sheet_position']]}!{a['args'][0].replace('$', '')}": a["args"][1]
             for a in actions if a["func"] == "addNote"}
    findings = findings_of(broken)
    assert set(notes) == cells_of(findings, ERROR) | cells_of(findings, WARNING)
    assert notes[CHANGED].startswith(NOTE_PREFIX)
    assert notes[CHANGED].count("[错误 ") == 4  # row sum, two tree sums, 收入总表 vs 支出总表
    assert notes[CHANGED].startswith(NOTE_PREFIX + "【最可能出错】最可能出错：收入总表!D8")  # the LOCATE line first


def test_the_result_sheet_is_written_in_one_call_with_every_finding(grids):
    actions, _sheets = validate(grids)
    findings = findings_of(grids)
    adds = [a["args"] for a in actions if a["func"] == "addSheet"]
    assert adds[0] == [0, RESULT_SHEET]  # before the first sheet: positions shift from here on
    (values,) = written(actions, 0)
    assert values[0][0].startswith("校验结果（") and values[0][0].endswith(
        "错误 0 条，警告 4 条，提示 33 条；检查关系 466 处，不适用 207 处，因空白未能检查 0 处")
    assert values[1][:len(HEADER)] == HEADER
    assert len(values) == 2 + len(findings)
    assert [row[2] for row in values[2:]] == [f.rule for f in findings]
    link = values[2][len(HEADER)]
    assert link.startswith(f"=HYPERLINK(\"#'{findings[0].cells[0].split('!')[0]}'!")


def test_the_state_sheet_records_every_marked_cell_and_is_hidden(grids):
    actions, _sheets = validate(grids)
    state_position = [a["args"][0] for a in actions if a["func"] == "addSheet" and a["args"][1] == STATE_SHEET]
    (values,) = written(actions, state_position[0])
    marked = cells_of(findings_of(grids), WARNING)
    records = [row for row in values[1:] if row[0]]  # beside them: the identity of each 校验结果 row
    assert {row[0] for row in records} == marked
    assert all(row[1] == "" for row in records)  # Office.js cannot read fills: none recorded
    assert any(a["func"] == "setSheetVisibility" and a["args"] == ["Hidden"] for a in actions)


def test_a_second_run_clears_the_marks_the_fix_removed_and_keeps_the_users_explanation(grids):
    excel = FakeExcel(with_value(grids, CHANGED, 1465.88))
    book = excel.book()
    handlers.validate(book)
    excel.apply(actions_of(book))
    red_before = {c for s in excel.sheets for c, v in s["fills"].items() if v == RED}
    assert red_before
    # the user explains the first finding on 校验结果, then corrects the amount
    results = excel.sheet(RESULT_SHEET)["values"]
    explained = next(r for r in results[2:] if r[1] == "错误")
    explained[len(HEADER) - 1] = "-已与财政核对，次年调整"
    excel.sheet("收入总表")["values"][7][3] = 1365.88
    book = excel.book()
    handlers.validate(book)
    excel.apply(actions_of(book))
    assert not any(v == RED for s in excel.sheets for v in s["fills"].values())
    yellow = {f"{s['name']}!{c}" for s in excel.sheets for c, v in s["fills"].items() if v == YELLOW}
    assert yellow == cells_of(findings_of(grids), WARNING)
    noted = {f"{s['name']}!{c}" for s in excel.sheets for c in s["notes"]}
    assert noted == yellow  # the notes of the cleared cells are gone
    rows = excel.sheet(RESULT_SHEET)["values"]
    gone = next(i for i, r in enumerate(rows) if r and r[0] == GONE_TITLE)
    # rule, place, the finding as it read, and the user's text (kept as text, not a formula)
    # each under its own header (issue 17): 级别 says it is gone, then 规则, 位置, 问题 … 说明
    assert rows[gone + 1][1:5] == ["已消除", explained[2], explained[3], explained[4]]
    assert rows[gone + 1][len(HEADER) - 1] == "-已与财政核对，次年调整"
    state = excel.sheet(STATE_SHEET)["values"]
    assert {r[0] for r in state[1:] if r and r[0]} == yellow


def test_a_note_the_remote_engine_cannot_read_is_left_alone(grids):
    warned = sorted(cells_of(findings_of(grids), WARNING))[0]
    sheet, cell = warned.split("!")
    excel = FakeExcel(grids, notes={sheet: {cell: "用户自己的批注"}})
    book = excel.book()
    handlers.validate(book)
    actions = actions_of(book)
    excel.apply(actions)
    assert excel.sheet(sheet)["notes"][cell] == "用户自己的批注"
    state = {r[0]: r for r in excel.sheet(STATE_SHEET)["values"][1:]}
    assert state[warned][3] == NOTE_KEPT


def test_clearing_a_mark_leaves_a_note_that_could_not_be_read(grids):
    excel = FakeExcel(grids, notes={"收支总表": {"B6": "用户自己的批注"}})
    excel.sheets.append({"name": STATE_SHEET, "notes": {}, "fills": {}, "visible": False, "values": [
        ["单元格", "原填充色", "原批注", "原批注作者"], ["收支总表!B6", "", "", NOTE_KEPT]]})
    excel.sheet("收支总表")["fills"]["B6"] = RED  # marked by an earlier run, fine now
    book = excel.book()
    handlers.validate(book)
    actions = actions_of(book)
    excel.apply(actions)
    assert "B6" not in excel.sheet("收支总表")["fills"]
    assert excel.sheet("收支总表")["notes"] == {"B6": "用户自己的批注"}
    assert not [a for a in actions if a["func"] in ("deleteNote", "setNoteText") and a["args"][0] == "$B$6"]


def test_validate_actions_grow_with_flagged_blocks_not_with_the_workbook(grids):
    big = padded(grids)
    assert cell_count(big) >= 10 * cell_count(grids)
    for variant in (lambda g: g, lambda g: with_value(g, CHANGED, 1465.88)):
        small_actions, _ = validate(variant(grids))
        big_actions, _ = validate(variant(big))
        assert findings_of(variant(big)) == findings_of(variant(grids))
        assert len(big_actions) == len(small_actions)
        assert [a["func"] for a in big_actions] == [a["func"] for a in small_actions]
        # the pad itself is never written back
        assert len(json.dumps(big_actions)) < 1.1 * len(json.dumps(small_actions)) + 2000


def test_a_workbook_the_reader_refuses_gets_one_chinese_alert_and_no_writes(grids):
    broken = {k: v for k, v in grids.items() if k != "收入总表"}
    book = FakeExcel(broken).book()
    assert run_for_button(book, handlers.validate) is None
    (action,) = actions_of(book)
    assert action["func"] == "alert"
    assert "缺少工作表“收入总表”" in action["args"][0]


def test_recompute_writes_derived_totals_in_blocks_and_logs_them(grids):
    g = with_value(with_value(grids, "收入总表!D8", ""), "收入总表!E8", "")
    g = with_value(with_value(g, "收入总表!D7", ""), "收入总表!D9", "")
    excel = FakeExcel(g)
    sheets = sheet_names(excel.payload())
    book = excel.book()
    outcome = handlers.recompute(book)
    actions = actions_of(book)
    values = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == sheets.index("收入总表")]
    assert covered(values, sheets, "setValues") == {"收入总表!D7", "收入总表!D8", "收入总表!E8", "收入总表!D9"}
    assert len(values) == 3  # D7, D8:E8, D9
    excel.apply(actions)
    t2 = excel.sheet("收入总表")["values"]
    assert (t2[6][3], t2[7][3], t2[7][4], t2[8][3]) == (3397.31, 1365.88, 1362.27, 967.35)
    log = excel.sheet(LOG_SHEET)["values"]
    assert log[0][0] == "重算汇总变更记录" and log[1] == LOG_HEADER
    logged = [(r[1], r[4]) for r in log[2:]]
    assert set(logged) == {("收入总表!D9", 967.35), ("收入总表!D8", 1365.88), ("收入总表!E8", 1362.27),
                           ("收入总表!D7", 3397.31)}
    order = [cell for cell, _ in logged]  # parts before the totals made of them
    assert order.index("收入总表!D9") < order.index("收入总表!D8") < order.index("收入总表!D7")
    assert outcome.counts == {"changed": 4, "held": 0}


def test_recompute_appends_below_the_earlier_log_and_says_when_nothing_changed(grids):
    excel = FakeExcel(with_value(grids, "收入总表!D8", ""))
    for _ in range(2):
        book = excel.book()
        handlers.recompute(book)
        excel.apply(actions_of(book))
    log = excel.sheet(LOG_SHEET)["values"]
    assert [r[1:3] for r in log[2:]] == [["收入总表!D8", "收入总表“20406 司法”合计"], ["", "没有需要改写的合计数"]]


def test_export_narrative_writes_the_text_into_its_sheet_and_no_file_on_office_js(grids):
    excel = FakeExcel(grids)
    book = excel.book()
    outcome = handlers.export_narrative(book)
    excel.apply(actions_of(book))
    rows = excel.sheet(NARRATIVE_SHEET)["values"]
    assert rows[0][0] == "承德市司法局2024年部门预算信息公开情况说明"
    assert any(r and r[0] == "一、部门职责及机构设置情况" for r in rows)
    assert outcome.files == []
    assert sum(1 for a in actions_of(book) if a["func"] == "setValues") == 1


def test_the_reader_sees_the_same_grids_through_the_file_engine(sample_file, grids):
    book = xw.Book(str(sample_file), mode="r")  # calamine: read-only, as a file on disk
    try:
        read = BookIO(book).read_grids()
    finally:
        book.close()
    def norm(g):  # the file engine also names formulas saved without a result (openpyxl writes no results)
        return {n: [[None if v == "" or type(v).__name__ == "Uncached" else v for v in r] for r in rows]
                for n, rows in g.items()}
    assert norm(read) == norm(load_grids_calamine(sample_file))
    assert findings_of(read) == findings_of(grids)


@pytest.mark.parametrize("handler", [handlers.validate, handlers.recompute, handlers.export_narrative])
def test_no_handler_leaves_a_decimal_in_its_actions(grids, handler):
    # a blank total gives recompute work to do; the narrative refuses blank totals, so it gets the sample
    book = FakeExcel(grids if handler is handlers.export_narrative else with_value(grids, "收入总表!D8", "")).book()
    handler(book)
    json.dumps(book.json())


def test_the_users_explanation_follows_a_reworded_finding_on_the_addin(grids, monkeypatch):
    from dataclasses import replace

    def identified(message=None):
        def checks(budget, notes):
            result = check_budget(budget, notes)
            return replace(result, findings=[
                replace(f, table="P", row="消防设施修缮项目", column="绩效目标", message=message or f.message)
                if f.rule == "P-PLACEHOLDER" else f for f in result.findings])
        return checks

    excel = FakeExcel(grids)
    monkeypatch.setattr(handlers, "check_budget", identified())
    book = excel.book()
    handlers.validate(book)
    excel.apply(actions_of(book))
    row = next(r for r in excel.sheet(RESULT_SHEET)["values"][2:] if r[2] == "P-PLACEHOLDER")
    row[len(HEADER) - 1] = "已请项目单位补写"
    monkeypatch.setattr(handlers, "check_budget", identified("项目“消防设施修缮项目”的绩效目标仍是模板文字。"))
    book = excel.book()
    handlers.validate(book)
    excel.apply(actions_of(book))
    row = next(r for r in excel.sheet(RESULT_SHEET)["values"][2:] if r[2] == "P-PLACEHOLDER")
    assert row[4] == "项目“消防设施修缮项目”的绩效目标仍是模板文字。"
    assert row[len(HEADER) - 1] == "已请项目单位补写"


def test_a_damaged_hidden_record_gives_a_chinese_warning_on_the_addin_not_an_error(grids):
    excel = FakeExcel(grids)
    excel.sheets.append({"name": STATE_SHEET, "notes": {}, "fills": {}, "visible": False, "values": [
        ["单元格", "原填充色", "原批注", "原批注作者"], ["收支总表!QQQQ6", "", "", ""], [3.0, "", "", ""],
        ["收支总表!B6", "不是颜色", "", ""]]})
    excel.sheet("收支总表")["fills"]["B6"] = RED
    book = excel.book()
    outcome = run_for_button(book, handlers.validate)
    assert outcome is not None
    assert "隐藏工作表“_校验标记”第 2、3 行不是可识别的单元格记录，已忽略" in outcome.message
    assert "第 4 行记录的原填充色无法识别" in outcome.message
    excel.apply(actions_of(book))
    assert "B6" not in excel.sheet("收支总表")["fills"]


def test_a_recorded_note_that_looks_like_a_formula_is_written_back_as_text(grids):
    excel = FakeExcel(grids, notes={"项目": {"M31": "【校验】…"}})
    excel.sheets.append({"name": STATE_SHEET, "notes": {}, "fills": {}, "visible": False, "values": [
        ["单元格", "原填充色", "原批注", "原批注作者", "本工具批注"], ["项目!M31", "FF00B050", "=SUM(A1:A3)", "会计", "【校验】…"]]})
    book = excel.book()
    handlers.validate(book)
    (rows,) = [a["values"] for a in actions_of(book) if a["func"] == "setValues" and a["values"][0][0] == "单元格"]
    m31 = next(r for r in rows if r[0] == "项目!M31")
    assert m31[1:4] == ["FF00B050", "'=SUM(A1:A3)", "会计"]
    note = next(a["args"][1] for a in actions_of(book) if a["func"] in ("setNoteText", "addNote") and a["args"][0] == "$M$31")
    assert note.endswith("——原批注：=SUM(A1:A3)\n——原批注作者：会计\n——原底色：FF00B050")
