"""The data model: tables of rows whose amounts are Decimal (or None when the cell is blank).

A blank cell is "unknown", never 0. Every value read from a sheet remembers its cell (``sheet!A1``), so
a finding can point at it. Rows of coded tables are keyed by 科目编码, fixed rows by their declared key,
never by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from budget_xl.schema import DEFAULT_PROFILE, Layout, load_schema
from budget_xl.units import WAN

TOTAL_KEY = "合计"


@dataclass
class Row:
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    line: int | None = None  # 1-based sheet row when read from a sheet
    side: str | None = None
    invalid: set[str] = field(default_factory=set)  # columns whose cell held text that is not a number

    def amount(self, col: str) -> Decimal | None:
        v = self.values.get(col)
        return v if isinstance(v, Decimal) else None

    def text(self, col: str) -> str:
        v = self.values.get(col)
        return "" if v is None else str(v)

    def cell(self, col: str) -> str | None:
        return self.cells.get(col)

    @property
    def code(self) -> str | None:
        c = self.values.get("code")
        return str(c) if c else None


@dataclass
class Table:
    layout: Layout
    rows: list[Row] = field(default_factory=list)
    unit: str = WAN
    sheet: str | None = None
    present: bool = True
    notes: list[tuple[str, str | None]] = field(default_factory=list)
    title_cell: str | None = None

    @property
    def key(self) -> str:
        return self.layout.key

    @cached_property
    def _index(self) -> dict[str, Row]:
        index: dict[str, Row] = {}
        for r in self.rows:
            index.setdefault(r.key, r)
        return index

    def get(self, key: str) -> Row | None:
        return self._index.get(key)

    def reindex(self) -> None:
        self.__dict__.pop("_index", None)

    @property
    def total_row(self) -> Row | None:
        return self.get(TOTAL_KEY)

    def coded_rows(self) -> list[Row]:
        return [r for r in self.rows if r.values.get("code")]  # r.code, without its str() for every row

    def side_rows(self, side: str) -> list[Row]:
        return [r for r in self.rows if r.side == side]

    def has_amounts(self) -> bool:
        cols = self.layout.amount_columns
        return any(r.amount(c) not in (None, Decimal(0)) for r in self.rows for c in cols)

    def sheet_name(self) -> str:
        return self.sheet or self.layout.sheet


@dataclass
class Budget:
    tables: dict[str, Table]
    source: str = ""
    profile: str = DEFAULT_PROFILE  # the disclosure template (layouts/relations) these tables follow

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]

    def info(self, key: str) -> str:
        t = self.tables.get("INFO")
        row = t.get(key) if t else None
        return row.text("value").strip() if row else ""

    @property
    def dept_name(self) -> str:
        return self.info("dept_name")

    @property
    def budget_type(self) -> str:
        """部门预算 or 单位预算 (基本信息 预算类型; 部门预算 when not stated)."""
        return "单位预算" if "单位" in self.info("budget_type") else "部门预算"

    @property
    def kind(self) -> str:
        """预算 or 决算: the kind of the profile the workbook follows (基本信息 “模板”, or its tables' titles)."""
        from budget_xl.schema import load_schema

        return load_schema(self.profile).kind

    @property
    def year(self) -> int | None:
        return parse_year(self.info("year"))

    def texts(self, item: str) -> list[Row]:
        """Rows of 说明文字 whose 项目 is ``item``, in sheet order."""
        t = self.tables.get("TEXT")
        if not t:
            return []
        from budget_xl.schema import label_key
        want = label_key(item)
        return [r for r in t.rows if label_key(r.text("item")) == want]

    def text(self, item: str) -> str:
        rows = self.texts(item)
        return rows[0].text("text").strip() if rows else ""


def copy_budget(budget: Budget) -> Budget:
    """A copy whose values can be changed without touching the original (layouts are shared: they are frozen)."""
    tables = {}
    for key, t in budget.tables.items():
        rows = [Row(key=r.key, values=dict(r.values), cells=dict(r.cells), line=r.line, side=r.side,
                    invalid=set(r.invalid)) for r in t.rows]
        tables[key] = Table(layout=t.layout, rows=rows, unit=t.unit, sheet=t.sheet, present=t.present,
                            notes=list(t.notes), title_cell=t.title_cell)
    return Budget(tables=tables, source=budget.source, profile=budget.profile)


_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
YEAR_RANGE = (1949, 2199)


def parse_year(text: str) -> int | None:
    """“2024”, “2024年”, “2024年度”, “二〇二四年” → 2024; anything else (99999999999, 24) → None."""
    s = text.strip().translate(_CN_DIGITS)
    digits = "".join(ch for ch in s if ch.isdigit())
    if len(digits) != 4:
        return None
    y = int(digits)
    return y if YEAR_RANGE[0] <= y <= YEAR_RANGE[1] else None


def snapshot(budget: Budget) -> dict[str, dict[str, dict[str, Any]]]:
    """The model's content without cell addresses: equal snapshots mean "the same budget"."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for key, table in budget.tables.items():
        rows: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(table.rows):
            k = r.key if not r.key.startswith("#") else f"#{i}"
            rows[k] = {c: v for c, v in r.values.items() if v not in (None, "")}
        out[key] = {"_unit": table.unit, "_present": table.present,
                    "_notes": [t for t, _ in table.notes], **rows}  # type: ignore[dict-item]
    return out


def empty_budget(source: str = "", profile: str = DEFAULT_PROFILE) -> Budget:
    """A budget with every layout present and no rows — the blank master workbook's content."""
    schema = load_schema(profile)
    return Budget(tables={lay.key: Table(layout=lay, unit=lay.unit or schema.default_unit) for lay in schema.layouts},
                  source=source, profile=profile)
