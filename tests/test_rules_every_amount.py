"""Changing any single amount of the nine tables by ±1.00 (万元) yields an error that names that cell."""

import pytest

from budget_xl.read.grid import read_grids
from budget_xl.schema import load_schema
from tests.rulekit import check, sample_sheet_grids, value_at


def _amount_cells() -> list[str]:
    budget = read_grids(sample_sheet_grids()).budget
    out = []
    for lay in load_schema().tables:
        for row in budget[lay.key].rows:
            for col in lay.amount_columns:
                if row.amount(col) is not None:
                    out.append(row.cell(col))
    return out


CELLS = _amount_cells()


def test_all_printed_amounts_are_covered():
    assert len(CELLS) == 362  # every amount the seed prints in its nine tables


@pytest.mark.parametrize("delta", [1, -1])
def test_a_change_of_one_wanyuan_anywhere_is_an_error_on_that_cell(delta):
    missed = []
    for ref in CELLS:
        findings = check({ref: value_at(ref) + delta})
        if not any(f.severity == "error" and ref in f.cells for f in findings):
            missed.append(ref)
    assert missed == []
