"""The sample (the real 承德市司法局 2024 disclosure): no errors, every 尾差 as info, the real doubts as warnings."""

from decimal import Decimal

import pytest

from tests.rulekit import by_rule, check


@pytest.fixture(scope="module")
def findings():
    return check()


def test_the_published_disclosure_has_no_errors(findings):
    assert [f for f in findings if f.severity == "error"] == []


def test_sum_of_301_items_is_reported_as_rounding_not_error(findings):
    f = [x for x in by_rule(findings, "T6-TREE-SUM") if "301 工资福利支出" in x.message and "合计" in x.message]
    assert len(f) == 1 and f[0].severity == "info"
    assert (f[0].actual, f[0].expected, f[0].difference) == (Decimal("2474.10"), Decimal("2474.12"), Decimal("-0.02"))
    assert f[0].cells[0] == "基本支出表!D7" and len(f[0].cells) == 11  # the total and its ten 款


def test_every_one_cent_difference_of_the_seed_is_info(findings):
    info = [f for f in findings if f.severity == "info" and f.difference is not None and f.rule != "X-T9-T6"]
    assert {abs(f.difference) for f in info} <= {Decimal("0.01"), Decimal("0.02")}
    # domain notes: 20408 合计/上年结转/项目支出, 21011, 合计 rows, Σ projects 1087.33 vs 1087.32
    messages = " ".join(f.message for f in info)
    for text in ("2031.43", "373.03", "755.53", "101.03", "1087.32"):
        assert text in messages


def test_cost_indicator_of_auxiliary_police_is_a_warning(findings):
    f = [x for x in by_rule(findings, "P-COST") if "辅警人员经费" in x.message]
    assert len(f) == 1 and f[0].severity == "warning"
    assert f[0].expected == Decimal("165.85") and f[0].actual == Decimal("150")
    assert "项目!E24" in f[0].cells


def test_other_doubts_a_reviewer_would_raise(findings):
    warnings = {f.rule for f in findings if f.severity == "warning"}
    assert warnings == {"P-COST", "P-PLACEHOLDER", "X-OPEX"}
    assert any("目标内容 1" in f.message for f in by_rule(findings, "P-PLACEHOLDER"))
    assert any("承德市公证处（事业）" in f.message for f in by_rule(findings, "X-OPEX"))


def test_car_costs_above_the_basic_economic_code_are_explained(findings):
    f = by_rule(findings, "X-T9-T6", "info")
    assert len(f) == 1 and f[0].difference == Decimal("3.00")
