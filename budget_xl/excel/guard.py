"""What the add-in server checks before xlwings Server sees a request, and how it answers when it refuses.

An ASGI wrapper around ``xlwings_server.main.main_app`` (``budget_xl.excel.asgi``). xlwings Server
answers a malformed request with HTTP 500 "An error occurred." and an English traceback in the console,
executes a cross-origin ``text/plain`` POST, and accepts any body size. Here, before it runs:

- a POST to ``/xlwings/…`` must come from the add-in's own origin (or one listed in
  BUDGET_XL_ALLOWED_ORIGINS) and carry JSON: a page elsewhere cannot make a user's browser run a script;
- the body is at most ``max_bytes`` (413), arrives without a pause of more than ``body_timeout`` (408),
  is a JSON object (400), names a script or function that exists
  (404) with the right number of arguments (400), and a script call carries a workbook (400);
- behind a reverse proxy that authenticates (``trusted_user_header``), a request that does not come
  from the proxy (403) or comes without that header (401) is refused;
- anything that still fails inside answers 500 in Chinese, logged as one line, never a traceback.

Every refusal is ``{"detail": "<中文>"}``, which xlwings' client shows as the error message.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote

from budget_xl.excel.chinese import detail_for, not_found

logger = logging.getLogger("budget_xl.server")

MAX_BYTES = 20 * 1024 * 1024
BODY_TIMEOUT = 30.0  # seconds the rest of a body may take to come, from one part to the next
SCRIPTS_CALL = "/xlwings/custom-scripts-call/"
FUNCTIONS_CALL = "/xlwings/custom-functions-call"
FUNCTIONS_META = ("/xlwings/custom-functions-meta", "/xlwings/custom-functions-meta.json")
MANIFEST_DOWNLOAD = "/manifest/download"
MANIFEST_PATHS = ("/manifest", "/manifest.xml")
MANIFEST_FILENAME = "budget-xl-manifest.xml"
MANIFEST_FILENAME_ZH = "预算公开助手-manifest.xml"


RUNNING = "预算公开助手加载项服务正在运行。清单文件：/manifest；在 Excel 中通过“预算公开”选项卡使用。"


class Refusal(Exception):
    """A request the server will not run: HTTP status and the Chinese reason."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status = status
        self.text = text


def _origin_of(scope) -> str:
    """The server's own origin as the browser sees it (the proxy's scheme and host when forwarded)."""
    headers = _headers(scope)
    scheme = headers.get("x-forwarded-proto") or scope.get("scheme", "http")
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}".lower()


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


_DRIVE = re.compile(r"^[A-Za-z]:")


def check_path(path: str) -> None:
    """No ".." (nor a backslash, a drive "C:" or a NUL) in the decoded path of any request. xlwings Server looks a
    static file up in the project folder first, by ``folder / path`` without Starlette's check that the result stays
    inside: "/static/js/..%2f..%2f..%2fserver.py" served the package's source and "/static/..%2f…%2fetc/passwd" any
    file the server could read (a literal "/../" is folded by clients and proxies, its encoded form is not). Refused
    here, for every route, as the 404 of an address that does not exist."""
    parts = re.split(r"[/\\]", path)
    if "\\" in path or "\x00" in path or ".." in parts or any(_DRIVE.match(p) for p in parts):
        raise Refusal(404, not_found(path))


def check_origin(scope, allowed: Iterable[str] = ()) -> None:
    """A browser sends Origin with every cross-site POST: it must be ours (or an allowed one)."""
    origin = _headers(scope).get("origin")
    if origin is None:  # not a browser (curl, tests, Excel desktop's own HTTP stack)
        return
    ok = {_origin_of(scope), *(o.rstrip("/").lower() for o in allowed)}
    if origin.rstrip("/").lower() not in ok:
        raise Refusal(403, f"拒绝来自其他网站（{origin}）的请求：只有预算公开助手加载项本身可以调用此服务。")


def check_json_type(scope) -> None:
    ctype = _headers(scope).get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise Refusal(415, f"请求格式应为 JSON（Content-Type: application/json），而不是“{ctype or '未注明'}”。")


def check_not_compressed(scope) -> None:
    """A compressed body (Content-Encoding: gzip, from a proxy or a script) is never unpacked by the server:
    it was parsed as it came and refused as “不是有效的 JSON”, which sent the user looking at the workbook."""
    encoding = _headers(scope).get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise Refusal(415, f"请求内容不能压缩（Content-Encoding: {encoding}）：请直接发送 JSON；如经由反向代理，"
                           "请在代理上关闭对请求的压缩。")


def parse_object(body: bytes) -> dict:
    if not body.strip():
        raise Refusal(400, "请求中没有数据：应为加载项发送的 JSON 对象。")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, "请求内容不是有效的 JSON，无法处理。") from None
    except RecursionError:  # [[[[…]]]] nested beyond the parser's stack
        raise Refusal(400, "请求内容的 JSON 嵌套层数过多，无法处理。") from None
    if not isinstance(data, dict):
        raise Refusal(400, "请求内容应为 JSON 对象（{…}）。")
    return data


def _positional(fn: Callable, injected: tuple = ()) -> tuple[int, int | None]:
    """(fewest, most) positional arguments a caller must give; None: no upper bound."""
    fn = inspect.unwrap(fn)
    params = [p for p in inspect.signature(fn).parameters.values() if p.name not in injected]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return sum(p.default is p.empty and p.kind is not p.VAR_POSITIONAL for p in params), None
    return sum(p.default is p.empty for p in params), len(params)


def _arity_text(low: int, high: int | None) -> str:
    if high is None:
        return f"至少 {low} 个"
    return f"{low} 个" if low == high else f"{low}–{high} 个"


def check_script_call(name: str, data: dict, scripts) -> None:
    fn = getattr(scripts, name, None)
    if fn is None or not hasattr(fn, "__xlscript__"):
        raise Refusal(404, f"没有名为“{name}”的功能。可用的有：{'、'.join(script_names(scripts))}。")
    if not isinstance(data.get("sheets"), list) or not isinstance(data.get("book"), dict):
        raise Refusal(400, "请求中没有工作簿数据：请在 Excel 中通过“预算公开”选项卡上的按钮运行。")
    args = data.get("args", [])
    if not isinstance(args, list):
        raise Refusal(400, "参数 args 应为数组。")
    check_client(data, "运行功能")
    check_office_client(data)
    check_workbook(data)
    low, high = _positional(fn, injected=("book",))
    if len(args) < low or (high is not None and len(args) > high):
        raise Refusal(400, f"功能“{name}”应有{_arity_text(low, high)}参数，收到 {len(args)} 个。")


def check_client(data: dict, doing: str) -> None:
    """Every call to xlwings Server names its client and xlwings version: xlwings reads both before it runs
    anything (``data["version"]``), so one missing is a KeyError there, answered 500. Said here, 400."""
    for key in ("version", "client"):
        if not isinstance(data.get(key), str):
            raise Refusal(400, f"请求缺少“{key}”：请通过 Excel 加载项{doing}。")


def check_function_context(data: dict) -> None:
    """What xlwings reads of a function call besides its arguments: ``runtime`` always (``data["runtime"]``, a
    KeyError when missing), ``date_format`` and ``culture_info_name`` as text when given (``.lower()`` on a
    number). Either answered 500 "服务内部错误" for the client's fault; said here, 400."""
    if not isinstance(data.get("runtime"), str):
        raise Refusal(400, "请求缺少“runtime”（Excel 的 API 版本）：请在 Excel 单元格中通过公式调用函数；如果反复出现，请更新加载项。")
    for key in ("date_format", "culture_info_name"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise Refusal(400, f"请求中的“{key}”应为文字：请在 Excel 单元格中通过公式调用函数。")


def check_function_call(data: dict, functions) -> None:
    name = data.get("func_name")
    if not isinstance(name, str) or not name:
        raise Refusal(400, "请求中没有函数名（func_name）：请在 Excel 单元格中通过公式调用函数。")
    fn = getattr(functions, name, None)
    if fn is None or not hasattr(fn, "__xlfunc__"):
        raise Refusal(404, f"没有名为“{name}”的函数。可用的有：{'、'.join(function_names(functions))}。")
    args = data.get("args")
    if not isinstance(args, list):
        raise Refusal(400, "参数 args 应为数组。")
    check_client(data, "调用函数")
    check_function_context(data)
    low, high = _positional(fn)
    if len(args) < low or (high is not None and len(args) > high):
        raise Refusal(400, f"函数 {name.upper()} 应有{_arity_text(low, high)}参数，收到 {len(args)} 个。")
    for i, arg in enumerate(args, 1):
        if not _argument_ok(arg):
            raise Refusal(400, f"函数 {name.upper()} 的第 {i} 个参数不是单元格的值或区域，无法计算。")


OFFICE_JS = "Office.js"
BAD_WORKBOOK = "请求中的工作簿数据格式不对（{what}）：请在 Excel 中通过“预算公开”选项卡上的按钮运行；如果反复出现，请更新加载项。"
# what xlwings' remote engine reads as a date: its own pattern (``xlwings.pro._xlremote.datetime_pattern``)
ISO_DATETIME = re.compile(r"^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9])"
                          r":([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$")
# the used range as the task pane sends it: unqualified (no "Sheet1!"), one cell or a rectangle
RANGE_ADDRESS = re.compile(r"^\$?[A-Za-z]{1,3}\$?[0-9]{1,7}(?::\$?[A-Za-z]{1,3}\$?[0-9]{1,7})?$")


def check_office_client(data: dict) -> None:
    """The buttons write notes, which xlwings' remote engine does only for the Office.js client: a VBA or Google
    Sheets client (or anything else) ended in NotImplementedError inside the script, shown as 内部错误. Said first."""
    if data.get("client") != OFFICE_JS:
        raise Refusal(400, f"此服务只接受 Excel 加载项（Office.js）的请求，收到的客户端是“{data.get('client')}”：请在 Excel 中通过"
                           "“预算公开”选项卡上的按钮运行。")


def check_workbook(data: dict) -> None:
    """The workbook the task pane sends, checked to the depth xlwings reads it: the book's name, each sheet an
    object with a name, its values as rows of cells and its used range as an address. Anything else (a sheet as
    text, rows of null, a cell holding a list, a used range of "junk") ended in a KeyError or TypeError inside the
    script, shown to the user as 内部错误 with Python's English words."""
    book = data["book"]
    if not isinstance(book.get("name"), str):
        raise Refusal(400, BAD_WORKBOOK.format(what="工作簿名称不是文字"))
    seen: set[str] = set()
    for i, sheet in enumerate(data["sheets"], 1):
        if not isinstance(sheet, dict):
            raise Refusal(400, BAD_WORKBOOK.format(what=f"第 {i} 个工作表不是对象"))
        name = sheet.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Refusal(400, BAD_WORKBOOK.format(what=f"第 {i} 个工作表没有名称"))
        if name.casefold() in seen:  # Excel never has two; xlwings would find only the first
            raise Refusal(400, BAD_WORKBOOK.format(what=f"有两个名为“{name}”的工作表"))
        seen.add(name.casefold())
        _check_values(sheet.get("values"), name)
        used = sheet.get("used_range_address")
        if used is not None and not (isinstance(used, str) and RANGE_ADDRESS.match(used)):
            raise Refusal(400, BAD_WORKBOOK.format(what=f"工作表“{name}”的已用区域不是单元格地址"))


def _check_values(values, sheet: str) -> None:
    """Rows of cells, each a number, text, logical or blank (what Office.js' ``range.values`` gives)."""
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise Refusal(400, BAD_WORKBOOK.format(what=f"工作表“{sheet}”的单元格数据不是按行排列的数组"))
    for r, row in enumerate(values, 1):
        for v in row:
            if v is not None and not isinstance(v, (str, int, float, bool)):
                raise Refusal(400, BAD_WORKBOOK.format(what=f"工作表“{sheet}”第 {r} 行有一个单元格的值不是数字或文字"))


def dated_texts(data: dict) -> bool:
    """A cell text that looks like an ISO date-time without the "Z" the task pane puts on the dates it sends
    (a user typed "2024-01-01T08:00:00" or "…+08:00" into a text cell): xlwings takes every such text for a date
    and cuts its last character as if it were the "Z", so it failed (ValueError, 内部错误). Such a text is
    given the "Z" (its offset dropped: Excel has no time zones), so that it is read as the date-time it says, as
    the task pane's own dates are. Returns whether any cell changed (the body is then sent anew)."""
    changed = False
    for sheet in data.get("sheets", ()):
        for row in sheet.get("values", ()):
            for j, v in enumerate(row):
                if isinstance(v, str) and not v.endswith("Z"):
                    m = ISO_DATETIME.match(v)
                    if m:
                        row[j] = (v[: m.start(8)] if m.group(8) else v) + "Z"
                        changed = True
    return changed


def _cell_ok(v) -> bool:
    """What Office.js sends for one cell: a number, text, logical or blank, or a data-type object
    ({"type": "Error", "basicValue": "#DIV/0!"}) that xlwings unpacks by these two keys."""
    if v is None or isinstance(v, (str, int, float, bool)):
        return True
    return isinstance(v, dict) and isinstance(v.get("type"), str) and "basicValue" in v


def _argument_ok(arg) -> bool:
    """One argument of a custom function: a cell's value, or a range as rows of cells (never empty: xlwings
    reads ``arg[0][0]``). Anything else reached xlwings' conversion and ended in a KeyError or IndexError, 500."""
    if isinstance(arg, list):
        return bool(arg) and all(isinstance(r, list) and r and all(_cell_ok(v) for v in r) for r in arg)
    return _cell_ok(arg)


def script_names(scripts) -> list[str]:
    return sorted(n for n, f in vars(scripts).items() if hasattr(f, "__xlscript__"))


def function_names(functions) -> list[str]:
    return sorted(n.upper() for n, f in vars(functions).items() if hasattr(f, "__xlfunc__"))


def _json_response(status: int, payload) -> tuple[int, list, bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return status, [(b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode())], body


async def _send(send, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI wrapper; ``scripts`` and ``functions`` are the modules xlwings Server runs."""

    def __init__(self, app, *, scripts, functions, max_bytes: int = MAX_BYTES, allowed_origins=(),
                 trusted_user_header: str | None = None, trusted_proxies=("127.0.0.1",), functions_meta: Callable[[], dict] | None = None,
                 body_timeout: float = BODY_TIMEOUT):
        self.app = app
        self.body_timeout = body_timeout
        self.scripts = scripts
        self.functions = functions
        self.max_bytes = max_bytes
        self.allowed_origins = tuple(allowed_origins)
        self.user_header = trusted_user_header.lower() if trusted_user_header else None
        self.trusted_proxies = frozenset(trusted_proxies)
        self.functions_meta = functions_meta

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        started = False
        held: dict | None = None   # an error answer's start, kept until its body says whether it is English
        chunks: list[bytes] = []

        async def tracked_send(message):
            nonlocal started, held
            if message["type"] == "http.response.start":
                started = True
                if path == MANIFEST_DOWNLOAD:
                    message = {**message, "headers": _download_headers(message.get("headers", []))}
                elif path in MANIFEST_PATHS:
                    message = {**message, "headers": _xml_headers(message.get("headers", []))}
                if message.get("status", 200) >= 400:
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                start, held = held, None
                body = b"".join(chunks)
                zh = detail_for(start["status"], body, scope.get("method", ""), path)
                if zh is None:
                    await send(start)
                    await send({"type": "http.response.body", "body": body})
                    return
                status, headers, body = _json_response(zh[0], {"detail": zh[1]})
                kept = [(k, v) for k, v in start.get("headers", [])
                        if k.lower() not in (b"content-type", b"content-length")]
                return await _send(send, status, kept + headers, body)
            await send(message)

        try:
            check_path(path)
            if path == "/" and scope.get("method") == "GET":  # xlwings Server's {"status":"ok"}, said
                return await _send(send, *_json_response(200, {"status": "ok", "detail": RUNNING}))
            if path in FUNCTIONS_META and self.functions_meta and scope.get("method") == "GET":
                return await _send(send, *_json_response(200, self.functions_meta()))
            if scope.get("method") == "POST" and path.startswith("/xlwings/"):
                receive = await self._checked(scope, receive, path)
            await self.app(scope, receive, tracked_send)
        except Refusal as r:
            logger.warning("拒绝请求 %s：%s", path, r.text)
            if not started:
                await _send(send, *_json_response(r.status, {"detail": r.text}))
        except Exception as e:  # noqa: BLE001 - one Chinese line, never a traceback in the console
            logger.error("处理请求 %s 时出错：%s：%s", path, type(e).__name__, e)
            if not started:
                await _send(send, *_json_response(500, {"detail": "服务内部错误，请稍后再试；如果反复出现，请联系管理员。"}))

    async def _checked(self, scope, receive, path):
        """Check a POST and hand xlwings Server a receive() that replays the body already read."""
        if self.user_header:
            peer = (scope.get("client") or ("",))[0]
            if peer not in self.trusted_proxies:  # only the proxy may vouch for a user
                raise Refusal(403, "请经由单位的 HTTPS 入口（反向代理）访问此服务。")
            if not _headers(scope).get(self.user_header, "").strip():
                raise Refusal(401, "未通过身份验证：请经由单位的 HTTPS 入口（反向代理）登录后使用。")
        check_origin(scope, self.allowed_origins)
        check_json_type(scope)
        check_not_compressed(scope)
        length = _headers(scope).get("content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            await _drain(receive, int(length))  # read and dropped, so the client hears the 413, not a reset
            raise Refusal(413, _too_big(self.max_bytes))
        body = await _read_body(receive, self.max_bytes, self.body_timeout)
        data = parse_object(body)
        if path.startswith(SCRIPTS_CALL):
            check_script_call(path[len(SCRIPTS_CALL):], data, self.scripts)
            if dated_texts(data):
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        elif path == FUNCTIONS_CALL:
            check_function_call(data, self.functions)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay


def _too_big(limit: int) -> str:
    return f"请求太大（超过 {limit // (1024 * 1024)} MB）：请只打开部门预算公开工作簿后再运行。"


def _late(seconds: float) -> str:
    return (f"请求未在 {seconds:g} 秒内完整送达（网络中断，或请求声明的长度比实际发送的长）：请检查网络后重试。")


async def _read_body(receive, limit: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """The body, up to ``limit`` bytes. A client that declares more than it sends (Content-Length: 100 with
    2 bytes, a chunk that never ends) was waited for as long as it kept the connection open, with no answer;
    nginx gives up after 60 s of silence (client_body_timeout) with a 408, and so does this, in Chinese."""
    chunks, size = [], 0
    while True:
        try:
            message = await asyncio.wait_for(receive(), timeout)
        except TimeoutError:
            raise Refusal(408, _late(timeout)) from None
        if message["type"] == "http.disconnect":
            raise Refusal(400, "请求未完整送达。")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refusal(413, _too_big(limit))
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


MAX_DRAIN = 256 * 1024 * 1024


async def _drain(receive, length: int) -> None:
    """Read an oversized body to its end without keeping it (up to ``MAX_DRAIN``: beyond, the connection
    is closed after the answer, as any server must)."""
    if length > MAX_DRAIN:
        return
    while True:
        try:
            message = await asyncio.wait_for(receive(), BODY_TIMEOUT)
        except TimeoutError:  # the rest never comes: answer the 413 now
            return
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            return


def _xml_headers(headers: list) -> list:
    """The manifest is XML (Office and browsers then show it as such, not as text)."""
    kept = [(k, v) for k, v in headers if k.lower() != b"content-type"]
    return kept + [(b"content-type", b"application/xml; charset=utf-8")]


def _download_headers(headers: list) -> list:
    """The manifest file gets a name that says what it is (xlwings derives "-prod.xml" from a Chinese name)."""
    kept = [(k, v) for k, v in headers if k.lower() != b"content-disposition"]
    value = f"attachment; filename=\"{MANIFEST_FILENAME}\"; filename*=UTF-8''{quote(MANIFEST_FILENAME_ZH)}"
    return kept + [(b"content-disposition", value.encode("latin-1"))]
