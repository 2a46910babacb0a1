"""Profiles: `new --template shanghai`, the template recorded in 基本信息 and recognised when reading."""

from __future__ import annotations

from tests.conftest import run_cli


def test_new_shanghai_workbook_records_its_template_and_reads_back_as_shanghai(tmp_path):
    from budget_xl.read import read_workbook

    out = tmp_path / "上海.xlsx"
    r = run_cli("new", "--template", "shanghai", "-o", out)
    assert r.returncode == 0 and "上海表式" in r.stdout
    result = read_workbook(out)
    assert result.budget.profile == "shanghai"
    assert result.budget.info("profile") == "上海" and result.budget.budget_type == "部门预算"
    assert result.budget["T2"].unit == "元" and result.budget["T9"].unit == "万元"
    assert [n for n in result.notes if n.severity == "error"] == []


def test_the_template_is_recognised_from_the_sheet_titles_when_基本信息_does_not_say(tmp_path):
    from budget_xl.read.files import load_grids_calamine
    from budget_xl.read.grid import detect_profile

    out = tmp_path / "上海.xlsx"
    run_cli("new", "--template", "shanghai", "-o", out)
    grids = load_grids_calamine(out)
    grids["基本信息"] = [row for row in grids["基本信息"] if not (row and row[0] == "模板")]
    assert detect_profile(grids) == "shanghai"


def test_a_national_workbook_stays_national(sample_file):
    from budget_xl.read import read_workbook

    assert read_workbook(sample_file).budget.profile == "national"


def test_an_unknown_template_name_is_refused_in_chinese(tmp_path):
    r = run_cli("new", "--template", "beijing", "-o", tmp_path / "x.xlsx")
    assert r.returncode == 2 and "无效的选择" in r.stderr
