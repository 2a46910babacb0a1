"""The one rounding model: how far two printed figures may honestly stand apart.

Every comparison happens in 元, exactly (a 万元 figure × 10000). A figure carries ± half its last printed digit
— its *share* — when what the document shows of its source says it was rounded:

- **万元 tables** (two decimals): 0.005 万元 = 50 元 each; their source holds more than they print.
- **元 tables printed with 分**: exact (share 0). A budget system that prints 分 holds 分: a sum that misses by
  0.01 元 is a real difference, not rounding.
- **元 tables printed in whole 元** (every figure of the table an integer): decided per document from the
  evidence (``coarse_printing``). When its relations hold to the 元 everywhere but around one figure, the figures
  are exact and a lone 1-元 difference is a real error ("相差1元"); when small differences (within
  (n+1) × 0.5 元) run through the tables — several of them, not one figure's copies — the system rounded 分 to
  元 and every figure carries ±0.5 元.
- **万元 tables printed in whole 万元** (a county that prints "4148" for 4,148.12 万元), the same way: exact whole
  万元 (a budget planned in round sums) keep the share of two decimals; small differences within
  (n+1) × 0.5 万元 running through them make every figure carry ±0.5 万元 (5,000 元); one decimal of 万元
  likewise, ±0.05 万元.
- Counts and percentages are not money and are exact.

- Two copies of one figure must be identical; only a coarser copy of a finer figure (a 万元 copy of a 元 figure,
  a whole-元 copy of a 分 figure in a rounded document) may differ, by its 四舍五入.
- A total of n ≥ 2 printed addends may differ from their sum by up to the sum of every figure's share —
  (n+1) × 0.005 when all are 万元 — that is 尾差 (info); beyond it, an error.
- A total that 重算汇总 computed from rounded parts (listed in 变更记录) inherits its parts' shares.
- So does a 类/款 total of a table whose system prints it as the sum of its rounded 项 (部门决算: the profile
  declares ``printed_sums``) when it equals that sum: 208 社会保障和就业支出 printed 326.72 (= 84.65 + 160.75 +
  80.38 + 0.94) in the 支出决算表 and 326.71 (the exact figure rounded) in the 收支总表 is 尾差, not an error;
  the same figure printed by two tables that both round the exact figure must still be identical.
- 万元 amounts the text converts from 元 tables are 四舍五入 or, in a document that does so consistently, 截尾
  (``text_conversion``): a consistent convention is one note, not an error per sentence.

Rules receive a ``Tolerances`` as an argument, as beancount passes ``options_map``: nothing is attached to
the model, so a rule stays a pure function of (budget, tolerances).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from budget_xl.units import WAN, YUAN

ZERO = Decimal(0)
TEN_THOUSAND = Decimal(10000)
HALF_YUAN = Decimal("0.5")
HALF = HALF_YUAN  # half the unit of a table printed in whole units (元 or 万元), in that unit
_SHARE = {WAN: Decimal(50), YUAN: ZERO}  # in 元
MONEY = "amount"
SUM_KIND = "sum"  # budget_xl.relations.SUM (not imported: relations imports this module)
# independent small differences (figures needed to explain them) that show a whole-元 document rounded 分 to 元
ROUNDED_EVIDENCE = 3

EXACT, ROUNDING, OFF = "exact", "rounding", "off"
ROUND, TRUNCATE = "round", "truncate"  # how the text turned 元 into 万元


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion of a figure printed in ``unit`` to 元."""
    return value * TEN_THOUSAND if unit == WAN else value


def from_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion of 元 to ``unit`` (may carry more than two decimals)."""
    return value / TEN_THOUSAND if unit == WAN else value


def own_share(unit: str, ctype: str = MONEY) -> Decimal:
    """Half the last printed digit of one figure, in 元, by its unit alone (0 for counts and percentages)."""
    return _SHARE.get(unit, ZERO) if ctype == MONEY else ZERO


@dataclass(frozen=True)
class Tolerances:
    """Each figure's rounding share. ``printed``: the share of every figure of a table (by key) whose printing
    says more than its unit does (a whole-元 table of a document that rounded 分 to 元: 0.5 元); ``coarse``: the
    tables printed with fewer than two decimals, and how many (their messages speak as they print);
    ``inherited``: the larger shares, by cell, of
    totals 重算汇总 computed."""

    inherited: Mapping[str, Decimal] = field(default_factory=dict)
    printed: Mapping[str, Decimal] = field(default_factory=dict)
    coarse: Mapping[str, int] = field(default_factory=dict)

    def printed_share(self, table: str | None, unit: str, ctype: str = MONEY) -> Decimal:
        """The share its printing gives a figure of ``table`` (before anything 重算汇总 added)."""
        base = own_share(unit, ctype)
        if ctype != MONEY or table is None:
            return base
        return self.printed.get(table, base)

    def share(self, cell: str | None, unit: str, ctype: str = MONEY, table: str | None = None) -> Decimal:
        base = self.printed_share(table, unit, ctype)
        return self.inherited.get(cell, base) if cell else base

    def is_inherited(self, cell: str | None, unit: str, ctype: str = MONEY, table: str | None = None) -> bool:
        return self.share(cell, unit, ctype, table) > self.printed_share(table, unit, ctype)

    def places(self, table: str | None, unit: str) -> int:
        """Decimals a figure of ``table`` is printed with: 0 in whole 元 or whole 万元, 1, else 2."""
        return self.coarse.get(table, 2)


DEFAULT = Tolerances()


def envelope(shares: Iterable[Decimal]) -> Decimal:
    """How far a total may stand from the sum of its parts: the sum of every figure's share."""
    return sum(shares, ZERO)


def sum_verdict(diff: Decimal, shares: list[Decimal], n_parts: int, inherited: bool) -> str:
    """exact | rounding (尾差) | off, for total − Σ parts = ``diff``; ``shares`` include the total's.

    One part against its total is a copy: no 尾差 unless a share was inherited from 重算汇总."""
    if diff == ZERO:
        return EXACT
    if (n_parts >= 2 or inherited) and abs(diff) <= envelope(shares):
        return ROUNDING
    return OFF


def copy_verdict(a: Decimal, a_unit: str, b: Decimal, b_unit: str, shares: tuple[Decimal, Decimal],
                 inherited: bool) -> str:
    """Two copies of one figure (values in 元): identical, or a coarser copy that is the finer figure's
    四舍五入 (a 万元 copy of a 元 figure; a whole-元 copy, share 0.5 元, of a figure printed with 分; a whole-万元
    copy, share 0.5 万元, or a one-decimal one, 0.05 万元, of one printed with two decimals or in 元)."""
    if a == b:
        return EXACT
    if a_unit != b_unit:
        yuan, wan = (a, b) if a_unit == YUAN else (b, a)
        if round_wan(yuan) == wan:
            return EXACT
    if not inherited and shares[0] != shares[1]:  # a share printed, not summed by 重算汇总
        fine, coarse, share, unit = (a, b, shares[1], b_unit) if shares[0] < shares[1] else (b, a, shares[0], a_unit)
        step = 2 * share  # the coarser copy's last printed digit, in 元
        if share > own_share(unit) and _round_to(fine / step, 0) * step == coarse:
            return EXACT  # printed coarser than its unit's two decimals (whole 元, whole 万元, one decimal)
    if inherited and abs(a - b) <= envelope(shares):
        return ROUNDING
    return OFF


def is_printed_sum(rule: str) -> bool:
    """The derivations whose totals a ``printed_sums`` system prints as Σ rounded parts: the code trees
    (类 = Σ款, 款 = Σ项, 合计 = Σ类), not the copies between tables nor the row sums across columns."""
    return rule.endswith("-TREE-SUM")


def _round_to(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_wan(yuan: Decimal) -> Decimal:
    """A 元 figure as a 万元 table prints it (四舍五入 to 0.01 万元), back in 元."""
    return (yuan / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * TEN_THOUSAND


def keeps_printed_total(old: Decimal, new: Decimal, n_present: int, unit: str) -> bool:
    """重算汇总: a printed total within 尾差 of its recomputed sum is kept (it is most likely the budget
    system's own rounding of the exact figure, which a sum of rounded parts cannot improve)."""
    share = own_share(unit)
    return n_present >= 2 and abs(to_yuan(new - old, unit)) <= (n_present + 1) * share


def gap_is_rounding(gap_wan: Decimal, n_figures: int) -> bool:
    """The narrative's question: is a gap between printed 万元 figures explained by their rounding?"""
    return abs(to_yuan(gap_wan, WAN)) <= n_figures * own_share(WAN)


# ------------------------------------------------------------------ coarse printing: exact or rounded?
def printed_places(table) -> int | None:
    """The decimals the money figures of ``table`` are printed with when fewer than two — 0 (whole 元 or whole
    万元) or 1 —, else None (two or more, or nothing but zeros). Stops at the first figure with two decimals:
    a table printed with two is told at once."""
    lay = table.layout
    columns = [c for c in lay.amount_columns if lay.column_map[c].type == MONEY]
    most, some = 0, False
    for r in table.rows:
        for c in columns:
            v = r.amount(c)
            if v is None:
                continue
            if v != v.to_integral_value():
                places = -v.normalize().as_tuple().exponent
                if places >= 2:
                    return None
                most = max(most, places)
            some = some or v != ZERO
    return most if some else None


def coarse_tables(budget, unit: str = YUAN) -> dict[str, int]:
    """The ``unit`` tables printed coarser than two decimals, by key: their decimals (0 or 1)."""
    out = {}
    for t in budget.tables.values():
        if t.present and t.unit == unit and (places := printed_places(t)) is not None:
            out[t.key] = places
    return out


def small_differences(instances, keys: set[str], half: Decimal = HALF) -> list[frozenset]:
    """The sums among tables ``keys`` (of one unit, one printing) that miss by a little, within (n+1) × ``half``
    (half their last printed digit, in their unit) — what rounding to that digit would leave —, each as the
    set of figures it involves. A figure is (row, value): the copies of one figure (the same 科目 row and
    amount on several tables or columns) are one."""
    out = []
    for inst in instances:
        if inst.kind != SUM_KIND:
            continue
        terms = (inst.total, *inst.parts)
        if any(t.table.key not in keys for t in terms):
            continue
        total = inst.total.value()
        filled = [(p, v) for p in inst.parts if (v := p.value()) is not None]
        if total is None or len(filled) < 2:
            continue
        diff = total - sum((v for _, v in filled), ZERO)
        if diff != ZERO and abs(diff) <= (len(filled) + 1) * half:
            out.append(frozenset((t.row.key, v) for t, v in ((inst.total, total), *filled)))
    return out


def independent(differences: list[frozenset]) -> int:
    """How many figures it takes to explain every difference (greedy hitting set: the figure in most first)."""
    left, n = list(differences), 0
    while left:
        count = Counter(f for d in left for f in d)
        best, _ = count.most_common(1)[0]
        left = [d for d in left if best not in d]
        n += 1
    return n


def coarse_printing(budget, instances) -> Tolerances:
    """The printing of this document's tables printed coarser than two decimals (whole 元, whole 万元, one
    decimal of 万元), decided from the evidence, unit by unit and printing by printing: which they are, and
    a share of half their last printed digit (0.5 元; 0.5 万元 = 5,000 元; 0.05 万元 = 500 元) for their figures
    when ``ROUNDED_EVIDENCE`` or more independent small differences run through them."""
    printed: dict[str, Decimal] = {}
    places: dict[str, int] = {}
    for unit in (YUAN, WAN):
        coarse = coarse_tables(budget, unit)
        places.update(coarse)
        for digits in sorted(set(coarse.values())):
            keys = frozenset(k for k, d in coarse.items() if d == digits)
            half = HALF.scaleb(-digits)  # in the tables' unit
            if independent(small_differences(instances, keys, half)) >= ROUNDED_EVIDENCE:
                printed.update(dict.fromkeys(keys, to_yuan(half, unit)))
    return Tolerances(printed=printed, coarse=places)


# ------------------------------------------------------------------ 万元 in the text from 元 tables
def _places(stated: Decimal) -> int:
    return max(-stated.as_tuple().exponent, 0)


def rounds_to(stated: Decimal, exact: Decimal) -> bool:
    """Is ``stated`` (as printed, e.g. Decimal('87.71')) the 四舍五入 of ``exact`` to its printed places?
    (Half a last digit either way: a figure printed with fewer places stands for anything that close.)"""
    half = Decimal(5) / Decimal(10) ** (_places(stated) + 1)
    return abs(stated - exact) <= half + Decimal("0.000001")


def truncates_to(stated: Decimal, exact: Decimal) -> bool:
    """Is ``stated`` ``exact`` cut off (截尾, toward zero) at its printed places? 877,080 元 → 87.70万元."""
    q = Decimal(1).scaleb(-_places(stated))
    return exact.quantize(q, rounding=ROUND_DOWN) == stated


def text_conversion(pairs: Iterable[tuple[Decimal, Decimal]]) -> str:
    """How a document turned table figures into the text's 万元 amounts, from (stated, exact 万元) pairs: TRUNCATE
    when at least two amounts are truncations and not roundings and none is a rounding and not a truncation;
    otherwise ROUND (四舍五入, the rule)."""
    cut = rounded = 0
    for stated, exact in pairs:
        r, t = rounds_to(stated, exact), truncates_to(stated, exact)
        cut += t and not r
        rounded += r and not t
    return TRUNCATE if cut >= 2 and rounded == 0 else ROUND


def text_matches(stated: Decimal, exact: Decimal, convention: str = ROUND) -> bool:
    """The text's amount stands for the table's figure under the document's convention."""
    return rounds_to(stated, exact) or (convention == TRUNCATE and truncates_to(stated, exact))
