"""The add-in follows the workbook's template: a Shanghai workbook gets the Shanghai 情况说明."""

import sys
from pathlib import Path

import pytest

from budget_xl.excel import handlers
from budget_xl.excel.handlers import NARRATIVE_SHEET

from .fake_excel import FakeExcel, actions_of, sample_grids_from_file

sys.path.insert(0, str(Path(__file__).parents[1]))
from shanghai_fixtures import sample_pdfs, shanghai_workbook  # noqa: E402


@pytest.mark.skipif(not sample_pdfs(), reason="../shared/samples/shanghai 不在本机")
def test_the_add_in_writes_the_shanghai_narrative_for_a_shanghai_workbook():
    excel = FakeExcel(sample_grids_from_file(shanghai_workbook(sample_pdfs()[-1])))
    book = excel.book()
    handlers.export_narrative(book)
    excel.apply(actions_of(book))
    rows = excel.sheet(NARRATIVE_SHEET)["values"]
    assert rows[0][0] == "上海市普陀区司法局2026年部门预算"
    assert any(r and r[0] == "其他相关情况说明" for r in rows)
