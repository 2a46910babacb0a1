"""Every answer of the add-in server in Chinese, with the right status (issue 19): FastAPI's and
Starlette's English errors, uvicorn's answer to a request that is not HTTP, the task pane's own words, the
manifest's type, a JSON nested past the parser's stack and a body far over the limit."""

import json
import re
import socket
import time

import pytest

from budget_xl.excel.chinese import TEMPLATE_ZH, chinese, detail_for

from .test_server import _serve, _stop, _wait_for


def detail(r):
    return r.json()["detail"]


@pytest.mark.parametrize("path", ["/nope", "/xlwings/nope", "/static/none.js", "/manifest/none"])
def test_an_unknown_address_is_a_404_in_chinese_json(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert detail(r) == f"找不到此地址（{path}）：请检查加载项的网址，或重新下载清单文件。"


def test_a_wrong_method_is_a_405_in_chinese(client):
    r = client.delete("/manifest")
    assert r.status_code == 405 and detail(r) == "此地址不接受 DELETE 请求。"


def test_missing_query_fields_are_a_422_naming_them_in_chinese(client):
    r = client.get("/xlwings/alert")
    assert r.status_code == 422
    assert detail(r).startswith("请求缺少参数或参数格式不对（prompt、title、buttons、mode、callback）")


def test_a_preflight_from_another_site_is_refused_with_403_in_chinese(client):
    r = client.options("/xlwings/custom-functions-call",
                       headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 403
    assert detail(r) == "拒绝来自其他网站的跨域请求：只有预算公开助手加载项本身可以调用此服务。"


def test_the_task_pane_is_titled_and_its_load_error_banner_worded_in_chinese(client):
    html = client.get("/taskpane.html").text
    assert "<title>预算公开助手</title>" in html and '<html lang="zh-CN">' in html
    assert "加载项没有正常加载。" in html and ">重新加载<" in html and ">取消<" in html
    for en, _zh in TEMPLATE_ZH:
        assert en not in html
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    assert not re.search(r"\b(Reload|Cancel|Close|Task pane|didn't)\b", visible)


@pytest.mark.parametrize("path", ["/manifest", "/manifest.xml"])
def test_the_manifest_is_served_as_xml(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"] == "application/xml; charset=utf-8"
    assert r.text.lstrip().startswith("<?xml")


@pytest.mark.parametrize("depth", [1000, 100_000])
@pytest.mark.parametrize("bracket", ["[]", "{}"])
def test_json_nested_past_the_parsers_stack_is_a_400_not_a_500(client, depth, bracket):
    inner = ('{"a":' * depth + "1" + "}" * depth) if bracket == "{}" else ("[" * depth + "]" * depth)
    body = ('{"func_name": "yusuan_check", "args": ' + inner + "}").encode()
    r = client.post("/xlwings/custom-functions-call", content=body, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and chinese(detail(r)), r.text


def test_english_details_are_translated_and_chinese_ones_kept():
    assert detail_for(404, b'{"detail":"Not Found"}', "GET", "/x")[0] == 404
    assert detail_for(400, b"Disallowed CORS origin")[0] == 403
    assert detail_for(400, json.dumps({"detail": "请求内容不是有效的 JSON"}, ensure_ascii=False).encode()) is None
    assert chinese(detail_for(418, b"I'm a teapot")[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw(port: int, data: bytes, timeout: float = 30) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                m = re.search(rb"content-length: (\d+)", head, re.I)
                if m and len(rest) >= int(m.group(1)):
                    return out


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = _serve("--port", str(port))
    _wait_for(f"http://127.0.0.1:{port}/manifest", proc)
    yield port
    out, err = _stop(proc)
    assert "Invalid HTTP request received" not in out + err  # the console says it in Chinese too


@pytest.mark.parametrize("garbage", [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n",
                                     b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"])
def test_a_request_that_is_not_http_gets_a_chinese_400(server, garbage):
    answer = _raw(server, garbage)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["detail"] == "请求不是有效的 HTTP 请求，无法处理。"


def test_a_25_mb_body_with_content_length_is_answered_413_not_reset(server):
    body = b'{"a": "' + b"x" * (25 * 1024 * 1024) + b'"}'
    head = (f"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    started = time.monotonic()
    answer = _raw(server, head + body, timeout=60)
    status, _, rest = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(rest)["detail"].startswith("请求太大（超过 20 MB）")
    assert time.monotonic() - started < 60
