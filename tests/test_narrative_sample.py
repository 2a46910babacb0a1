"""The 情况说明 of the sample carries the seed's figures and wording (seed: budget_xl/sample/chengde_sfj_2024.txt)."""

import re
from decimal import Decimal

import pytest

from budget_xl.narrative.api import narrative_of
from budget_xl.narrative.render import HEADING, PARA, TABLE, TITLE
from budget_xl.narrative.selfcheck import amount_like
from budget_xl.sample import sample_budget


@pytest.fixture(scope="module")
def narrative():
    return narrative_of(sample_budget())


def section(narrative, key: str) -> str:
    return "\n".join(b.text for b in narrative.blocks if b.section == key and b.kind in (PARA, HEADING))


def test_the_title_and_opening_name_department_and_year(narrative):
    assert narrative.blocks[0].kind == TITLE
    assert narrative.title == "承德市司法局2024年部门预算信息公开情况说明"
    assert "现将承德市司法局2024年部门预算公开如下：" in section(narrative, "opening")


def test_sections_are_numbered_一_to_十一_as_in_the_seeds_contents(narrative, seed_text):
    contents = seed_text.split("## 部门预算信息公开情况说明")[1].split("# 部门预算收支总表")[0]
    seed_headings = [m.group(1) for m in re.finditer(r"^([一二三四五六七八九十]+、\S+?) \.+", contents, re.M)]
    assert len(seed_headings) == 11
    assert narrative.section_headings() == seed_headings


def test_section_2_income_has_every_source_with_absent_ones_as_zero(narrative):
    text = section(narrative, "overall")
    assert ("2024年预算收入4148.23万元，其中：一般公共预算收入3771.58万元，基金预算收入0.00万元，"
            "国有资本经营预算收入0.00万元，财政专户核拨收入0.00万元，单位资金收入0.00万元，上年结转结余376.64万元。") in text


def test_section_2_spending_is_basic_people_public_and_projects(narrative):
    text = section(narrative, "overall")
    assert ("2024年支出预算4148.23万元，其中基本支出3060.90万元，包括人员经费2712.09万元和日常公用经费348.81万元；"
            "项目支出1087.32万元，主要为承德市戒毒管理所四区五中心建设项目、智慧戒毒项目、辅警人员经费和局机关各项目。") in text


def test_section_2_compares_with_last_year_as_the_seed_does(narrative):
    text = section(narrative, "overall")
    assert "3、比上年增减情况" in text
    assert ("2024年预算收支安排4148.23万元，较2023年预算减少2.35万元，其中：基本支出减少117.88万元，"
            "主要为人员经费减少123.62万元；日常公用经费增加5.74万元。项目支出增加115.53万元，"
            "主要原因是承德市戒毒管理所新增四区五中心建设项目和智慧戒毒项目。") in text


def test_the_changes_add_up(narrative):
    c = narrative.context["change"]
    assert c.total.difference == Decimal("-2.35")
    assert c.total.difference == c.basic.difference + c.project.difference  # −117.88 + 115.53
    assert c.basic.difference == c.person.difference + c.public.difference  # −123.62 + 5.74
    assert c.sangong.difference == c.abroad.difference + c.car.difference + c.recep.difference  # −0.03


def test_section_3_running_costs(narrative):
    assert ("2024年，我部门机关运行经费共计安排348.81万元，主要用于办公费、邮电费、办公用房水电费、"
            "办公用房取暖费等日常运行支出。") in section(narrative, "opex")


def test_section_4_three_public_expenses_and_their_change(narrative):
    text = section(narrative, "sangong")
    assert ("2024年，我部门财政拨款“三公”经费预算安排14.55万元，其中因公出国（境）费0.00万元；公务用车购置及运维费"
            "11.40万元（其中：公务用车购置费为0.00万元，公务用车运维费11.40万元）；公务接待费3.15万元。") in text
    assert "与2023年相比减少0.03万元，下降0.21%，增减变化的主要原因是公务接待费减少。" in text
    # the seed prints "0万元" and "11.4万元" here; we always print two decimals
    assert "（一）因公出国（境）费0.00万元，同比无增减变化。" in text
    assert "（二）公务用车购置及运行维护费11.40万元，同比无增减变化。" in text
    assert "（2）公务用车运维费11.40万元，同比无增减变化。" in text
    assert "（三）公务接待费3.15万元，同比减少0.03万元，减少的主要原因是厉行节约。" in text


def test_section_9_fixed_assets(narrative):
    text = section(narrative, "assets")
    assert "承德市司法局（含所属单位）上年末固定资产金额为4720.92万元（详见下表）。本年度拟购置固定资产总额为0.00万元。" in text
    assert [b.text for b in narrative.blocks if b.section == "assets" and b.kind == TABLE] == ["固定资产表"]


def test_section_1_lists_the_twelve_duties_and_the_unit_table(narrative):
    text = section(narrative, "duties")
    assert "（一）承担全面依法治市重大问题的政策研究" in text
    assert "（十二）完成市委、市政府交办的其他任务。" in text
    assert [b.text for b in narrative.blocks if b.section == "duties" and b.kind == TABLE] == ["机构设置表"]
    assert [u.name for u in narrative.context["units"]] == ["承德市司法局本级", "承德市公证处", "承德市戒毒管理所"]


def test_section_5_takes_goals_indicators_and_measures_from_the_texts(narrative):
    text = section(narrative, "performance")
    assert "1、政府法治制度建设工作" in text
    assert "绩效指标：法律顾问在规定期限内出具法律意见书率达100%，为重大决策提供建议和咨询。" in text
    assert "7、加强宣传培训调研等" in text


def test_section_7_lists_the_28_projects_with_their_budgets(narrative):
    text = section(narrative, "projects")
    assert "共安排项目28个" in text
    assert len(re.findall(r"^\d+、.+绩效目标表$", text, re.M)) == 28
    assert "项目编码：13080024P00010310005F，预算数22.59万元（其中：财政资金22.59万元），资金用途：12348 法律服务热线值班费用。" in text
    assert "28、智慧戒毒项目绩效目标表" in text


def test_empty_sections_say_so(narrative):
    assert "承德市司法局2024年无部门主管专项资金。" in section(narrative, "special_funds")
    assert "承德市司法局2024年无政府采购预算。" in section(narrative, "procurement")
    assert "我部门无其他需要说明的事项。" in section(narrative, "other")


def test_the_glossary_has_ten_terms(narrative):
    text = section(narrative, "glossary")
    assert len(re.findall(r"^\d+、\*\*", text, re.M)) == 10


def test_every_amount_of_the_text_comes_from_a_cell(narrative):
    # each figure quoted here is an Amount whose cells are the sheet cells the seed's figure comes from
    ctx = narrative.context
    assert ctx["income"].total.cells[0].startswith("收支总表!") and ctx["income"].total.value == Decimal("4148.23")
    assert ctx["sangong"].recep.cells[0].startswith("三公经费表!") and ctx["sangong"].recep.value == Decimal("3.15")
    assert ctx["change"].recep.delta.cells == (ctx["sangong"].recep.cells[0], ctx["change"].recep.prior.cells[0])
    assert ctx["change"].recep.prior.cells[0].startswith("上年数!")


def test_missing_reasons_are_reported_not_invented(narrative):
    notes = "\n".join(narrative.notes)
    assert "人员经费较上年减少123.62万元" in notes and "“人员经费增减原因”没有填写" in notes
    assert "公用经费较上年增加5.74万元" in notes
    assert "主要原因是" not in section(narrative, "overall").split("人员经费减少123.62万元")[1].split("。")[0]


def test_without_last_years_figures_no_comparison_is_written():
    budget = sample_budget()
    for row in budget["PRIOR"].rows:
        row.values["amount"] = None
    n = narrative_of(budget)
    text = "\n".join(b.text for b in n.blocks)
    assert "比上年增减情况" not in text and "同比" not in text and "与2023年相比" not in text
    assert "2024年预算收入4148.23万元" in text
    assert any("不写与上年的比较" in note for note in n.notes)


def test_tables_in_yuan_give_the_same_text_in_wan(narrative):
    budget = sample_budget()
    for key in ("T1", "T3", "T6", "T9", "ASSET", "PROJ"):
        table = budget[key]
        table.unit = "元"
        for row in table.rows:
            for col in table.layout.amount_columns:
                if isinstance(row.values.get(col), Decimal):
                    row.values[col] = row.values[col] * 10000
    in_yuan = narrative_of(budget)
    assert [b.text for b in in_yuan.blocks] == [b.text for b in narrative.blocks]


def test_section_2_quotes_exactly_the_seeds_amounts(narrative):
    # every amount-like number of section 二 (what the self-check traces), and nothing else
    numbers = {m.group(0) for b in narrative.blocks if b.section == "overall" for m in amount_like(b.text)}
    assert {"4148.23万元", "3771.58万元", "0.00万元", "376.64万元", "3060.90万元", "2712.09万元", "348.81万元",
            "1087.32万元", "2.35万元", "117.88万元", "123.62万元", "5.74万元", "115.53万元"} == numbers


def budget_with_a_purchase():
    """The sample plus one 政府采购 line (the seed's table is empty): 15 套警服 at 0.20 万元."""
    from budget_xl.model import Row

    budget = sample_budget()
    cols = ["proj_name", "proj_fund", "item", "catalog", "measure", "qty", "price", "total", "gen", "sme"]
    values = ["警察服装经费", Decimal("3.00"), "警服", "C1", "套", Decimal(15), Decimal("0.20"), Decimal("3.00"),
              Decimal("3.00"), Decimal("1.20")]
    table = budget["PROC"]
    table.rows.append(Row(key="#1", values=dict(zip(cols, values)),
                          cells={c: f"政府采购!{chr(65 + i)}5" for i, c in enumerate(cols)}))
    table.notes = []
    return budget


def test_a_procurement_budget_is_summed_and_its_table_placed():
    n = narrative_of(budget_with_a_purchase())
    blocks = [(b.kind, b.text) for b in n.blocks if b.section == "procurement"]
    assert blocks[1] == (PARA, "2024年，我部门政府采购预算共计3.00万元，其中预留中小微企业份额1.20万元。")
    assert blocks[2] == (TABLE, "政府采购表")
    assert n.context["procurement"].total.cells == ("政府采购!H5",)
