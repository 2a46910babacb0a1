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

from budget_xl.findings import ERROR, Finding
from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.rounding import DEFAULT, Tolerances
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
)
from budget_xl.schema import load_schema, parent_code
from budget_xl.schema.declarations import RelationDecl, TermDecl

SUM, COPY, AT_MOST, MISSING = "sum", "copy", "at_most", "missing"
# what became of one relation instance (the coverage account of ``check``)
CHECKED, NOT_APPLICABLE, NOT_CHECKABLE = "checked", "not_applicable", "not_checkable"
# which derivation fills a cell when several could: code tree and line totals, then copies, then row sums
PRIORITY = {"TREE": 0, "LINE": 0, "COPY": 1, "ROW": 2}


@dataclass(frozen=True)
class Term:
    """One cell taking part in a relation."""

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
    if skipped is not None and any(isinstance(k, Term) and k.col in k.table.layout.column_map
                                   and k.value() is not None for k in known):
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
def _layout_instances(budget: Budget, skipped: list[Skipped] | None = None) -> list[Instance]:
    out: list[Instance] = []
    for t in budget.tables.values():
        if not t.present:
            continue
        lay = t.layout
        for rs in lay.row_sums:
            printed = [p for p in rs.parts if p not in lay.not_printed]  # a part the template lacks adds nothing
            what = "、".join(lay.column(p).header[-1] for p in printed) + "之和"
            for row in t.rows:
                if rs.side and row.side != rs.side:
                    continue
                if rs.total in lay.not_printed or not printed:
                    _skip(skipped, f"{lay.key}-ROW-SUM", lay.key, NOT_PRINTED.reason,
                          [Term(t, row, c) for c in (rs.total, *rs.parts)])
                    continue
                out += _sum(f"{lay.key}-ROW-SUM", t, row, rs.total, [(t, row, p) for p in printed], what, "ROW")
        for ls in lay.line_sums:
            total_row = t.get(ls.total)
            printed_rows = [p for p in ls.parts if p not in lay.not_printed]
            if ls.total in lay.not_printed or not printed_rows:
                for col in ls.columns:
                    _skip(skipped, f"{lay.key}-LINE-SUM", lay.key, NOT_PRINTED.reason,
                          [Term(t, r, col) for r in (t.get(k) for k in (ls.total, *ls.parts)) if r is not None])
                continue
            if total_row is None:
                continue
            parts = [r for r in (t.get(p) for p in printed_rows) if r is not None]
            for col in ls.columns:
                if col in lay.not_printed:
                    continue  # nothing of it can be printed: no figure to count it by
                if ls.partial:
                    terms = tuple(Term(t, r, col) for r in parts if col in r.cells or col in r.values)
                    if terms and (col in total_row.cells or col in total_row.values):
                        out.append(Instance(f"{lay.key}-LINE-SUM", AT_MOST, Term(t, total_row, col), terms,
                                            what="其中各项之和", origin="LINE"))
                    continue
                filled = [p for p in parts if p.amount(col) is not None]
                what = "、".join(row_label(t, p) for p in filled) or "各项"
                out += _sum(f"{lay.key}-LINE-SUM", t, total_row, col, [(t, p, col) for p in parts], f"{what}之和", "LINE")
        if lay.kind == "coded":
            if prints_only_totals(t):  # 合计 = Σ类 cannot be checked: the classes are not printed
                total_row = t.total_row
                for col in lay.amount_columns if total_row is not None else ():
                    _skip(skipped, f"{lay.key}-TREE-SUM", lay.key, TOTALS_ONLY.reason, [Term(t, total_row, col)])
            else:
                out += _tree(t)
    return out


def _sum(rule, t, row, col, parts, what, origin, **kw) -> list[Instance]:
    if row is None or not (col in row.cells or col in row.values):
        return []
    terms = tuple([Term(pt, pr, pc) for pt, pr, pc in parts
                   if pr is not None and (pc in pr.cells or pc in pr.values)])
    if not terms:
        return []
    return [Instance(rule, SUM, Term(t, row, col), terms, what=what, fill=True, origin=origin, **kw)]


def _tree(t: Table) -> list[Instance]:
    children: dict[str, list[Row]] = defaultdict(list)
    for row in t.coded_rows():
        parent = TOTAL_KEY if len(row.key) == 3 else parent_code(row.key, t.layout.code_system)
        if parent is not None:
            children[parent].append(row)
    out: list[Instance] = []
    for parent, kids in children.items():
        prow = t.get(parent)
        if prow is None:
            continue
        what = "所属各类之和" if parent == TOTAL_KEY else ("所属各款之和" if len(parent) == 3 else "所属各项之和")
        for col in t.layout.amount_columns:
            out += _sum(f"{t.key}-TREE-SUM", t, prow, col, [(t, k, col) for k in kids], what, "TREE")
    return out


# ------------------------------------------------------------------ declared relations
Key = tuple  # (row selector key | None, column index | None)


def _slots(budget: Budget, term: TermDecl) -> dict[Key, Term | None]:
    """The cells a term names, keyed for pairing with the other side; a row the table lacks maps to None
    only where the key is known from the declaration (positional lists), so the pairing can report it."""
    t = _t(budget, term.table)
    if t is None:
        return {}
    cols = term.column_keys
    out: dict[Key, Term | _Absent | None] = {}
    rows = term.rows
    only_totals = prints_only_totals(t)

    def cell(row: Row | None, name: str, c: str) -> Term | _Absent | None:
        if c in t.layout.not_printed or any(alt in t.layout.not_printed for alt in name.split("|")):
            return NOT_PRINTED
        if row is None:
            return TOTALS_ONLY if only_totals and name != TOTAL_KEY else None
        return Term(t, row, c)

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
        picked = [r for r in picked if r.key not in term.except_]
        every = col_keys(None)
        for r in picked:
            for j, c in every:
                out[(r.key, j)] = cell(r, r.key, c)
        return out
    row = next((r for r in (t.get(alt) for alt in rows.split("|")) if r is not None), None)
    for j, c in col_keys(None):
        out[(None, j)] = cell(row, rows, c)
    return out


def _match(key: Key, other: Key) -> bool:
    return all(a is None or b is None or a == b for a, b in zip(key, other))


def _decl_instances(budget: Budget, decl: RelationDecl, severity: str,
                    skipped: list[Skipped] | None = None) -> list[Instance]:
    if decl.when and not CONDITIONS[decl.when](budget):
        return []
    if decl.kind == COPY:
        anchor, others = decl.a, [decl.b]
    elif decl.kind == SUM:
        anchor, others = decl.total, list(decl.parts)
    else:
        anchor, others = decl.big, list(decl.small)
    if _t(budget, anchor.table) is None:
        return []
    a_slots = _slots(budget, anchor)
    o_slots = [_slots(budget, o) for o in others]
    if decl.kind == COPY and _t(budget, decl.b.table) is None:
        return []
    # terms by code on a table printed with its 合计 only: a row by code has no counterpart there, and is not
    # missing from it either
    totals_only = [x for x in (anchor, *others) if x.rows in ("classes", "coded")
                   and (tx := _t(budget, x.table)) is not None and prints_only_totals(tx)]
    keys = list(a_slots)
    if decl.missing != "ignore" or anchor in totals_only:  # keys only the other side has (rows the anchor lacks)
        keys += [k for s in o_slots for k in s if k not in a_slots and k[0] is not None]
    by_row: dict = defaultdict(list)  # the other sides' slots by row key (None: matches every row)
    for s in o_slots:
        for k, term in s.items():
            by_row[k[0]].append((k, term))
    out: list[Instance] = []
    for key in dict.fromkeys(keys):
        a = a_slots.get(key)
        candidates = [c for s in o_slots for c in s.items()] if key[0] is None else by_row[key[0]] + by_row[None]
        matched = [term for k, term in candidates if _match(key, k)]
        present = tuple(m for m in matched if isinstance(m, Term))
        name = decl.names[key[0]] if decl.names and isinstance(key[0], int) else ""
        why = decl.why.replace("{name}", name)
        by_code = isinstance(key[0], str) and key[0] != TOTAL_KEY
        known = [a, *present]
        if isinstance(a, _Absent) or TOTALS_ONLY in matched or (by_code and totals_only):
            reason = TOTALS_ONLY if TOTALS_ONLY in (a, *matched) or by_code and totals_only else NOT_PRINTED
            _skip(skipped, decl.id, anchor.table, reason.reason, known)
            continue
        if not present and NOT_PRINTED in matched:
            _skip(skipped, decl.id, anchor.table, NOT_PRINTED.reason, known)
            continue
        if a is None and decl.missing == "ignore":
            continue
        if a is None or not present:
            if decl.missing != "ignore":
                out += _missing(decl, severity, a, present, key)
            continue
        if decl.kind == COPY:
            for m in present:
                out.append(Instance(decl.id, COPY, a, (m,), severity=severity, fill=decl.fill == "a", origin="COPY"))
        elif decl.kind == SUM:
            out.append(Instance(decl.id, SUM, a, present, severity=severity, what=decl.what or "各项之和",
                                fill=decl.fill == "total", origin="DECL"))
        else:
            out.append(Instance(decl.id, AT_MOST, a, present, severity=severity, what=decl.what or "",
                                why=why, excess=decl.excess, origin="DECL"))
    return out


def _missing(decl, severity, a: Term | None, present: tuple[Term, ...], key) -> list[Instance]:
    """One side has the row, the other does not: a nonzero figure without its counterpart. A bound without
    anything it bounds is fine (at_most): only the bounded side without its bound is reported."""
    other_tables = [t.table for t in ([decl.b] if decl.kind == COPY else (decl.parts or decl.small))]
    anchor_table = (decl.a or decl.total or decl.big).table
    if a is not None and decl.kind != AT_MOST and a.value() not in (None, ZERO):
        return [Instance(decl.id, MISSING, a, (), severity=decl.missing, note="、".join(dict.fromkeys(other_tables)),
                         extra={"code": key[0]})]
    if a is None:
        for m in present:
            if m.value() not in (None, ZERO):
                return [Instance(decl.id, MISSING, m, (), severity=decl.missing, note=anchor_table,
                                 extra={"code": key[0]})]
    return []


def expand(budget: Budget, skipped: list[Skipped] | None = None) -> list[Instance]:
    """Every relation instance of this workbook, layout shorthands first, then the declared ones; the slots
    this template or document does not print are appended to ``skipped`` (when given), not returned."""
    schema = load_schema(budget.profile)
    out = _layout_instances(budget, skipped)
    severity: dict[str, str] = {}
    for decl in schema.relations:
        severity.setdefault(decl.id, decl.severity or ERROR)
        out += _decl_instances(budget, decl, severity[decl.id], skipped)
    return out


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

    def add(self, status: str, table: str, rule: str) -> None:
        setattr(self, status, getattr(self, status) + 1)
        for book, key in ((self.by_table, table), (self.by_rule, rule)):
            counts = book.setdefault(key, {CHECKED: 0, NOT_APPLICABLE: 0, NOT_CHECKABLE: 0})
            counts[status] += 1

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


def _filled_columns(budget: Budget) -> dict[str, set[str] | None]:
    """Per table, the columns holding at least one figure; None for a table without any figure."""
    out: dict[str, set[str] | None] = {}
    for key, t in budget.tables.items():
        numeric = [c.key for c in t.layout.columns if c.is_numeric]
        cols = {c for c in numeric if any(r.amount(c) is not None for r in t.rows)}
        out[key] = cols or None
    return out


def _printed(term: Term, filled: dict[str, set[str] | None]) -> bool:
    """Whether the document prints the term's column: a column blank on every row of a table that has figures
    is a column this document does not print (as ``C-ABSENT-COLUMN`` says); a table without any figure is
    printed blank — unless it is one that may be empty (空表列示: nothing there to relate)."""
    cols = filled.get(term.table.key)
    if cols is None:
        return not term.table.layout.may_be_empty
    return term.col in cols


def figures(inst: Instance) -> tuple[Decimal | None, list[Decimal | None]]:
    """The instance's total and part values, read once for both its coverage status and its evaluation."""
    return inst.total.row.amount(inst.total.col), [p.row.amount(p.col) for p in inst.parts]


def status(inst: Instance, filled: dict[str, set[str] | None],
           known: tuple[Decimal | None, list[Decimal | None]] | None = None) -> str:
    """CHECKED, NOT_APPLICABLE or NOT_CHECKABLE for one expanded instance (from the figures, not the verdict):
    not applicable when the document prints none of the columns (or none of the figures) it relates; not
    checkable when it has figures but one it needs is blank — unknown — or unreadable."""
    if inst.kind == MISSING:
        return CHECKED  # a figure without its counterpart row: compared, and found missing
    total = inst.total
    total_value, all_values = known if known is not None else figures(inst)
    printed = [i for i, p in enumerate(inst.parts) if _printed(p, filled)]
    if not _printed(total, filled) or not printed:
        return NOT_APPLICABLE
    if total.col in total.row.invalid or any(inst.parts[i].col in inst.parts[i].row.invalid for i in printed):
        return NOT_CHECKABLE  # READ-NOT-NUMBER names the cell
    values = [all_values[i] for i in printed]
    if total_value is None and all(v is None for v in values):
        return NOT_APPLICABLE  # none of its figures is printed: the row has nothing in these columns
    if total_value is None:
        return NOT_CHECKABLE
    if inst.kind == COPY:
        return CHECKED if values[0] is not None else NOT_CHECKABLE
    return CHECKED if any(v is not None for v in values) else NOT_CHECKABLE


def coverage(budget: Budget, instances: list[Instance], skipped: list[Skipped] = (),
             known: list[tuple[Decimal | None, list[Decimal | None]]] | None = None) -> Coverage:
    """The account of one check: every instance classified, every skipped slot not applicable. ``known``:
    each instance's ``figures``, when the caller has read them already (``check`` shares them with ``evaluate``)."""
    filled = _filled_columns(budget)
    out = Coverage()
    for i, inst in enumerate(instances):
        out.add(status(inst, filled, known[i] if known is not None else None), inst.total.table.key, inst.rule)
    for s in skipped:
        out.add(NOT_APPLICABLE, s.table, s.rule)
    return out


# ------------------------------------------------------------------ evaluation
def _plainly_holds(inst: Instance, tol: Tolerances,
                   known: tuple[Decimal | None, list[Decimal | None]] | None = None) -> bool:
    """The common case, decided without building messages: one unit, no inherited share, exact equality."""
    if tol.inherited or inst.kind not in (SUM, COPY, AT_MOST):
        return False
    unit = inst.total.table.unit
    total, values = known if known is not None else figures(inst)
    if inst.kind == AT_MOST:
        return _plainly_within(inst, total, values, unit)
    if total is None and all(v is None for v in values) and not inst.total.row.invalid:
        return True  # nothing known: nothing to test
    if total is None or any(p.table.unit != unit for p in inst.parts):
        return False
    present = [v for v in values if v is not None]
    if not present or len(present) != len(values) and inst.kind == COPY:
        return False
    if any(c in p.row.invalid for p in inst.parts for c in (p.col,)) or inst.total.col in inst.total.row.invalid:
        return False
    return total == sum(present, ZERO)


def _plainly_within(inst: Instance, total: Decimal | None, values: list[Decimal | None], unit: str) -> bool:
    """An at-most that cannot fire: its bound blank (a blank bound bounds nothing), or its parts, in the bound's
    unit and all readable, adding up to no more than the bound with no 差额 note (``excess``) to give."""
    if total is None:
        return True
    if inst.excess or any(p.table.unit != unit for p in inst.parts) or inst.total.col in inst.total.row.invalid \
            or any(p.col in p.row.invalid for p in inst.parts):
        return False
    return sum((v for v in values if v is not None), ZERO) <= total


def evaluate(inst: Instance, budget: Budget, tol: Tolerances = DEFAULT,
             known: tuple[Decimal | None, list[Decimal | None]] | None = None) -> list[Finding]:
    """The findings of one instance under the rounding model (pure); ``known``: its ``figures``, if read."""
    if _plainly_holds(inst, tol, known):
        return []
    total = fig(inst.total.table, inst.total.row, inst.total.col, tol)
    parts = [fig(p.table, p.row, p.col, tol) for p in inst.parts]
    if inst.kind == SUM:
        return check_sum(inst.rule, total, parts, inst.what, severity=inst.severity)
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


def _excess(inst: Instance, small, big) -> list[Finding]:
    from budget_xl.findings import INFO

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
                    known: list[tuple[Decimal | None, list[Decimal | None]]] | None = None) -> list[Finding]:
    """Every declared relation of the workbook, evaluated (``known``: the instances' ``figures``, if read)."""
    out: list[Finding] = []
    for i, inst in enumerate(instances if instances is not None else expand(budget)):
        out += evaluate(inst, budget, tol, known[i] if known is not None else None)
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
