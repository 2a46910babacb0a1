"""The support matrix (docs/support-matrix.md, repeated in the README) says what the add-in's own files
require: the manifest's requirement sets, xlwings Server's client host check and its ExcelApi check for
cell notes. The hosts' capabilities are Microsoft's published requirement-set support per Office version
("Excel JavaScript API requirement sets", "Shared runtime requirement sets"), written down once here."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from budget_xl.excel.server import project_dir
from tests.conftest import ROOT

MATRIX_MD = ROOT / "docs" / "support-matrix.md"
README = ROOT / "README.md"
XLWINGS_SERVER_JS = Path(__import__("xlwings_server").__file__).parent / "static" / "js" / "custom-scripts"
OFFICE = "{http://schemas.microsoft.com/office/appforoffice/1.1}"

# row → (perpetual year or None for subscription/web, ExcelApi it supports, SharedRuntime 1.1, Windows desktop Excel)
HOSTS = {
    "Microsoft 365（Windows）": (None, (1, 20), True, True),
    "Microsoft 365（Mac）": (None, (1, 20), True, False),
    "Excel 网页版": (None, (1, 20), True, False),
    "Excel 2024 / 2024 LTSC（Windows）": (2024, (1, 17), True, True),
    "Excel 2021 / 2021 LTSC（Windows）": (2021, (1, 14), True, True),
    "Excel 2021 / 2024（Mac）": (2021, (1, 14), True, False),
    "Excel 2019（Windows）": (2019, (1, 8), False, True),
    "Excel 2016（Windows）": (2016, (1, 1), False, True),
    "Excel 2016 / 2019（Mac）": (2016, (1, 8), False, False),
    "WPS 表格": (None, None, False, False),
}


def matrix(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.split("| Excel 版本 |")[1].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def manifest_requirements() -> dict[str, tuple[int, ...]]:
    root = ET.parse(project_dir() / "templates" / "manifest.xml").getroot()
    sets = root.find(f"{OFFICE}Requirements/{OFFICE}Sets")
    return {s.get("Name"): version(s.get("MinVersion")) for s in sets.findall(f"{OFFICE}Set")}


def xlwings_minimum_perpetual_year() -> int:
    js = (XLWINGS_SERVER_JS / "index.js").read_text(encoding="utf-8")
    return int(re.search(r"perpetual Office (\d{4}) \(or later\)", js).group(1))


def notes_excelapi() -> tuple[int, ...]:
    js = (XLWINGS_SERVER_JS / "note-operations.js").read_text(encoding="utf-8")
    return version(re.search(r'isSetSupported\?\.\("ExcelApi", "([\d.]+)"\)', js).group(1))


def expected_row(host) -> list[str]:
    year, excelapi, shared_runtime, windows = host
    required = manifest_requirements()
    assert set(required) == {"SharedRuntime"}, "a new requirement set: add the hosts' support for it to HOSTS"
    addin = excelapi is not None and shared_runtime and required["SharedRuntime"] <= (1, 1) and (
        year is None or year >= xlwings_minimum_perpetual_year())
    notes = ("有" if excelapi >= notes_excelapi() else "无") if addin else "—"
    return ["支持" if addin else "不支持", notes, "支持" if windows else "不支持"]


def test_the_add_ins_own_files_state_what_the_matrix_relies_on():
    assert manifest_requirements() == {"SharedRuntime": (1, 1)}
    assert xlwings_minimum_perpetual_year() == 2021
    assert notes_excelapi() == (1, 18)


@pytest.mark.parametrize("row", list(HOSTS))
def test_each_row_of_the_matrix_follows_from_the_requirements(row):
    rows = matrix(MATRIX_MD.read_text(encoding="utf-8"))
    assert rows[row][:3] == expected_row(HOSTS[row])


def test_the_matrix_covers_every_host_and_the_readme_repeats_it():
    rows = matrix(MATRIX_MD.read_text(encoding="utf-8"))
    assert list(rows) == list(HOSTS)
    assert matrix(README.read_text(encoding="utf-8")) == rows


def test_the_readme_no_longer_promises_excel_2016_for_the_office_add_in():
    text = README.read_text(encoding="utf-8")
    assert "2016 以后版本" not in text and "Excel 2016 及以后、Microsoft 365" not in text
