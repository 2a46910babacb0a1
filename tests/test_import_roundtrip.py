"""Our own output as a reader gets it: the sample → `document` → LibreOffice PDF → `import` gives the sample's figures.

The national template in PDF, printed by a real word processor: every amount of the nine tables read back equal."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from tests.conftest import run_cli

TABLES = [f"T{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def printed(sample_document_pdf):
    return sample_document_pdf  # the sample's document printed by LibreOffice (tests/conftest.py)


@pytest.fixture(scope="module")
def imported(printed):
    from budget_xl.importers.pdf import import_pdf

    t = time.perf_counter()
    budget, report = import_pdf(printed)
    return budget, report, time.perf_counter() - t


def _amounts(table) -> dict[tuple, Decimal]:
    return {(r.key, r.side, c): v for r in table.rows for c, v in r.values.items() if isinstance(v, Decimal)}


def test_every_amount_of_the_nine_tables_reads_back(sample_file, imported):
    from budget_xl.read import read_workbook

    budget, report, _ = imported
    sample = read_workbook(sample_file).budget
    assert budget.profile == "national"
    assert sorted(t.key for t in report.tables) == TABLES
    for key in TABLES:
        assert _amounts(budget.tables[key]) == _amounts(sample.tables[key]), key
    assert sum(len(_amounts(sample.tables[k])) for k in TABLES) > 350  # the comparison is not vacuous


def test_the_import_takes_seconds_not_minutes(imported):
    # a guard against the O(n³) header search coming back (it took over 15 minutes); the timing is the benchmark's
    assert imported[2] < 60


def test_check_on_the_imported_workbook_finds_no_error(imported, tmp_path):
    from budget_xl.importers.cli import write_imported

    budget, report, _ = imported
    out = write_imported(budget, report, tmp_path / "back.xlsx")
    r = run_cli("check", out)
    assert "错误 0 条" in r.stdout, r.stdout[-2000:]
