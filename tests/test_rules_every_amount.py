"""Changing any single amount of the nine tables by ±1.00 (万元) yields an error that names that cell.

The test runs a seeded third of the 362 amounts for each sign; ``python benchmarks/bench_every_amount.py`` runs all
of them (the exhaustive sweep)."""

import random

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


def missed_cells(cells: list[str], delta: float) -> list[str]:
    missed = []
    for ref in cells:
        findings = check({ref: value_at(ref) + delta})
        if not any(f.severity == "error" and ref in f.cells for f in findings):
            missed.append(ref)
    return missed


@pytest.mark.parametrize("delta", [1, -1])
def test_a_change_of_one_wanyuan_anywhere_is_an_error_on_that_cell(delta):
    sample = random.Random(f"every-amount{delta}").sample(CELLS, len(CELLS) // 6)  # all 362: bench_every_amount
    assert missed_cells(sample, delta) == []
