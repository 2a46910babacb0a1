"""The unit a table prints over its header, however it is worded: 单位：万元, 金额单位：元, 单位 ：元, 单位:万元,
（单位：万元）, 单位：人民币元, 单位(元), or the unit alone (万元 / （元）) as a word of the 编制单位 line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from budget_xl.recognise.titles import fold

_SAID = re.compile(r"单位[:：(]?(?:人民币)?(万元|元)(?![\u4e00-\u9fff])")
_ALONE = re.compile(r"\(?(万元|元)\)?")


def printed_unit(words: Iterable[str], alone: bool = True) -> str | None:
    """万元 or 元 when the printed words (of one line) state the unit, else None; ``alone``: a lone 万元 word counts
    (only above the header, where no cell can print it)."""
    words = [fold(w) for w in words]
    m = _SAID.search("".join(words))
    if m:
        return m.group(1)
    lone = [w for w in words if _ALONE.fullmatch(w)] if alone else []
    return _ALONE.fullmatch(lone[0]).group(1) if len(lone) == 1 else None
