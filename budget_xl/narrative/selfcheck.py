"""The self-check: every amount in the generated text is traced back to its cells, or the text is refused.

An amount is a number followed by 万元/元/%, or any number with two decimals. It must lie inside a traced
span (printed by ``{{ }}`` or a filter from an ``Amount`` or a sheet text), and the span must still say
what the cells say: an ``Amount`` is recomputed from its recipe against the workbook's cells, a text must
be found in its cell. This protects offices that edit templates: a figure typed into a template, or a
filter that alters a printed figure, stops the command with one message naming the number and template.
"""

from __future__ import annotations

import re

from budget_xl.errors import InputError
from budget_xl.narrative.amounts import Amount, CellIndex, CellText, format_amount
from budget_xl.narrative.marks import Span

NUMBER = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)(\s*(?:万元|亿元|千元|元|%|％))?")
CONTEXT_CHARS = 12


def amount_like(plain: str) -> list[re.Match]:
    """The numbers of a text that read as amounts."""
    found = []
    for m in NUMBER.finditer(plain):
        number, unit = m.group(1), m.group(2)
        if unit or re.fullmatch(r"[\d,]+\.\d{2}", number):
            found.append(m)
    return found


def check(plain: str, spans: list[Span], index: CellIndex, template: str) -> None:
    """Raise InputError on the first amount that is not traced or disagrees with its cells."""
    for span in spans:
        _check_span(span, index, template, plain)
    for m in amount_like(plain):
        start, end = m.span(1)
        if not any(s.start <= start and end <= s.end and s.entry is not None for s in spans):
            raise InputError(
                f"情况说明模板“{template}”中的数字“{m.group(0).strip()}”（“{_around(plain, m.start(), m.end())}”）"
                "不是来自工作簿的单元格：模板里不能直接写金额或百分比，请用 {{ … }} 引用工作簿中的数"
                "（可用的变量见模板文件夹中的 README.md）。情况说明没有生成。")


def _check_span(span: Span, index: CellIndex, template: str, plain: str) -> None:
    entry = span.entry
    if entry is None:
        raise InputError(f"情况说明模板“{template}”改动了“{span.text}”的写法（“{_around(plain, span.start, span.end)}”），"
                         "无法核对它来自哪个单元格。情况说明没有生成。")
    obj = entry.obj
    if span.text != entry.printed:
        raise InputError(f"情况说明模板“{template}”改动了金额“{entry.printed}”，写成了“{span.text}”"
                         f"（“{_around(plain, span.start, span.end)}”）。情况说明没有生成。")
    if isinstance(obj, Amount):
        expected = format_amount(index.evaluate(obj.recipe), obj.unit, entry.with_unit)
        if expected != span.text:
            cells = "、".join(obj.cells) or "（空）"
            raise InputError(f"情况说明模板“{template}”中的“{span.text}”（{obj.label}）与工作簿不一致："
                             f"按单元格 {cells} 应为“{expected}”。情况说明没有生成。")
    elif isinstance(obj, CellText) and obj.cells and any(ch.isdigit() for ch in span.text):
        source = "\n".join(index.texts.get(c, "") for c in obj.cells)
        if _squash(span.text) not in _squash(source):
            raise InputError(f"情况说明模板“{template}”中的文字“{span.text[:30]}”与单元格 "
                             f"{'、'.join(obj.cells)} 的内容不一致。情况说明没有生成。")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _around(plain: str, start: int, end: int) -> str:
    a = max(0, start - CONTEXT_CHARS)
    b = min(len(plain), end + CONTEXT_CHARS)
    return ("…" if a else "") + plain[a:b].replace("\n", " ") + ("…" if b < len(plain) else "")
