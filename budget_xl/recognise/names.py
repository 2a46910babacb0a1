"""One 科目 under the names of every year: the renamings declared in budget_xl/schema/name_changes.toml, read
both ways, so a template declaring the old names reads a document printing the new ones and the reverse."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources

from budget_xl.schema import label_key

_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")


@cache
def name_changes() -> tuple[dict, ...]:
    """The declared renamings, checked on load (a bad entry is a bug in the data file, said in Chinese)."""
    raw = tomllib.loads(resources.files("budget_xl.schema").joinpath("name_changes.toml").read_text(encoding="utf-8"))
    out = []
    for i, c in enumerate(raw.get("change", []), 1):
        ok = (isinstance(c.get("code"), str) and _CODE.fullmatch(c["code"]) and isinstance(c.get("old"), str)
              and isinstance(c.get("new"), str) and isinstance(c.get("from"), int) and c["old"].strip()
              and c["new"].strip() and isinstance(c.get("prose", True), bool))
        if not ok:
            raise ValueError(f"name_changes.toml 第{i}条更名不完整：须有 code（3/5/7 位编码）、old、new、from（年份）")
        if c["old"] != c["new"]:
            out.append({"prose": True, **c})
    return tuple(out)


@cache
def _names() -> dict[str, frozenset[str]]:
    """code → every name it has had (as ``label_key`` compares them)."""
    by: dict[str, set[str]] = {}
    for c in name_changes():
        by.setdefault(c["code"], set()).update((label_key(c["old"]), label_key(c["new"])))
    return {code: frozenset(v) for code, v in by.items()}


def codes_named(name: object) -> tuple[str, ...]:
    """The 科目 codes one of whose names, of any year, ``name`` is."""
    k = label_key(name)
    return tuple(code for code, names in _names().items() if k and k in names)


def same_subject(a: object, b: object, code: str | None = None) -> bool:
    """Two printings of one 科目 name: equal, or two names of one code (of ``code`` when given)."""
    ka, kb = label_key(a), label_key(b)
    if ka == kb:
        return bool(ka)
    return any(ka in names and kb in names for c, names in _names().items() if code is None or c == code)


def code_named(name: object, codes: Iterable[str]) -> str | None:
    """The one of ``codes`` that ``name`` names under another year's name, or None."""
    hits = set(codes_named(name))
    return next((c for c in codes if c in hits), None)


def newer(name: object, than: object, code: str) -> bool:
    """``name`` is a later name of ``code`` than ``than`` (both among its declared names)."""
    order = []
    for c in sorted((c for c in name_changes() if c["code"] == code), key=lambda c: c["from"]):
        for n in (c["old"], c["new"]):
            if label_key(n) not in order:
                order.append(label_key(n))
    a, b = label_key(name), label_key(than)
    return a in order and b in order and order.index(a) > order.index(b)


def current_name(code: str, year: int) -> str | None:
    """The name ``code`` has in budgets of ``year`` by the declared renamings (None when never renamed)."""
    done = [c for c in name_changes() if c["code"] == code and c["from"] <= year]
    return max(done, key=lambda c: c["from"])["new"] if done else None
