"""The shortcuts the non-relation checks take for speed (issue 19) give what their definitions give: the unit-slip
ratio without a division, a table's peak without converting every figure, the renamings looked up by code, the
parent code without a table of lengths."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from budget_xl.model import copy_budget
from budget_xl.recognise.names import name_changes
from budget_xl.rounding import to_yuan
from budget_xl.rules.postprocess import _ratio_sign_exact, peak_yuan, ratio_sign
from budget_xl.rules.text import _changes_by_code
from budget_xl.schema import parent_code
from budget_xl.units import WAN, YUAN

sys.path.insert(0, str(Path(__file__).parent))
from rulekit import _base  # noqa: E402

figures = st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=2, allow_nan=False,
                      allow_infinity=False).filter(lambda d: d != 0)


@settings(max_examples=300, deadline=None)
@given(figures, figures, st.sampled_from([1, 10, 100, 1000, 9900, 10000, 10099, 10100, 100000]))
def test_the_ratio_sign_without_division_is_the_ratio_sign(a, b, scale):
    for x, y in ((a, b), (a * scale, a), (a, a * scale), (a * scale + b / 100, a)):
        if x and y:
            assert ratio_sign(x, y) == _ratio_sign_exact(x, y), (x, y)


def test_the_ratio_sign_at_its_edges():
    one = Decimal("123.45")
    assert ratio_sign(one * 10000, one) == 1 and ratio_sign(one, one * 10000) == -1
    assert ratio_sign(one * 9901, one) == 1 and ratio_sign(one * 9899, one) == 0  # 1 % either side
    assert ratio_sign(one * 999, one) == 0 and ratio_sign(Decimal("9.99"), Decimal("0.01")) == 0


def _peak_by_definition(t) -> Decimal | None:
    amounts = [to_yuan(v, t.unit) for r in t.rows for c in t.layout.amount_columns if (v := r.amount(c)) is not None]
    return max((abs(a) for a in amounts), default=None)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["T1", "T2", "T3", "T5", "T6", "T8"]), st.sampled_from([WAN, YUAN]),
       st.lists(st.tuples(st.integers(0, 40), st.sampled_from([Decimal("-1e9"), Decimal("-0.01"), Decimal(0),
                                                                Decimal("1e12"), Decimal("12.5")])), max_size=4))
def test_the_peak_of_a_table_is_its_largest_figure_in_yuan(key, unit, edits):
    t = copy_budget(_base())[key]  # _base is shared: change a copy
    t.unit = unit
    cols = t.layout.amount_columns
    for i, v in edits:
        t.rows[i % len(t.rows)].values[cols[i % len(cols)]] = v
    assert peak_yuan(t) == _peak_by_definition(t)
    for r in t.rows:  # and a table with no figure has none
        r.values = {c: v for c, v in r.values.items() if c not in cols}
    assert peak_yuan(t) is None and _peak_by_definition(t) is None


def test_the_renamings_by_code_are_the_renamings_of_the_year():
    for year in range(2010, 2031):
        changes = [c for c in name_changes() if year >= c["from"]]
        by_code = _changes_by_code(year)
        for code in {c["code"] for c in name_changes()} | {"201", "2100101"}:
            assert list(by_code.get(code, ())) == [c for c in changes if c["code"] == code], (year, code)
    assert [c["old"] for c in _changes_by_code(2026)["210"]] == ["医疗卫生支出", "医疗卫生与计划生育支出"]
    assert "210" not in _changes_by_code(2013)


def test_parent_codes():
    for code in ("2", "20", "201", "2010", "20101", "201010", "2010101", "20101011"):
        for system in ("func", "econ", None):
            want = (code[:3] if len(code) == 5 else None) if system == "econ" else \
                {5: code[:3], 7: code[:5]}.get(len(code))
            assert parent_code(code, system) == want, (code, system)
    assert parent_code("2010101", "func") == "20101" and parent_code("30101", "econ") == "301"
    assert parent_code("3010101", "econ") is None


def _code_names_by_definition(budget) -> list[tuple[str, str, tuple]]:
    names: dict[str, list] = {}
    for t in budget.tables.values():
        if t.present and t.layout.kind == "coded" and t.layout.code_system == "func":
            for r in t.coded_rows():
                if name := r.text("name").replace(" ", ""):
                    names.setdefault(r.key, []).append((t.sheet_name(), name, r.cell("name")))
    return [(code, "；".join(f"{s}为“{n}”" for s, n, _ in seen), tuple(c for _, _, c in seen if c))
            for code, seen in names.items() if len({n for _, n, _ in seen}) > 1]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["T2", "T3", "T5", "T7"]), st.integers(0, 60),
                          st.sampled_from(["", " ", "行政 运行", "其他支出", "改过的名称"])), max_size=5))
def test_one_name_per_code_reports_what_its_definition_reports(renames):
    from budget_xl.rules.completeness import code_names

    budget = copy_budget(_base())
    for key, i, name in renames:
        rows = budget[key].coded_rows() if key in budget.tables else []
        if rows:
            rows[i % len(rows)].values["name"] = name
    got = [(f.row, f.message.removeprefix(f"科目{f.row}的名称在各表中不一致：").removesuffix("。"), f.cells)
           for f in code_names(budget)]
    assert got == _code_names_by_definition(budget)


def test_a_code_named_otherwise_in_one_table_is_reported_with_every_place():
    from budget_xl.rules.completeness import code_names

    budget = copy_budget(_base())
    budget["T5"].get("2040601").values["name"] = "改过的名称"
    found = code_names(budget)
    [f] = [f for f in found if f.row == "2040601"]
    assert "一般公共预算支出表为“改过的名称”" in f.message and len(f.cells) >= 3
    assert [(f.row, f.message.removeprefix(f"科目{f.row}的名称在各表中不一致：").removesuffix("。"), f.cells)
            for f in found] == _code_names_by_definition(budget)
