"""Which declared table a printed title or header names, within a profile, and which profile a document follows.

Everything compared here comes from the profiles' layouts (title, aliases, column headers and their aliases),
reduced by ``titles.title_key`` / ``header_words``; no title or header is spelt in this module.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from budget_xl.recognise.titles import fold, is_final_accounts_title, title_key
from budget_xl.schema import PROFILES, Column, Layout, header_key, label_key, load_schema
from budget_xl.schema.declarations import LayoutError

LEADER = re.compile(r"[…\.．·]{3,}")  # the dot leaders of a 目录 line
_SENTENCE = re.compile(r"[。，；;,]")
_TABLE_END = re.compile(r"(?:表|明细表|情况表)$")
MAX_TITLE = 60


@dataclass(frozen=True)
class TitleMatch:
    layout: Layout
    exact: bool  # the profile's own title, not an alias
    printed: str


@cache
def _title_index(profile: str) -> dict[str, tuple[Layout, bool]]:
    index: dict[str, tuple[Layout, bool]] = {}
    for lay in load_schema(profile).tables:  # the disclosure tables the importer reads
        index.setdefault(title_key(lay.title), (lay, True))
        for alias in lay.aliases:
            index.setdefault(title_key(alias), (lay, False))
    return index


def could_be_title(text: str) -> bool:
    """A printed line that may be a title: short, not a sentence, not a 目录 line with leader dots."""
    s = fold(text)
    return bool(s) and len(s) <= MAX_TITLE and not LEADER.search(s) and not _SENTENCE.search(s)


def match_title(text: str, profile: str) -> TitleMatch | None:
    if not could_be_title(text):
        return None
    hit = _title_index(profile).get(title_key(text))
    return TitleMatch(hit[0], hit[1], text) if hit else None


def unknown_title(text: str) -> bool:
    """A line printed like a table title (… 表) that no layout of any profile declares."""
    if not could_be_title(text):
        return False
    key = title_key(text)
    return bool(_TABLE_END.search(key)) and len(key) >= 4 and not any(match_title(text, p) for p in PROFILES)


def final_accounts_titles(texts: Iterable[str]) -> list[str]:
    """Lines printed as titles of 决算 tables (收入支出决算总表 …)."""
    return [t for t in texts if could_be_title(t) and is_final_accounts_title(t) and _TABLE_END.search(title_key(t))]


def choose_profile(titles: Iterable[str]) -> str:
    """The profile whose tables the document's titles name most; its own titles (not aliases) break ties."""
    titles = list(titles)
    best, best_score = PROFILES[0], (0, 0)
    for name in PROFILES:
        hits = [m for t in titles if (m := match_title(t, name))]
        score = (len({m.layout.key for m in hits}), len({m.layout.key for m in hits if m.exact}))
        if score > best_score:
            best, best_score = name, score
    return best


# -- headers -------------------------------------------------------------------------------------------
def header_words(text: object) -> str:
    """A header as compared: blanks, year, trailing note in brackets and quote style do not count."""
    return label_key(header_key(fold(text)))


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    """A header's meaning → its other printings (budget_xl/schema/header_synonyms.toml)."""
    raw = tomllib.loads(resources.files("budget_xl.schema").joinpath("header_synonyms.toml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, ...]] = {}
    for i, e in enumerate(raw.get("same", []), 1):
        if not (isinstance(e.get("means"), str) and isinstance(e.get("printed"), list)
                and all(isinstance(p, str) and p.strip() for p in e["printed"])):
            raise LayoutError("schema/header_synonyms.toml", f"第{i}条 same", "须有 means（表头）和 printed（其他写法的列表）")
        key = header_words(e["means"])
        out[key] = out.get(key, ()) + tuple(header_words(p) for p in e["printed"])
    return out


def _own_names(col: Column) -> tuple[str, ...]:
    return tuple(dict.fromkeys(header_words(h) for h in (col.header[-1], *col.aliases)))


def column_names(col: Column, lay: Layout | None = None) -> tuple[str, ...]:
    """Every way a column's header is printed: its leaf header, its declared aliases and, given its table, the
    general other printings of those (header_synonyms.toml) that name no other column of the table."""
    names = _own_names(col)
    if lay is None:
        return names
    others = {n for c in lay.columns if c.key != col.key for n in (*_own_names(c), *map(header_words, c.header))}
    more = [p for n in names for p in _synonyms().get(n, ()) if p not in others and p not in names]
    return tuple(dict.fromkeys((*names, *more)))


def known_header_words(lay: Layout, structural: Iterable[str] = ()) -> set[str]:
    """Words a header of this table may carry that name no amount column: group headers, label columns, the
    other printings of its columns' headers, and the profile's structural words (科目编码, 栏次 …:
    ``header_words`` in its layouts file)."""
    words = {header_words(h) for c in lay.columns for h in (*c.header, *c.aliases)}
    words |= {n for c in lay.columns for n in column_names(c, lay)}
    return words | {header_words(w) for w in structural}
