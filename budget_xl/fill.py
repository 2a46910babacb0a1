"""重算汇总: fill every derivable total and parent row from its parts.

The derivation graph (``derive.py``, generated from the declared relations) says which cells are totals,
parent rows or summary-table copies; each is filled only when at least one of its parts has a value. A total
that already differs from its parts only by 尾差 is kept (``rounding.keeps_printed_total``): it is most likely
the budget system's own rounding of the exact figure, which a sum of rounded parts cannot improve. Leaf
values are never touched.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budget_xl.derive import Derivation, graph_from
from budget_xl.findings import ERROR
from budget_xl.gc_pause import paused_gc
from budget_xl.model import Budget, Row, copy_budget
from budget_xl.relations import COPY, SUM, Instance, Term, evaluate, expand
from budget_xl.rounding import keeps_printed_total, own_share, to_yuan
from budget_xl.units import convert


@dataclass(frozen=True)
class Change:
    cell: str
    old: Decimal | None
    new: Decimal
    what: str
    why: str = ""  # the 变更记录 / --dry-run reason: a change of the details, a blank filled, a summary figure


def _why(ref: Term, old: Decimal | None, new: Decimal, derivation: Derivation | None) -> str:
    unit = ref.table.unit
    if old is None:
        return "原为空白，填入明细之和" if derivation is None or derivation.compute() == new else \
            "原为空白，填入别处印出的同一数字（与明细之和只差尾差）"
    delta = f"{new - old:+,.2f}{unit}"
    if derivation is None:
        return f"汇总表中取自明细表的数，随明细表的合计变动{delta}"
    if derivation.kind == SUM and derivation.compute() != new:
        return f"其下明细变动{delta}，原数随之变动（原有尾差保留）"
    return f"按明细重算，变动{delta}"


@paused_gc
def plan_fill(budget: Budget, keep: set[str] | frozenset[str] = frozenset()) -> tuple[Budget, list[Change]]:
    """A filled copy of the budget and the cells that changed (the input model is untouched). Cells in
    ``keep`` (e.g. totals localization says are right while a detail is wrong) are never rewritten."""
    filled = copy_budget(budget)
    instances = expand(filled)
    graph = graph_from(instances)  # depends on which rows exist, not on values: one graph serves throughout
    originals: dict[str, Decimal | None] = {}
    kept: list[Derivation] = []
    summed = _printed_sum_shares(filled, graph, instances)
    moved: dict[str, Decimal] = {}  # how far fill moved each cell it wrote, in its table's unit
    derived = {d.target.cell: d for d in graph}
    peers = _peers(instances)
    pinned: dict[str, Decimal] = {}
    touching: dict[str, list[Instance]] = defaultdict(list)
    for inst in instances:
        for c in inst.cells:
            touching[c].append(inst)
    for _round in range(40):  # until nothing moves: a figure pushed down, or a copy filled later, goes round again
        changed = _forward(graph, keep, moved, originals, kept, peers, pinned, summed)
        pushed = _push_summary_copies(instances, derived, keep, moved, originals)
        if not pushed and not changed and not _pin_by_delta(touching, derived, keep, moved, originals, pinned):
            break
    repaired = _repair(filled, originals, kept, instances, keep)
    for d in graph:  # what was filled from a repaired total follows it (a copy of it, a sum over it)
        cell = d.target.cell
        if cell in originals and cell not in repaired and any(p.cell in repaired for p in d.parts):
            for p in d.parts:
                if p.cell in repaired and originals[p.cell] is not None:
                    moved[p.cell] = p.value() - originals[p.cell]
            new = _follow(d, originals[cell], moved, originals)
            if new is not None:
                if originals[cell] is not None:
                    moved[cell] = new - originals[cell]
                d.target.row.values[d.target.col] = new
                repaired.add(cell)
    refs = {d.target.cell: d.target for d in graph}
    for inst in instances:  # a cell filled by another way of computing it than the graph's, or pushed down
        for term in (inst.total, *inst.parts):
            if term.cell in originals:
                refs.setdefault(term.cell, term)
    changes = [Change(cell=cell, old=old, new=refs[cell].value(), what=refs[cell].describe(),
                      why=_why(refs[cell], old, refs[cell].value(), derived.get(cell)))
               for cell, old in originals.items() if refs[cell].value() != old]
    _log(filled, changes)
    return filled, changes


def _peers(instances: list[Instance]) -> dict[str, list[tuple[Term, Instance]]]:
    """The cells printed elsewhere as the same figure: two copies, or a sum of one declared part."""
    out: dict[str, list[tuple[Term, Instance]]] = defaultdict(list)
    for inst in instances:
        if inst.kind in (SUM, COPY) and inst.total.cell and inst.parts:
            others = [p for p in inst.parts if p.cell]
            for p in others:
                out[inst.total.cell].append((p, inst))
                out[p.cell].append((inst.total, inst))
    return out


def _from_peer(d: Derivation, computed: Decimal, peers, originals) -> Decimal:
    """A blank total takes the sum of its details — unless the same figure is printed elsewhere (a copy in
    another table) within 尾差 of that sum: then that printed figure, so the two copies stay identical and the
    budget system's rounding is kept (4148.23, not the 4148.22 its rounded classes add up to)."""
    target = d.target
    present = sum(1 for p in d.parts if p.value() is not None)
    share = own_share(target.table.unit)
    for peer, inst in peers.get(target.cell, ()):
        v = peer.value()
        if v is None or originals.get(peer.cell, v) is None:  # a peer itself filled from blank proves nothing
            continue
        others = [t for t in (inst.total, *inst.parts) if t.cell != target.cell and t.value() is not None]
        if inst.kind == SUM and len(others) != 1:
            continue  # only a sum with one printed part says the two cells are the same figure
        v = convert(v, peer.table.unit, target.table.unit)
        if v != computed and abs(to_yuan(v - computed, target.table.unit)) <= (present + 1) * share:
            return v
    return computed


def _pin_by_delta(touching, derived, keep, moved, originals, pinned) -> bool:
    """A total recomputed as the plain sum of details the user changed (20408 项目支出 = Σ项) has lost the printed
    rounding it carried; another relation through it whose other figures are all totals with a known change
    (its row: 合计 = 基本支出 + 项目支出) tells its change exactly — old + that Δ, when within 尾差 of the sum,
    keeps the rounding (755.53 + 5.00, not the 760.54 its rounded 项 add up to). One cell at a time, lowest
    first: the totals above it must follow it before they tell anything. Returns whether it pinned one."""
    for cell, d in derived.items():  # graph order: dependencies first
        if cell not in originals or cell in pinned or cell in keep or originals[cell] is None or d.kind != SUM:
            continue
        t = d.target
        computed = d.compute()
        if t.value() != computed:
            continue
        unit = t.table.unit
        present = sum(1 for p in d.parts if p.value() is not None)
        for inst in touching.get(cell, ()):
            if inst.kind != SUM or inst.total.cell is None:
                continue
            others = [o for o in (inst.total, *inst.parts) if o.cell != cell and o.value() is not None]
            if not others or any(o.cell not in derived or originals.get(o.cell, o.value()) is None for o in others):
                continue
            dsum = sum((convert(moved.get(o.cell, Decimal(0)), o.table.unit, unit) for o in inst.parts
                        if o.cell != cell and o.value() is not None), Decimal(0))
            dtotal = convert(moved.get(inst.total.cell, Decimal(0)), inst.total.table.unit, unit)
            candidate = originals[cell] + (dsum if inst.total.cell == cell else dtotal - dsum)
            if candidate != computed and keeps_printed_total(candidate, computed, present, unit):
                pinned[cell] = candidate
                return True
    return False


def _forward(graph, keep, moved, originals, kept, peers, pinned=None, summed=None) -> bool:
    """One pass over the graph, dependencies first: each derived cell follows its parts (``_follow``), from the
    value it had before fill (or takes the value ``_pin_by_delta`` found). Returns whether any cell changed."""
    changed = False
    pinned = pinned or {}
    for d in graph:
        target = d.target
        if target.cell in keep:
            continue
        old = originals[target.cell] if target.cell in originals else target.value()
        new = pinned[target.cell] if target.cell in pinned else _follow(d, old, moved, originals)
        if new is None:
            continue
        if old is not None and d.kind == COPY and summed and d.parts and new != old:
            src = d.parts[0]
            shift = convert(moved.get(src.cell, Decimal(0)), src.table.unit, target.table.unit)
            if _copy_of_printed_sum(d, old, new - shift, summed):
                new = old + shift  # 决算: the exact figure's rounding, copied from a total printed as Σ rounded parts
        if old is None and d.kind == SUM:
            new = _from_peer(d, new, peers, originals)
        if old is not None and d.kind == SUM and new != d.compute() and d not in kept:
            kept.append(d)  # the printed rounding kept (old, or old + Δ): _repair checks its other relations
        if new == target.value():
            continue
        originals.setdefault(target.cell, old)
        if old is not None:  # a blank filled: what it adds to a printed total above it is not known
            moved[target.cell] = new - old
        target.row.values[target.col] = new
        changed = True
    return changed


def _summary_leaf(term: Term, by_target: dict[str, Derivation]) -> Term | None:
    """The summary-table figure a cell stands for: itself when nothing derives it, or — for a line that only
    adds up one printed figure (财政拨款收入 = 一般公共预算资金 alone) — that figure."""
    while term.cell in by_target:
        d = by_target[term.cell]
        present = [p for p in d.parts if p.value() is not None]
        if d.kind != SUM or len(present) != 1:
            return None
        term = present[0]
    return term if term.table.layout.sides else None


def _push_summary_copies(instances, derived, keep, moved, originals) -> bool:
    """A figure of a summary table (收支总表, 财拨收支总表) that no derivation computes but which is the only printed
    counterpart of a total fill rewrote — 收支总表 一般公共预算拨款收入 against 收入总表 财政拨款收入 — is the same
    figure taken from the detail tables: it follows that total. Returns whether anything moved."""
    pushed = False
    pairs = []
    for inst in instances:
        if inst.kind == SUM:
            pairs.append((inst.total, inst.parts))
        elif inst.kind == COPY:
            pairs += [(inst.total, inst.parts), (inst.parts[0], (inst.total,))]
    # a detail table's total first: a summary figure follows the table it is taken from, not another summary line
    for source, others in sorted(pairs, key=lambda p: bool(p[0].table.layout.sides)):
        if source.cell not in originals or source.cell in keep or source.value() is None:
            continue
        present = [p for p in others if p.value() is not None]
        if len(present) != 1:
            continue
        leaf = _summary_leaf(present[0], derived)
        if leaf is None or leaf.cell in keep or leaf.cell in originals:
            continue
        old = leaf.value()
        if source.cell in moved:  # moved by Δ from its printed figure: the summary figure moves by the same Δ
            new = old + convert(moved[source.cell], source.table.unit, leaf.table.unit)
        else:  # filled from blank: its sum replaces the printed figure only beyond 尾差
            new = convert(source.value(), source.table.unit, leaf.table.unit)
            d = derived.get(source.cell)
            n = sum(1 for p in d.parts if p.value() is not None) if d else 1
            if keeps_printed_total(old, new, n, leaf.table.unit):
                continue
        if new == old:
            continue
        originals[leaf.cell] = old
        moved[leaf.cell] = new - old
        leaf.row.values[leaf.col] = new
        pushed = True
    return pushed


def _follow(d: Derivation, old: Decimal | None, moved: dict[str, Decimal],
            originals: dict[str, Decimal | None] | None = None) -> Decimal | None:
    """The value a derived cell takes: the sum of its parts when it is blank or a copy; otherwise its printed
    value moved by exactly the change of its parts (old + Δ), so the budget system's rounding of the printed
    figure is kept. Δ is what fill itself moved the parts by, plus whatever the parts differ from the printed
    total beyond 尾差 (a detail the user changed directly under it). A part filled from blank either was in the
    printed total already (a total the user cleared) or is new (a 项 row added): whichever leaves the printed
    total within 尾差 of the sum."""
    computed = d.compute()
    if computed is None or old is None or d.kind != SUM:
        return computed
    unit = d.target.table.unit
    known = sum((convert(moved[p.cell], p.table.unit, unit) for p in d.parts if p.cell in moved), Decimal(0))
    fresh = sum((convert(p.value(), p.table.unit, unit) for p in d.parts
                 if originals and p.cell in originals and originals[p.cell] is None and p.value() is not None),
                Decimal(0))
    present = sum(1 for p in d.parts if p.value() is not None)
    for guess in (old + known, old + known + fresh):
        if keeps_printed_total(guess, computed, present, unit):
            return guess
    return computed
def _printed_sum_shares(budget: Budget, graph, instances) -> dict[str, Decimal]:
    """Cells whose total the profile prints as the sum of rounded parts (``printed_sums``), with their shares."""
    from budget_xl.derive import tolerances
    from budget_xl.schema import load_schema

    if not load_schema(budget.profile).printed_sums:
        return {}
    return dict(tolerances(budget, graph, instances).inherited)


def _copy_of_printed_sum(d: Derivation, old: Decimal, new: Decimal, summed: dict[str, Decimal]) -> bool:
    """A printed copy that differs from its source — a total printed as Σ rounded parts — by no more than the
    source's share: the copy is the exact figure's rounding, and is kept (check reports it as 尾差)."""
    from budget_xl.rounding import own_share, to_yuan

    src = d.parts[0] if d.parts else None
    if src is None or src.cell not in summed:
        return False
    gap = abs(to_yuan(old, d.target.table.unit) - to_yuan(new, src.table.unit))
    return gap <= summed[src.cell] + own_share(d.target.table.unit)


def _log(filled: Budget, changes: list[Change]) -> None:
    """The filled model carries its 变更记录 as the written workbook will: totals computed from rounded parts
    then inherit their parts' rounding shares when checked (``derive.tolerances``)."""
    log = filled.tables.get("LOG")
    if log is None or not changes:
        return
    log.present = True
    log.rows += [Row(key=f"#{len(log.rows) + i}", values={"cell": c.cell, "what": c.what, "old": c.old, "new": c.new})
                 for i, c in enumerate(changes)]
    log.reindex()


def _repair(filled: Budget, originals: dict[str, Decimal | None], kept: list[Derivation],
            instances: list[Instance], keep) -> set[str]:
    """A total kept within 尾差 of one relation, or filled from one of several relations that compute it, may
    break another (its row's sum, its copy in the next table). For each such total, try every value the
    relations offer — each way of computing it, and the figures it is compared with — and take the one that
    leaves the fewest errors among the relations it takes part in. Only those relations are re-evaluated, so the
    work grows with the workbook, not with its square."""
    touching: dict[str, list[Instance]] = defaultdict(list)
    ways: dict[str, list[Derivation]] = defaultdict(list)  # every declared way of computing a cell
    for inst in instances:
        for cell in inst.cells:
            touching[cell].append(inst)
        if inst.fill and inst.kind in (SUM, COPY) and inst.total.cell:
            ways[inst.total.cell].append(Derivation(inst.total, inst.parts, inst.kind, inst.rule))
    targets: dict[str, Term] = {d.target.cell: d.target for d in kept}
    for inst in instances:
        if inst.total.cell in originals and inst.total.cell not in targets:
            targets[inst.total.cell] = inst.total

    def errors_at(cell: str) -> int:
        return sum(1 for inst in touching[cell] for f in evaluate(inst, filled) if f.severity == ERROR)

    repaired: set[str] = set()
    for _round in range(2):
        changed = False
        for cell, ref in targets.items():
            if cell in keep:
                continue
            current = ref.value()
            before = errors_at(cell)
            if before == 0:
                continue
            candidates = {d.compute() for d in ways[cell]}
            for inst in touching[cell]:
                for other in (inst.total, *inst.parts):
                    if other.cell != cell and other.value() is not None and inst.kind != SUM:
                        candidates.add(convert(other.value(), other.table.unit, ref.table.unit))
            best, best_errors = current, before
            for v in candidates - {None, current}:
                ref.row.values[ref.col] = v
                n = errors_at(cell)
                if n < best_errors:
                    best, best_errors = v, n
            ref.row.values[ref.col] = best
            if best != current:
                originals.setdefault(cell, current)
                repaired.add(cell)
                changed = True
        if not changed:
            break
    return repaired


@dataclass(frozen=True)
class Held:
    """A total 重算汇总 did not rewrite because a detail under it is the likely error (from localization)."""

    cell: str
    value: Decimal
    what: str
    reason: str
    old: Decimal | None = None  # set when the other details' changes still moved it (value ≠ old)


def held_totals(budget: Budget, suspects: dict[str, str], graph: list | None = None) -> list[Held]:
    """The non-blank totals that depend (directly or through other totals) on a suspect detail: rewriting
    them from their parts would spread the wrong figure, so they are kept and the detail is reported.
    ``graph``: the budget's derivations (``graph_from``) when the caller has them."""
    if not suspects:
        return []
    graph = graph_from(expand(budget)) if graph is None else graph
    tainted: dict[str, str] = dict(suspects)
    out: list[Held] = []
    for d in graph:  # dependencies first: a total over a tainted total is tainted too
        cell = d.target.cell
        source = next((p.cell for p in d.parts if p.cell in tainted), None)
        if cell is None or source is None:
            continue
        tainted[cell] = tainted[source]
        value = d.target.value()
        if value is not None and cell not in suspects:
            out.append(Held(cell, value, d.target.describe(), tainted[source]))
    return out


@dataclass(frozen=True)
class Plan:
    """What 重算汇总 will do, before anything is written (``fill --dry-run`` and the add-in show it as is)."""

    filled: Budget
    changes: list[Change]
    held: list[Held]
    errors_before: int
    errors_after: int


MAX_SUSPECTS = 8  # each is tried by one more plan: a workbook with more is left to 校验
TEXT_RULES = "TXT-"  # the 情况说明 quoting table figures: text fill never writes, follows the tables afterwards


def _errors(budget: Budget) -> list:
    """The errors among the tables (what 重算汇总 answers for): the text's quotations of a changed figure are
    the user's to update once the tables are right, and are reported by 校验 as before."""
    from budget_xl.rules import run_checks

    return [f for f in run_checks(budget) if f.severity == ERROR and not f.rule.startswith(TEXT_RULES)]


@paused_gc
def recompute_plan(budget: Budget, errors_before: list | None = None, localized=None) -> Plan:
    """重算汇总 as the buttons and the command run it. The details are the truth: every total is recomputed from
    its details, moving by exactly their change (old + Δ). Only where the details themselves disagree once the
    totals follow them — the same 项 printed with different amounts in two tables, projects against 项目支出, a
    figure in a row no other table has — are the totals above the disagreeing detail held (localization names
    it): a suspect detail is left out of the totals only when that makes the followed workbook agree better, so a
    detail that agrees wherever it appears (an edit made in every table, a new 项 row in all of them) is never
    held, whatever localization made of the totals above it. Never worse: a plan that would leave more errors
    than the workbook has is not taken. ``errors_before``: the errors among the tables (``_errors``) when the
    caller has just checked the budget (``check``'s findings), not checked again; ``localized``: the budget's
    localization (``localize_budget``) when the caller has made it, not made again."""
    from budget_xl.localize.fold import fill_suspects

    before = _errors(budget) if errors_before is None else errors_before
    filled, changes = plan_fill(budget)
    after = _errors(filled) if before or changes else []
    held: list[Held] = []
    if after:
        found = fill_suspects(budget, localized)
        accepted: dict[str, str] = {}
        graph = graph_from(expand(budget)) if found else []  # the budget's own: every trial holds totals on it
        for cell in list(found)[:MAX_SUSPECTS]:  # a suspect counts when leaving it out makes the details agree better
            trial = {**accepted, cell: found[cell][0]}
            t_filled, t_changes, t_held = _without(budget, {c: found[c][1] for c in trial}, trial, graph)
            t_after = _errors(t_filled)
            if len(t_after) < len(after) or (len(t_after) == len(after) and _at_the_suspects(budget, trial, t_after)):
                accepted, filled, changes, held, after = trial, t_filled, t_changes, t_held, t_after
    if len(after) > len(before):  # never worse: keep every total as printed, and say why
        held = [Held(c.cell, c.old, c.what, f"按明细重算后错误反而更多（{len(before)}处→{len(after)}处），"
                     "保留原数，请先按“校验”的结果核对明细。") for c in changes if c.old is not None]
        filled, changes, after = copy_budget(budget), [], before
    return Plan(filled, changes, held, len(before), len(after))


def _at_the_suspects(budget: Budget, suspects, errors) -> bool:
    """Every error left names a cell of a suspect's own row: held, the wrong figure is reported where it sits
    rather than in the totals it would have climbed into."""
    rows = {c for t in budget.tables.values() for r in t.rows if set(r.cells.values()) & set(suspects)
            for c in r.cells.values()}
    return all(set(f.cells) & rows for f in errors)


def _without(budget: Budget, values: dict[str, Decimal | None], reasons: dict[str, str], graph: list | None = None):
    """The totals follow every detail but the suspect ones: those count at the figure the printed totals were
    made with, so a wrong figure never climbs into a total while the other details' changes still do. The
    suspect cells themselves keep what the user typed (a detail is never rewritten)."""
    trial = copy_budget(budget)
    by_cell = {r.cells[c]: (r, c) for t in trial.tables.values() for r in t.rows for c in r.cells}
    actual = {}
    for cell, value in values.items():
        row, col = by_cell[cell]
        actual[cell] = row.values.get(col)
        row.values[col] = value
    held = [h for h in held_totals(budget, reasons, graph)]
    filled, changes = plan_fill(trial)
    back = {r.cells[c]: (r, c) for t in filled.tables.values() for r in t.rows for c in r.cells}
    for cell, value in actual.items():
        row, col = back[cell]
        row.values[col] = value
    moved = {c.cell for c in changes}
    held = [dataclasses.replace(h, old=h.value, value=next(c.new for c in changes if c.cell == h.cell))
            if h.cell in moved else h for h in held]
    return filled, changes, held


def plan_recompute(budget: Budget) -> tuple[Budget, list[Change], list[Held]]:
    """(filled, changes, held) of ``recompute_plan``."""
    plan = recompute_plan(budget)
    return plan.filled, plan.changes, plan.held


def held_note(h: Held) -> str:
    """The 变更记录 text of a held total."""
    if h.old is not None and h.old != h.value:
        return f"只按其余明细重算（原数{h.old:,.2f}，未计入疑错的明细）：{h.what}。{h.reason}"
    return f"保留原数（未改写）：{h.what}。{h.reason}"


def derived_cells(budget: Budget) -> list[str]:
    """Every cell that 重算汇总 derives (totals, parent rows, summary-table copies)."""
    return list(dict.fromkeys(d.target.cell for d in graph_from(expand(budget)) if d.target.cell))


CHECK_HINT = "可用 budget-xl check 查看全部问题"


def refuse_on_reader_errors(src, notes, hint: str = CHECK_HINT) -> None:
    """重算汇总 on a workbook the reader could not read correctly would write wrong totals: refuse, naming why.
    One rule for ``fill`` and the add-in's 重算汇总 (``hint`` says where to see every problem: the command, or the
    校验 button): the add-in had no such check and wrote totals over a #REF! or beside a duplicated code."""
    from budget_xl.errors import InputError

    errors = [n for n in notes if n.severity == ERROR]
    if not errors:
        return
    lines = [f"  {n.cells[0] if n.cells else ''} {n.message}" for n in errors[:8]]
    more = f"\n  ……另有 {len(errors) - 8} 条" if len(errors) > 8 else ""
    raise InputError("读取时发现以下错误，为免写出错误的合计，重算汇总没有进行。请先改正这些单元格"
                     f"（{hint}）：\n" + "\n".join(lines) + more, file=str(src))
