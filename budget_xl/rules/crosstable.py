"""Rules between tables: one figure printed in several tables must be the same everywhere."""

from __future__ import annotations

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget, Table
from budget_xl.rules.base import ZERO, Fig, check_at_most, check_copy, check_parts_at_most, check_sum, fig, fig_at, fmt, present
from budget_xl.units import WAN

FISCAL_TABLES = (("T5", "gen"), ("T7", "fund"), ("T8", "soe"))



def _class_rows(t: Table) -> list[str]:
    return [r.key for r in t.coded_rows() if len(r.key) == 3]


def t1_classes_vs_t3(budget: Budget) -> list[Finding]:
    """收支总表 each 类 line = 支出总表 类合计; 本年支出合计 = 支出总表合计."""
    t1, t3 = present(budget, "T1"), present(budget, "T3")
    if t1 is None or t3 is None:
        return []
    out: list[Finding] = []
    codes = {code for code, _ in _classes(budget)} | set(_class_rows(t3))
    for code in sorted(codes):
        a = fig_at(t1, code, "out_amount")
        b = fig_at(t3, code, "total")
        if a is None and b is not None and not b.blank and b.value != ZERO:
            out.append(Finding("X-T1-T3", WARNING, f"{b.label}{fmt(b.value)}万元在收支总表中没有对应的类级行。",
                               (b.cell,) if b.cell else ()))
            continue
        if b is None:
            b = Fig(value=None, cell=None, label=f"支出总表科目{code}", slack=ZERO)
        out += check_copy("X-T1-T3", a, b)
    out += check_copy("X-T1-T3", fig_at(t1, "out_total", "out_amount"), fig_at(t3, TOTAL_KEY, "total"))
    return out


def _classes(budget: Budget):
    from budget_xl.schema import load_schema

    return load_schema().func_classes


def balance(budget: Budget) -> list[Finding]:
    """收入总计 = 支出总计 in 收支总表 and 财拨收支总表, checked as 收入总计 = Σ 支出各类 + 年终结转结余 so
    that 尾差 between independently rounded totals is recognised as such."""
    from budget_xl.schema import load_schema

    out: list[Finding] = []
    for key, cols in (("T1", ("out_amount",)), ("T4", ("total",))):
        t = present(budget, key)
        if t is None:
            continue
        outgo = [code for code, _ in load_schema().func_classes] + ["carry_out"]
        for col in cols:
            out += check_sum(f"X-{key}-BALANCE", fig_at(t, "in_grand", "in_amount"),
                             [fig_at(t, k, col) for k in outgo], "支出各类与年终结转结余之和")
            out += check_sum(f"X-{key}-BALANCE", fig_at(t, "out_grand", col),
                             [fig_at(t, k, "in_amount") for k in ("in_total", "carry")],
                             "本年收入合计与上年结转之和")
    return out


def t1_income_vs_t2(budget: Budget) -> list[Finding]:
    """收支总表 本年收入合计 = 收入总表 小计; 上年结转结余 = 收入总表 上年结转; sources by kind."""
    t1, t2 = present(budget, "T1"), present(budget, "T2")
    if t1 is None or t2 is None or t2.total_row is None:
        return []
    total = t2.total_row
    out = check_copy("X-T1-T2", fig_at(t1, "in_total", "in_amount"), fig(t2, total, "sub"))
    out += check_copy("X-T1-T2", fig_at(t1, "carry", "in_amount"), fig(t2, total, "carry"))
    out += check_copy("X-T1-T2", fig_at(t1, "in_grand", "in_amount"), fig(t2, total, "total"))
    fiscal = [fig_at(t1, k, "in_amount") for k in ("gen", "fund", "soe")]
    out += check_sum("X-T1-T2", fig(t2, total, "fin"), fiscal, "收支总表三项财政拨款收入之和")
    out += check_copy("X-T1-T2", fig_at(t1, "special", "in_amount"), fig(t2, total, "spec"))
    unit_funds = [fig(t2, total, k) for k in ("biz", "oper", "upper", "affil", "other")]
    out += check_sum("X-T1-T2", fig_at(t1, "unit", "in_amount"), unit_funds, "收入总表事业、经营、上级补助、附属单位上缴和其他收入之和")
    return out


def t2_vs_t3_rows(budget: Budget) -> list[Finding]:
    """收入总表 合计 = 支出总表 合计, row by row (both keyed on 功能科目)."""
    t2, t3 = present(budget, "T2"), present(budget, "T3")
    if t2 is None or t3 is None:
        return []
    out: list[Finding] = []
    keys = list(dict.fromkeys([r.key for r in t2.rows if r.code or r.key == TOTAL_KEY]
                              + [r.key for r in t3.rows if r.code or r.key == TOTAL_KEY]))
    for key in keys:
        a, b = fig_at(t2, key, "total"), fig_at(t3, key, "total")
        if a is None or b is None:
            one = a or b
            if one is not None and not one.blank and one.value != ZERO:
                other = "支出总表" if a is not None else "收入总表"
                out.append(Finding("X-T2-T3", WARNING, f"{one.label}{fmt(one.value)}万元，{other}中没有科目{key}。",
                                   (one.cell,) if one.cell else ()))
            continue
        out += check_copy("X-T2-T3", a, b)
    return out


def _all_fiscal(budget: Budget) -> bool:
    """True when every yuan of the budget is 财政拨款 (收支总表 收入总计 = 财拨总表 收入总计)."""
    t1, t4 = present(budget, "T1"), present(budget, "T4")
    a, b = fig_at(t1, "in_grand", "in_amount"), fig_at(t4, "in_grand", "in_amount")
    return a is not None and b is not None and not a.blank and a.value == b.value


def t3_vs_fiscal_tables(budget: Budget) -> list[Finding]:
    """支出总表 = 一般公共预算表 + 基金表 + 国资表, row by row and column by column, when all money is 财拨;
    otherwise the three 财拨 tables together may not exceed the 支出总表."""
    t3 = present(budget, "T3")
    if t3 is None:
        return []
    fiscal = [t for t in (present(budget, k) for k, _ in FISCAL_TABLES) if t is not None]
    equal = _all_fiscal(budget)
    out: list[Finding] = []
    keys = list(dict.fromkeys([r.key for r in t3.rows if r.code or r.key == TOTAL_KEY]
                              + [r.key for t in fiscal for r in t.rows if r.code]))
    for key in keys:
        row3 = t3.get(key)
        for col in ("total", "basic", "project"):
            parts = [fig_at(t, key, col) for t in fiscal]
            if row3 is None:
                vals = [p for p in parts if p is not None and not p.blank and p.value != ZERO]
                if vals:
                    out.append(Finding("X-T3-FISCAL", WARNING,
                                       f"{vals[0].label}{fmt(vals[0].value)}万元，支出总表中没有科目{key}。",
                                       tuple(p.cell for p in vals if p.cell)))
                continue
            total = fig(t3, row3, col)
            if equal:
                out += check_sum("X-T3-FISCAL", total, parts, "一般公共预算、政府性基金、国有资本经营预算财政拨款支出表之和")
            else:
                out += check_parts_at_most("X-T3-FISCAL", parts, total, "三张财政拨款支出表之和",
                                           why="：财政拨款支出不能超过部门支出")
    return out


def t4_vs_fiscal_tables(budget: Budget) -> list[Finding]:
    """财拨收支总表: 一般公共预算列 各类 = 一般公共预算表 类合计; 基金列 = 基金表; 国资列 = 国资表."""
    t4 = present(budget, "T4")
    if t4 is None:
        return []
    out: list[Finding] = []
    for key, col in FISCAL_TABLES:
        t = present(budget, key)
        if t is None:
            continue
        codes = {code for code, _ in _classes(budget)} | set(_class_rows(t))
        for code in sorted(codes):
            a, b = fig_at(t4, code, col), fig_at(t, code, "total")
            if a is not None and b is None and not a.blank and a.value != ZERO:
                out.append(Finding("X-T4-FISCAL", ERROR, f"{a.label}{fmt(a.value)}万元，但{t.sheet_name()}中没有科目{code}。",
                                   (a.cell,) if a.cell else ()))
                continue
            if a is None or b is None:
                continue
            out += check_copy("X-T4-FISCAL", a, b)
        out += check_copy("X-T4-FISCAL", fig_at(t4, "out_total", col), fig_at(t, TOTAL_KEY, "total"))
    return out


def t4_income_vs_t1(budget: Budget) -> list[Finding]:
    """财拨总表 本年收入 = 收支总表 财政拨款收入 (by kind); 年初财拨结转 ≤ 收支总表 上年结转结余."""
    t1, t4 = present(budget, "T1"), present(budget, "T4")
    if t1 is None or t4 is None:
        return []
    out: list[Finding] = []
    for k in ("gen", "fund", "soe"):
        out += check_copy("X-T4-T1", fig_at(t4, k, "in_amount"), fig_at(t1, k, "in_amount"))
    out += check_at_most("X-T4-T1", fig_at(t4, "carry", "in_amount"), fig_at(t1, "carry", "in_amount"),
                         why="：财政拨款结转是上年结转结余的一部分")
    return out


def t6_vs_basic(budget: Budget) -> list[Finding]:
    """基本支出表 合计 = 一般公共预算支出表 基本支出合计."""
    t5, t6 = present(budget, "T5"), present(budget, "T6")
    if t5 is None or t6 is None:
        return []
    return check_copy("X-T6-T5", fig_at(t6, TOTAL_KEY, "total"), fig_at(t5, TOTAL_KEY, "basic"))


SANGONG_ECON = (("recep", "30217", "公务接待费"), ("car_run", "30231", "公务用车运行维护费"),
                ("car_buy", "31013", "公务用车购置"), ("abroad", "30212", "因公出国（境）费用"))


def sangong_vs_econ(budget: Budget) -> list[Finding]:
    """三公 items ≥ the matching economic codes of the 基本支出表 — an inequality, since 三公 also counts
    project money while the 基本支出表 shows basic spending only."""
    t6, t9 = present(budget, "T6"), present(budget, "T9")
    if t6 is None or t9 is None:
        return []
    out: list[Finding] = []
    for item, code, name in SANGONG_ECON:
        econ = fig_at(t6, code, "total")
        if code == "31013" and econ is None:
            econ = fig_at(t6, "30913", "total")
        s = fig_at(t9, item, "gen")
        if econ is None or econ.blank or s is None:
            continue
        out += check_at_most("X-T9-T6", econ, s if not s.blank else Fig(ZERO, s.cell, s.label, s.slack),
                             why=f"：基本支出中的{name}应计入“三公”经费")
        if not s.blank and s.value > econ.value + econ.slack + s.slack:
            out.append(Finding("X-T9-T6", INFO,
                               f"{s.label}{fmt(s.value)}万元，高于{econ.label}{fmt(econ.value)}万元，差额"
                               f"{fmt(s.value - econ.value)}万元应安排在项目支出中，请确认。",
                               tuple(c for c in (s.cell, econ.cell) if c), expected=econ.value, actual=s.value,
                               difference=s.value - econ.value, unit=WAN))
    return out


ADMIN = ("行政", "参公", "参照公务员法管理")


def opex_vs_public(budget: Budget) -> list[Finding]:
    """机关运行经费 is printed as 公用经费; that is right only if every unit is 行政 or 参公."""
    t6, org = present(budget, "T6"), present(budget, "ORG")
    if t6 is None or t6.total_row is None or org is None:
        return []
    others = [r for r in org.rows if r.text("nature") and not any(a in r.text("nature") for a in ADMIN)]
    public = fig(t6, t6.total_row, "public")
    if not others or public is None or public.blank:
        return []
    names = "、".join(f"{r.text('name')}（{r.text('nature')}）" for r in others)
    cells = tuple(c for c in [public.cell] + [r.cell("nature") for r in others] if c)
    return [Finding("X-OPEX", WARNING,
                    f"机关运行经费按公用经费{fmt(public.value)}万元列示，但所属单位中有{names}：机关运行经费只含行政单位和"
                    "参公事业单位的公用经费，请核实是否应扣除事业单位部分。", cells)]
