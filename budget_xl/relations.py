"""The declared relations expanded over one workbook: every concrete comparison between cells.

The layout shorthands (``row_sums``, ``line_sums``, the code tree of coded tables) and the entries of
``relations.toml`` become ``Instance``s — a total and its parts, two copies, a bound and what it bounds — on
the rows the workbook really has. ``check`` evaluates them (``evaluate``), ``fill`` derives its graph from the
ones marked ``fill`` (``derive.py``), localization reads them as linear constraints. Nothing is written twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from budget_xl.findings import ERROR, INFO, Finding
from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.rounding import DEFAULT, MONEY, TEN_THOUSAND, Tolerances
from budget_xl.rules.base import (
    ZERO,
    check_at_most,
    check_copy,
    check_parts_at_most,
    check_sum,
    fig,
    finding,
    prints_only_totals,
    row_label,
    show,
    sum_findings,
)
from budget_xl.schema import load_schema, parent_code
from budget_xl.schema.declarations import RelationDecl, TermDecl
from budget_xl.units import WAN

SUM, COPY, AT_MOST, MISSING = "sum", "copy", "at_most", "missing"
# what became of one relation instance (the coverage account of ``check``)
CHECKED, NOT_APPLICABLE, NOT_CHECKABLE = "checked", "not_applicable", "not_checkable"
# which derivation fills a cell when several could: code tree and line totals, then copies, then row sums
PRIORITY = {"TREE": 0, "LINE": 0, "COPY": 1, "ROW": 2}


class Term(NamedTuple):
    """One cell taking part in a relation (a tuple: some hundred thousand are made for a large workbook)."""

    table: Table
    row: Row
    col: str

    @property
    def cell(self) -> str | None:
        return self.row.cells.get(self.col)

    def value(self) -> Decimal | None:
        return self.row.amount(self.col)

    def describe(self) -> str:
        column = self.table.layout.column(self.col).header[-1]
        return f"{self.table.sheet_name()}“{row_label(self.table, self.row)}”{column}"


@dataclass(frozen=True)
class Instance:
    """One concrete relation: sum (total = Σ parts), copy (total is parts[0]), at_most (Σ parts ≤ total)."""

    rule: str
    kind: str
    total: Term
    parts: tuple[Term, ...]
    severity: str = ERROR
    what: str = ""
    why: str = ""
    fill: bool = False
    origin: str = "ROW"           # ROW | LINE | TREE | COPY | DECL: which declaration made it
    excess: str | None = None
    note: str = ""                # for MISSING: the counterpart that has no row
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(c for c in (t.cell for t in (self.total, *self.parts)) if c)


@dataclass(frozen=True)
class Skipped:
    """A relation slot this template or document does not print (a column or row the profile declares
    ``not_printed``, or a row by code of a table printed with its 合计 only): not applicable, never an
    Instance — so never a finding, and not a constraint for fill or localization."""

    rule: str
    table: str      # the table of the relation's anchor (its total, first copy or bound)
    reason: str     # "not_printed" | "totals_only"


class _Absent:
    """A slot of ``_slots`` that the template does not print (contributes nothing to a sum) or whose share
    is unknown because its table prints only its 合计 line."""

    def __init__(self, reason: str):
        self.reason = reason


NOT_PRINTED, TOTALS_ONLY = _Absent("not_printed"), _Absent("totals_only")


def _skip(skipped: list[Skipped] | None, rule: str, table: str, reason: str, known: list) -> None:
    """Record a slot as not applicable when something of it is printed (a figure on either side): where
    nothing is printed on either side there is no relation to speak of."""
    if skipped is not None and any(isinstance(k, tuple) and k[2] in k[0].layout.column_map
                                   and k[1].amount(k[2]) is not None for k in known):
        skipped.append(Skipped(rule, table, reason))


# ------------------------------------------------------------------ conditions (what cannot be data)
def _all_fiscal(budget: Budget) -> bool:
    """Every yuan of the budget is 财政拨款 (收支总表 收入总计 = 财拨总表 收入总计)."""
    t1, t4 = _t(budget, "T1"), _t(budget, "T4")
    a = t1.get("in_grand") if t1 else None
    b = t4.get("in_grand") if t4 else None
    va, vb = (a.amount("in_amount") if a else None), (b.amount("in_amount") if b else None)
    if va is None or vb is None:
        return False
    from budget_xl.rounding import to_yuan
    return to_yuan(va, t1.unit) == to_yuan(vb, t4.unit)


CONDITIONS: dict[str, Callable[[Budget], bool]] = {
    "all_fiscal": _all_fiscal,
    "not_all_fiscal": lambda b: not _all_fiscal(b),
}


def _t(budget: Budget, key: str) -> Table | None:
    t = budget.tables.get(key)
    return t if t is not None and t.present else None


# ------------------------------------------------------------------ layout shorthands
# Expansion yields "protos" — (rule, kind, total, parts, kw, shape): each cell a plain (table, row, column)
# tuple, ``kw`` the Instance's other fields, ``shape`` what the producer knows of its cells (``MIXED``;
# ``ONE_TABLE``: every part in the total's table; ``ONE_COLUMN``: and in its column) — so that ``scan`` can
# classify a large workbook's tens of thousands of relations without building an object for each; ``expand``
# turns every proto into an ``Instance``.
Proto = tuple  # (rule, kind, total: (Table, Row, str), parts: tuple[(Table, Row, str), ...], kw: dict, shape)
MIXED, ONE_TABLE, ONE_COLUMN = 0, 1, 2


def _has(row: Row, col: str) -> bool:
    return col in row.cells or col in row.values


# scan's mode only: one "proto" standing for a whole family of relations of one shape — a row sum on every row, a
# parent of the code tree on every column — that ``scan`` classifies in one loop, building a proto only for a
# member that does not plainly hold (or that its fast loop does not cover); ``expand`` never sees them
ROW_FAMILY, TREE_FAMILY, DECL_FAMILY = "row_family", "tree_family", "decl_family"  # DECL: one declared relation


def _row_sum_proto(t: Table, row: Row, total: str, printed: list[str], rule: str, kw: dict) -> Proto | None:
    cells, values = row.cells, row.values
    if not (total in cells or total in values):
        return None
    parts = tuple([(t, row, c) for c in printed if c in cells or c in values])
    return (rule, SUM, (t, row, total), parts, kw, ONE_TABLE) if parts else None


def _layout_protos(budget: Budget, skipped: list[Skipped] | None = None, families: bool = False):
    for t in budget.tables.values():
        if not t.present:
            continue
        lay = t.layout
        for rs in lay.row_sums:
            printed = [p for p in rs.parts if p not in lay.not_printed]  # a part the template lacks adds nothing
            what = "、".join(lay.column(p).header[-1] for p in printed) + "之和"
            rule, kw, total = f"{lay.key}-ROW-SUM", {"what": what, "fill": True, "origin": "ROW"}, rs.total
            absent = total in lay.not_printed or not printed
            if families and not absent:
                rows = [row for row in t.rows if not rs.side or row.side == rs.side]
                yield rule, ROW_FAMILY, (t, total, printed, rows), (), kw, ONE_TABLE
                continue
            for row in t.rows:
                if rs.side and row.side != rs.side:
                    continue
                if absent:
                    _skip(skipped, rule, lay.key, NOT_PRINTED.reason, [(t, row, c) for c in (total, *rs.parts)])
                    continue
                proto = _row_sum_proto(t, row, total, printed, rule, kw)
                if proto is not None:
                    yield proto
        for ls in lay.line_sums:
            rule = f"{lay.key}-LINE-SUM"
            total_row = t.get(ls.total)
            printed_rows = [p for p in ls.parts if p not in lay.not_printed]
            if ls.total in lay.not_printed or not printed_rows:
                for col in ls.columns:
                    _skip(skipped, rule, lay.key, NOT_PRINTED.reason,
                          [(t, r, col) for r in (t.get(k) for k in (ls.total, *ls.parts)) if r is not None])
                continue
            if total_row is None:
                continue
            parts = [r for r in (t.get(p) for p in printed_rows) if r is not None]
            for col in ls.columns:
                if col in lay.not_printed:
                    continue  # nothing of it can be printed: no figure to count it by
                if ls.partial:
                    terms = tuple((t, r, col) for r in parts if _has(r, col))
                    if terms and _has(total_row, col):
                        yield (rule, AT_MOST, (t, total_row, col), terms, {"what": "其中各项之和", "origin": "LINE"},
                               ONE_COLUMN)
                    continue
                filled = [p for p in parts if p.amount(col) is not None]
                what = "、".join(row_label(t, p) for p in filled) or "各项"
                yield from _sum(rule, t, total_row, col, parts, f"{what}之和", "LINE")
        if lay.kind == "coded":
            if prints_only_totals(t):  # 合计 = Σ类 cannot be checked: the classes are not printed
                total_row = t.total_row
                for col in lay.amount_columns if total_row is not None else ():
                    _skip(skipped, f"{lay.key}-TREE-SUM", lay.key, TOTALS_ONLY.reason, [(t, total_row, col)])
            else:
                yield from _tree(t, families)


def _sum(rule, t, row, col, part_rows, what, origin):
    """Total = Σ the same column of ``part_rows`` (line sums, the code tree): the rows that have the cell."""
    if row is None or not _has(row, col):
        return
    terms = tuple([(t, pr, col) for pr in part_rows if col in pr.cells or col in pr.values])
    if terms:
        yield rule, SUM, (t, row, col), terms, {"what": what, "fill": True, "origin": origin}, ONE_COLUMN


def _tree(t: Table, families: bool = False):
    children: dict[str, list[Row]] = defaultdict(list)
    for row in t.coded_rows():
        parent = TOTAL_KEY if len(row.key) == 3 else parent_code(row.key, t.layout.code_system)
        if parent is not None:
            children[parent].append(row)
    rule = f"{t.key}-TREE-SUM"
    for parent, kids in children.items():
        prow = t.get(parent)
        if prow is None:
            continue
        what = "所属各类之和" if parent == TOTAL_KEY else ("所属各款之和" if len(parent) == 3 else "所属各项之和")
        if families:
            yield rule, TREE_FAMILY, (t, prow, kids, what), (), {}, ONE_COLUMN
            continue
        for col in t.layout.amount_columns:
            yield from _sum(rule, t, prow, col, kids, what, "TREE")


# ------------------------------------------------------------------ declared relations
Key = tuple  # (row selector key | None, column index | None)


def _slots(budget: Budget, term: TermDecl) -> dict[Key, tuple | _Absent | None]:
    """The cells a term names, keyed for pairing with the other side; a row the table lacks maps to None
    only where the key is known from the declaration (positional lists), so the pairing can report it."""
    t = _t(budget, term.table)
    if t is None:
        return {}
    cols = term.column_keys
    out: dict[Key, tuple | _Absent | None] = {}
    rows = term.rows
    only_totals = prints_only_totals(t)
    not_printed = t.layout.not_printed
    gone = {c for c in cols if c in not_printed}

    def cell(row: Row | None, name: str, c: str) -> tuple | _Absent | None:
        if c in gone or any(alt in not_printed for alt in name.split("|")):
            return NOT_PRINTED
        if row is None:
            return TOTALS_ONLY if only_totals and name != TOTAL_KEY else None
        return (t, row, c)

    def col_keys(i: int | None):
        if isinstance(rows, list) and len(cols) == len(rows) and len(cols) > 1:
            return [(None, cols[i])]  # rows and columns paired position by position
        return [(None if len(cols) == 1 else j, c) for j, c in enumerate(cols)]

    if isinstance(rows, list):
        for i, name in enumerate(rows):
            row = next((r for r in (t.get(alt) for alt in name.split("|")) if r is not None), None)
            for j, c in col_keys(i):
                out[(i, j)] = cell(row, name, c)
        return out
    if rows in ("classes", "coded", "each", "records"):
        if rows == "classes" and t.layout.kind == "two_sided":
            codes = {c for c, _ in load_schema(budget.profile).func_classes}
            picked = [r for r in t.rows if r.key in codes]
        elif rows == "classes":
            picked = [r for r in t.rows if r.code and len(r.key) == 3]
        elif rows == "coded":
            picked = [r for r in t.rows if r.code or r.key == TOTAL_KEY]
        elif rows == "records":
            picked = [r for r in t.rows if r.key != TOTAL_KEY]
        else:
            picked = list(t.rows)
        if term.except_:
            picked = [r for r in picked if r.key not in term.except_]
        every = col_keys(None)
        if not gone and not not_printed:  # the common case, without ``cell``'s questions for every row
            for r in picked:
                for j, c in every:
                    out[(r.key, j)] = (t, r, c)
            return out
        for r in picked:
            for j, c in every:
                out[(r.key, j)] = cell(r, r.key, c)
        return out
    row = next((r for r in (t.get(alt) for alt in rows.split("|")) if r is not None), None)
    for j, c in col_keys(None):
        out[(None, j)] = cell(row, rows, c)
    return out


def _match(key: Key, other: Key) -> bool:
    a0, a1 = key
    b0, b1 = other
    return (a0 is None or b0 is None or a0 == b0) and (a1 is None or b1 is None or a1 == b1)


@dataclass
class _DeclPairing:
    """One declared relation paired over a workbook: its anchor's slots and the other sides', by key, and what
    each key's proto needs (made once per relation, not per key)."""

    decl: RelationDecl
    anchor: TermDecl
    kw: dict
    shape: int
    a_slots: dict
    o_slots: list[dict]
    keys: list
    by_row: dict
    every_slot: list
    by_none: list
    totals_only: list
    skipped: list[Skipped] | None
    bounds: dict = field(default_factory=dict)  # a bound's fields by the name its reason names: one dict, not one per row


def _decl_pairing(budget: Budget, decl: RelationDecl, severity: str,
                  skipped: list[Skipped] | None = None) -> _DeclPairing | None:
    if decl.when and not CONDITIONS[decl.when](budget):
        return None
    if decl.kind == COPY:
        anchor, others = decl.a, [decl.b]
        kw = {"severity": severity, "fill": decl.fill == "a", "origin": "COPY"}
    elif decl.kind == SUM:
        anchor, others = decl.total, list(decl.parts)
        kw = {"severity": severity, "what": decl.what or "各项之和", "fill": decl.fill == "total", "origin": "DECL"}
    else:
        anchor, others = decl.big, list(decl.small)
        kw = {"severity": severity, "what": decl.what or "", "excess": decl.excess, "origin": "DECL"}
    if _t(budget, anchor.table) is None:
        return None
    shape = ONE_TABLE if all(o.table == anchor.table for o in others) else MIXED
    a_slots = _slots(budget, anchor)
    o_slots = [_slots(budget, o) for o in others]
    if decl.kind == COPY and _t(budget, decl.b.table) is None:
        return None
    # terms by code on a table printed with its 合计 only: a row by code has no counterpart there, and is not
    # missing from it either
    totals_only = [x for x in (anchor, *others) if x.rows in ("classes", "coded")
                   and (tx := _t(budget, x.table)) is not None and prints_only_totals(tx)]
    keys = list(a_slots)
    if decl.missing != "ignore" or anchor in totals_only:  # keys only the other side has (rows the anchor lacks)
        for s in o_slots:
            if not s.keys() <= a_slots.keys():  # (counted in C: nearly always every key is the anchor's too)
                keys += [k for k in s if k not in a_slots and k[0] is not None]
    by_row: dict = defaultdict(list)  # the other sides' slots by row key (None: matches every row)
    for s in o_slots:
        for k, term in s.items():
            by_row[k[0]].append((k, term))
    every_slot = [c for s in o_slots for c in s.items()]
    return _DeclPairing(decl, anchor, kw, shape, a_slots, o_slots, list(dict.fromkeys(keys)), by_row, every_slot,
                        by_row.get(None, []), totals_only, skipped)


def _decl_protos(budget: Budget, decl: RelationDecl, severity: str, skipped: list[Skipped] | None = None):
    pairing = _decl_pairing(budget, decl, severity, skipped)
    if pairing is not None:
        for key in pairing.keys:
            yield from _key_protos(pairing, key)


def _key_protos(pg: _DeclPairing, key: Key):
    """The protos of one key of a declared relation: the anchor's slot against the other sides' slots matching it
    — or its skip (not printed), or the figure missing its counterpart."""
    decl, anchor = pg.decl, pg.anchor
    a = pg.a_slots.get(key)
    k0, k1 = key
    if k0 is None:
        matched = [term for k, term in pg.every_slot if _match(key, k)]
    else:  # the slots of this row (their row key matches), then those matching every row
        matched = [term for (_k0, j), term in pg.by_row.get(k0, ()) if j is None or k1 is None or j == k1]
        if pg.by_none:
            matched += [term for k, term in pg.by_none if _match(key, k)]
    by_code = isinstance(k0, str) and k0 != TOTAL_KEY
    totals_only = pg.totals_only
    if type(a) is tuple and matched and not (by_code and totals_only) and all(type(m) is tuple for m in matched):
        present = tuple(matched)  # the usual case: both sides printed, nothing to skip or to report missing
    else:
        present = tuple(m for m in matched if m is not None and not isinstance(m, _Absent))
        if isinstance(a, _Absent) or TOTALS_ONLY in matched or (by_code and totals_only):
            reason = TOTALS_ONLY if TOTALS_ONLY in (a, *matched) or by_code and totals_only else NOT_PRINTED
            _skip(pg.skipped, decl.id, anchor.table, reason.reason, [a, *present])
            return
        if not present and NOT_PRINTED in matched:
            _skip(pg.skipped, decl.id, anchor.table, NOT_PRINTED.reason, [a, *present])
            return
        if a is None and decl.missing == "ignore":
            return
        if a is None or not present:
            if decl.missing != "ignore":
                yield from _missing(decl, a, present, key, pg.shape)
            return
    if decl.kind == COPY:
        for m in present:
            yield decl.id, COPY, a, (m,), pg.kw, pg.shape
    elif decl.kind == SUM:
        yield decl.id, SUM, a, present, pg.kw, pg.shape
    else:
        yield decl.id, AT_MOST, a, present, _bound_kw(pg, key), pg.shape


def _bound_kw(pg: _DeclPairing, key: Key) -> dict:
    decl = pg.decl
    name = decl.names[key[0]] if decl.names and isinstance(key[0], int) else ""
    kw = pg.bounds.get(name)
    if kw is None:
        kw = pg.bounds[name] = {**pg.kw, "why": decl.why.replace("{name}", name)}
    return kw


def _missing(decl, a: tuple | None, present: tuple, key, shape: int):
    """One side has the row, the other does not: a nonzero figure without its counterpart. A bound without
    anything it bounds is fine (at_most): only the bounded side without its bound is reported."""
    other_tables = [t.table for t in ([decl.b] if decl.kind == COPY else (decl.parts or decl.small))]
    anchor_table = (decl.a or decl.total or decl.big).table
    kw = {"severity": decl.missing, "extra": {"code": key[0]}}
    if a is not None and decl.kind != AT_MOST and a[1].amount(a[2]) not in (None, ZERO):
        yield decl.id, MISSING, a, (), {**kw, "note": "、".join(dict.fromkeys(other_tables))}, shape
        return
    if a is None:
        for m in present:
            if m[1].amount(m[2]) not in (None, ZERO):
                yield decl.id, MISSING, m, (), {**kw, "note": anchor_table}, shape
                return


def _protos(budget: Budget, skipped: list[Skipped] | None = None, families: bool = False):
    """Every relation of this workbook as a proto, layout shorthands first, then the declared ones (``families``:
    scan's mode, see ``ROW_FAMILY``)."""
    schema = load_schema(budget.profile)
    yield from _layout_protos(budget, skipped, families)
    severity: dict[str, str] = {}
    for decl in schema.relations:
        severity.setdefault(decl.id, decl.severity or ERROR)
        if families:
            pairing = _decl_pairing(budget, decl, severity[decl.id], skipped)
            if pairing is not None:
                yield decl.id, DECL_FAMILY, pairing, (), None, pairing.shape
        else:
            yield from _decl_protos(budget, decl, severity[decl.id], skipped)


def _instance(proto: Proto) -> Instance:
    rule, kind, (t, r, c), parts, kw, _shape = proto
    new = tuple.__new__  # Term(*p) without the namedtuple's Python-level __new__: thousands per large workbook
    return Instance(rule, kind, new(Term, (t, r, c)), tuple([new(Term, p) for p in parts]), **kw)


def expand(budget: Budget, skipped: list[Skipped] | None = None) -> list[Instance]:
    """Every relation instance of this workbook, layout shorthands first, then the declared ones; the slots
    this template or document does not print are appended to ``skipped`` (when given), not returned."""
    return [_instance(p) for p in _protos(budget, skipped)]


# ------------------------------------------------------------------ coverage: what was checked
@dataclass
class Coverage:
    """How many relation instances were checked (every figure needed present and compared), how many do not
    apply to this template or document (rows or columns it does not print), and how many could not be
    checked because a figure they need is blank (unknown) or unreadable. Kept per table (the relation's
    anchor table) and per rule."""

    checked: int = 0
    not_applicable: int = 0
    not_checkable: int = 0
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, status: str, table: str, rule: str, n: int = 1) -> None:
        setattr(self, status, getattr(self, status) + n)
        for book, key in ((self.by_table, table), (self.by_rule, rule)):
            counts = book.setdefault(key, {CHECKED: 0, NOT_APPLICABLE: 0, NOT_CHECKABLE: 0})
            counts[status] += n

    def line(self) -> str:
        """“检查关系 612 处，不适用 40 处，因空白未能检查 7 处”."""
        return (f"检查关系 {self.checked} 处，不适用 {self.not_applicable} 处，"
                f"因空白未能检查 {self.not_checkable} 处")

    def to_json(self) -> dict:
        return {CHECKED: self.checked, NOT_APPLICABLE: self.not_applicable, NOT_CHECKABLE: self.not_checkable,
                "by_table": self.by_table, "by_rule": self.by_rule}

    @classmethod
    def from_json(cls, data: dict | None) -> Coverage | None:
        if not data:
            return None
        return cls(data.get(CHECKED, 0), data.get(NOT_APPLICABLE, 0), data.get(NOT_CHECKABLE, 0),
                   dict(data.get("by_table", {})), dict(data.get("by_rule", {})))


class _Every:
    """Every column: a table without any figure is printed blank, so all its columns are printed."""

    def __contains__(self, col: object) -> bool:
        return True


def _printed_columns(budget: Budget) -> dict[int, set[str] | _Every | frozenset]:
    """Per table (by ``id``: tables are not hashable), the columns the document prints: a column blank on every
    row of a table that has figures is a column this document does not print (as ``C-ABSENT-COLUMN`` says); a
    table without any figure is printed blank, every column — unless it is one that may be empty (空表列示: nothing there to relate)."""
    out: dict[int, set[str] | _Every | frozenset] = {}
    for t in budget.tables.values():
        rows = t.rows  # a column with a figure has one near the top, as a rule: the search stops there
        cols = {c.key for c in t.layout.columns if c.is_numeric
                and any(type(r.values.get(c.key)) is Decimal for r in rows)}
        out[id(t)] = cols if cols else frozenset() if t.layout.may_be_empty else _Every()
    return out


def figures(inst: Instance) -> tuple[Decimal | None, list[Decimal | None]]:
    """The instance's total and part values, read once for both its coverage status and its evaluation."""
    return inst.total.row.amount(inst.total.col), [p.row.amount(p.col) for p in inst.parts]


def _status(kind: str, total: tuple, parts: tuple, printed: dict, total_value: Decimal | None,
            values: list[Decimal | None], invalid: bool = True, shape: int = MIXED,
            present: list[Decimal] | None = None) -> str:
    """``status`` on cells as (table, row, column) tuples — an ``Instance``'s Terms or a proto's cells;
    ``printed``: ``_printed_columns``; ``invalid`` False: no cell of the workbook is unreadable; ``shape``: what
    the proto's producer knows of its cells; ``present``: the values that are not blank, if counted already."""
    if kind == MISSING:
        return CHECKED  # a figure without its counterpart row: compared, and found missing
    t, r, c = total
    cols = printed[id(t)]
    if c not in cols:
        return NOT_APPLICABLE
    if shape == ONE_COLUMN or (all(pc in cols for _pt, _pr, pc in parts) if shape == ONE_TABLE
                               else all(pc in printed[id(pt)] for pt, _pr, pc in parts)):
        shown = None  # every part printed (the usual case: one table, printed columns)
    else:
        shown = [i for i, (pt, _pr, pc) in enumerate(parts) if pc in printed[id(pt)]]
        if not shown:
            return NOT_APPLICABLE
        values, present = [values[i] for i in shown], None
    if invalid and (r.invalid and c in r.invalid or any(
            p[1].invalid and p[2] in p[1].invalid for p in (parts if shown is None else [parts[i] for i in shown]))):
        return NOT_CHECKABLE  # READ-NOT-NUMBER names the cell
    filled = len(present if present is not None else [v for v in values if v is not None])
    if total_value is None:
        return NOT_CHECKABLE if filled else NOT_APPLICABLE
    if kind == COPY:
        return CHECKED if values[0] is not None else NOT_CHECKABLE
    return CHECKED if filled else NOT_CHECKABLE


def status(inst: Instance, printed: dict) -> str:
    """CHECKED, NOT_APPLICABLE or NOT_CHECKABLE for one expanded instance (from the figures, not the verdict):
    not applicable when the document prints none of the columns (or none of the figures) it relates; not
    checkable when it has figures but one it needs is blank — unknown — or unreadable."""
    total_value, values = figures(inst)
    return _status(inst.kind, inst.total, inst.parts, printed, total_value, values)


def coverage(budget: Budget, instances: list[Instance], skipped: list[Skipped] = ()) -> Coverage:
    """The account of one check: every instance classified, every skipped slot not applicable (``scan`` gives the
    same account in check's one pass)."""
    printed = _printed_columns(budget)
    out = Coverage()
    for inst in instances:
        out.add(status(inst, printed), inst.total.table.key, inst.rule)
    for s in skipped:
        out.add(NOT_APPLICABLE, s.table, s.rule)
    return out


# ------------------------------------------------------------------ one pass for check
@dataclass
class Scan:
    """The relations of one workbook as ``check`` needs them, from one pass that builds no object for a
    relation that plainly holds: the coverage account, the instances that do not plainly hold (in ``expand``'s
    order: the only ones that can give a finding, and all the evidence ``rounding.coarse_printing`` and
    ``postprocess.unit_slips`` look for), and every instance, expanded only when asked for."""

    budget: Budget
    coverage: Coverage
    differing: list[Instance]
    _every: list[Instance] | None = field(default=None, repr=False)

    def every(self) -> list[Instance]:
        if self._every is None:
            self._every = expand(self.budget)
        return self._every


def scan(budget: Budget) -> Scan:
    """Classify every relation of the workbook (coverage) and keep those that do not plainly hold — under the
    rounding model without inherited shares (``check`` evaluates every instance when a 重算汇总 total
    inherits its parts' rounding)."""
    skipped: list[Skipped] = []
    printed = _printed_columns(budget)
    counts: dict[tuple[str, str, str], int] = {}
    differing: list[Instance] = []
    invalid = any(r.invalid for t in budget.tables.values() for r in t.rows)  # an unreadable cell anywhere
    for proto in _protos(budget, skipped, families=True):
        kind = proto[1]
        if kind is ROW_FAMILY:
            _scan_row_sums(proto, printed, invalid, counts, differing)
        elif kind is TREE_FAMILY:
            _scan_tree(proto, printed, invalid, counts, differing)
        elif kind is DECL_FAMILY:
            _scan_decl(proto[2], printed, invalid, counts, differing)
        else:
            _scan_one(proto, printed, invalid, counts, differing)
    cov = Coverage()
    for (st, table, rule), n in counts.items():  # first-seen order: the order ``coverage`` adds them in
        cov.add(st, table, rule, n)
    for s in skipped:
        cov.add(NOT_APPLICABLE, s.table, s.rule)
    return Scan(budget, cov, differing)


def _scan_one(proto: Proto, printed: dict, invalid: bool, counts: dict, differing: list[Instance]) -> None:
    """One relation into scan's account: its coverage status counted, the instance kept if it does not plainly
    hold (``_status`` and ``_plain``, inlined for a sum or copy in a workbook without an unreadable cell)."""
    rule, kind, total, parts, kw, shape = proto
    t, r, c = total
    v = r.values.get(c)
    tv = v if type(v) is Decimal else None  # Row.amount, inlined: this runs for every cell
    values = [v if type(v := pr.values.get(pc)) is Decimal else None for _t, pr, pc in parts]
    present = [v for v in values if v is not None]
    if invalid or kind == MISSING:
        st = _status(kind, total, parts, printed, tv, values, invalid, shape, present)
        plain = _plain(kind, total, parts, kw.get("excess"), tv, values, invalid, shape, present)
    else:  # a sum, copy or bound in a workbook without an unreadable cell
        st, plain = _inline_verdict(kind, total, parts, printed, tv, values, present, shape, kw.get("excess"))
    key = (st, t.layout.key, rule)
    counts[key] = counts.get(key, 0) + 1
    if not plain:
        differing.append(_instance(proto))


def _inline_verdict(kind: str, total: tuple, parts: tuple, printed: dict, tv: Decimal | None,
                    values: list[Decimal | None], present: list[Decimal], shape: int,
                    excess: str | None) -> tuple[str, bool]:
    """``_status`` and ``_plain`` in one, for a sum, copy or bound in a workbook without an unreadable cell (what
    scan's loops meet nearly always): the coverage status, and whether it plainly holds."""
    t, _r, c = total
    cols = printed[id(t)]
    if c not in cols:
        st = NOT_APPLICABLE
    else:
        if shape == ONE_COLUMN:
            shown = values
        elif shape == ONE_TABLE:
            shown = values if all(pc in cols for _t, _r, pc in parts) else \
                [x for (_t, _r, pc), x in zip(parts, values) if pc in cols]
        else:
            shown = values if all(pc in printed[id(pt)] for pt, _r, pc in parts) else \
                [x for (pt, _r, pc), x in zip(parts, values) if pc in printed[id(pt)]]
        if shown is not values and not shown:  # none of its parts printed
            st = NOT_APPLICABLE
        elif tv is None:
            st = NOT_CHECKABLE if (present if shown is values else any(x is not None for x in shown)) \
                else NOT_APPLICABLE
        elif kind == COPY:
            st = CHECKED if shown[0] is not None else NOT_CHECKABLE
        else:
            st = CHECKED if (present if shown is values else any(x is not None for x in shown)) \
                else NOT_CHECKABLE
    if kind == AT_MOST:  # _plainly_within: a blank bound bounds nothing
        plain = tv is None or not excess and all(p[0].unit == t.unit for p in parts) and \
            sum(present, ZERO) <= tv
    elif tv is None:
        plain = not present
    elif not present or kind == COPY and len(present) != len(values):
        plain = False
    elif shape == MIXED and any(p[0] is not t and p[0].unit != t.unit for p in parts):
        plain = False
    else:
        plain = tv == sum(present, ZERO)
    return st, plain


def _scan_row_sums(family: Proto, printed: dict, invalid: bool, counts: dict, differing: list[Instance]) -> None:
    """A row sum on every row of its table (``ROW_FAMILY``): what ``_scan_one`` gives each row's proto."""
    rule, _kind, (t, total, parts, rows), _none, kw, _shape = family
    cols = printed[id(t)]
    shown = [p for p in parts if p in cols]
    every_shown, none_applies = len(shown) == len(parts), total not in cols or not shown
    need = {total, *parts}
    keys = {st: (st, t.layout.key, rule) for st in (CHECKED, NOT_APPLICABLE, NOT_CHECKABLE)}
    for row in rows:
        if invalid or not need <= row.cells.keys():  # an unreadable cell, a part the row lacks: one by one
            proto = _row_sum_proto(t, row, total, parts, rule, kw)
            if proto is not None:
                _scan_one(proto, printed, invalid, counts, differing)
            continue
        values = row.values
        tv = values.get(total)
        if type(tv) is not Decimal:
            tv = None
        present = [v for p in parts if type(v := values.get(p)) is Decimal]
        if none_applies:
            st = NOT_APPLICABLE
        else:
            filled = present if every_shown else [p for p in shown if type(values.get(p)) is Decimal]
            st = (NOT_CHECKABLE if filled else NOT_APPLICABLE) if tv is None else \
                (CHECKED if filled else NOT_CHECKABLE)
        key = keys[st]
        counts[key] = counts.get(key, 0) + 1
        if present if tv is None else not present or tv != sum(present, ZERO):  # not plain
            differing.append(_instance(_row_sum_proto(t, row, total, parts, rule, kw)))


def _scan_tree(family: Proto, printed: dict, invalid: bool, counts: dict, differing: list[Instance]) -> None:
    """One parent of the code tree on every amount column (``TREE_FAMILY``): what ``_scan_one`` gives each proto
    ``_tree`` yields for it."""
    rule, _kind, (t, prow, kids, what), _none, _kw, _shape = family
    cols = printed[id(t)]
    table = t.layout.key
    for col in t.layout.amount_columns:
        if invalid or col not in prow.cells or any(col not in k.cells for k in kids):
            for proto in _sum(rule, t, prow, col, kids, what, "TREE"):  # one by one, as expand makes them
                _scan_one(proto, printed, invalid, counts, differing)
            continue
        tv = prow.values.get(col)
        if type(tv) is not Decimal:
            tv = None
        present = [v for k in kids if type(v := k.values.get(col)) is Decimal]
        if col not in cols:
            st = NOT_APPLICABLE
        else:
            st = (NOT_CHECKABLE if present else NOT_APPLICABLE) if tv is None else \
                (CHECKED if present else NOT_CHECKABLE)
        key = (st, table, rule)
        counts[key] = counts.get(key, 0) + 1
        if present if tv is None else not present or tv != sum(present, ZERO):  # not plain
            differing.extend(_instance(p) for p in _sum(rule, t, prow, col, kids, what, "TREE"))


def _scan_decl(pg: _DeclPairing, printed: dict, invalid: bool, counts: dict, differing: list[Instance]) -> None:
    """One declared relation (``DECL_FAMILY``): what ``_scan_one`` gives each proto ``_key_protos`` yields for it.
    A key whose anchor and counterparts are all printed cells, the other sides keyed as the anchor is, has its
    proto made here (its counterparts are then the other sides'
    slots of the same key, in their order); every other key goes through ``_key_protos``."""
    decl = pg.decl
    others = pg.o_slots
    fast = not pg.totals_only and not pg.by_none
    if fast:
        one_column = {k[1] is None for k in pg.a_slots}
        for o in others:
            one_column |= {k[1] is None for k in o}
        fast = len(one_column) <= 1 and all(k[0] is not None for k in pg.a_slots)
    if not fast:
        for key in pg.keys:
            for proto in _key_protos(pg, key):
                _scan_one(proto, printed, invalid, counts, differing)
        return
    rule, kind, a_slots, shape = decl.id, decl.kind, pg.a_slots, pg.shape
    for key in pg.keys:
        a = a_slots.get(key)
        # a counterpart not printed (or a row missing) adds nothing, as _key_protos leaves it out
        parts = tuple([m for o in others if type(m := o.get(key)) is tuple])
        if type(a) is not tuple or not parts or kind == COPY and len(parts) > 1:  # the general way
            for proto in _key_protos(pg, key):
                _scan_one(proto, printed, invalid, counts, differing)
        else:  # the proto _key_protos would give, without its matching
            _scan_one((rule, kind, a, parts, _bound_kw(pg, key) if kind == AT_MOST else pg.kw, shape),
                      printed, invalid, counts, differing)


# ------------------------------------------------------------------ evaluation
def _plain(kind: str, total: tuple, parts: tuple, excess: str | None, total_value: Decimal | None,
           values: list[Decimal | None], invalid: bool = True, shape: int = MIXED,
           present: list[Decimal] | None = None) -> bool:
    """The common case, decided without building messages: one unit, exact equality (cells as tuples);
    ``invalid``, ``shape``, ``present`` as for ``_status``."""
    if kind not in (SUM, COPY, AT_MOST):
        return False
    t, r, c = total
    unit = t.unit
    if kind == AT_MOST:
        return _plainly_within(total, parts, excess, total_value, values, unit, invalid)
    if present is None:
        present = [v for v in values if v is not None]
    if total_value is None:
        return not present and not (invalid and r.invalid)  # nothing known: nothing to test
    if not present or kind == COPY and len(present) != len(values):
        return False
    if shape == MIXED and any(p[0] is not t and p[0].unit != unit for p in parts):
        return False
    if invalid and (c in r.invalid or any(p[2] in p[1].invalid for p in parts)):
        return False
    return total_value == sum(present, ZERO)


def _plainly_holds(inst: Instance, tol: Tolerances) -> bool:
    """The common case, decided without building messages: one unit, no inherited share, exact equality."""
    if tol.inherited:
        return False
    total, values = figures(inst)
    return _plain(inst.kind, inst.total, inst.parts, inst.excess, total, values)


def _plainly_within(total: tuple, parts: tuple, excess: str | None, total_value: Decimal | None,
                    values: list[Decimal | None], unit: str, invalid: bool = True) -> bool:
    """An at-most that cannot fire: its bound blank (a blank bound bounds nothing), or its parts, in the bound's
    unit and all readable, adding up to no more than the bound with no 差额 note (``excess``) to give."""
    if total_value is None:
        return True
    if excess or any(p[0].unit != unit for p in parts) or invalid and (
            total[2] in total[1].invalid or any(p[2] in p[1].invalid for p in parts)):
        return False
    return sum((v for v in values if v is not None), ZERO) <= total_value


def evaluate(inst: Instance, budget: Budget, tol: Tolerances = DEFAULT, differs: bool = False) -> list[Finding]:
    """The findings of one instance under the rounding model (pure); ``differs``: ``scan`` found that it does not
    plainly hold, so the plain test is not made twice."""
    if not differs and _plainly_holds(inst, tol):
        return []
    if inst.kind == SUM and not tol.inherited and all(p.table is inst.total.table for p in inst.parts):
        return _sum_in_one_table(inst, tol)
    total = fig(inst.total.table, inst.total.row, inst.total.col, tol)
    if inst.kind == SUM:  # a blank, readable part adds nothing and names no cell: no figure made for it
        parts = [fig(t, r, c, tol) for t, r, c in inst.parts if type(r.values.get(c)) is Decimal or c in r.invalid]
        return check_sum(inst.rule, total, parts, inst.what, severity=inst.severity)
    parts = [fig(p.table, p.row, p.col, tol) for p in inst.parts]
    if inst.kind == COPY:
        return check_copy(inst.rule, total, parts[0], severity=inst.severity)
    if inst.kind == AT_MOST:
        if len(parts) == 1:
            out = check_at_most(inst.rule, parts[0], total, severity=inst.severity, why=inst.why)
        else:
            out = check_parts_at_most(inst.rule, parts, total, inst.what or "各项之和", why=inst.why,
                                      severity=inst.severity)
        if not out and inst.excess and len(parts) == 1:
            out = _excess(inst, parts[0], total)
        return out
    return _missing_finding(inst, total, budget)


def _sum_in_one_table(inst: Instance, tol: Tolerances) -> list[Finding]:
    """``check_sum`` for a sum whose parts share the total's table and no share is inherited (nearly every 尾差
    of a large workbook): the same findings, with one ``Fig`` (the total's) instead of one per part — a parent
    of the code tree may have hundreds of parts, and only their values, shares and cells take part."""
    t, r, c = inst.total
    total = fig(t, r, c, tol)
    if total.invalid:
        return []
    key, unit, columns = t.layout.key, t.unit, t.layout.column_map
    meta: dict[str, tuple[str, Decimal]] = {}  # column → (unit: "" when not money, share), once per column
    for pc in {p[2] for p in inst.parts}:
        column = columns.get(pc)
        ctype = column.type if column is not None else MONEY
        punit = unit if ctype == MONEY else ""
        meta[pc] = (punit, tol.printed_share(key, punit, ctype))
    parts = inst.parts
    if any(pr.invalid and pc in pr.invalid for _t, pr, pc in parts):
        return []  # unknown: READ-NOT-NUMBER names it
    # a blank part adds nothing and names no cell
    filled = [(pr, pc, raw) for _t, pr, pc in parts if type(raw := pr.values.get(pc)) is Decimal]
    values = [raw * TEN_THOUSAND if meta[pc][0] == WAN else raw for _pr, pc, raw in filled]  # to_yuan, inlined
    shares = [meta[pc][1] for _pr, pc, _raw in filled]
    cells = [pr.cells.get(pc) for pr, pc, _raw in filled]
    if not values:
        return []  # all parts blank tests nothing
    return sum_findings(inst.rule, total, values, shares, meta[filled[0][1]][0], cells, inst.what, inst.severity)


def _excess(inst: Instance, small, big) -> list[Finding]:
    if small is None or big is None or small.blank or big.blank or small.invalid or big.invalid:
        return []
    if big.value <= small.value + small.share + big.share:
        return []
    diff = big.value - small.value
    return [finding(inst.rule, INFO, f"{big.label}{big.shown}，高于{small.label}{small.shown}，差额"
                    f"{show(diff, big.unit)}{inst.excess}。", big, (small,), expected=small.value, actual=big.value,
                    difference=diff)]


def _missing_finding(inst: Instance, f, budget: Budget) -> list[Finding]:
    if f is None or f.blank or f.value == ZERO:
        return []
    others = "、".join(budget.tables[k].sheet_name() if k in budget.tables else k
                      for k in inst.note.split("、") if k) or "另一张表"
    code = inst.extra.get("code")
    code_text = f"科目{code}" if isinstance(code, str) else "对应行"
    return [finding(inst.rule, inst.severity, f"{f.label}{f.shown}，但{others}中没有{code_text}。", f, ())]


def check_relations(budget: Budget, tol: Tolerances = DEFAULT, instances: list[Instance] | None = None,
                    differing: bool = False) -> list[Finding]:
    """Every declared relation of the workbook (or ``instances``; ``differing``: they are those that do not
    plainly hold), evaluated."""
    out: list[Finding] = []
    for inst in instances if instances is not None else expand(budget):
        out += evaluate(inst, budget, tol, differing)
    return out


# ------------------------------------------------------------------ as linear constraints (localization)
@dataclass(frozen=True)
class Linear:
    """One instance as Σ coef · value(cell) (values in 元) == 0 within ±tol, or ≤ tol: what error
    localization solves over. Blank cells take no part (unknown), as in the checks."""

    rule: str
    index: int                  # position in the instance list: a stable id within one run
    terms: dict[str, int]
    sense: str                  # "eq" | "le"
    tol: Decimal


def linear_forms(instances: list[Instance], tol: Tolerances = DEFAULT) -> list[Linear]:
    """The instances check would test, as linear forms: skipped where check tests nothing (a blank total, all
    parts blank, an unreadable cell); a blank part inside a tested relation is a term worth 0 (a figure moved out
    of it can be put back)."""
    from budget_xl.rounding import own_share

    out: list[Linear] = []
    for i, inst in enumerate(instances):
        if inst.kind not in (SUM, COPY, AT_MOST) or inst.total.cell is None or inst.total.value() is None:
            continue
        if inst.total.col in inst.total.row.invalid or any(p.col in p.row.invalid for p in inst.parts):
            continue
        parts = [p for p in inst.parts if p.cell]
        filled = [p for p in parts if p.value() is not None]
        if not filled or (inst.kind == COPY and len(filled) != len(parts)):
            continue
        money = [t for t in (inst.total, *filled) if t.table.layout.column_map[t.col].type == "amount"]
        shares = [tol.share(t.cell, t.table.unit, table=t.table.key) for t in money]
        terms: dict[str, int] = defaultdict(int)
        if inst.kind == AT_MOST:
            for p in parts:
                terms[p.cell] += 1
            terms[inst.total.cell] -= 1
            out.append(Linear(inst.rule, i, dict(terms), "le", sum(shares, ZERO)))
            continue
        terms[inst.total.cell] += 1
        for p in parts:
            terms[p.cell] -= 1
        units = {t.table.unit for t in (inst.total, *filled)}
        inherited = any(tol.is_inherited(t.cell, t.table.unit, table=t.table.key) for t in money)
        if len(parts) >= 2 and inst.kind == SUM:
            # a blank part may be where the figure belongs: once filled, the sum carries every part's rounding
            every = [t for t in (inst.total, *parts) if t.table.layout.column_map[t.col].type == "amount"]
            allowed = sum((tol.share(t.cell, t.table.unit, table=t.table.key) for t in every), ZERO)
        elif len(filled) >= 2 or inherited:
            allowed = sum(shares, ZERO)
        elif len(units) > 1:  # a 万元 copy of a 元 figure: its rounding
            allowed = own_share("万元")
        elif len(set(shares)) > 1:  # a whole-元 copy of a figure printed with 分, in a document that rounds
            allowed = max(shares)
        else:
            allowed = ZERO
        out.append(Linear(inst.rule, i, dict(terms), "eq", allowed))
    return out


def values_in_yuan(instances: list[Instance]) -> dict[str, Decimal]:
    """Every filled cell taking part in a relation, in 元 (amounts) or as printed (counts)."""
    from budget_xl.rounding import to_yuan

    out: dict[str, Decimal] = {}
    for inst in instances:
        for t in (inst.total, *inst.parts):
            v = t.value()
            if t.cell and v is not None and t.cell not in out:
                amount = t.table.layout.column_map[t.col].type == "amount"
                out[t.cell] = to_yuan(v, t.table.unit) if amount else v
    return out
