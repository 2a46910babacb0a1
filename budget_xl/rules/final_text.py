"""决算情况说明 ↔ 决算 tables: the amounts the text states, the shares (占 X%) and 完成率 it computes, and the
direction of 决算数 against 预算数 it names (大于 / 小于 / 持平).

Only for workbooks of a 决算 profile (``Budget.kind``). Amounts are compared as printed (a figure with n decimals
stands for anything within half its last digit); a percentage is compared with the quotient of the two printed
amounts it is computed from, within what their rounding allows.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budget_xl.findings import ERROR, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget
from budget_xl.rounding import rounds_to
from budget_xl.rules.text import NUM, Sentence, _amount, _clip, _dec, _finding, _fmt, _half, paragraphs

HUNDRED = Decimal(100)

# phrase (figure captured) → (table, row, column); first match wins, so longer phrases come first
_STATED = [
    (r"财政拨款收入支出总计" + NUM + "万元", ("T4", "in_grand", "in_amount"), "财政拨款收入支出总计"),
    (r"(?<!财政拨款)收入支出总计" + NUM + "万元", ("T1", "in_grand", "in_amount"), "收入支出总计"),
    (r"本年收入合计" + NUM + "万元", ("T1", "in_total", "in_amount"), "本年收入合计"),
    (r"本年支出合计" + NUM + "万元", ("T1", "out_total", "out_amount"), "本年支出合计"),
    (r"(?<!的)财政拨款收入" + NUM + "万元", ("T2", TOTAL_KEY, "fin"), "财政拨款收入"),
    (r"其他收入" + NUM + "万元", ("T1", "other", "in_amount"), "其他收入"),
    (r"事业收入" + NUM + "万元", ("T1", "biz", "in_amount"), "事业收入"),
    (r"经营收入" + NUM + "万元", ("T1", "oper", "in_amount"), "经营收入"),
    (r"一般公共预算财政拨款基本支出" + NUM + "万元", ("T5", TOTAL_KEY, "basic"), "一般公共预算财政拨款基本支出"),
    (r"一般公共预算财政拨款支出(?:决算为)?" + NUM + "万元", ("T5", TOTAL_KEY, "total"), "一般公共预算财政拨款支出"),
    (r"(?<!财政拨款)基本支出" + NUM + "万元", ("T3", TOTAL_KEY, "basic"), "基本支出"),
    (r"项目支出" + NUM + "万元", ("T3", TOTAL_KEY, "project"), "项目支出"),
    (r"经营支出" + NUM + "万元", ("T3", TOTAL_KEY, "oper"), "经营支出"),
    (r"人员经费" + NUM + "万元", ("T6S", "person", "amount"), "人员经费"),
    (r"公用经费" + NUM + "万元", ("T6S", "public", "amount"), "公用经费"),
    (r"机关运行经费支出" + NUM + "万元", ("OPEX", "opex", "amount"), "机关运行经费支出"),
    (r"“三公”经费财政拨款支出年初预算为" + NUM + "万元", ("T9", "total", "budget"), "“三公”经费年初预算"),
]
_CLASS = re.compile(r"([\u4e00-\u9fff]{2,20}?)（类）" + NUM + "万元")
_ITEM = re.compile(r"（款）([^（）]{2,30})（项）.*?支出决算为" + NUM + "万元")
_SHARE = re.compile(NUM + r"万元，占" + NUM + "%")
_RATE = re.compile(r"年初预算为" + NUM + r"万元，(?:支出)?决算为" + NUM + r"万元，完成(?:年初)?预算的" + NUM + "%")
_VERSUS = re.compile(r"年初预算为" + NUM + r"万元，(?:支出)?决算为" + NUM + r"万元[。，]\s*(?:决算数)?"
                     r"(大于|小于|与预算数基本持平|与预算数持平|持平)")


def _final(budget: Budget) -> bool:
    return budget.kind == "决算"


def _pct_ok(pct: str, num: str, den: str) -> bool:
    """p% = num / den × 100 within the rounding of all three printed figures."""
    n, d, p = _dec(num), _dec(den), _dec(pct)
    if d == 0:
        return n == 0 and p == 0
    lo = (n - _half(num)) / (d + _half(den)) * HUNDRED
    hi = (n + _half(num)) / max(d - _half(den), Decimal("0.000001")) * HUNDRED
    return lo - _half(pct) <= p <= hi + _half(pct)


def stated_amounts(budget: Budget) -> list[Finding]:
    """JS-TXT-AMOUNT: what the 决算情况说明 states (总计, 收入, 支出, 基本/项目支出, 人员/公用经费, 类, 项, 机关运行经费,
    “三公”) equals the tables, as printed."""
    if not _final(budget):
        return []
    out: list[Finding] = []
    for s in paragraphs(budget):
        taken: list[tuple[int, int]] = []
        for pat, where, what in _STATED:
            for m in re.finditer(pat, s.text):
                if any(a <= m.start(1) < b for a, b in taken):
                    continue
                taken.append((m.start(1), m.end(1)))
                got = _amount(budget, *where)
                if got is not None:
                    out += _compare(s, m, what, got)
        for m in _CLASS.finditer(s.text):
            got = _by_name(budget, "T5", m.group(1), 3)
            if got is not None:
                out += _compare(s, m, f"{m.group(1)}（类）", got, group=2)
        for m in _ITEM.finditer(s.text):
            got = _by_name(budget, "T5", m.group(1), 7)
            if got is not None:
                out += _compare(s, m, f"{m.group(1)}（项）支出决算", got, group=2)
    return out


def _by_name(budget: Budget, table: str, name: str, digits: int):
    t = budget.tables.get(table)
    if t is None or not t.present:
        return None
    for r in t.coded_rows():
        if len(r.key) == digits and r.text("name").replace(" ", "") == name:
            v = r.amount("total")
            return (v, r.cell("total")) if v is not None else None
    return None


def _compare(s: Sentence, m: re.Match, what: str, got, group: int = 1) -> list[Finding]:
    exact, cell = got
    stated = m.group(group)
    if rounds_to(_dec(stated), exact):
        return []
    return [_finding("JS-TXT-AMOUNT", ERROR, s, f"文字中{what}为{stated}万元，表中为{_fmt(exact)}万元："
                     f"“{_clip(s.text, m.start(), m.end())}”", *(c for c in (cell,) if c),
                     expected=exact, actual=_dec(stated))]


def shares(budget: Budget) -> list[Finding]:
    """JS-TXT-SHARE: “其中：A x万元，占p%” — p is x over the paragraph's first amount (the whole it breaks down)."""
    if not _final(budget):
        return []
    out: list[Finding] = []
    for s in paragraphs(budget):
        first = re.search(NUM + "万元", s.text)
        if first is None or "占" not in s.text:
            continue
        for m in _SHARE.finditer(s.text):
            if m.start() == first.start(1) or s.text[m.end(): m.end() + 1] == "的":
                continue  # the whole itself, or a share of another total (“占本年支出合计的…”)
            if not _pct_ok(m.group(2), m.group(1), first.group(1)):
                exact = _dec(m.group(1)) / _dec(first.group(1)) * HUNDRED if _dec(first.group(1)) else Decimal(0)
                out.append(_finding("JS-TXT-SHARE", ERROR, s,
                                    f"{m.group(1)}万元占{first.group(1)}万元应为{_fmt(exact)}%，文字为{m.group(2)}%："
                                    f"“{_clip(s.text, m.start(), m.end())}”", expected=exact.quantize(Decimal("0.01")),
                                    actual=_dec(m.group(2))))
    return out


def completion(budget: Budget) -> list[Finding]:
    """JS-TXT-RATE and JS-TXT-VERSUS: 完成年初预算的 p% = 决算数 / 预算数; “决算数大于（小于）预算数”, “持平” agree
    with the two figures the sentence prints."""
    if not _final(budget):
        return []
    out: list[Finding] = []
    for s in paragraphs(budget):
        for m in _RATE.finditer(s.text):
            plan, done, pct = m.group(1), m.group(2), m.group(3)
            if not _pct_ok(pct, done, plan):
                exact = _dec(done) / _dec(plan) * HUNDRED if _dec(plan) else Decimal(0)
                out.append(_finding("JS-TXT-RATE", ERROR, s, f"决算数{done}万元、年初预算数{plan}万元，完成率应为"
                                    f"{_fmt(exact)}%，文字为{pct}%：“{_clip(s.text, m.start(), m.end())}”",
                                    expected=exact.quantize(Decimal("0.01")), actual=_dec(pct)))
        for m in _VERSUS.finditer(s.text):
            plan, done, said = _dec(m.group(1)), _dec(m.group(2)), m.group(3)
            truth = "大于" if done > plan else ("小于" if done < plan else "持平")
            said_as = "持平" if "持平" in said else said
            if said_as != truth:
                out.append(_finding("JS-TXT-VERSUS", ERROR if said_as != "持平" and truth != "持平" else WARNING, s,
                                    f"年初预算{m.group(1)}万元、决算{m.group(2)}万元，决算数{truth}预算数，"
                                    f"文字却说“{said}”：“{_clip(s.text, m.start(), m.end())}”"))
    return out


_CHANGE = re.compile(NUM + r"万元[。，](?:与\d{4}年度?相比，[^。，；]*?|比\d{4}年度?)(增加|减少)" + NUM + r"万元，(增长|下降)" + NUM + "%")


def changes(budget: Budget) -> list[Finding]:
    """JS-TXT-CHANGE: “X万元。与上年相比……减少A万元，下降P%” — P = A ÷ (X ± A), and 增加 goes with 增长, 减少 with 下降."""
    if not _final(budget):
        return []
    out: list[Finding] = []
    for s in paragraphs(budget):
        for m in _CHANGE.finditer(s.text):
            now, word, size, rate, pct = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
            where = _clip(s.text, m.start(), m.end())
            if (word == "增加") != (rate == "增长"):
                out.append(_finding("JS-TXT-CHANGE", ERROR, s, f"“{word}”与“{rate}”方向相反：“{where}”"))
                continue
            before = _dec(now) - _dec(size) if word == "增加" else _dec(now) + _dec(size)
            if before <= 0:
                continue
            half_before = _half(now) + _half(size)
            lo = (_dec(size) - _half(size)) / (before + half_before) * HUNDRED
            hi = (_dec(size) + _half(size)) / max(before - half_before, Decimal("0.000001")) * HUNDRED
            if not lo - _half(pct) <= _dec(pct) <= hi + _half(pct):
                exact = _dec(size) / before * HUNDRED
                out.append(_finding("JS-TXT-CHANGE", ERROR, s, f"上年为{_fmt(before)}万元，{word}{size}万元应{rate}"
                                    f"{_fmt(exact)}%，文字为{pct}%：“{where}”",
                                    expected=exact.quantize(Decimal("0.01")), actual=_dec(pct)))
    return out


# the 预算 text rules that read 预算 phrases against 预算 tables (收入预算、支出预算、“（项）…万元” as the budget): in a
# 决算 the JS-TXT rules above take their place; 旧科目名称 and 模板遗留文字 apply to both kinds
BUDGET_ONLY = frozenset({"TXT-AMOUNT", "TXT-TRUNCATED", "TXT-ITEM", "TXT-TYPE-WORDS"})

RULES = [("JS-TXT-AMOUNT", stated_amounts), ("JS-TXT-SHARE", shares), ("JS-TXT-RATE", completion),
         ("JS-TXT-CHANGE", changes)]
RULE_DOCS = {
    "JS-TXT-AMOUNT": ("error", "决算情况说明中的金额与决算表不符（收支总计、财政拨款收支总计、收入、支出、基本/项目支出、"
                      "人员/公用经费、各类、各项支出决算、机关运行经费、“三公”经费预算）",
                      "“财政拨款收入支出总计0.3万元”而财政拨款收入支出决算总表总计为2961.68万元"),
    "JS-TXT-SHARE": ("error", "“其中：……占X%”与所列金额算出的比例不符（考虑各数的四舍五入）",
                     "“一般公共服务支出（类）2106.66万元，占71.73%”，2106.66÷2940.05＝71.65%"),
    "JS-TXT-RATE": ("error", "完成年初预算的百分比与文字所列决算数、预算数不符；“决算数大于（小于）预算数”“持平”与两数不符"
                    "（JS-TXT-VERSUS）", "年初预算2993.92万元、决算2940.05万元，完成98.20%"),
    "JS-TXT-CHANGE": ("error", "与上年比较的增减百分比与文字所列本年数、增减额不符，或“增加”“下降”方向相反",
                      "“收入支出总计2995.39万元……减少56.95万元，下降1.87%”：56.95÷(2995.39+56.95)＝1.87%"),
    "JS-TXT-VERSUS": ("error", "“决算数大于/小于预算数”“持平”与文字所列两数的大小不符", "预算135.90、决算135.25，却说“大于”"),
}
