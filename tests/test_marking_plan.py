"""The engine-neutral marking plan: which 说明 goes with which finding (by identity, whatever the
wording), what is restored, and text that must stay text."""

from datetime import datetime
from decimal import Decimal

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.marking.plan import EXPLAIN_COL, GONE_TITLE, HEADER, CellNow, plan_marks

NOW = datetime(2026, 1, 5, 9, 30)


def finding(message, row="20406", rule="T2-ROW-SUM", severity=ERROR, cell="收入总表!D8", **kw):
    return Finding(rule, severity, message, cells=(cell,), table="T2" if row else None, row=row,
                   column="合计" if row else None, **kw)


def sheet_of(plan, explain: dict[int, str] | None = None) -> list[list]:
    """The 校验结果 values as the user leaves them: 说明 typed on the rows numbered in ``explain``."""
    rows = [[plan.title], list(HEADER)]
    for r in plan.rows:
        r = list(r)
        if explain and r[0] in explain:
            r[EXPLAIN_COL - 1] = explain[r[0]]
        rows.append(r)
    if plan.gone:
        rows += [[], [GONE_TITLE]] + [list(g) for g in plan.gone]
    return rows


def rerun(first, findings, explain):
    return plan_marks(findings, results=sheet_of(first, explain), state=first.state, now=NOW)


def test_an_explanation_follows_its_finding_when_the_message_is_reworded():
    first = plan_marks([finding("合计1465.88万元，与小计、上年结转之和1365.88万元不符。")], now=NOW)
    second = rerun(first, [finding("收入总表“20406 司法”的合计与各来源之和相差100.00万元。")], {1: "已与财政核对"})
    assert second.rows[0][EXPLAIN_COL - 1] == "已与财政核对"
    assert second.gone == []


def test_identity_tells_apart_findings_whose_wording_differs_only_in_amounts():
    a, b = finding("合计与明细之和相差1.00万元。", row="201"), finding("合计与明细之和相差2.00万元。", row="202")
    first = plan_marks([a, b], now=NOW)
    # next time the 202 finding comes first and the amounts changed
    second = rerun(first, [finding("合计与明细之和相差3.00万元。", row="202"),
                           finding("合计与明细之和相差4.00万元。", row="201")], {1: "201 的说明", 2: "202 的说明"})
    assert [r[EXPLAIN_COL - 1] for r in second.rows] == ["202 的说明", "201 的说明"]


def test_without_identity_the_wording_without_amounts_carries_the_explanation():
    first = plan_marks([finding("合计与明细之和相差1.00万元。", row=None)], now=NOW)
    second = rerun(first, [finding("合计与明细之和相差0.50万元。", row=None)], {1: "正在核对"})
    assert second.rows[0][EXPLAIN_COL - 1] == "正在核对"


def test_a_reworded_finding_without_identity_keeps_its_explanation_among_the_gone():
    first = plan_marks([finding("旧的说法。", row=None)], now=NOW)
    second = rerun(first, [finding("新的说法。", row=None)], {1: "用户写的字"})
    assert second.rows[0][EXPLAIN_COL - 1] is None
    assert second.gone == [["T2-ROW-SUM", "收入总表!D8", "旧的说法。", "用户写的字"]]


def test_a_gone_explanation_returns_to_its_finding_by_identity():
    f = finding("第一种说法。")
    first = plan_marks([f], now=NOW)
    gone = rerun(first, [], {1: "已核对"})
    assert gone.gone == [["T2-ROW-SUM", "收入总表!D8", "第一种说法。", "已核对"]]
    back = plan_marks([finding("第二种说法。")], results=sheet_of(gone), state=gone.state, now=NOW)
    assert back.rows[0][EXPLAIN_COL - 1] == "已核对" and back.gone == []


def test_an_older_result_sheet_without_the_unit_column_still_gives_its_explanations():
    old_header = ["序号", "级别", "规则", "位置", "问题", "应为（万元）", "实为（万元）", "差额（万元）", "涉及单元格", "说明（请填写）"]
    grid = [["校验结果（…）"], old_header,
            [1, "错误", "T2-ROW-SUM", "收入总表!D8", "合计与明细之和相差1.00万元。", 1.0, 2.0, 1.0, "收入总表!D8", "老说明"]]
    plan = plan_marks([finding("合计与明细之和相差5.00万元。", row=None)], results=grid, now=NOW)
    assert plan.rows[0][EXPLAIN_COL - 1] == "老说明"


def test_amounts_are_shown_with_the_unit_of_their_table():
    plan = plan_marks([finding("相差0.34元。", expected=Decimal("9101677535.00"), actual=Decimal("9101677535.34"),
                               difference=Decimal("0.34"), unit="元"),
                       finding("相差1.00万元。", row="201", expected=Decimal("1"), actual=Decimal("2"),
                               difference=Decimal("1")),
                       finding("没有金额。", row="202", severity=WARNING)], now=NOW)
    unit = HEADER.index("单位")
    assert [r[unit] for r in plan.rows] == ["元", "万元", None]
    assert plan.rows[0][HEADER.index("实为")] == 9101677535.34
    assert not any("万元" in h for h in HEADER)


def test_a_cell_an_engine_cannot_read_keeps_its_note_and_records_that():
    plan = plan_marks([finding("x")], probe=lambda ref: CellNow(fill=None, note=None, has_note=True), now=NOW)
    (m,) = plan.marks
    assert m.note is None and m.own.author == "（原批注未读取，保持不变）"


def test_an_explanation_on_a_row_whose_number_was_cleared_is_still_kept():
    first = plan_marks([finding("旧的说法。", row=None)], now=NOW)
    grid = sheet_of(first, {1: "用户写的字"})
    grid[2][0] = None  # the user cleared 序号
    second = plan_marks([], results=grid, state=first.state, now=NOW)
    assert second.gone == [["T2-ROW-SUM", "收入总表!D8", "旧的说法。", "用户写的字"]]


def test_an_explanation_typed_on_a_row_of_its_own_is_kept_run_after_run():
    first = plan_marks([finding("说法。", row=None)], now=NOW)
    grid = sheet_of(first)
    grid.append([None] * (EXPLAIN_COL - 1) + ["另起一行写的备注"])
    second = plan_marks([], results=grid, state=first.state, now=NOW)
    third = plan_marks([], results=sheet_of(second), state=second.state, now=NOW)
    assert second.gone == third.gone == [["", "", "", "另起一行写的备注"]]
