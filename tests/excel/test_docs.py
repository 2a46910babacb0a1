"""The README's Excel section and docs/excel-smoke-test.md: the licence is stated, and every worked example of a
function gives the result the page promises."""

import ast
import re

import pytest

from budget_xl.excel import functions_core as core
from budget_xl.excel.functions_core import cell_result
from tests.conftest import ROOT

EXCEL_MD = ROOT / "README.md"
SMOKE_MD = ROOT / "docs" / "excel-smoke-test.md"
EXAMPLE = re.compile(r"`=(?:YUSUAN\.)?(WANYUAN|ZENGJIAN|DAXIE)\(([^`]*)\)`\s*\|\s*([^|]+?)\s*\|")


def test_the_licence_situation_is_stated():
    text = EXCEL_MD.read_text(encoding="utf-8")
    licence = text.split("### 许可")[1].split("###")[0]
    for words in ("BSD", "PolyForm Noncommercial 1.0.0", "商业许可", "政府机关", "免费",
                  "xlwings-server", "remote", "XLWINGS_LICENSE_KEY=noncommercial", "MIT"):
        assert words in licence, words


def test_the_sideloading_steps_cover_windows_mac_and_the_web():
    text = EXCEL_MD.read_text(encoding="utf-8")
    for heading in ("**Windows", "**Mac**", "**Excel 网页版**"):
        assert heading in text
    assert "budget-xl serve --certs" in text and "/manifest" in text and "wef" in text


@pytest.mark.parametrize("doc", [EXCEL_MD, SMOKE_MD], ids=["README.md", "excel-smoke-test.md"])
def test_the_worked_examples_give_what_the_page_promises(doc):
    examples = [e for e in EXAMPLE.findall(doc.read_text(encoding="utf-8")) if not e[2].startswith("`")]
    assert len(examples) >= 3
    for name, args, promised in examples:
        value = cell_result(getattr(core, name.lower()), *ast.literal_eval(f"({args},)"))
        assert str(value) == promised, (name, args)
