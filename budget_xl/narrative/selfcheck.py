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

UNIT_WORDS = r"万元|亿元|千元|百元|元|%|％"
NUMBER = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)(\s*(?:" + UNIT_WORDS + "))?")
# “四千一百四十八万元”, “4千万元”, “一百二十元”: an amount written with Chinese numerals (at least one numeral)
CN_AMOUNT = re.compile(r"((?:[\d.]*[零〇一二三四五六七八九十两百千万亿]+?)+?)(万元|亿元|千元|元)")
_AFTER_UNIT = re.compile(r"\s*(万元|亿元|千元|百元|元)")
CONTEXT_CHARS = 12


def amount_like(plain: str) -> list[re.Match]:
    """The numbers of a text that read as amounts: with a unit word, or with two or more decimals."""
    found = []
    for m in NUMBER.finditer(plain):
        number, unit = m.group(1), m.group(2)
        if unit or re.fullmatch(r"[\d,]+\.\d{2,}", number):
            found.append(m)
    return found


def chinese_amounts(plain: str) -> list[re.Match]:
    """Amounts written in Chinese numerals (or digits with 千/万/亿) followed by a unit word."""
    out = []
    for m in CN_AMOUNT.finditer(plain):
        numeral = m.group(1)
        if not re.search(r"[零〇一二三四五六七八九十两百千]", numeral):  # “4148.23万元” is a plain amount
            continue
        out.append(m)
    return out


def _cn_value(numeral: str) -> str:
    try:
        import cn2an

        return str(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, TypeError, ImportError):
        return numeral


def check(plain: str, spans: list[Span], index: CellIndex, template: str) -> None:
    """Raise InputError on the first amount that is not traced or disagrees with its cells."""
    for span in spans:
        _check_span(span, index, template, plain)
    for m in chinese_amounts(plain):
        start, end = m.span(1)
        if not any(s.start <= start and end <= s.end and s.entry is not None for s in spans):
            raise InputError(
                f"情况说明模板“{template}”中的金额“{m.group(0)}”（即 {_cn_value(m.group(1))}{m.group(2)}，"
                f"“{_around(plain, m.start(), m.end())}”）不是来自工作簿的单元格：模板里不能直接写金额，"
                "请用 {{ … }} 引用工作簿中的数。情况说明没有生成。")
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
    if isinstance(obj, Amount) and not entry.with_unit:
        after = _AFTER_UNIT.match(plain, span.end)
        if after and after.group(1) != obj.unit and obj.unit in ("元", "万元"):
            raise InputError(f"情况说明模板“{template}”中的“{span.text}{after.group(1)}”（{obj.label}）单位写错了："
                             f"工作簿中的单位是{obj.unit}（“{_around(plain, span.start, after.end())}”）。"
                             "请用 wan 过滤器连同单位一起输出。情况说明没有生成。")
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
