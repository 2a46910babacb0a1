"""Provenance marks: every figure or sheet text a template prints is wrapped in invisible marks.

``{{ x }}`` and the filters below print an ``Amount`` or ``CellText`` as ``\\ue000<n>\\ue001text\\ue002``,
where ``n`` indexes the entry recorded for this render (what was printed, from which cells). After
rendering, ``unmark`` strips the marks and returns where each traced span sits in the plain text; the
self-check then requires every amount-like number of the text to lie inside one.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from jinja2 import Undefined

from budget_xl.narrative.amounts import Amount, CellText, format_amount
from budget_xl.narrative.wording import SAME, Change, ordinal

OPEN, MID, CLOSE = "\ue000", "\ue001", "\ue002"
# Where a sheet text of several lines had its line breaks: the rendered line it stands in decides what each
# becomes (render._lines): a new paragraph in a paragraph, nothing in a heading or title (a department name
# typed on two lines, Alt+Enter, split the title into a heading “承德市” and a paragraph “司法局……”).
LINE_BREAK = "\ue003"
_MARK = re.compile(f"{OPEN}(\\d+){MID}([^{OPEN}{MID}{CLOSE}]*){CLOSE}")
_STRAY = re.compile(f"[{OPEN}{MID}{CLOSE}{LINE_BREAK}]")


@dataclass(frozen=True)
class Entry:
    obj: Amount | CellText
    printed: str
    with_unit: bool = True


_entries: ContextVar[list[Entry] | None] = ContextVar("budget_xl_narrative_entries", default=None)


class Recording:
    """``with Recording() as entries:`` collects the entries of one render."""

    def __enter__(self) -> list[Entry]:
        self.entries: list[Entry] = []
        self._token = _entries.set(self.entries)
        return self.entries

    def __exit__(self, *exc) -> None:
        _entries.reset(self._token)


def _mark(obj, printed: str, with_unit: bool = True) -> str:
    entries = _entries.get()
    if entries is None:  # rendering outside a Recording: nothing to trace
        return printed
    entries.append(Entry(obj, printed, with_unit))
    return f"{OPEN}{len(entries) - 1}{MID}{printed}{CLOSE}"


def _mark_text(t: CellText) -> str:
    # a text of several paragraphs stays several paragraphs, each traced on its own
    lines = [ln.strip() for ln in str(t).splitlines() if ln.strip()]
    return LINE_BREAK.join(_mark(t, ln) for ln in lines)


# -- filters ---------------------------------------------------------------------------------------------
def _need_amount(x, name: str) -> Amount:
    if not isinstance(x, Amount):
        raise TypeError(f"过滤器“{name}”只能用于工作簿中的金额，不能用于“{x}”")
    return x


def wan(x) -> str:
    """4148.23万元 (a percentage prints as 0.21%)."""
    a = _need_amount(x, "wan")
    return _mark(a, format_amount(a.value, a.unit))


def num(x) -> str:
    """4148.23, without the unit."""
    a = _need_amount(x, "num")
    return _mark(a, format_amount(a.value, a.unit, with_unit=False), with_unit=False)


def change(c) -> str:
    """减少2.35万元 / 增加115.53万元 / 持平."""
    if not isinstance(c, Change):
        raise TypeError(f"过滤器“change”只能用于 change.* 中的比较项，不能用于“{c}”")
    if not c.known:
        raise ValueError(f"“{c.label}”的上年数未知，不能比较（模板中请先用 {{% if … .known %}} 判断）")
    if c.zero:
        return SAME
    return c.word + wan(c.delta)


def change_pct(c) -> str:
    """增加X万元，增长Y% (no percentage when last year was zero)."""
    text = change(c)
    if c.zero:
        return text
    pct = c.pct
    return text if pct is None else f"{text}，{c.rise_word}{wan(pct)}"


def cn(n) -> str:
    """1 → 一 (for 一、 and （一） numbering)."""
    return ordinal(n)


FILTERS = {"wan": wan, "num": num, "change": change, "change_pct": change_pct, "cn": cn}


def finalize(value):
    """What ``{{ value }}`` prints: figures and sheet texts are marked; None prints nothing."""
    if isinstance(value, Undefined):
        return value
    if isinstance(value, Amount):
        return wan(value)
    if isinstance(value, CellText):
        return _mark_text(value)
    if isinstance(value, Change):
        return change(value)
    if value is None:
        return ""
    return value


# -- after rendering -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entry: Entry | None  # None: the marks were damaged (a filter cut or changed a figure)
    text: str


def unmark(text: str, entries: list[Entry]) -> tuple[str, list[Span]]:
    """Plain text and the traced spans in it."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(text):
        before = _STRAY.sub("", text[pos:m.start()])
        out.append(before)
        length += len(before)
        idx, inner = int(m.group(1)), m.group(2)
        entry = entries[idx] if idx < len(entries) else None
        spans.append(Span(length, length + len(inner), entry, inner))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(_STRAY.sub("", text[pos:]))
    return "".join(out), spans


def strip_marks(text: str) -> str:
    return _STRAY.sub("", _MARK.sub(lambda m: m.group(2), text))

