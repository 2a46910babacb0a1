"""A table sheet with a second copy beside it: “支出总表” hidden and stale, “支出总表 (2)” visible and edited.

The reader takes the sheet named as the template names it; a copy Excel made (“支出总表 (2)”, WPS's
“支出总表(2)”, “支出总表 副本”) is not read. Silence there would let a check pass on the stale sheet, so
each such pair is a warning naming both sheets and saying which one was checked (and filled).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from budget_xl.findings import WARNING, Finding
from budget_xl.schema import label_key, load_schema

RULE = "READ-SHEET-COPY"
_COPY = re.compile(r"^(.*?)\s*(?:[(（]\s*\d{1,3}\s*[)）]|[-_ ]?副本\s*\d*|[-_ ]?copy\s*\d*)$", re.I)


def base_name(sheet: str) -> str | None:
    """“支出总表 (2)” → “支出总表”; None for a name that is not a copy's."""
    m = _COPY.match(sheet.strip())
    return m.group(1).strip() if m and m.group(1).strip() else None


def copy_notes(sheets: Collection[str], profile: str, hidden: Collection[str] = ()) -> list[Finding]:
    """One warning per table sheet that has a copy (by Excel's or WPS's naming) in the workbook."""
    notes = []
    by_key: dict[str, list[str]] = {}
    for name in sheets:
        base = base_name(name)
        if base is not None:
            by_key.setdefault(label_key(base), []).append(name)
    for lay in load_schema(profile).layouts:
        used = next((s for s in sheets if s == lay.sheet), None) or \
            next((s for s in sheets if label_key(s) == label_key(lay.sheet)), None)
        if used is None:
            continue
        copies = [c for c in by_key.get(label_key(lay.sheet), ()) if c != used]
        if not copies:
            continue
        names = "、".join(f"“{c}”{'（隐藏）' if c in hidden else ''}" for c in copies)
        state = "隐藏的" if used in hidden else ""
        notes.append(Finding(RULE, WARNING,
                             f"工作簿中除工作表“{used}”{'（隐藏）' if used in hidden else ''}外，还有它的副本 {names}。"
                             f"校验和重算读取的是{state}“{used}”，副本中的数没有读取；若副本才是最新填报的，"
                             f"请删除旧表，并把副本改名为“{lay.sheet}”后再校验。",
                             (f"{used}!A1", *(f"{c}!A1" for c in copies)), table=lay.key))
    return notes


def grid_copy_notes(grids: Mapping[str, object], profile: str) -> list[Finding]:
    return copy_notes(list(grids), profile, getattr(grids, "hidden", ()))
