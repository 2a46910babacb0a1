"""The checklist's items (data: ``checklists/<profile>.toml``) and each finding placed under its item
with a page and a box on that page.

A finding of ``check`` names its table (T1…) or its chapter (【预算编制说明】) and quotes the text; a document
check names its page and box. Both are placed by where they are printed: the last item heading (or table
title, cover, 目录) before them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from budget_xl.errors import InputError
from budget_xl.findings import INFO, Finding
from budget_xl.review.pages import Document

# a document check that repeats what a check of the text already says at the same place
COVERED_BY = {"DOC-PUNCT-DOUBLE": ("TXT-LEFTOVER",), "DOC-SAME-FIGURE": ("TXT-AMOUNT",)}


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    group: str
    label: str
    manual: bool = False
    note: str = ""
    where: str = ""  # cover | toc
    heading: list[str] = []
    chapter: str = ""
    table: str = ""
    tables: list[str] = []
    required: bool = True  # False: a document may leave it out (then 无, not 否)


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    head: str
    sheet: str = "{year}年{主体}预算"
    item: list[Item]


def checklist_path(profile: str) -> Path:
    return Path(str(resources.files("budget_xl.review") / "checklists" / f"{profile}.toml"))


def load_checklist(profile: str = "shanghai", path: str | Path | None = None) -> Checklist:
    """The built-in checklist of ``profile``, or the user's own (``--checklist``), read through the input guard."""
    import re

    from pydantic import ValidationError

    from budget_xl.inputs import MAX_SMALL_BYTES, read_bounded

    if path:
        p = Path(path)
        data = read_bounded(p, MAX_SMALL_BYTES, "检查表配置")
    else:
        p = checklist_path(profile)
        if not p.exists():
            p = checklist_path("national")
        data = p.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("检查表配置应为 UTF-8 编码的 TOML 文本文件（不是 Excel 或其他文件）。", file=str(p)) from None
    try:
        return Checklist.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"line (\d+), column (\d+)", str(e))
        where = f"第 {at.group(1)} 行第 {at.group(2)} 列" if at else "某处"
        raise InputError(f"检查表配置不是有效的 TOML：{where}格式有误。", file=str(p)) from None
    except ValidationError as e:
        fields = "、".join(dict.fromkeys(".".join(str(x) for x in err["loc"]) for err in e.errors()[:5]))
        raise InputError(f"检查表配置的内容不完整或有误（{fields}）：请对照内置的检查表配置修改。", file=str(p)) from None


@dataclass
class Problem:
    finding: Finding
    page: int | None
    box: tuple[float, float, float, float] | None

    @property
    def text(self) -> str:
        where = f"（第{self.page}页）" if self.page and f"第{self.page}页" not in self.finding.message else ""
        return f"{self.finding.message}{where}"


@dataclass
class Row:
    item: Item
    label: str
    problems: list[Problem] = field(default_factory=list)
    found: bool = True  # the section or table is in the document

    @property
    def ok(self) -> bool:
        return (self.found or not self.item.required) and not self.problems

    @property
    def mark(self) -> str:
        """符合要求: 是 / 否, or 无 for an optional part the document does not have."""
        if self.problems or (not self.found and self.item.required):
            return "否"
        return "是" if self.found else "无"


# -- where things are printed ----------------------------------------------------------------------------
def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")


def markers(doc: Document, items: list[Item], table_pages: dict[str, list[int]], toc_pages: set[int]):
    """(page, top, item id) where each item's part of the document begins, in reading order."""
    out: list[tuple[int, float, str]] = []
    for it in items:
        if it.where == "cover":
            out.append((1, 0.0, it.id))
        elif it.where == "toc" and toc_pages:
            out.append((min(toc_pages), 0.0, it.id))
        elif it.table and table_pages.get(it.table):
            out.append((table_pages[it.table][0], 0.0, it.id))
        elif it.heading:
            pats = [re.compile(h) for h in it.heading]
            hit = _heading(doc, pats, toc_pages)
            if hit:
                out.append((*hit, it.id))
    return sorted(out)


def _heading(doc: Document, pats, toc_pages: set[int]):
    for page in doc.pages:
        if page.number in toc_pages or page.number == 1:
            continue
        for line in page.shown_lines:
            text = _YEAR.sub("", _plain(line.text))
            if len(text) <= 40 and any(p.search(text) for p in pats):
                return page.number, line.top
    return None


def item_at(marks, page: int, top: float) -> str | None:
    found = None
    for p, t, item in marks:
        if (p, t) <= (page, top + 0.5):
            found = item
    return found


class Locator:
    """Finds a quoted piece of text on the displayed pages: (page, box of its lines)."""

    def __init__(self, doc: Document):
        self.pages = []
        for page in doc.pages:
            text, spans = "", []
            for line in page.shown_lines:
                t = _plain(line.text)
                spans.append((len(text), len(text) + len(t), line))
                text += t
            self.pages.append((page.number, text, spans))

    def find(self, quote: str, pages: set[int] | None = None):
        """Kept per (quote, pages): a 1,000-page PDF's thousands of findings quote the same few lines, and each
        miss searched every page three times."""
        key = (quote, frozenset(pages) if pages else None)
        kept = self.__dict__.setdefault("_found", {})
        if key not in kept:
            kept[key] = self._find(quote, pages)
        return kept[key]

    def _find(self, quote: str, pages: set[int] | None = None):
        q = _plain(quote).strip("…").split("…")[0]
        for size in (24, 14, 8):
            probe = q[:size]
            if len(probe) < 4:
                break
            for number, text, spans in self.pages:
                if pages and number not in pages:
                    continue
                i = text.find(probe)
                if i < 0:
                    continue
                end = i + max(len(probe), min(len(q), 60))
                lines = [line for a, b, line in spans if a < end and i < b] or [spans[0][2]]
                return number, (min(x.x0 for x in lines), min(x.top for x in lines), max(x.x1 for x in lines),
                                max(x.bottom for x in lines))
        return None


_QUOTE = re.compile(r"“((?:[^“”]|“[^“”]*”)+)”[^“”]*$")


def _quote(message: str) -> str:
    m = _QUOTE.search(message)
    return m.group(1) if m else ""


def place(findings: list[Finding], doc: Document, checklist: Checklist, tables: dict[str, list[int]],
          toc_pages: set[int], kind: str) -> list[Row]:
    """Every finding (not 提示) under its checklist item, with the page and box a picture will show."""
    subject = "单位" if kind == "单位预算" else "部门"
    rows = [Row(it, it.label.replace("{主体}", subject)) for it in checklist.item]
    by_id = {r.item.id: r for r in rows}
    table_item = {it.table: it.id for it in checklist.item if it.table}
    table_item.update({t: it.id for it in checklist.item for t in it.tables})
    chapter_item = {it.chapter: it.id for it in checklist.item if it.chapter}
    marks = markers(doc, checklist.item, tables, toc_pages)
    present = {m[2] for m in marks}
    for r in rows:
        if not r.item.manual and (r.item.table or r.item.heading or r.item.where) and r.item.id not in present:
            r.found = False
    locate = Locator(doc)
    for f in findings:
        if f.severity == INFO:
            continue
        page, box, item = f.extra.get("page"), f.extra.get("box"), None
        if page is None:
            chapter = re.match(r"【([^】·]+)", f.message)
            if chapter and chapter.group(1) in chapter_item:
                item = chapter_item[chapter.group(1)]
            elif f.table in table_item:
                item = table_item[f.table]
            hit = _where(f, locate, tables, item, marks)
            if hit:
                page, box = hit
        if item is None and page is not None:
            item = item_at(marks, page, box[1] if box else 0.0)
        row = by_id.get(item) if item else None
        if row is None:
            row = by_id.get(chapter_item.get(next(iter(chapter_item), ""), ""))  # nowhere else: the first chapter
        if row is not None:
            row.problems.append(Problem(f, page, box))
    for r in rows:
        boxes = _boxes(r.problems)
        r.problems = [p for p in r.problems if not _covered(p, boxes)]
        r.problems.sort(key=lambda p: (p.page or 0, p.box[1] if p.box else 0))
    return rows


def _where(f: Finding, locate: Locator, tables: dict[str, list[int]], item: str | None, marks):
    quote = _quote(f.message)
    pages = set(tables.get(f.table or "", [])) or None
    if quote:
        hit = locate.find(quote, pages)
        if hit:
            return hit
    if f.row and pages:
        hit = locate.find(f.row, pages)
        if hit:
            return hit
    return (min(pages), None) if pages else None  # the table's first page


def _overlap(a, b) -> bool:
    return a is not None and b is not None and a[1] < b[3] and b[1] < a[3]


def _boxes(problems: list[Problem]) -> dict[tuple[str, int | None], list]:
    """The problems' boxes by (rule, page): what ``_covered`` looks among, one look-up per problem (an item with
    thousands of problems compared every one with every other)."""
    out: dict[tuple[str, int | None], list] = {}
    for o in problems:
        out.setdefault((o.finding.rule, o.page), []).append(o.box)
    return out


def _covered(p: Problem, boxes: dict[tuple[str, int | None], list]) -> bool:
    """A problem another rule already says at the same place (``COVERED_BY``)."""
    return any(_overlap(b, p.box) for rule in COVERED_BY.get(p.finding.rule, ()) for b in boxes.get((rule, p.page), ()))
