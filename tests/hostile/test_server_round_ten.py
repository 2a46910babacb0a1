"""Hostile round ten, the add-in server: what a broken task pane, an old add-in, a proxy, a scanner or a curious
user sends to ``budget-xl serve``, through the app it runs (xlwings Server behind ``guard``).

Fixed in this round (each failed before):

- a static path with an encoded "..%2f" read any file the server could read: "/static/..%2f…%2fetc/passwd"
  answered 200 with /etc/passwd, "/static/js/..%2f..%2f..%2fserver.py" with the package's source; now 404;
- a workbook payload of the wrong shape at any level below ``book``/``sheets`` (a book without a name, a sheet as
  text or null, without a name or ``values``, rows of null, a cell holding a list or an object, a used range of
  "junk", two sheets of one name) ran the script and answered 200 with an alert "内部错误（KeyError：'name'）…"
  in Python's English words; now 400 with what is wrong, in Chinese;
- a client other than Office.js (VBA, Google Apps Script, curl) ended in "内部错误（NotImplementedError：Adding notes
  requires an Office.js client）"; now 400;
- a cell text that looks like an ISO date-time without "Z" ("2024-01-01T08:00:00+08:00") ended in
  "内部错误（ValueError：Invalid isoformat string…）"; now it is read as the date-time it says;
- a cell holding #REF! (Office.js sends error values as their text) was read by the buttons as blank, where
  ``check`` reports "单元格是 #REF!" as an error; now the same error;
- a logical in an amount cell was quoted as “True” (Python's spelling; Excel shows TRUE), on every read path;
- the add-in's message box (every result and refusal) had the buttons OK / Yes / No / Cancel; now 确定 / 是 / 否 / 取消;
- a function call without ``func_name`` said “没有名为“None”的函数”; now that the name is missing;
- "Authorization: bearer <token>" (the scheme in lower case, as some proxies send it) was refused as a wrong token;
- a body shorter than its Content-Length (or a chunk that never ends) was waited for without end; now 408;
- a function call without ``runtime``, or with ``date_format`` / ``culture_info_name`` not text, was a 500
  (KeyError / AttributeError in xlwings); now 400;
- a gzip-compressed body was “请求内容不是有效的 JSON”; now 415, said to be compressed.

Already right, kept so (guards against a plausible regression): every route with a wrong method (405 in Chinese),
path traversal with ``..``/``%2e%2e``/``%2f`` (404, nothing outside the static folder), query strings, sheet names
of 40 characters, emoji or apostrophes, an empty table sheet, every value a "1,234.00" text, a used range of
A1:XFD1048576, thousands of sheets, NaN/Infinity/1e308/huge ints/-0/booleans in cells, many requests at once.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_ON_SERVER"] = "true"
from budget_xl.excel.server import project_dir  # noqa: E402 - imports nothing of xlwings

os.environ["XLWINGS_PROJECT_DIR"] = str(project_dir())

VALIDATE = "/xlwings/custom-scripts-call/validate"
FUNCTIONS = "/xlwings/custom-functions-call"
SCRIPTS = ("validate", "recompute", "recompute_preview", "export_narrative")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def client():
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient
    from budget_xl.excel.asgi import app

    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def payload(sample_file):
    from tests.excel.fake_excel import FakeExcel, sample_grids_from_file

    return FakeExcel(sample_grids_from_file(sample_file)).payload()


def changed(payload, change):
    d = copy.deepcopy(payload)
    change(d)
    return d


def sheet_of(d, name):
    return next(s for s in d["sheets"] if s["name"] == name)


def cell(name, row, col, value):
    def change(d):
        sheet_of(d, name)["values"][row][col] = value
    return change


def alerts(r) -> list[str]:
    return [a["args"][0] for a in r.json()["actions"] if a["func"] == "alert"]


def no_internal_error(r) -> None:
    assert r.status_code == 200, r.text
    for text in alerts(r):
        assert "内部错误" not in text, text


BAD_SHAPES = {
    "book-without-name": (lambda d: d["book"].pop("name"), "工作簿名称不是文字"),
    "book-name-a-number": (lambda d: d["book"].__setitem__("name", 5), "工作簿名称不是文字"),
    "sheets-as-texts": (lambda d: d.__setitem__("sheets", ["收支总表"]), "第 1 个工作表不是对象"),
    "sheets-as-nulls": (lambda d: d.__setitem__("sheets", [None]), "第 1 个工作表不是对象"),
    "sheet-without-name": (lambda d: d["sheets"][0].pop("name"), "第 1 个工作表没有名称"),
    "sheet-name-a-number": (lambda d: d["sheets"][0].__setitem__("name", 3), "第 1 个工作表没有名称"),
    "sheet-name-empty": (lambda d: d["sheets"][0].__setitem__("name", ""), "第 1 个工作表没有名称"),
    "two-sheets-one-name": (lambda d: d["sheets"][2].__setitem__("name", d["sheets"][1]["name"].upper()),
                            "有两个名为“收支总表”的工作表"),
    "sheet-without-values": (lambda d: d["sheets"][0].pop("values"), "单元格数据不是按行排列的数组"),
    "values-a-text": (lambda d: d["sheets"][0].__setitem__("values", "abc"), "单元格数据不是按行排列的数组"),
    "values-null": (lambda d: d["sheets"][0].__setitem__("values", None), "单元格数据不是按行排列的数组"),
    "rows-null": (lambda d: d["sheets"][0].__setitem__("values", [None, None]), "单元格数据不是按行排列的数组"),
    "cell-a-list": (cell("收入总表", 6, 3, [[1]]), "工作表“收入总表”第 7 行有一个单元格的值不是数字或文字"),
    "cell-an-object": (cell("收入总表", 6, 3, {"type": "Error", "basicValue": "#REF!"}), "第 7 行有一个单元格"),
    "used-range-junk": (lambda d: d["sheets"][0].__setitem__("used_range_address", "junk"), "已用区域不是单元格地址"),
    "used-range-a-number": (lambda d: d["sheets"][0].__setitem__("used_range_address", 5), "已用区域不是单元格地址"),
    "used-range-with-sheet": (lambda d: d["sheets"][0].__setitem__("used_range_address", "'基本信息'!A1:B18"),
                              "已用区域不是单元格地址"),  # xlwings: NoSuchObjectError, in English
}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("kind", sorted(BAD_SHAPES))
def test_a_workbook_payload_of_the_wrong_shape_is_a_400_saying_what_is_wrong(client, payload, kind, script):
    change, said = BAD_SHAPES[kind]
    r = client.post(f"/xlwings/custom-scripts-call/{script}", json=changed(payload, change))
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert detail.startswith("请求中的工作簿数据格式不对（") and said in detail, detail


@pytest.mark.parametrize("who", ["VBA", "Google Apps Script", "curl/8.5"])
def test_a_client_other_than_office_js_is_a_400_not_an_internal_error(client, payload, who):
    r = client.post(VALIDATE, json={**payload, "client": who})
    assert r.status_code == 400 and f"收到的客户端是“{who}”" in r.json()["detail"], r.text


@pytest.mark.parametrize("text", ["2024-01-01T00:00:00", "2024-01-01T08:00:00+08:00", "2024-01-01T08:00:00.5-05:00"])
def test_a_text_that_looks_like_an_iso_date_time_is_read_not_an_internal_error(client, payload, text):
    r = client.post(VALIDATE, json=changed(payload, cell("收入总表", 6, 3, text)))
    no_internal_error(r)
    result = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == 0)
    assert any("收入总表!D7" in str(row) for row in result["values"])  # told it is not an amount


def test_the_task_panes_own_dates_are_read_as_before(client, payload):
    no_internal_error(client.post(VALIDATE, json=changed(payload, cell("收入总表", 6, 3, "2024-01-01T00:00:00.000Z"))))


def test_an_error_value_in_a_cell_is_an_error_as_check_reports_it_not_a_blank(client, payload):
    r = client.post(VALIDATE, json=changed(payload, cell("收入总表", 6, 3, "#REF!")))
    no_internal_error(r)
    result = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == 0)
    rows = [row for row in result["values"] if "收入总表!D7" in str(row)]
    assert any(row[1] == "错误" and "单元格是 #REF!" in str(row) for row in rows), rows


def test_a_logical_in_an_amount_cell_is_quoted_as_excel_shows_it(client, payload):
    """It was quoted in Python's spelling: “收入总表!D7 的内容“True”不是有效金额”."""
    r = client.post(VALIDATE, json=changed(payload, cell("收入总表", 6, 3, True)))
    result = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == 0)
    said = [row[4] for row in result["values"] if len(row) > 4 and "收入总表!D7 的内容" in str(row[4])]
    assert said and "“TRUE”" in said[0] and "True" not in said[0], said


def test_recompute_refuses_a_workbook_with_an_error_value_as_fill_does(client, payload):
    r = client.post("/xlwings/custom-scripts-call/recompute", json=changed(payload, cell("收入总表", 6, 3, "#DIV/0!")))
    assert r.status_code == 200 and not [a for a in r.json()["actions"] if a["func"] == "setValues"], r.text
    assert any("#DIV/0!" in a for a in alerts(r)), alerts(r)


@pytest.mark.parametrize("buttons,shown", [("ok", ["确定"]), ("ok_cancel", ["确定", "取消"]), ("yes_no", ["是", "否"]),
                                           ("yes_no_cancel", ["是", "否", "取消"])])
def test_the_message_boxs_buttons_are_in_chinese(client, buttons, shown):
    html = client.get("/xlwings/alert", params={"prompt": "已完成", "title": "预算公开助手", "buttons": buttons,
                                                "mode": "info", "callback": "x"}).text
    labels = re.findall(r'class="btn [^"]*btn-xl-alert">([^<]*)<', html)
    assert labels == shown, labels


def test_a_function_call_without_a_name_says_the_name_is_missing(client):
    for data in ({"args": []}, {"func_name": "", "args": []}, {"func_name": None, "args": []}):
        r = client.post(FUNCTIONS, json=data)
        assert r.status_code == 400 and r.json()["detail"].startswith("请求中没有函数名（func_name）"), r.text


FCALL = {"func_name": "wanyuan", "args": [[[12345]]], "caller_address": "Sheet1!B2", "version": "0.37.8",
         "client": "Office.js", "runtime": "1.4", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"}


@pytest.mark.parametrize("key,value,said", [("runtime", None, "请求缺少“runtime”"), ("runtime", 1.4, "请求缺少“runtime”"),
                                            ("date_format", 5, "“date_format”应为文字"),
                                            ("culture_info_name", [], "“culture_info_name”应为文字")])
def test_a_function_call_missing_what_xlwings_reads_is_a_400_not_a_500(client, key, value, said):
    data = {k: v for k, v in FCALL.items() if k != key or value is not None}
    if value is not None:
        data[key] = value
    r = client.post(FUNCTIONS, json=data)
    assert r.status_code == 400 and said in r.json()["detail"], r.text
    assert client.post(FUNCTIONS, json=FCALL).json()["result"] == [[1.23]]


def test_a_compressed_body_is_said_to_be_compressed(client, payload):
    import gzip

    r = client.post(VALIDATE, content=gzip.compress(json.dumps(payload).encode()),
                    headers={"content-type": "application/json", "content-encoding": "gzip"})
    assert r.status_code == 415 and r.json()["detail"].startswith("请求内容不能压缩（Content-Encoding: gzip）"), r.text


def test_the_bearer_scheme_is_case_insensitive(tmp_path):
    from budget_xl.excel.users import bare_token, user_for_token

    token = "abcdefghijklmnopqrstuvwxyz012345"
    users = tmp_path / "users.txt"
    users.write_text(f"张三\t{token}\n", encoding="utf-8")
    for header in (f"Bearer {token}", f"bearer {token}", f"BEARER  {token} ", f"Bearer\t{token}", token):
        assert user_for_token(header, users) == "张三", header
    for header in ("Bearer", "Bearer ", f"Basic {token}", f"Bearer x{token}"):
        assert user_for_token(header, users) is None, header
    assert bare_token("Basic abc") == "Basic abc"


def test_a_body_that_never_completes_is_answered_408_in_chinese():
    from budget_xl.excel.guard import Guard

    async def never(scope, receive, send):  # pragma: no cover - the guard answers first
        raise AssertionError("the app must not run")

    class Scripts:
        @staticmethod
        def validate(book):
            pass

    Scripts.validate.__xlscript__ = {}
    guard = Guard(never, scripts=Scripts, functions=object(), body_timeout=0.2)
    sent = []
    parts = iter([{"type": "http.request", "body": b"{", "more_body": True}])

    async def receive():
        try:
            return next(parts)
        except StopIteration:
            await asyncio.sleep(3600)  # Content-Length: 100, 1 byte sent, the connection kept open

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": VALIDATE,
             "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")]}
    asyncio.run(asyncio.wait_for(guard(scope, receive, send), 10))
    assert sent[0]["status"] == 408
    assert json.loads(sent[1]["body"])["detail"].startswith("请求未在 0.2 秒内完整送达")


# -- already right: kept so ------------------------------------------------------------------------------------------
ROUTES = ["/", "/manifest", "/manifest.xml", "/manifest/download", "/taskpane.html", "/xlwings/custom-functions-meta",
          "/xlwings/custom-functions-code", "/xlwings/custom-scripts-meta", "/xlwings/alert", FUNCTIONS, VALIDATE,
          "/static/js/auth.js", "/favicon.ico"]


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_answers_a_wrong_method_with_a_chinese_405(client, path):
    allowed = {"POST"} if path.startswith(("/xlwings/custom-scripts-call", FUNCTIONS)) else {"GET"}
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"):
        if method in allowed:
            continue
        r = client.request(method, path, content=b"{}", headers={"content-type": "application/json"})
        assert r.status_code == 405 and r.json()["detail"] == f"此地址不接受 {method} 请求。", (method, path, r.text)


@pytest.mark.parametrize("path", ["/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
                                  "/static/js/..%2f..%2f..%2fserver.py", "/static/js/%2e%2e%2f%2e%2e%2f%2e%2e%2fguard.py",
                                  "/static/..%2fpyproject.toml", "/static/js/..%5c..%5c..%5cguard.py",
                                  "/static/C:%2fWindows%2fwin.ini", "/xlwings/..%2fmanifest"])
def test_an_encoded_dot_dot_reads_no_file_outside_the_static_folder(client, path):
    """xlwings Server looked static files up in the project folder by ``folder / path``, unchecked: the encoded
    "..%2f" (which clients and proxies do not fold, unlike "/../") served the package's source and /etc/passwd."""
    r = client.get(path)
    assert r.status_code == 404 and r.json()["detail"].startswith("找不到此地址"), r.text
    assert "root:" not in r.text and '"""' not in r.text and "[project]" not in r.text


@pytest.mark.parametrize("path", ["/static/%2e%2e/%2e%2e/pyproject.toml", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/static//etc/passwd", "/static/js/auth.js%00.png", "/static/%ff%fe.js"])
def test_path_traversal_is_a_chinese_404_and_reads_nothing_outside_static(client, path):
    r = client.get(path, headers={"accept-language": "en-US,en", "accept": "text/html"})
    assert r.status_code == 404 and r.json()["detail"].startswith("找不到此地址"), r.text
    assert "[project]" not in r.text and "root:" not in r.text


def test_the_static_files_are_still_served(client):
    r = client.get("/static/js/auth.js")
    assert r.status_code == 200 and "TOKEN_KEY" in r.text


def test_a_query_string_changes_nothing(client, payload):
    assert client.get("/?x=1&debug=true").json()["status"] == "ok"
    assert client.get("/manifest?../../etc/passwd").text.lstrip().startswith("<?xml")
    no_internal_error(client.post(VALIDATE + "?script=format_disk", json=payload))


@pytest.mark.parametrize("kind", ["name-40-chars", "name-emoji", "name-apostrophe", "table-sheet-empty", "all-amounts-as-text",
                                  "used-range-XFD1048576", "nan", "infinity", "1e308", "huge-int", "minus-zero", "boolean",
                                  "excel-serial-date", "3000-sheets"])
def test_odd_but_well_formed_workbooks_get_a_chinese_answer_not_an_internal_error(client, payload, kind):
    d = copy.deepcopy(payload)
    raw = None
    if kind == "name-40-chars":
        d["sheets"][0]["name"] = "收" * 40
    elif kind == "name-emoji":
        d["sheets"][0]["name"] = "😀" + d["sheets"][0]["name"]
    elif kind == "name-apostrophe":
        d["sheets"][0]["name"] = "收支'总表"
    elif kind == "table-sheet-empty":
        sheet_of(d, "收支总表").update(values=[[]], used_range_address=None)
    elif kind == "all-amounts-as-text":
        for s in d["sheets"]:
            s["values"] = [[f"{v:,.2f}" if type(v) in (int, float) else v for v in row] for row in s["values"]]
    elif kind == "used-range-XFD1048576":
        d["sheets"][0]["used_range_address"] = "A1:XFD1048576"
    elif kind in ("nan", "infinity", "1e308", "huge-int"):
        cell("收入总表", 6, 3, "@@")(d)
        raw = {"nan": "NaN", "infinity": "Infinity", "1e308": "1e308", "huge-int": "1" + "0" * 400}[kind]
    elif kind == "minus-zero":
        cell("收入总表", 6, 3, -0.0)(d)
    elif kind == "boolean":
        cell("收入总表", 6, 3, True)(d)
    elif kind == "excel-serial-date":
        cell("收入总表", 6, 3, 45292)(d)
    elif kind == "3000-sheets":
        d["sheets"] += [{"name": f"附表{i}", "values": [[1, 2]], "used_range_address": "A1:B1", "visibility": "Visible",
                         "pictures": [], "tables": [], "shapes": [], "charts": [], "notes": []} for i in range(3000)]
    if raw is None:
        r = client.post(VALIDATE, json=d)
    else:
        body = json.dumps(d, ensure_ascii=False).replace('"@@"', raw).encode("utf-8")
        r = client.post(VALIDATE, content=body, headers={"content-type": "application/json"})
    no_internal_error(r)
    for text in alerts(r):
        assert CJK.search(text), text
    if kind == "used-range-XFD1048576":
        assert "远超预算公开表的合理大小" in alerts(r)[0]


def test_many_requests_at_once_all_answered(client, payload):
    broken = changed(payload, lambda d: d["sheets"][0].pop("values"))

    def one(i):
        if i % 3 == 0:
            return client.post(VALIDATE, json=payload).status_code
        if i % 3 == 1:
            return client.post(VALIDATE, json=broken).status_code
        return client.post(FUNCTIONS, content=b"{", headers={"content-type": "application/json"}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(24)))
    assert codes == [200, 400, 400] * 8
