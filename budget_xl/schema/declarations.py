"""The layout and relation files validated when loaded (pydantic), as pandera validates a schema when it is
built: an unknown key, a wrong type, or a table, row or column referenced but not declared is an error naming
the file and the entry — never a silent false finding later.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class LayoutError(ValueError):
    """A layout or relation file that does not hold together; the message names file and entry (Chinese)."""

    def __init__(self, file: str, entry: str, problem: str):
        self.file, self.entry, self.problem = file, entry, problem
        super().__init__(f"版式文件 {file} 有误：{entry}：{problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ColumnDecl(_Strict):
    key: str
    header: list[str] = Field(min_length=1, max_length=2)
    type: Literal["seq", "code", "label", "amount", "number", "percent", "text"]
    width: float = 12
    aliases: list[str] = []  # other printed headers of this column (金额 for 合计 …), matched by meaning


class RowDecl(_Strict):
    key: str
    label: str
    line: int | None = None
    after: str | None = None
    total: bool = False
    code: str | None = None
    type: Literal["amount", "text"] | None = None
    unit_of: str | None = None
    needed: Literal["error", "warning"] | None = None  # a blank value is reported (C-INFO) at this level
    dropped_in: int | None = None  # the first year whose form no longer prints this row: C-ROWS asks for it before
    optional: bool = False  # a row the printed form has no line for (决算's 年末 breakdown): C-ROWS never asks for it


class SideDecl(_Strict):
    name: str
    label: str
    classes: bool = False
    rows: list[RowDecl] = []


class RowSumDecl(_Strict):
    total: str
    parts: list[str] = Field(min_length=1)
    side: str | None = None


class LineSumDecl(_Strict):
    total: str
    parts: list[str] | Literal["classes"]
    columns: list[str] = Field(min_length=1)
    partial: bool = False


class SheetDecl(_Strict):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    sheet: str
    title: str
    aliases: list[str] = []  # other printed titles of this table (other years, levels, 单位预算), matched by meaning
    kind: Literal["coded", "fixed", "two_sided", "records", "keyvalue"]
    columns: list[ColumnDecl] = Field(min_length=1)
    required: bool = False
    code_system: Literal["func", "econ"] | None = None
    unit: Literal["元", "万元"] | None = None
    label: str | None = None
    side: list[SideDecl] = []
    rows: list[RowDecl] = []
    row_sums: list[RowSumDecl] = []
    line_sums: list[LineSumDecl] = []
    key_column: str | None = None
    empty_note: str | None = None
    notes: list[str] = []
    items: list[str] = []
    written: bool = True
    published: bool = False
    may_be_empty: bool = False
    record_total_columns: list[str] = []
    # columns or fixed rows that other templates print and this one does not: a relation (or a row / line sum)
    # naming them is not applicable here, and a part it names contributes nothing
    not_printed: list[str] = []
    totals_only: bool = False  # a coded table this template prints with its 合计 line only, no rows by code
    # a fixed table printed across one line of figures: (printed column header, row key), left to right
    across: list[tuple[str, str]] = []

    @model_validator(mode="after")
    def _references(self):
        cols = {c.key for c in self.columns}
        rows = {r.key for r in self.rows} | {r.key for s in self.side for r in s.rows}
        for name in self.not_printed:
            if name in cols or name in rows:
                raise ValueError(f"“{name}”已声明为本表的列或行，不能同时写在 not_printed 中")
        absent = set(self.not_printed)
        for name in [c for rs in self.row_sums for c in (rs.total, *rs.parts)] + \
                [c for ls in self.line_sums for c in ls.columns]:
            if name not in cols and name not in absent:
                raise ValueError(f"引用了未声明的列“{name}”")
        for name in list(self.record_total_columns) + [s.label for s in self.side] + \
                [c for c in (self.label, self.key_column) if c]:
            if name not in cols:
                raise ValueError(f"引用了未声明的列“{name}”")
        if any(s.classes for s in self.side):
            rows |= {"classes"}
        for ls in self.line_sums:
            for name in [ls.total, *([] if ls.parts == "classes" else ls.parts)]:
                if name not in rows and name not in absent:
                    raise ValueError(f"合计关系引用了未声明的行“{name}”")
        if self.kind == "coded" and not self.code_system:
            raise ValueError("按科目编码的表（kind = coded）必须写 code_system（func 或 econ）")
        for _, name in self.across:
            if name not in rows:
                raise ValueError(f"横印的栏引用了未声明的行“{name}”")
        if self.totals_only and self.kind != "coded":
            raise ValueError("totals_only 只用于按科目编码的表（kind = coded）")
        return self


class LayoutFile(_Strict):
    func_classes: list[tuple[str, str]]
    default_unit: Literal["元", "万元"] = "万元"  # unit of a table whose unit 基本信息 does not state
    header_words: list[str] = []  # words printed in table headers that name no column of figures (科目编码, 栏次…)
    kind: Literal["预算", "决算"] = "预算"
    # totals of coded tables printed as the sum of their rounded parts (决算 systems), not as the rounding of the
    # exact figure: such a total carries its parts' shares (rounding.py)
    printed_sums: bool = False
    chapters: list[tuple[str, str]] = []  # 情况说明 headings: (regular expression, chapter name) — the importer splits by them
    profile_label: str | None = None  # the profile's name for users (全国, 上海, 江苏)
    sheet: list[SheetDecl] = Field(min_length=1)


class TermDecl(_Strict):
    table: str
    rows: str | list[str]
    column: str | None = None
    columns: list[str] | None = None
    except_: list[str] = Field(default=[], alias="except")

    @model_validator(mode="after")
    def _one_column_spec(self):
        if (self.column is None) == (self.columns is None):
            raise ValueError("每一项须写 column 或 columns 之一")
        return self

    @property
    def column_keys(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns or [])


SELECTORS = ("classes", "coded", "each", "records")
CONDITIONS = ("all_fiscal", "not_all_fiscal")


class RelationDecl(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
    kind: Literal["copy", "sum", "at_most"]
    severity: Literal["error", "warning", "info"] | None = None
    description: str | None = None
    example: str | None = None
    a: TermDecl | None = None
    b: TermDecl | None = None
    total: TermDecl | None = None
    parts: list[TermDecl] = []
    small: list[TermDecl] = []
    big: TermDecl | None = None
    fill: Literal["a", "total"] | None = None
    missing: Literal["warning", "error", "ignore"] = "ignore"
    when: Literal[CONDITIONS] | None = None  # type: ignore[valid-type]
    what: str | None = None
    why: str = ""
    excess: str | None = None
    names: list[str] = []

    @model_validator(mode="after")
    def _sides(self):
        need = {"copy": ("a", "b"), "sum": ("total", "parts"), "at_most": ("small", "big")}[self.kind]
        for name in need:
            if not getattr(self, name):
                raise ValueError(f"{self.kind} 关系须写 {name}")
        other = {"a", "b", "total", "parts", "small", "big"} - set(need)
        for name in other:
            if getattr(self, name):
                raise ValueError(f"{self.kind} 关系不用 {name}")
        return self

    def terms(self) -> list[TermDecl]:
        return [t for t in (self.a, self.b, self.total, self.big, *self.parts, *self.small) if t is not None]


class RelationFile(_Strict):
    relation: list[RelationDecl] = []


def _entry(raw: dict, loc: tuple) -> str:
    """'sheet[3]（T2）.row_sums[0].parts' from a pydantic error location."""
    out, node = [], raw
    for part in loc:
        if isinstance(part, int):
            out[-1] += f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and ("key" in node or "id" in node):
                    out[-1] += f"（{node.get('key') or node.get('id')}）"
        else:
            out.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(out) or "（文件）"


_PYDANTIC_ZH = (
    (re.compile(r"^Extra inputs are not permitted"), "不认识的键（拼写错误？）"),
    (re.compile(r"^Field required"), "缺少必填的键"),
    (re.compile(r"^Input should be (.*)"), r"取值应为 \1"),
    (re.compile(r"^Value error, (.*)"), r"\1"),
    (re.compile(r"^String should match pattern (.*)"), r"格式不符 \1"),
)


def _zh(msg: str) -> str:
    for pat, repl in _PYDANTIC_ZH:
        if pat.match(msg):
            return pat.sub(repl, msg)
    return msg


def validated(model: type[BaseModel], raw: dict, file: str) -> BaseModel:
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        # an unknown key first: a misspelt key also makes the right one "missing", and the typo is the news
        err = sorted(e.errors(), key=lambda x: x["type"] != "extra_forbidden")[0]
        raise LayoutError(file, _entry(raw, err["loc"]), _zh(err["msg"])) from None


def check_relation_references(relations: RelationFile, sheets: dict[str, SheetDecl], file: str) -> None:
    """Every table, column and fixed row a relation names is declared in the layouts; the first declaration
    of an id carries its severity and description."""
    described: set[str] = set()
    for i, rel in enumerate(relations.relation):
        entry = f"relation[{i}]（{rel.id}）"
        if rel.id not in described:
            if not rel.severity or not rel.description:
                raise LayoutError(file, entry, "每个编号第一次出现时须写 severity 和 description")
            described.add(rel.id)
        for term in rel.terms():
            sheet = sheets.get(term.table)
            if sheet is None:
                raise LayoutError(file, entry, f"引用了未声明的表“{term.table}”")
            cols = {c.key for c in sheet.columns} | set(sheet.not_printed)
            for c in term.column_keys:
                if c not in cols:
                    raise LayoutError(file, entry, f"表 {term.table} 没有列“{c}”")
            names = [term.rows] if isinstance(term.rows, str) else term.rows
            fixed = {r.key for r in sheet.rows} | {r.key for s in sheet.side for r in s.rows} | set(sheet.not_printed)
            for name in names:
                for alt in name.split("|"):
                    if alt in SELECTORS or alt == "合计" or sheet.kind in ("coded", "records"):
                        continue
                    if any(s.classes for s in sheet.side) and (re.fullmatch(r"\d{3}", alt) or alt == "往来"):
                        continue
                    if alt not in fixed:
                        raise LayoutError(file, entry, f"表 {term.table} 没有行“{alt}”")


def check_title_aliases(sheets: list[SheetDecl], file: str) -> None:
    """Within one profile a printed title names one table: two tables whose title or aliases mean the same
    would make recognition a guess."""
    from budget_xl.recognise.titles import title_key

    owner: dict[str, str] = {}
    for i, sheet in enumerate(sheets):
        for text in (sheet.title, *sheet.aliases):
            key = title_key(text)
            if not key:
                raise LayoutError(file, f"sheet[{i}]（{sheet.key}）", f"表题或别名“{text}”去掉年度、编号等后为空")
            if owner.setdefault(key, sheet.key) != sheet.key:
                raise LayoutError(file, f"sheet[{i}]（{sheet.key}）",
                                  f"表题或别名“{text}”与表 {owner[key]} 的表题含义相同（都读作“{key}”）")
