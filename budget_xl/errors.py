"""The one exception that reaches the user: a Chinese message naming file, sheet and cell."""

from __future__ import annotations

import unicodedata


class InputError(Exception):
    """Input the tool cannot work with. The CLI prints it and exits with code 2."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None):
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.text)

    @property
    def text(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{visible(self.file, names=True)}”")
        if self.sheet:
            where.append(f"工作表“{visible(self.sheet, names=True)}”")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        prefix = "，".join(where)
        message = visible(self.message)
        return f"{prefix}：{message}" if prefix else message


_SHOWN = {"\n": "〔换行〕", "\r": "〔回车〕", "\t": "〔制表符〕"}


def visible(text: str, names: bool = False) -> str:
    """``text`` with the characters a reader cannot see made visible: a right-to-left mark, a zero-width space
    or a byte-order mark in a sheet or file name (“工作表“\u200f支出总表”” would read as “支出总表”, which
    does exist), and a file name's bytes that are not UTF-8. ``names``: a file or sheet name, whose line
    ends and tabs are shown too (in a message they are its own line breaks)."""
    if text.isascii() and (not names or text.isprintable()):
        return text
    out = []
    for ch in text:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:  # a byte of a file name that is not UTF-8 (Python's surrogateescape)
            out.append(f"〔字节{o - 0xDC00:02X}〕")
        elif names and ch in _SHOWN:
            out.append(_SHOWN[ch])
        elif unicodedata.category(ch) in ("Cf", "Cs") or (names and unicodedata.category(ch) == "Cc"):
            out.append(f"〔不可见字符U+{o:04X}〕")
        else:
            out.append(ch)
    return "".join(out)


def internal_error(e: BaseException, what: str = "输入文件没有被修改。") -> str:
    """The Chinese message for a defect of ours (exit 3): Python's own words (“list index out of range”,
    “KeyError: 'name'”) are English and mean nothing to an accountant, so they go, with the traceback, into a
    report file the message names for the maintainers; the screen says what happened in Chinese."""
    report = _crash_report(e)
    where = f"详细信息已写入“{report}”，" if report else ""
    return (f"内部错误（程序缺陷，不是您的文件的问题）。{what}{where}请把它和所用文件发给维护人员；"
            "设置环境变量 BUDGET_XL_DEBUG=1 可直接看到详细信息。")


def _crash_report(e: BaseException) -> str | None:
    """The traceback of ``e`` in a new file of the temporary folder (None when nothing can be written there:
    a full disk must not turn the message into a second failure)."""
    import os
    import tempfile
    import time
    import traceback

    try:
        fd, path = tempfile.mkstemp(prefix=time.strftime("budget-xl-crash-%Y%m%d-%H%M%S-"), suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write("".join(traceback.format_exception(type(e), e, e.__traceback__)))
        return path
    except Exception:  # noqa: BLE001 - the report is a courtesy; the message stands without it
        return None
