"""Hostile input, round six (issue 19): each kind the probe's round six (``tests/hostile/probe.py --round 6``,
inputs from tests/hostile/round_six.py) found wrong, asserted at its root, in-process and cheaply.

Kinds: an amount of -0.0 (or "-0", "(0.00)") printed "-0.00万元"; a number past a double's range (1e309 in
the sheet XML) quoted as Python's “inf” and called text; a table pasted three times on its sheet read as
one table of duplicated codes (216 errors, a nonsense 错误定位); .xlsb/.xltx/.xlam told "不是 Excel 工作簿";
a script call to the add-in server without ``version`` answered 500 (xlwings' KeyError).
"""

from __future__ import annotations

import re
import types
from decimal import Decimal
from pathlib import Path

import pytest

from budget_xl.read.values import parse_number, shown
from tests.hostile import round_six
from tests.hostile.make_corpus import sample_bytes
from tests.hostile.test_corpus import run


# -- -0 is 0 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [-0.0, "-0", "(0.00)", "－0", Decimal("-0.00"), "-0%"])
def test_negative_zero_reads_as_zero(raw):
    p = parse_number(raw, percent=isinstance(raw, str) and raw.endswith("%"))
    assert p.value is not None and p.value == 0 and not p.value.is_signed(), (raw, p.value)


def test_a_negative_zero_amount_is_never_printed_minus(tmp_path):
    p = round_six.xlsx_inputs()["amount-neg-zero"](tmp_path)
    code, out = run(["check", str(p)])
    assert code == 1 and "-0.00" not in out and "合计0.00万元" in out, out


# -- a number past a double's range -------------------------------------------------------------------
def test_an_infinite_cell_is_said_as_too_big_not_as_inf(tmp_path):
    assert parse_number(float("inf")).how == "too-big" and parse_number(float("-inf")).how == "too-big"
    assert parse_number(float("nan")).how == "bad"
    assert (shown(float("inf")), shown(float("-inf")), shown(float("nan"))) == ("无穷大", "负无穷大", "非数字")
    p = round_six.xlsx_inputs()["amount-xml-1e309"](tmp_path)
    code, out = run(["check", str(p)])
    assert code == 1 and "支出总表!D9 的内容“无穷大”金额大得不合理" in out, out
    assert "“inf”" not in out, out


# -- a table pasted again below itself --------------------------------------------------------------------
def test_a_table_pasted_three_times_is_read_once_and_said_once(tmp_path):
    p = round_six.xlsx_inputs()["table-three-times"](tmp_path)
    code, out = run(["check", str(p), "--no-info"])
    assert code == 1, out
    assert "支出总表!A43 又出现了表题“部门预算支出总表”：这张表可能被重复粘贴了" in out, out
    assert "READ-DUP-CODE" not in out and "LOCATE" not in out, out
    assert re.search(r"错误 1 条", out), out
    code, out = run(["fill", str(p), "-o", str(tmp_path / "重算.xlsx")])
    assert code == 2 and "重复粘贴" in out and not (tmp_path / "重算.xlsx").exists(), out


def test_the_sample_has_no_repeated_table(tmp_path):
    p = tmp_path / "主表.xlsx"
    p.write_bytes(sample_bytes())
    code, out = run(["check", str(p)])
    assert code == 0 and "重复粘贴" not in out, out


# -- Excel's other formats named as what they are ----------------------------------------------------------
@pytest.mark.parametrize("suffix,kind", [(".xlsb", "二进制工作簿"), (".xltx", "模板"), (".xlam", "加载项")])
def test_an_excel_format_that_is_not_a_workbook_is_named(suffix, kind, tmp_path):
    p = tmp_path / f"主表{suffix}"
    p.write_bytes(sample_bytes())
    code, out = run(["check", str(p)])
    assert code == 2 and f"“{suffix}”是 Excel 的{kind}格式" in out and "不是 Excel 工作簿" not in out, out


# -- the add-in server ----------------------------------------------------------------------------------
def _scripts():
    async def validate(book):
        return None
    validate.__xlscript__ = {}
    return types.SimpleNamespace(validate=validate)


@pytest.mark.parametrize("drop", ["version", "client"])
def test_a_script_call_without_its_client_or_version_is_a_chinese_400(drop):
    from budget_xl.excel.guard import Refusal, check_script_call

    data = {"client": "Office.js", "version": "0.37.8", "book": {"name": "a"}, "sheets": []}
    check_script_call("validate", dict(data), _scripts())  # whole: accepted
    data.pop(drop)
    with pytest.raises(Refusal) as e:
        check_script_call("validate", data, _scripts())
    assert e.value.status == 400 and f"请求缺少“{drop}”" in e.value.text


def test_round_six_builders_write_what_they_name(tmp_path):
    """The cheap builders the tests above use produce a workbook that differs from the sample."""
    for name in ("amount-neg-zero", "amount-xml-1e309", "table-three-times"):
        d = tmp_path / name
        d.mkdir()
        p = round_six.xlsx_inputs()[name](d)
        assert isinstance(p, Path) and p.read_bytes() != sample_bytes()


# -- numeric options ------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv,text", [
    (["synth", "--count", "1", "--error-rate", "10%"], "参数 --error-rate：应为数字，而不是“10%”"),
    (["synth", "--count", "1", "--error-rate", ""], "参数 --error-rate：应为数字，而不是“”"),
    (["batch", ".", "--jobs", "1.5"], "参数 --jobs：应为整数，而不是“1.5”"),
    (["review", "x.pdf", "-o", "y.xlsx", "--threshold", "十"], "--threshold 应为百分数"),
    (["serve", "--port", "1e4"], "参数 --port："),
])
def test_a_number_option_given_text_is_refused_in_chinese(argv, text, tmp_path):
    code, output = run([*argv, "--out", str(tmp_path / "o")] if argv[0] == "synth" else argv)
    assert code == 2 and text in output, output
    assert "float" not in output and "int值" not in output, output


@pytest.mark.parametrize("jobs,code,text", [("99999999999999999999", 0, "超过本机可用的"), ("0", 2, "--jobs 应为正整数"),
                                            ("-3", 2, "--jobs 应为正整数")])
def test_synth_jobs_is_bounded_as_batch_jobs_is(jobs, code, text, tmp_path, monkeypatch):
    from budget_xl import synth

    seen = {}
    monkeypatch.setattr(synth, "generate", lambda count, out, **k: seen.update(k) or [])
    got, output = run(["synth", "--count", "3", "--jobs", jobs, "--out", str(tmp_path / "模拟")])
    assert got == code and text in output, output
    if code == 0:
        assert 1 <= seen["jobs"] <= 3, seen


# -- the add-in: a used range the request claims --------------------------------------------------------
def test_a_used_range_far_beyond_any_table_is_refused_before_the_grid_is_built():
    """A 20 KB script call whose sheet claims ``used_range_address`` A1:ZZZ9999999 had xlwings build a grid of
    1.8e11 cells: the server ran out of memory (killed, or “内部错误（MemoryError）”). Now the file reader's
    extent limit refuses it first."""
    from types import SimpleNamespace as NS

    from budget_xl.errors import InputError
    from budget_xl.excel.book_io import BookIO

    def never(*a, **k):
        raise AssertionError("the grid was built")

    sheet = NS(name="支出总表", used_range=NS(last_cell=NS(row=9_999_999, column=18_278)), range=never)
    book = NS(app=NS(engine=NS(name="remote")), sheets={"支出总表": sheet})
    with pytest.raises(InputError, match="9999999 行 × 18278 列，远超预算公开表的合理大小"):
        BookIO(book).read_grid("支出总表")
    small = NS(name="基本信息", used_range=NS(last_cell=NS(row=20, column=2)),
               range=lambda *a: NS(options=lambda **k: NS(value=[["项目", "内容"]])))
    assert BookIO(NS(app=book.app, sheets={"基本信息": small})).read_grid("基本信息") == [["项目", "内容"]]


@pytest.mark.parametrize("arg,ok", [
    (1.5, True), ("967.35", True), (None, True), ([[1, 2], [3, None]], True),
    ({"type": "Error", "basicValue": "#DIV/0!"}, True), ([[{"type": "Double", "basicValue": 1.0}]], True),
    ({"a": 1}, False), ([[]], False), ([], False), ([1, 2], False), ([[{"a": 1}]], False), ([[[1]]], False),
])
def test_a_custom_function_argument_xlwings_cannot_convert_is_a_chinese_400(arg, ok):
    """``{"a": 1}`` or ``[[]]`` as an argument of DAXIE / WANYUAN reached xlwings' conversion: KeyError 'type' or
    IndexError, answered 500."""
    from budget_xl.excel.guard import Refusal, check_function_call

    def daxie(x):
        return x
    daxie.__xlfunc__ = {}
    data = {"func_name": "daxie", "args": [arg], "client": "Office.js", "version": "0.37.8", "runtime": "1.4"}
    if ok:
        check_function_call(data, types.SimpleNamespace(daxie=daxie))
        return
    with pytest.raises(Refusal) as e:
        check_function_call(data, types.SimpleNamespace(daxie=daxie))
    assert e.value.status == 400 and "函数 DAXIE 的第 1 个参数不是单元格的值或区域" in e.value.text
