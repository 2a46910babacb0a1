"""``budget-xl narrative`` on real files: outputs, last year's workbook, one changed cell, refused outputs."""

import hashlib
import re
import shutil
from decimal import Decimal

import docx
import openpyxl
import pytest

from budget_xl.narrative import prior as prior_mod
from budget_xl.read import read_workbook
from tests.conftest import run_cli


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def cell_of(path, table, row, col):
    """The sheet cell (sheet, A1) the reader took a figure from."""
    ref = read_workbook(path).budget[table].get(row).cell(col)
    sheet, _, addr = ref.rpartition("!")
    return sheet, addr


def edit(path, changes):
    """Write values into a workbook copy with openpyxl (as a user saving in Excel would)."""
    targets = [(cell_of(path, *where), value) for where, value in changes]
    wb = openpyxl.load_workbook(path)
    for (sheet, addr), value in targets:
        wb[sheet][addr] = value
    wb.save(path)


def narrative_txt(workbook, out, *extra):
    """The text, with --force: these tests edit one figure on purpose (a draft), the banner taken off."""
    r = run_cli("narrative", workbook, "-o", out, "--force", *extra)
    assert r.returncode == 0, r.stderr
    return re.sub(r"\A草稿：尚有\d+处校验错误\n\n", "", out.read_text(encoding="utf-8-sig"))


def sentences(text):
    return [s.strip() for s in re.split(r"[。\n]", text) if s.strip()]


def changed(before, after):
    a, b = sentences(before), sentences(after)
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


@pytest.fixture
def resaved(sample_copy):
    """The sample saved once by openpyxl, so that before and after differ only by the edit."""
    edit(sample_copy, [])
    return sample_copy


def test_narrative_to_txt_md_and_docx(sample_copy, tmp_path):
    before = digest(sample_copy)
    txt = narrative_txt(sample_copy, tmp_path / "情况说明.txt")
    assert txt.startswith("承德市司法局2024年部门预算信息公开情况说明\n")
    assert "\n二、部门预算安排的总体情况\n" in txt
    assert "\u3000\u3000反映本部门当年全部收入。2024年预算收入4148.23万元" in txt
    assert "承德市司法局本级\t行政\t正处（县）级\t财政拨款" in txt  # the 机构设置 table, tab-separated

    r = run_cli("narrative", sample_copy, "-o", tmp_path / "情况说明.md")
    assert r.returncode == 0, r.stderr
    md = (tmp_path / "情况说明.md").read_text(encoding="utf-8")
    assert md.startswith("# 承德市司法局2024年部门预算信息公开情况说明\n")
    assert "\n## 四、财政拨款“三公”经费预算情况及增减变化原因\n" in md
    assert "| 资产总额 |  | 4720.92 |" in md

    r = run_cli("narrative", sample_copy, "-o", tmp_path / "情况说明.docx")
    assert r.returncode == 0, r.stderr
    assert "已生成情况说明" in r.stdout and "提示：人员经费较上年减少123.62万元" in r.stdout
    d = docx.Document(tmp_path / "情况说明.docx")
    assert any("较2023年预算减少2.35万元" in p.text for p in d.paragraphs)
    assert digest(sample_copy) == before  # the input is never written


def test_changing_the_reception_cost_changes_exactly_its_two_sentences(resaved, tmp_path):
    before = narrative_txt(resaved, tmp_path / "before.txt")
    edit(resaved, [(("T9", "recep", "total"), 4.15)])
    after = narrative_txt(resaved, tmp_path / "after.txt")
    diff = changed(before, after)
    assert len(diff) == 2
    assert "公务接待费3.15万元" in diff[0][0] and "公务接待费4.15万元" in diff[0][1]
    # 4.15 − 3.18 = 0.97 more than last year
    assert diff[1][1] == "（三）公务接待费4.15万元，同比增加0.97万元，增加的主要原因是厉行节约"


def test_changing_the_public_funds_total_changes_exactly_three_sentences(resaved, tmp_path):
    before = narrative_txt(resaved, tmp_path / "before.txt")
    edit(resaved, [(("T6", "合计", "public"), 358.81)])
    after = narrative_txt(resaved, tmp_path / "after.txt")
    diff = [y for _, y in changed(before, after)]
    assert len(diff) == 3
    assert "日常公用经费358.81万元" in diff[0]               # 二、2 支出说明
    assert "日常公用经费增加15.74万元" in diff[1]            # 二、3: 358.81 − 343.07
    assert "机关运行经费共计安排358.81万元" in diff[2]        # 三


def test_a_leaf_no_sentence_uses_changes_no_sentence(resaved, tmp_path):
    before = narrative_txt(resaved, tmp_path / "before.txt")
    wb_budget = read_workbook(resaved).budget
    ref = wb_budget["T6"].get("30201").cell("public")  # 办公费: the text quotes the 公用经费 total, not its leaves
    sheet, _, addr = ref.rpartition("!")
    wb = openpyxl.load_workbook(resaved)
    wb[sheet][addr] = 48.70
    wb.save(resaved)
    assert narrative_txt(resaved, tmp_path / "after.txt") == before


def _prior_workbook(sample_file, path):
    """Last year's master workbook: the sample with the 2023 figures the seed's changes imply."""
    shutil.copy(sample_file, path)
    edit(path, [(("INFO", "year", "value"), "2023"), (("T1", "in_grand", "in_amount"), 4150.58),
                (("T3", "合计", "basic"), 3178.78), (("T3", "合计", "project"), 971.79),
                (("T6", "合计", "person"), 2835.71), (("T6", "合计", "public"), 343.07),
                (("T9", "total", "total"), 14.58), (("T9", "recep", "total"), 3.18)])
    return path


def test_last_years_workbook_gives_the_comparison(sample_copy, sample_file, tmp_path):
    prior = _prior_workbook(sample_file, tmp_path / "2023年主表.xlsx")
    before = digest(prior)
    txt = narrative_txt(sample_copy, tmp_path / "out.txt", "--prior", prior)
    assert ("2024年预算收支安排4148.23万元，较2023年预算减少2.35万元，其中：基本支出减少117.88万元，"
            "主要为人员经费减少123.62万元；日常公用经费增加5.74万元。项目支出增加115.53万元") in txt
    assert "与2023年相比减少0.03万元" in txt and "公务接待费3.15万元，同比减少0.03万元" in txt
    # the 上年数 sheet has no 机关运行经费; last year's tables have it (the 公用经费 343.07)
    assert "机关运行经费共计安排348.81万元" in txt and "较2023年增加5.74万元，增长1.67%" in txt
    # the 因公出国 cell is blank in last year's table: a published zero, so "no change"
    assert "（一）因公出国（境）费0.00万元，同比无增减变化。" in txt
    assert digest(prior) == before


def test_last_years_figures_are_traced_to_their_workbook(sample_file, tmp_path):
    prior = prior_mod.from_workbook(_prior_workbook(sample_file, tmp_path / "上年.xlsx"), 2024, "承德市司法局")
    assert prior.year == 2023
    assert prior.amounts["recep"].value == Decimal("3.18")
    assert prior.amounts["recep"].cells[0].startswith("[上年.xlsx]三公经费表!")


def test_a_prior_workbook_of_the_wrong_year_is_refused(sample_copy, sample_file, tmp_path):
    other = tmp_path / "同年.xlsx"
    shutil.copy(sample_file, other)
    r = run_cli("narrative", sample_copy, "-o", tmp_path / "out.txt", "--prior", other)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "预算年度是2024年，应为2023年" in r.stderr
    assert not (tmp_path / "out.txt").exists()


def test_a_workbook_without_a_year_is_refused(resaved, tmp_path):
    edit(resaved, [(("INFO", "year", "value"), None)])
    r = run_cli("narrative", resaved, "-o", tmp_path / "out.docx")
    assert r.returncode == 2 and "预算年度" in r.stderr and "基本信息" in r.stderr
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("name, message", [("情况说明.pdf", ".docx / .txt / .md"), ("样例副本.xlsx", ".docx / .txt / .md")])
def test_an_output_the_command_cannot_write_is_refused(sample_copy, tmp_path, name, message):
    before = digest(sample_copy)
    r = run_cli("narrative", sample_copy, "-o", tmp_path / name)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert digest(sample_copy) == before


def test_an_output_folder_that_does_not_exist_is_refused(sample_copy, tmp_path):
    r = run_cli("narrative", sample_copy, "-o", tmp_path / "没有这个文件夹" / "情况说明.docx")
    assert r.returncode == 2 and "不存在" in r.stderr


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    bad = tmp_path / "预算.xlsx"
    bad.write_text("不是工作簿", encoding="utf-8")
    r = run_cli("narrative", bad, "-o", tmp_path / "out.txt")
    assert r.returncode == 2 and "预算.xlsx" in r.stderr and len(r.stderr.strip().splitlines()) == 1
