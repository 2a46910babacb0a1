"""部门预算 or 单位预算 (基本信息 预算类型): titles, wording and the check follow it (issue 9 item 7)."""

from __future__ import annotations

from budget_xl.model import Row


def _as_unit_budget(budget):
    info = budget["INFO"]
    row = info.get("budget_type")
    if row is None:
        info.rows.append(Row("budget_type", {"item": "预算类型", "value": "单位预算"}))
        info.reindex()
    else:
        row.values["value"] = "单位预算"
    return budget


def test_a_unit_budget_prints_unit_titles_and_reads_back(tmp_path):
    import openpyxl

    from budget_xl.read import read_workbook
    from budget_xl.sample import sample_budget
    from budget_xl.write import write_workbook

    path = write_workbook(_as_unit_budget(sample_budget()), tmp_path / "单位.xlsx")
    ws = openpyxl.load_workbook(path)["收支总表"]
    assert ws["A1"].value == "单位预算收支总表"
    back = read_workbook(path)
    assert back.budget.budget_type == "单位预算"
    assert not [n for n in back.notes if n.rule == "READ-TITLE"]


def test_the_sample_is_a_department_budget_by_default():
    from budget_xl.sample import sample_budget

    assert sample_budget().budget_type == "部门预算"


def test_narrative_of_a_unit_budget_speaks_of_the_unit():
    from budget_xl.narrative.api import narrative_of
    from budget_xl.narrative.text_out import to_txt
    from budget_xl.sample import sample_budget

    text = to_txt(narrative_of(_as_unit_budget(sample_budget())))
    assert "单位职责及机构设置情况" in text and "单位预算安排的总体情况" in text
    assert "我单位财政拨款“三公”经费预算安排" in text and "我部门财政拨款" not in text
    # (the user's own 说明文字 may still say 我部门: that is what check's TXT-TYPE-WORDS reports)


def test_check_warns_when_the_text_uses_the_other_types_words():
    from budget_xl.rules import run_checks
    from budget_xl.sample import sample_budget

    b = _as_unit_budget(sample_budget())
    b["TEXT"].rows.append(Row("#x", {"item": "其他需要说明的事项", "text": "本部门无其他需要说明的事项。"}))
    b["TEXT"].reindex()
    found = [f for f in run_checks(b) if f.rule == "TXT-TYPE-WORDS"]
    mine = [f for f in found if f.row == "#x:0"]
    assert len(mine) == 1 and "本部门" in mine[0].message and mine[0].severity == "warning"
    assert not [f for f in run_checks(sample_budget()) if f.rule == "TXT-TYPE-WORDS"]
