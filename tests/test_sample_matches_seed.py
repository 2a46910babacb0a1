"""The sample workbook holds every figure the seed prints: compared against the seed text with a parser
of its own (regular expressions on the published lines), not with the importer that built the sample."""

import re
from decimal import Decimal

import openpyxl
import pytest

from budget_xl.read import read_workbook
from budget_xl.schema import load_schema

NUM = re.compile(r"^\d+\.\d{2}$")


def _tables_in_seed(seed: str) -> dict[str, list[str]]:
    titles = {lay.title: lay.sheet for lay in load_schema().tables}
    sections: dict[str, list[str]] = {}
    current = None
    for line in seed.split("\n"):
        m = re.match(r"^#+\s*(\S+)\s*$", line.strip())
        if m and m.group(1) in titles:
            current = titles[m.group(1)]
            sections[current] = []
            continue
        if re.match(r"^#\s+\S+\s*\d{4}\s*年部门预算信息公开情况说明", line):
            break
        if current:
            sections[current].append(line)
    return sections


def _seed_lines(section: list[str]) -> dict[int, list[Decimal]]:
    """序号 → the amounts printed on that line, left to right."""
    out = {}
    for line in section:
        fields = [re.sub(r"<[^>]+>", "", f).strip() for f in line.split("\t")]
        if fields and re.fullmatch(r"\d+", fields[0]):
            out[int(fields[0])] = [Decimal(f) for f in fields[1:] if NUM.match(f)]
    return out


def _sheet_lines(ws) -> dict[int, list[Decimal]]:
    out = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], int):
            out[row[0]] = [Decimal(str(v)) for v in row[1:] if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return out


@pytest.fixture(scope="module")
def sample_wb(sample_file):
    return openpyxl.load_workbook(sample_file)


def test_the_seed_has_nine_tables(seed_text):
    assert len(_tables_in_seed(seed_text)) == 9


@pytest.mark.parametrize("sheet", [lay.sheet for lay in load_schema().tables])
def test_every_amount_of_every_table_line_is_in_the_sample(seed_text, sample_wb, sheet):
    seed = _seed_lines(_tables_in_seed(seed_text)[sheet])
    ours = _sheet_lines(sample_wb[sheet])
    for seq, amounts in seed.items():
        assert ours.get(seq) == amounts, f"{sheet} 第{seq}行"


def test_the_nine_tables_print_this_many_amounts(seed_text, sample_wb):
    counted = sum(len(v) for s in _tables_in_seed(seed_text).values() for v in _seed_lines(s).values())
    ours = sum(len(v) for lay in load_schema().tables for v in _sheet_lines(sample_wb[lay.sheet]).values())
    assert counted == ours == 362


def _project_blocks(seed: str) -> list[str]:
    sec = seed.split("## 七、部门项目预算安排情况及绩效目标")[1].split("## 八、政府采购预算情况")[0]
    return re.split(r"\n(?:#+\s*)?\d+、[^\n]*绩效目标表\s*\n", sec)[1:]


def test_all_28_projects_with_code_and_budget(seed_text, sample_file):
    blocks = _project_blocks(seed_text)
    assert len(blocks) == 28
    codes = [re.search(r"项目编码\t(\S+)", b).group(1) for b in blocks]
    budgets = [Decimal(re.search(r"预算数\t([\d.]+)", b).group(1)) for b in blocks]
    projects = read_workbook(sample_file).budget["PROJ"].rows
    assert [p.values["code"] for p in projects] == codes
    assert [p.amount("budget") for p in projects] == budgets
    assert sum(budgets) == Decimal("1087.33")


def test_every_indicator_of_every_project(seed_text, sample_file):
    indicators = read_workbook(sample_file).budget["IND"].rows
    per_project: dict[str, int] = {}
    for r in indicators:
        per_project[r.values["project"]] = per_project.get(r.values["project"], 0) + 1
    for block in _project_blocks(seed_text):
        code = re.search(r"项目编码\t(\S+)", block).group(1)
        after = block.split("指标值确定依据", 1)[1].split("\n")[1:]
        n = sum(1 for line in after if len([f for f in line.split("\t") if f.strip()]) >= 5)
        assert per_project[code] == n, code
    assert len(indicators) == 215


def test_indicator_values_are_kept_verbatim(sample_file):
    b = read_workbook(sample_file).budget
    by = {}
    for r in b["IND"].rows:
        by.setdefault(r.values["project"], []).append(r)
    cost = [r for r in by["13080024P00011010003E"] if r.values["level2"] == "成本指标"][0]
    assert cost.values["value"] == "≤150万元" and cost.values["level3"] == "聘用辅警人员总成本"
    social = [r for r in by["13080024P000101100054"] if r.values["level2"] == "社会效益指标"][0]
    assert social.values["value"] == "≥15%"


def test_project_plans_and_funds(sample_file):
    p = {r.values["code"]: r for r in read_workbook(sample_file).budget["PROJ"].rows}
    hotline = p["13080024P00010310005F"]
    assert [hotline.amount(k) for k in ("plan_03", "plan_06", "plan_10", "plan_12")] == [20, 50, 90, None]
    assert hotline.amount("fiscal") == Decimal("22.59") and hotline.amount("other_funds") is None
    assert p["13080024P00011010003E"].values["func_code"] == "2040802"
    assert p["13080023P00044010010X"].values["target"] == "1. 目标内容 1"


def test_prior_year_figures_implied_by_the_seed(sample_file):
    prior = read_workbook(sample_file).budget["PRIOR"]
    got = {k: prior.get(k).amount("amount") for k in ("total", "basic", "person", "public", "project",
                                                     "sangong", "recep")}
    assert got == {"total": Decimal("4150.58"), "basic": Decimal("3178.78"), "person": Decimal("2835.71"),
                   "public": Decimal("343.07"), "project": Decimal("971.79"), "sangong": Decimal("14.58"),
                   "recep": Decimal("3.18")}


def test_assets_organisations_and_duties(sample_file):
    b = read_workbook(sample_file).budget
    a = b["ASSET"]
    assert a.get("total").amount("value") == Decimal("4720.92")
    assert a.get("house").amount("qty") == Decimal("15067.68") and a.get("office").amount("value") == Decimal("454.63")
    assert [r.values["name"] for r in b["ORG"].rows] == ["承德市司法局本级", "承德市公证处", "承德市戒毒管理所"]
    assert b["ORG"].rows[1].values["nature"] == "事业"
    assert len(b["DUTY"].rows) == 12 and b["DUTY"].rows[-1].values["text"].startswith("完成市委、市政府交办")
    assert b.info("planned_assets") == "" or b["INFO"].get("planned_assets").amount("amount") == Decimal("0.00")


def test_empty_tables_keep_their_notes(sample_file):
    b = read_workbook(sample_file).budget
    assert not b["T7"].has_amounts() and "空表列示" in b["T7"].notes[0][0]
    assert not b["T8"].has_amounts() and "空表列示" in b["T8"].notes[0][0]
    assert b["PROC"].rows == [] and any("无政府采购预算" in t for t, _ in b["PROC"].notes)


def test_performance_texts_for_the_narrative(sample_file):
    b = read_workbook(sample_file).budget
    assert b.text("总体绩效目标").startswith("2024年，坚持以习近平新时代中国特色社会主义思想为统领")
    assert [r.values["title"] for r in b.texts("工作保障措施")][:2] == ["完善制度建设", "加强支出管理"]
    assert len(b.texts("分项绩效目标")) == 5 and len(b.texts("分项绩效指标")) == 5
