"""科目 names of every year (budget_xl/schema/name_changes.toml), read both ways: a template declaring the old
names reads a document printing the new ones, and the reverse; the text may name either. Variants are printed
from the sample and from the shared Jiangsu document by swapping each declared name for its other names."""

from __future__ import annotations

import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from table_variants import two_sided_lines  # noqa: E402

from budget_xl.importers.pdf import Line, _open_lines, import_lines  # noqa: E402
from budget_xl.recognise.names import code_named, current_name, name_changes, newer, same_subject  # noqa: E402
from budget_xl.schema import label_key, load_schema  # noqa: E402

SAMPLES = Path("/work/shared/samples/jiangsu")


def _others(code: str, name: str) -> list[str]:
    """Every declared name of ``code`` other than ``name``."""
    names = {n for c in name_changes() if c["code"] == code for n in (c["old"], c["new"])}
    return sorted(names - {name})


def _renamed(lines: list[Line], old: str, new: str) -> list[Line]:
    return [Line(ln.page, ln.top, [replace(w, text=w.text.replace(old, new)) for w in ln.words]) for ln in lines]


def amounts(table) -> dict[tuple[str, str], Decimal]:
    return {(r.key, c): r.amount(c) for r in table.rows for c in table.layout.amount_columns if r.amount(c) is not None}


def test_the_renamings_are_read_both_ways():
    assert same_subject("医疗卫生与计划生育支出", "卫生健康支出") and same_subject("卫生健康支出", "医疗卫生与计划生育支出")
    assert same_subject("医疗卫生支出", "卫生健康支出", "210")  # two renamings apart
    assert not same_subject("医疗卫生与计划生育支出", "卫生健康支出", "207")  # names of another code
    assert not same_subject("教育支出", "科学技术支出")
    assert code_named("卫 生 健 康 支 出", ["205", "210"]) == "210" and code_named("文化体育与传媒支出", ["207"]) == "207"
    assert code_named("卫生健康支出", ["207"]) is None
    assert newer("卫生健康支出", "医疗卫生与计划生育支出", "210") and not newer("医疗卫生支出", "卫生健康支出", "210")
    assert current_name("210", 2026) == "卫生健康支出" and current_name("210", 2016) == "医疗卫生与计划生育支出"
    assert current_name("201", 2026) is None


@pytest.mark.parametrize("code", sorted({c for c, _ in load_schema("national").func_classes}
                                        & {c["code"] for c in name_changes()}))
def test_a_national_table_printing_any_year_s_name_of_a_class_imports_to_the_same_row(code):
    """承德's 收支总表 with a 类 printed under each of its other names: the same figures, said as normalised."""
    from budget_xl.sample import sample_budget

    table = sample_budget()["T1"]
    declared = dict(load_schema("national").func_classes)[code]
    for other in _others(code, declared):
        rows = [r for r in table.rows if r.key == code]
        if not rows:
            continue
        lines = _renamed(two_sided_lines(table, "部门预算收支总表"), declared, other)
        budget, report = import_lines(lines, "national", "更名")
        assert amounts(budget["T1"]) == amounts(table), other
        assert any(text.endswith(other) and f"按“{code} {declared}”读取" in how for _, text, how in report.normalised)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/jiangsu 不在本机")
def test_a_later_jiangsu_document_printing_the_new_names_imports_to_the_same_figures():
    """Jiangsu declares the 2017–2019 names (文化体育与传媒支出 …); the same tables printed with the names of later
    years (文化旅游体育与传媒支出, 卫生健康支出 …) import to the same rows."""
    pdf = sorted(SAMPLES.glob("2019*公开表.pdf"))[0]
    lines = _open_lines(pdf)
    want, _ = import_lines(lines, "jiangsu", pdf.name)
    classes = dict(load_schema("jiangsu").func_classes)
    swapped = 0
    for c in name_changes():
        if classes.get(c["code"]) == c["old"] and any(c["old"] in w.text for ln in lines for w in ln.words):
            lines = _renamed(lines, c["old"], c["new"])
            swapped += 1
    assert swapped >= 4  # 207, 210, 215, 220 are printed under their 2018 names
    got, report = import_lines(lines, "jiangsu", "新名称")
    for key in ("T1", "T2", "T3", "T5"):
        assert amounts(got[key]) == amounts(want[key]) and amounts(got[key]), key
    new = [how for _, _, how in report.normalised if how.startswith("新科目名称")]
    assert len(new) >= 4 and any("按“210 医疗卫生与计划生育支出”读取" in how for how in new)


def test_the_text_may_name_a_class_by_another_year_s_name_than_the_table():
    from budget_xl.rules.text import _same_name

    assert _same_name("卫生健康支出", "医疗卫生与计划生育支出", "210")
    assert _same_name("医疗卫生与计划生育支出", "卫生健康支出", "210")  # a table of the old names, text of the new
    assert _same_name("文化体育与传媒支出", "文化旅游体育与传媒支出")
    assert not _same_name("教育支出", "卫生健康支出", "210")


def test_old_names_warn_with_the_name_of_the_budget_year():
    from test_rules_text import _budget

    from budget_xl.rules.text import old_names

    msgs = [f.message for f in old_names(_budget("二、医疗卫生支出（类）增加10万元。", year="2026"))]
    assert any("自2014年起已更名为“医疗卫生与计划生育支出”，2026年为“卫生健康支出”" in m for m in msgs)
    assert old_names(_budget("用于城乡社区事务的开支10万元。", year="2026")) == []  # a common phrase, not a 科目


def test_every_renaming_names_a_class_the_templates_know():
    known = {c for p in ("national", "shanghai", "jiangsu") for c, _ in load_schema(p).func_classes}
    for c in name_changes():
        assert c["code"][:3] in known and label_key(c["old"]) != label_key(c["new"]), c


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/jiangsu 不在本机")
def test_a_later_jiangsu_document_printing_the_2019_class_224_keeps_its_figure_in_the_class_sum():
    """灾害防治及应急管理支出 (224, new in 2019) is not among the 2017–2019 rows; printed by a later document it is
    read onto its row, so 当年支出小计 = Σ 各类 still holds (set aside, it was a false X-T1-FUNC)."""
    from budget_xl.rules import run_checks

    pdf = sorted(SAMPLES.glob("2019*公开表.pdf"))[0]
    lines = _renamed(_open_lines(pdf), "住房保障支出", "灾害防治及应急管理支出")
    budget, report = import_lines(lines, "jiangsu", "224")
    assert budget["T1"].get("224").amount("func_amount") == Decimal("2247.04")  # 住房保障 of the 2019 document
    assert not [u for u in report.unfitted if "灾害防治" in u[1]]
    assert "X-T1-FUNC" not in {f.rule for f in run_checks(budget)}
