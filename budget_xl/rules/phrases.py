"""How a template's 情况说明 words the figures it takes from its tables: declared per profile in
budget_xl/schema/profiles/<profile>/text.toml (a phrase → table, row, column), checked against the layouts on load.
A profile's file may say ``like = "national"`` to read another profile's wording."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from budget_xl.recognise.names import code_named
from budget_xl.schema import PROFILES, load_schema
from budget_xl.schema.declarations import LayoutError

NUM = r"(\d[\d,]*(?:\.\d+)?)"
PLACE = "{金额}"  # where the figure stands in a declared phrase
CLASS = "{类}"  # where a 功能分类 类 is named (“一般公共服务（类）支出X万元”): the row is the class so named
_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)"
_CLASS = r"(?P<cls>[\u4e00-\u9fff]{2,20}?)"


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern
    where: tuple[str, str, str]  # table, row, column
    what: str
    prior: str | None  # row of the 上年数 table (PRIOR) the change is measured against


def _read(profile: str) -> dict:
    f = resources.files("budget_xl.schema").joinpath("profiles", profile, "text.toml")
    return tomllib.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}


def _has_row(lay, row: str) -> bool:
    if lay.kind in ("coded", "records"):
        return row == "合计"
    return any(r.key == row for r in lay.all_fixed_rows)


@cache
def phrases(profile: str) -> tuple[Phrase, ...]:
    """The profile's phrases in the order they are tried (none when it declares no text.toml)."""
    raw, seen = _read(profile), {profile}
    while "like" in raw:
        other = raw["like"]
        if other not in PROFILES or other in seen:
            raise LayoutError(f"profiles/{profile}/text.toml", "like", f"没有可沿用的模板“{other}”")
        seen.add(other)
        raw = _read(other)
    return phrases_from(raw, profile)


def phrases_from(raw: dict, profile: str) -> tuple[Phrase, ...]:
    """The phrases of a parsed text.toml, each checked against ``profile``'s layouts."""
    schema = load_schema(profile)
    out = []
    for i, e in enumerate(raw.get("stated", []), 1):
        entry = f"第{i}条 stated"
        pat, cell, what = e.get("pattern"), e.get("cell"), e.get("what")
        if not (isinstance(pat, str) and pat.count(PLACE) == 1 and isinstance(what, str) and isinstance(cell, list)
                and len(cell) == 3 and all(isinstance(c, str) for c in cell)):
            raise LayoutError(f"profiles/{profile}/text.toml", entry, "须有 pattern（含一个{金额}）、cell = [表, 行, 列] 和 what")
        table, row, col = cell
        lay = schema.by_key.get(table)
        if lay is None or not (_has_row(lay, row) or (row == CLASS and CLASS in pat)) or col not in lay.column_map:
            raise LayoutError(f"profiles/{profile}/text.toml", entry, f"本模板没有表“{table}”的行“{row}”、列“{col}”")
        try:
            compiled = re.compile(pat.replace(PLACE, _AMOUNT).replace(CLASS, _CLASS))
        except re.error as err:
            raise LayoutError(f"profiles/{profile}/text.toml", entry, f"pattern 不是有效的正则表达式（{err}）") from None
        out.append(Phrase(compiled, (table, row, col), what, e.get("prior")))
    return tuple(out)


def resolve(phrase: Phrase, m: re.Match, profile: str) -> tuple[str, str, str] | None:
    """The cell a match names: the phrase's own, or the row of the 类 the match names (by the template's name of
    it, with or without 支出, or another year's name of it); None when no 类 of the template is so named."""
    table, row, col = phrase.where
    if row != CLASS:
        return phrase.where
    said = m.group("cls")
    classes = load_schema(profile).func_classes
    for name in (said, said + "支出"):
        code = next((c for c, n in classes if n == name), None) or code_named(name, [c for c, _ in classes])
        if code is not None:
            return table, code, col
    return None
