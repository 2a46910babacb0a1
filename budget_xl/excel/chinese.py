"""What xlwings Server, FastAPI, Starlette and uvicorn would say in English, said in Chinese.

- ``detail_for``: the Chinese ``detail`` of an error answer whose own text is English (FastAPI's
  ``Not Found``, ``Method Not Allowed``, a 422 list of missing fields, Starlette's ``Disallowed CORS origin``);
- ``TEMPLATE_ZH``: the strings of xlwings Server's ``base.html`` a user sees (title, the load-error banner);
  ``ALERT_ZH``: the buttons of its message box (``xlwings_alert.html``);
- ``ChineseHTTPProtocol``: uvicorn's HTTP protocol answering an unparseable request in Chinese JSON;
- ``ConsoleFilter``: uvicorn's console warnings for the same, in Chinese.
"""

from __future__ import annotations

import json
import logging
import re

_CJK = re.compile(r"[\u4e00-\u9fff]")

TEMPLATE_ZH = (
    ('<html lang="en">', '<html lang="zh-CN">'),
    ("<title>Task pane</title>", "<title>预算公开助手</title>"),
    ("The add-in didn't load properly.", "加载项没有正常加载。"),
    ('id="xlwings-taskpane-reload-btn">Reload<', 'id="xlwings-taskpane-reload-btn">重新加载<'),
    ('id="xlwings-taskpane-reload-cancel-btn">Cancel<', 'id="xlwings-taskpane-reload-cancel-btn">取消<'),
    ('aria-label="Close"', 'aria-label="关闭"'),
)
# the buttons of xlwings Server's message box (xlwings_alert.html): every alert of the add-in — each result,
# each refusal — is shown in it, and its buttons said OK / Yes / No / Cancel
ALERT_ZH = (
    ('btn-xl-alert">OK<', 'btn-xl-alert">确定<'),
    ('btn-xl-alert">Yes<', 'btn-xl-alert">是<'),
    ('btn-xl-alert">No<', 'btn-xl-alert">否<'),
    ('btn-xl-alert">Cancel<', 'btn-xl-alert">取消<'),
)
TEMPLATES_ZH = {"base.html": TEMPLATE_ZH, "xlwings_alert.html": ALERT_ZH}
BAD_HTTP = "请求不是有效的 HTTP 请求，无法处理。"
CORS_REFUSED = "拒绝来自其他网站的跨域请求：只有预算公开助手加载项本身可以调用此服务。"


def chinese(text: object) -> bool:
    return isinstance(text, str) and bool(_CJK.search(text))


def not_found(path: str) -> str:
    return f"找不到此地址（{path}）：请检查加载项的网址，或重新下载清单文件。"


def detail_for(status: int, body: bytes, method: str = "", path: str = "") -> tuple[int, str] | None:
    """(status, Chinese detail) for an error answer in English; None when it is Chinese already."""
    try:
        payload = json.loads(body) if body.strip()[:1] in (b"{", b"[") else body.decode("utf-8", "replace")
    except ValueError:
        payload = body.decode("utf-8", "replace")
    detail = payload.get("detail") if isinstance(payload, dict) else payload
    if chinese(detail):
        return None
    if isinstance(detail, str) and detail.strip() == "Disallowed CORS origin":
        return 403, CORS_REFUSED
    if status == 404:
        return 404, not_found(path)
    if status == 405:
        return 405, f"此地址不接受 {method} 请求。"
    if status == 422:
        fields = []
        for item in detail if isinstance(detail, list) else ():
            loc = item.get("loc") if isinstance(item, dict) else None
            if isinstance(loc, list) and loc:
                fields.append(str(loc[-1]))
        named = f"（{'、'.join(dict.fromkeys(fields))}）" if fields else ""
        return 422, f"请求缺少参数或参数格式不对{named}：请通过 Excel 加载项调用。"
    if status == 401:
        return 401, "未通过身份验证：请在“说明面板”中填写管理员提供的访问令牌。"
    if status == 403:
        return 403, "没有权限访问此服务。"
    if status == 413:
        return 413, "请求太大：请只打开部门预算公开工作簿后再运行。"
    if status >= 500:
        return status, "服务内部错误，请稍后再试；如果反复出现，请联系管理员。"
    return status, f"请求未能处理（HTTP {status}）：请通过 Excel 加载项调用此服务。"


def bad_request_bytes() -> bytes:
    body = json.dumps({"detail": BAD_HTTP}, ensure_ascii=False).encode("utf-8")
    return (b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body)


def _protocol_base():
    try:
        import httptools  # noqa: F401
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol as base
    return base


try:
    class ChineseHTTPProtocol(_protocol_base()):  # type: ignore[misc]
        """uvicorn's own protocol (httptools, or h11 without it); only the 400 for garbage is ours."""

        def send_400_response(self, msg: str) -> None:  # noqa: ARG002 - uvicorn's English reason
            self.transport.write(bad_request_bytes())
            self.transport.close()
except ImportError:  # uvicorn not installed: serve says so in Chinese before it gets here
    ChineseHTTPProtocol = None  # type: ignore[assignment,misc]


_CONSOLE_ZH = {
    "Invalid HTTP request received.": "收到无效的 HTTP 请求（已回复 400）。",
    "Unsupported upgrade request.": "收到不支持的协议升级请求（已忽略）。",
}


class ConsoleFilter(logging.Filter):
    """uvicorn's warnings about a malformed request, in Chinese in the server's console."""

    def filter(self, record: logging.LogRecord) -> bool:
        zh = _CONSOLE_ZH.get(str(record.msg))
        if zh:
            record.msg, record.args = zh, ()
        return True
