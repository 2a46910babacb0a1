"""`check` on the four Shanghai documents imported as printed: every real defect found, no other error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from shanghai_fixtures import FALSE_UNDER_CURRENT_RULES, KNOWN_DEFECTS, pdf_key, sample_pdfs, shanghai_workbook  # noqa: E402

pytestmark = pytest.mark.skipif(not sample_pdfs(), reason="../shared/samples/shanghai 不在本机")


@pytest.fixture(scope="module")
def findings():
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    out = {}
    for pdf in sample_pdfs():
        r = read_workbook(shanghai_workbook(pdf))
        out[pdf_key(pdf)] = run_checks(r.budget, r.notes)
    return out


def test_every_known_defect_is_found(findings):
    for year, rule, severity, text in KNOWN_DEFECTS:
        assert any(f.rule == rule and f.severity == severity and text in f.message for f in findings[year]), (year, rule, text)


def test_no_error_but_the_real_defects(findings):
    for year, found in findings.items():
        known = [(r, t) for y, r, s, t in KNOWN_DEFECTS if y == year and s == "error"]
        for f in found:
            if f.severity != "error" or f.rule in FALSE_UNDER_CURRENT_RULES:
                continue
            assert any(r == f.rule and t in f.message for r, t in known), (year, f.rule, f.message)
