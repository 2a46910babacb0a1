"""Properties over many workbooks (hypothesis), starting from the sample budget:

- model → workbook → model is the identity;
- a consistent workbook with some totals blanked: 重算汇总 then 校验 gives no error;
- a single leaf changed beyond 尾差 is found, and the finding names that cell.
"""

from __future__ import annotations

import copy
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from budget_xl.fill import derived_cells, plan_fill
from budget_xl.model import snapshot
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
from budget_xl.write import write_workbook

FEW = settings(max_examples=25, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
CODED = ("T2", "T3", "T4", "T5", "T6")


@pytest.fixture(scope="module")
def base(sample_file):
    """The sample as read from its workbook: the model every property starts from."""
    return read_workbook(sample_file).budget


def _cells(budget):
    """Every amount cell: address → (table key, row key, column key)."""
    out = {}
    for key, t in budget.tables.items():
        for r in t.rows:
            for c in t.layout.amount_columns:
                if c in r.cells:
                    out[r.cells[c]] = (key, r.key, c)
    return out


def _leaves(budget):
    """Filled amount cells of the coded tables that no other cell is derived from."""
    derived = set(derived_cells(budget))
    out = []
    for addr, (key, row, col) in _cells(budget).items():
        if key in CODED and addr not in derived and budget[key].get(row).amount(col) is not None:
            out.append(addr)
    return sorted(out)


def _value(budget, addr):
    key, row, col = _cells(budget)[addr]
    return budget[key].get(row).amount(col)


def _set(budget, addr, value):
    key, row, col = _cells(budget)[addr]
    budget[key].get(row).values[col] = value


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
names = st.text(alphabet=st.characters(categories=("Lo", "Nd", "Lu", "Ll")), min_size=1, max_size=30)


@settings(max_examples=10, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_model_to_workbook_to_model_is_the_identity(base, data):
    budget = copy.deepcopy(base)
    leaves = _leaves(budget)
    for addr in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=8, unique=True)):
        _set(budget, addr, data.draw(amounts))
    budget["INFO"].get("dept_name").values["value"] = data.draw(names)
    with tempfile.TemporaryDirectory() as d:
        path = write_workbook(budget, Path(d) / "往返.xlsx")
        back = read_workbook(path).budget
    assert snapshot(back) == snapshot(budget)


@settings(max_examples=12, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_blanked_totals_filled_then_checked_give_no_error(base, data):
    budget = copy.deepcopy(base)
    filled_totals = [a for a in derived_cells(base) if _value(base, a) is not None]
    blanked = data.draw(st.lists(st.sampled_from(filled_totals), min_size=1, max_size=60, unique=True))
    for addr in blanked:
        _set(budget, addr, None)
    filled, _changes = plan_fill(budget)
    errors = [f for f in run_checks(filled) if f.severity == "error"]
    assert errors == []
    for addr in blanked:  # every blanked total is back
        key, row, col = _cells(base)[addr]
        assert filled[key].get(row).amount(col) is not None, addr


@FEW
@given(data=st.data())
def test_a_single_leaf_change_beyond_rounding_is_found_and_located(base, data):
    budget = copy.deepcopy(base)
    addr = data.draw(st.sampled_from(_leaves(base)))
    key, row, col = _cells(base)[addr]
    delta = data.draw(st.decimals(min_value=Decimal("1.00"), max_value=Decimal("500.00"), places=2))
    sign = data.draw(st.sampled_from((1, -1)))
    _set(budget, addr, base[key].get(row).amount(col) + sign * delta)
    errors = [f for f in run_checks(budget) if f.severity == "error"]
    assert errors, addr
    assert any(addr in f.cells for f in errors), (addr, [f.message for f in errors])

