"""The workbook's table layouts, loaded once from ``profiles/<profile>/layouts.toml``.

Everything that touches a sheet (writer, reader, rules, narrative) asks this module what the sheet
looks like, so a layout change is made in one place: the TOML file.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources

from budget_xl.schema.declarations import (
    LayoutError,
    LayoutFile,
    RelationFile,
    check_relation_references,
    check_title_aliases,
    validated,
)

AMOUNT_TYPES = frozenset({"amount", "number", "percent"})


@dataclass(frozen=True)
class Column:
    key: str
    header: tuple[str, ...]
    type: str
    width: float = 12
    aliases: tuple[str, ...] = ()  # other printed headers of this column

    @property
    def is_numeric(self) -> bool:
        return self.type in AMOUNT_TYPES


@dataclass(frozen=True)
class FixedRow:
    key: str
    label: str
    line: int | None = None
    after: str | None = None
    total: bool = False
    code: str | None = None  # 类 code for the 功能分类 rows of two-sided tables
    type: str | None = None  # keyvalue rows may say how their value reads ("amount")
    unit_of: str | None = None
    needed: str | None = None  # keyvalue rows that must be filled: "error" or "warning" when blank
    dropped_in: int | None = None  # the first year whose form leaves it out (江苏 2019: no 专户管理教育收费)
    optional: bool = False  # the printed form has no line for it (决算's 年末 breakdown by fund)


@dataclass(frozen=True)
class Side:
    name: str
    label: str  # column key holding the row labels of this side
    rows: tuple[FixedRow, ...]
    columns: tuple[str, ...]  # amount columns that belong to this side


@dataclass(frozen=True)
class RowSum:
    """Inside every row: ``total`` column = Σ ``parts`` columns."""

    total: str
    parts: tuple[str, ...]
    side: str | None = None


@dataclass(frozen=True)
class LineSum:
    """Between fixed rows, per column: ``total`` row = Σ ``parts`` rows."""

    total: str
    parts: tuple[str, ...]
    columns: tuple[str, ...]
    partial: bool = False  # parts are a breakdown ("其中") that need not exhaust the total


@dataclass(frozen=True)
class Layout:
    key: str
    sheet: str
    title: str
    kind: str
    columns: tuple[Column, ...]
    required: bool = False
    code_system: str | None = None
    unit: str | None = None  # fixed unit; otherwise the unit is read from 基本信息
    label: str | None = None
    sides: tuple[Side, ...] = ()
    rows: tuple[FixedRow, ...] = ()
    row_sums: tuple[RowSum, ...] = ()
    line_sums: tuple[LineSum, ...] = ()
    key_column: str | None = None
    empty_note: str | None = None
    notes: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    written: bool = True  # False: not part of the template (a sheet our commands add, e.g. 变更记录)
    published: bool = False  # one of the disclosure's printed tables
    may_be_empty: bool = False  # printed with a 空表 note when there is nothing to show
    record_total_columns: tuple[str, ...] = ()  # records with a 合计 line: the columns it adds up
    aliases: tuple[str, ...] = ()  # other printed titles of this table (matched by budget_xl.recognise)
    not_printed: frozenset[str] = frozenset()  # columns / fixed rows of other templates this one does not print
    totals_only: bool = False  # a coded table printed with its 合计 line only (no rows by code)
    across: tuple[tuple[str, str], ...] = ()  # a fixed table printed across: (printed header, row key), left to right

    @cached_property
    def column_map(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def column(self, key: str) -> Column:
        return self.column_map[key]

    @cached_property
    def amount_columns(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.type == "amount")

    @property
    def header_depth(self) -> int:
        return max(len(c.header) for c in self.columns)

    @property
    def has_seq(self) -> bool:
        return any(c.type == "seq" for c in self.columns)

    @property
    def all_fixed_rows(self) -> tuple[FixedRow, ...]:
        if self.sides:
            return tuple(r for s in self.sides for r in s.rows)
        return self.rows

    @cached_property
    def _fixed_index(self) -> dict[str, FixedRow]:
        return {r.key: r for r in reversed(self.all_fixed_rows)}

    def fixed_row(self, key: str) -> FixedRow:
        return self._fixed_index[key]

    def header_grid(self, year: object = "", unit: str = "万元") -> list[list[str | None]]:
        """The header rows as a sheet shows them (a group's text only above its first column)."""
        depth = self.header_depth
        rows: list[list[str | None]] = [[None] * len(self.columns) for _ in range(depth)]
        prev_group = None
        for j, col in enumerate(self.columns):
            text = [render_header(h, year, unit) for h in col.header]
            if len(text) == 1:
                rows[0][j] = text[0]
                prev_group = None
            else:
                if col.header[0] != prev_group:
                    rows[0][j] = text[0]
                rows[1][j] = text[1]
                prev_group = col.header[0]
        return rows

    def side_of(self, row_key: str) -> Side | None:
        for s in self.sides:
            if any(r.key == row_key for r in s.rows):
                return s
        return None


@dataclass(frozen=True)
class Schema:
    layouts: tuple[Layout, ...]
    func_classes: tuple[tuple[str, str], ...]
    by_key: dict[str, Layout] = field(default_factory=dict)
    relations: tuple = ()  # RelationDecl, from relations.toml (validated)
    profile: str = "national"
    default_unit: str = "万元"  # unit of a table whose unit 基本信息 does not state (Shanghai: 元)
    header_words: tuple[str, ...] = ()  # printed header words that name no column (recognition)
    chapters: tuple[tuple[str, str], ...] = ()  # 情况说明 headings (pattern, chapter) the importer splits by
    kind: str = "预算"  # 预算 or 决算 (部门决算, the year-end disclosure)
    printed_sums: bool = False  # totals printed as sums of their rounded parts (see rounding.py)

    @property
    def name(self) -> str:
        return self.profile

    def __getitem__(self, key: str) -> Layout:
        return self.by_key[key]

    @property
    def tables(self) -> tuple[Layout, ...]:
        """The disclosure's printed tables the template requires (national and Shanghai: T1…T9; Jiangsu: 12)."""
        return tuple(lay for lay in self.layouts if lay.published and lay.required)


def _side(raw: dict, columns: tuple[Column, ...], classes: tuple[tuple[str, str], ...]) -> Side:
    rows = []
    if raw.get("classes"):
        rows += [FixedRow(key=code, label=name, code=None if code == "往来" else code) for code, name in classes]
    rows += [FixedRow(**r) for r in raw.get("rows", [])]
    # the side's amount columns are those between its label column and the next label column
    keys = [c.key for c in columns]
    start = keys.index(raw["label"]) + 1
    own = []
    for c in columns[start:]:
        if c.type == "label":
            break
        if c.type == "amount":
            own.append(c.key)
    return Side(name=raw["name"], label=raw["label"], rows=tuple(rows), columns=tuple(own))


def _layout(raw: dict, classes: tuple[tuple[str, str], ...]) -> Layout:
    columns = tuple(Column(key=c["key"], header=tuple(c["header"]), type=c["type"],
                           width=c.get("width", 12), aliases=tuple(c.get("aliases", ())))
                    for c in raw["columns"])
    sides = tuple(_side(s, columns, classes) for s in raw.get("side", []))
    line_sums = []
    for ls in raw.get("line_sums", []):
        parts = ls["parts"]
        if parts == "classes":
            parts = [code for code, _ in classes]
        line_sums.append(LineSum(total=ls["total"], parts=tuple(parts), columns=tuple(ls["columns"]),
                                 partial=ls.get("partial", False)))
    return Layout(
        key=raw["key"], sheet=raw["sheet"], title=raw["title"], kind=raw["kind"], columns=columns,
        required=raw.get("required", False), code_system=raw.get("code_system"), unit=raw.get("unit"),
        label=raw.get("label"), sides=sides, rows=tuple(FixedRow(**r) for r in raw.get("rows", [])),
        row_sums=tuple(RowSum(total=r["total"], parts=tuple(r["parts"]), side=r.get("side"))
                       for r in raw.get("row_sums", [])),
        line_sums=tuple(line_sums), key_column=raw.get("key_column"), empty_note=raw.get("empty_note"),
        notes=tuple(raw.get("notes", [])), items=tuple(raw.get("items", [])), written=raw.get("written", True),
        record_total_columns=tuple(raw.get("record_total_columns", ())),
        published=raw.get("published", False), may_be_empty=raw.get("may_be_empty", False),
        aliases=tuple(raw.get("aliases", ())),
        not_printed=frozenset(raw.get("not_printed", ())), totals_only=raw.get("totals_only", False),
        across=tuple((h, k) for h, k in raw.get("across", ())),
    )


DEFAULT_PROFILE = "national"


def _discover_profiles() -> dict[str, str]:
    """Every folder of ``profiles/`` with a layouts file is a profile (another province is a new folder);
    its ``label`` is how 基本信息 “模板” and messages name it. The national profile comes first."""
    root = resources.files(__package__).joinpath("profiles")
    found: dict[str, str] = {}
    for entry in sorted(root.iterdir(), key=lambda p: (p.name != DEFAULT_PROFILE, p.name)):
        layouts = entry.joinpath("layouts.toml")
        if layouts.is_file():
            m = re.search(r'^profile_label\s*=\s*"([^"]+)"', layouts.read_text(encoding="utf-8"), re.M)
            found[entry.name] = m.group(1) if m else entry.name
    return found


PROFILE_LABELS = _discover_profiles()  # as 基本信息 “模板” shows them
PROFILES = tuple(PROFILE_LABELS)


@cache
def load_schema(profile: str = DEFAULT_PROFILE) -> Schema:
    """One profile = one disclosure template (table set, layouts, relations): ``profiles/<name>/``."""
    if profile not in PROFILES:
        raise LayoutError(f"profiles/{profile}", "模板", f"没有名为“{profile}”的模板（可用：{'、'.join(PROFILES)}）")
    folder = resources.files(__package__).joinpath("profiles", profile)
    return schema_from_texts(folder.joinpath("layouts.toml").read_text(encoding="utf-8"),
                             folder.joinpath("relations.toml").read_text(encoding="utf-8")
                             if folder.joinpath("relations.toml").is_file() else "",
                             profile=profile)


def schema_from_texts(layouts_text: str, relations_text: str = "", profile: str = DEFAULT_PROFILE) -> Schema:
    """Validate and build a profile from the two files' texts (also what the tests plant typos into)."""
    layout_file, relation_file = f"profiles/{profile}/layouts.toml", f"profiles/{profile}/relations.toml"
    raw = _toml(layouts_text, layout_file)
    decl = validated(LayoutFile, raw, layout_file)
    rel_raw = _toml(relations_text, relation_file)
    rels = validated(RelationFile, rel_raw, relation_file)
    check_relation_references(rels, {s.key: s for s in decl.sheet}, relation_file)
    check_title_aliases(decl.sheet, layout_file)
    classes = tuple((c[0], c[1]) for c in raw["func_classes"])
    layouts = tuple(_layout(s, classes) for s in raw["sheet"])
    return Schema(layouts=layouts, func_classes=classes, by_key={lay.key: lay for lay in layouts},
                  relations=tuple(rels.relation), profile=profile,
                  default_unit=raw.get("default_unit", "万元"), header_words=tuple(raw.get("header_words", ())),
                  chapters=tuple((c[0], c[1]) for c in raw.get("chapters", ())),
                  kind=raw.get("kind", "预算"), printed_sums=raw.get("printed_sums", False))


def _toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LayoutError(file, "（文件）", f"不是合法的 TOML：{e}") from None


def profile_from_label(text: object) -> str | None:
    """基本信息 “模板” (上海 / shanghai / 全国) → profile name; None when it names none."""
    s = str(text or "").strip().lower()
    if not s:
        return None
    if s in PROFILE_LABELS:
        return s
    hits = [(len(label), name) for name, label in PROFILE_LABELS.items() if label in s]
    return max(hits)[1] if hits else None  # the longest label: “上海部门决算” is not “上海”


def profiles_of_kind(kind: str) -> tuple[str, ...]:
    """The profiles of one kind (预算 / 决算), from each layouts file's top-level ``kind``."""
    return tuple(p for p in PROFILES if load_schema(p).kind == kind)


def profile_for(template: str, kind: str = "预算") -> str:
    """The profile of a template (national, shanghai) and a kind: the template itself for its own kind, else the
    profile of that kind named after it (shanghai_juesuan), else the only one of that kind."""
    if load_schema(template).kind == kind:
        return template
    same = profiles_of_kind(kind)
    named = [p for p in same if p.startswith(template + "_")]
    if named:
        return named[0]
    if not same:
        raise LayoutError(f"profiles/{template}", "kind", f"没有{kind}表式")
    return same[0]


def typed_title(title: str, budget_type: str = "部门预算") -> str:
    """A table title as a 单位预算 prints it: its first “部门” reads “单位”."""
    return title.replace("部门", "单位", 1) if budget_type == "单位预算" else title


def parent_code(code: str, system: str | None) -> str | None:
    """The code one level up: 功能分类 7 → 5 → 3 digits, 经济分类 5 → 3; None at the 类 level or for odd lengths."""
    n = len(code)
    if system == "econ":
        return code[:3] if n == 5 else None
    return code[:3] if n == 5 else code[:5] if n == 7 else None


def render_header(text: str, year: object = "", unit: str = "万元") -> str:
    """Fill a header's {year} and {unit}; without a year, '{year}年' disappears."""
    text = text.replace("{year}", str(year)) if year else text.replace("{year}年", "")
    return text.replace("{unit}", unit)


_YEAR_PREFIX = re.compile(r"^\d{4}年")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_SPACE = re.compile(r"[\s\u3000]+")


def header_key(text: object) -> str:
    """Compare headers loosely: no blanks, no year prefix, no trailing note in brackets."""
    return _header_key(str(text or ""))


@lru_cache(maxsize=8192)  # a workbook asks for the same few hundred headers thousands of times
def _header_key(text: str) -> str:
    s = _SPACE.sub("", text)
    s = _YEAR_PREFIX.sub("", s)
    s = s.replace("{year}年", "")
    s = _TRAILING_NOTE.sub("", s)
    return s


_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|其中[:：])+")
_TAGS = re.compile(r"<[^>]+>")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "（": "(", "）": ")", "：": ":"})


def display_label(text: object) -> str:
    """A row label for messages: no blanks, tags or enumerator, punctuation as printed."""
    s = _TAGS.sub("", str(text or ""))
    s = _SPACE.sub("", s)
    return _ENUM.sub("", s)


def label_key(text: object) -> str:
    """Match row labels loosely: no blanks, no HTML tags, no enumerator (一、 1、 （一） 其中：), one kind of quote,
    full-width digits and letters as ASCII (“单价在２０万元以上的设备”, typed in full-width mode, was no row
    of 国有资产 and its value was left out of the 资产总额 sum: a false error)."""
    return _label_key(str(text or ""))


@lru_cache(maxsize=8192)  # the same titles and labels are compared with every sheet's cells
def _label_key(text: str) -> str:
    return display_label(unicodedata.normalize("NFKC", text)).translate(_QUOTES)
