"""Malformed, hostile and oversized requests to the add-in server get a Chinese 4xx answer and run nothing
(issue 8, item 5), through the same app `budget-xl serve` runs (xlwings Server behind ``guard``)."""

import logging

import pytest
import xlwings as xw

from budget_xl.excel import functions_core as core
from budget_xl.excel.guard import Guard, _positional

from .fake_excel import FakeExcel

VALIDATE = "/xlwings/custom-scripts-call/validate"
FUNCTIONS = "/xlwings/custom-functions-call"


def fcall(func_name, *args):
    return {"func_name": func_name, "args": list(args), "caller_address": "Sheet1!B2", "version": xw.__version__,
            "client": "Office.js", "runtime": "1.4", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"}


def detail(r):
    return r.json()["detail"]


@pytest.fixture
def quiet_log(caplog):
    caplog.set_level(logging.WARNING)
    return caplog


def test_malformed_json_is_a_400_in_chinese_with_one_log_line_and_no_traceback(client, quiet_log):
    r = client.post(VALIDATE, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and detail(r) == "请求内容不是有效的 JSON，无法处理。"
    assert not [rec for rec in quiet_log.records if rec.exc_info]
    assert any("不是有效的 JSON" in rec.getMessage() for rec in quiet_log.records)


def test_an_empty_object_is_told_it_carries_no_workbook(client):
    r = client.post(VALIDATE, json={})
    assert r.status_code == 400
    assert detail(r) == "请求中没有工作簿数据：请在 Excel 中通过“预算公开”选项卡上的按钮运行。"


def test_a_json_array_or_empty_body_is_refused(client):
    assert detail(client.post(VALIDATE, json=[1, 2])) == "请求内容应为 JSON 对象（{…}）。"
    r = client.post(VALIDATE, content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 400 and detail(r).startswith("请求中没有数据")


def test_an_unknown_script_is_a_404_naming_those_that_exist(client, grids):
    r = client.post("/xlwings/custom-scripts-call/format_disk", json=FakeExcel(grids).payload())
    assert r.status_code == 404
    assert detail(r) == "没有名为“format_disk”的功能。可用的有：export_narrative、recompute、recompute_preview、validate。"


def test_a_script_with_extra_arguments_is_a_400(client, grids):
    payload = {**FakeExcel(grids).payload(), "args": [1, 2]}
    r = client.post(VALIDATE, json=payload)
    assert r.status_code == 400 and detail(r) == "功能“validate”应有0 个参数，收到 2 个。"


def test_unknown_functions_and_wrong_arity_are_refused_in_chinese(client):
    r = client.post(FUNCTIONS, json=fcall("shutdown", [[1]]))
    assert r.status_code == 404 and detail(r).startswith("没有名为“shutdown”的函数。可用的有：DAXIE、ROLLUP")
    r = client.post(FUNCTIONS, json=fcall("wanyuan", [[1]], [[2]]))
    assert r.status_code == 400 and detail(r) == "函数 WANYUAN 应有1 个参数，收到 2 个。"
    r = client.post(FUNCTIONS, json=fcall("daxie"))
    assert r.status_code == 400 and detail(r) == "函数 DAXIE 应有1–2 个参数，收到 0 个。"
    r = client.post(FUNCTIONS, json={"func_name": "wanyuan", "args": [[[1]]]})
    assert r.status_code == 400 and "version" in detail(r)


def test_a_cross_origin_text_plain_post_is_refused_and_runs_nothing(client, grids, monkeypatch):
    ran = []
    monkeypatch.setattr("budget_xl.excel.handlers.validate", lambda book: ran.append(book))
    import json

    body = json.dumps(FakeExcel(grids).payload())
    r = client.post(VALIDATE, content=body, headers={"content-type": "text/plain", "origin": "https://evil.example"})
    assert r.status_code == 403 and "https://evil.example" in detail(r)
    r = client.post(VALIDATE, content=body, headers={"content-type": "text/plain"})
    assert r.status_code == 415 and "application/json" in detail(r)
    assert ran == []


def test_the_add_ins_own_origin_is_accepted(client, grids):
    r = client.post(VALIDATE, json=FakeExcel(grids).payload(), headers={"origin": "http://testserver"})
    assert r.status_code == 200, r.text
    behind_proxy = {"origin": "https://budget.example.org", "x-forwarded-proto": "https",
                    "x-forwarded-host": "budget.example.org"}
    assert client.post(VALIDATE, json=FakeExcel(grids).payload(), headers=behind_proxy).status_code == 200


def _tiny_app_behind(guard_kwargs):
    from fastapi.testclient import TestClient

    async def app(scope, receive, send):  # answers 200 once its body arrived
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(body)).encode()})

    class Scripts:
        @staticmethod
        def validate(book):
            pass

    Scripts.validate.__xlscript__ = {}
    return TestClient(Guard(app, scripts=Scripts, functions=object(), **guard_kwargs))


def test_a_body_over_the_limit_is_a_413_before_it_is_parsed():
    client = _tiny_app_behind({"max_bytes": 1024 * 1024})
    big = b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    r = client.post(VALIDATE, content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and detail(r).startswith("请求太大（超过 1 MB）")


def test_behind_a_proxy_only_the_proxy_may_vouch_for_a_user():
    ok = {"sheets": [], "book": {"name": "主表.xlsx"}, "client": "Office.js", "version": "0.37.8"}  # what every xlwings client sends
    client = _tiny_app_behind({"trusted_user_header": "X-Remote-User", "trusted_proxies": ("testclient",)})
    assert client.post(VALIDATE, json=ok).status_code == 401
    assert client.post(VALIDATE, json=ok, headers={"x-remote-user": "zhangsan"}).status_code == 200
    elsewhere = _tiny_app_behind({"trusted_user_header": "X-Remote-User", "trusted_proxies": ("10.0.0.5",)})
    r = elsewhere.post(VALIDATE, json=ok, headers={"x-remote-user": "mallory"})
    assert r.status_code == 403 and "反向代理" in detail(r)


def test_the_manifest_download_has_a_sensible_file_name(client):
    r = client.get("/manifest/download")
    assert r.status_code == 200
    cd = r.headers["content-disposition"]
    assert 'filename="budget-xl-manifest.xml"' in cd and "-prod.xml" not in cd


def test_the_function_metadata_names_every_parameter_in_chinese(client):
    meta = client.get("/xlwings/custom-functions-meta.json").json()["functions"]
    names = {f["id"]: [p["name"] for p in f["parameters"]] for f in meta}
    assert names == {"ROLLUP": ["编码列", "金额列", "类或款编码"], "WANYUAN": ["元"],
                     "ZENGJIAN": ["本年数", "上年数"], "DAXIE": ["金额", "单位"]}


def excel_error(text, kind):
    """An error cell as Excel passes it to a custom function (allowErrorForDataTypeAny, data types on)."""
    return {"type": "Error", "basicType": "Error", "basicValue": text, "errorType": kind}


def test_an_excel_error_value_in_an_argument_is_answered_with_an_error_string(client):
    r = client.post(FUNCTIONS, json=fcall("wanyuan", [[excel_error("#DIV/0!", "Div0")]]))
    assert r.json()["result"] == [["错误：金额中有错误值 #DIV/0!，请先更正引用的单元格。"]]
    r = client.post(FUNCTIONS, json=fcall("zengjian", [[4148.23]], [[excel_error("#N/A", "NotAvailable")]]))
    assert r.json()["result"] == [["错误：上年数中有错误值 #N/A，请先更正引用的单元格。"]]
    r = client.post(FUNCTIONS, json=fcall("wanyuan", [["#DIV/0!"]]))  # older runtimes send the text
    assert r.json()["result"] == [["错误：金额中有错误值 #DIV/0!，请先更正引用的单元格。"]]
    r = client.post(FUNCTIONS, json=fcall("rollup", [["204"], ["20401"]], [[1], [excel_error("#REF!", "Ref")]],
                                          [["204"]]))
    assert r.json()["result"] == [["错误：金额区域中有错误值 #REF!，请先更正引用的单元格。"]]


def test_rollup_over_200000_rows_is_refused_at_once_with_a_chinese_message():
    rows = 200_000
    value = core.cell_result(core.rollup, [[None]] * rows, [[1]] * rows, "204")
    assert value == f"错误：科目编码区域有 {rows} 个单元格，超过 {core.MAX_CELLS} 个：请只选有数据的行，而不是整列。"


def test_custom_functions_and_scripts_run_off_the_event_loop():
    import inspect

    from budget_xl.excel.addin import custom_functions as cf
    from budget_xl.excel.addin import custom_scripts as cs

    for name in ("rollup", "wanyuan", "zengjian", "daxie"):
        assert inspect.iscoroutinefunction(inspect.unwrap(getattr(cf, name)))
    for name in ("validate", "recompute", "export_narrative"):
        assert inspect.iscoroutinefunction(inspect.unwrap(getattr(cs, name)))
    assert "asyncio.to_thread" in inspect.getsource(cf._off_loop)
    assert "asyncio.to_thread" in inspect.getsource(cs._in_thread)


def test_arity_counts_positional_parameters_and_defaults():
    def f(a, b=1):
        pass

    def g(book, *rest):
        pass

    assert _positional(f) == (1, 2)
    assert _positional(g, injected=("book",)) == (0, None)


def test_the_task_pane_asks_for_the_access_token_and_sends_it_with_each_call(client):
    html = client.get("/taskpane.html").text
    assert 'id="budget-xl-token"' in html and "访问令牌" in html
    js = client.get("/static/js/auth.js").text
    assert 'localStorage.getItem(TOKEN_KEY)' in js and 'provider: "custom"' in js and 'provider: "entraid"' in js
