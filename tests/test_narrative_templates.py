"""Offices edit the templates: errors name template, line and variable; typed or altered figures are refused."""

import hashlib
from pathlib import Path

import pytest

from budget_xl.errors import InputError
from budget_xl.narrative import templates as tpl
from budget_xl.narrative.api import narrative_of
from budget_xl.sample import sample_budget
from tests.conftest import ROOT, run_cli


def office(tmp_path, name: str, text: str) -> Path:
    folder = tmp_path / "我局模板"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def refused(sample_copy, tmp_path, folder, *expect):
    before = hashlib.sha256(sample_copy.read_bytes()).hexdigest()
    out = tmp_path / "情况说明.docx"
    r = run_cli("narrative", sample_copy, "-o", out, "--templates", folder)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert len(r.stderr.strip().splitlines()) == 1
    for e in expect:
        assert e in r.stderr
    assert not out.exists()
    assert hashlib.sha256(sample_copy.read_bytes()).hexdigest() == before
    return r.stderr


def test_an_unknown_variable_names_template_line_and_variable(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费安排情况\n\n共计安排{{ opex.amout }}。\n")
    refused(sample_copy, tmp_path, folder, "03_opex.md.j2", "第3行", "未知的变量“opex.amout”")


def test_an_unknown_top_level_variable(sample_copy, tmp_path):
    folder = office(tmp_path, "11_other.md.j2", "# 其他需要说明的事项\n\n{% if x %}\n{{ 其他事项 }}\n{% endif %}\n")
    refused(sample_copy, tmp_path, folder, "11_other.md.j2", "第3行", "未知的变量“x”")


def test_a_syntax_error_names_template_and_line(sample_copy, tmp_path):
    folder = office(tmp_path, "04_sangong.md.j2", "# 三公\n\n{% if sangong.total %}\n安排{{ sangong.total }}。\n")
    refused(sample_copy, tmp_path, folder, "04_sangong.md.j2", "语法错误", "缺少 {% endif %}")


def test_a_figure_typed_into_a_template_is_refused(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n共计安排{{ opex.amount }}，比上年增加12.50万元。\n")
    refused(sample_copy, tmp_path, folder, "03_opex.md.j2", "“12.50万元”", "不是来自工作簿")


def test_a_typed_percentage_is_refused_too(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n共计安排{{ opex.amount }}，占公用经费的100%。\n")
    refused(sample_copy, tmp_path, folder, "“100%”")


def test_a_raw_value_printed_without_the_amount_is_refused(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n共计安排{{ opex.amount.value }}万元。\n")
    refused(sample_copy, tmp_path, folder, "“348.81万元”", "不是来自工作簿")


def test_a_filter_that_alters_a_figure_is_refused(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n共计安排{{ opex.amount|replace('348', '384') }}。\n")
    refused(sample_copy, tmp_path, folder, "03_opex.md.j2")


def test_arithmetic_with_a_typed_number_is_refused(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n共计安排{{ opex.amount + 10 }}。\n")
    refused(sample_copy, tmp_path, folder, "03_opex.md.j2", "第3行", "只能与金额相加减")


def test_the_sandbox_refuses_python_internals(sample_copy, tmp_path):
    folder = office(tmp_path, "03_opex.md.j2", "# 机关运行经费\n\n{{ dept.name.__class__.__mro__ }}\n")
    refused(sample_copy, tmp_path, folder, "03_opex.md.j2", "不允许")


def test_an_unknown_table_place_is_refused(sample_copy, tmp_path):
    folder = office(tmp_path, "09_assets.md.j2", "# 国有资产信息\n\n[[资产明细表]]\n")
    refused(sample_copy, tmp_path, folder, "09_assets.md.j2", "[[资产明细表]]", "[[固定资产表]]")


def test_a_missing_templates_folder_is_refused(sample_copy, tmp_path):
    refused(sample_copy, tmp_path, tmp_path / "没有的文件夹", "模板文件夹不存在")


def test_an_office_rewords_one_section_and_keeps_the_others(tmp_path):
    folder = office(tmp_path, "03_opex.md.j2",
                    "# 机关运行经费安排情况\n\n本年机关运行经费预算{{ opex.amount }}，\n主要保障机关日常运转。\n")
    mine = narrative_of(sample_budget(), templates=folder)
    default = narrative_of(sample_budget())
    assert [b.text for b in mine.blocks if b.section == "opex"] == [
        "三、机关运行经费安排情况", "本年机关运行经费预算348.81万元，主要保障机关日常运转。"]
    assert [b.text for b in mine.blocks if b.section != "opex"] == [b.text for b in default.blocks
                                                                     if b.section != "opex"]


def test_an_office_may_derive_a_figure_from_two_amounts(tmp_path):
    folder = office(tmp_path, "02_overall.md.j2", "# 部门预算安排的总体情况\n\n"
                    "本年收入{{ income.this_year }}与上年结转{{ income.carry }}合计{{ income.this_year + income.carry }}。\n")
    n = narrative_of(sample_budget(), templates=folder)
    assert "本年收入3771.58万元与上年结转376.64万元合计4148.22万元。" in [b.text for b in n.blocks]


def test_user_templates_render_in_the_sandbox_with_strict_undefined():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = tpl.environment(tpl.template_dirs())
    assert isinstance(env, SandboxedEnvironment) and env.undefined is StrictUndefined


def test_every_section_has_its_template_in_the_checkout():
    assert tpl.default_template_dir() == ROOT / "templates"
    for section in tpl.SECTIONS:
        assert (ROOT / "templates" / section.template).is_file(), section.template


def test_the_package_copy_of_the_templates_comes_first(tmp_path, monkeypatch):
    pkg = tmp_path / "budget_xl"
    (pkg / "templates").mkdir(parents=True)
    (pkg / "templates" / tpl.SECTIONS[0].template).write_text("# 标题\n", encoding="utf-8")
    monkeypatch.setattr(tpl.resources, "files", lambda name: pkg)
    assert tpl.default_template_dir() == pkg / "templates"


def test_templates_must_be_a_folder(tmp_path):
    f = tmp_path / "模板.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="文件夹"):
        tpl.template_dirs(f)
