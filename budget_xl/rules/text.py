"""Text ↔ table checks: what the 情况说明 text (说明文字 sheet) states, against the tables.

Each sentence that states a figure the tables hold is compared with them, rounding-aware: a figure printed
with n decimals stands for anything within half its last digit. Changes against last year are checked for
direction (增加/减少/持平), size and percentage. Outdated 科目 names (declared in ``name_changes.toml``), template
leftovers and 部门/单位 wording that does not fit the budget type are reported where they are written.

``TEXT_RULES`` lists (id, fn(budget) -> list[Finding]); the rule engine registers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.model import Budget, Row, Table
from budget_xl.recognise.names import current_name, name_changes, same_subject
from budget_xl.rounding import ROUND, TRUNCATE, printed_places, rounds_to, text_conversion, text_matches, truncates_to
from budget_xl.rules.phrases import CLASS, NUM, phrases, resolve
from budget_xl.units import WAN, to_wan

HUNDRED = Decimal(100)


# -- sentences ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentence:
    row: Row
    section: str  # 项目 / 小标题 of the 说明文字 row
    text: str

    @property
    def cell(self) -> tuple[str, ...]:
        c = self.row.cell("text")
        return (c,) if c else ()


def _rows(budget: Budget) -> list[Row]:
    t = budget.tables.get("TEXT")
    return list(t.rows) if t is not None and t.present else []


def _section(row: Row) -> str:
    item, title = row.text("item").strip(), row.text("title").strip()
    return f"{item}·{title}" if item and title else (item or title or "说明文字")


def paragraphs(budget: Budget) -> list[Sentence]:
    return [Sentence(r, _section(r), re.sub(r"\s+", "", r.text("text"))) for r in _rows(budget) if r.text("text").strip()]


def _clip(text: str, start: int = 0, end: int | None = None, width: int = 70) -> str:
    """The sentence around [start, end): from the previous 。 to the next one, at most ``width`` characters."""
    end = end if end is not None else start
    a = max(text.rfind("。", 0, start), text.rfind("；", 0, start)) + 1
    b = min((i for i in (text.find("。", end), text.find("；", end)) if i >= 0), default=len(text))
    s = text[a:b + 1]
    return s if len(s) <= width else s[: width - 1] + "…"


def _dec(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def _half(stated: str) -> Decimal:
    """Half the last printed digit: '57.8' → 0.05, '686' → 0.5, '43.83' → 0.005."""
    s = stated.replace(",", "")
    decimals = len(s.split(".")[1]) if "." in s else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def _wan(table: Table, value: Decimal) -> Decimal:
    return to_wan(value, table.unit)


def _coarse_agrees(stated: Decimal, figure: Decimal, table: Table) -> bool:
    """A table printed coarser than the text (in whole 万元, or one decimal: ``rounding.printed_places``) holds
    its figure only to half its last digit: “4,148.23万元” in the text agrees with a table's “4148”."""
    places = printed_places(table) if table.unit == WAN else None
    if places is None:
        return False
    return abs(stated - figure) <= _half(f"{stated}") + Decimal("0.5").scaleb(-places)


def _matches(stated: str, exact: Decimal) -> bool:
    return abs(_dec(stated) - exact) <= _half(stated) + Decimal("0.000001")


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,.2f}".replace(",", "")


def _finding(rule: str, severity: str, s: Sentence, message: str, *cells: str, table_key: str | None = None,
             row: str | None = None, column: str | None = None, expected=None, actual=None) -> Finding:
    return Finding(rule=rule, severity=severity, message=f"【{s.section}】{message}",
                   cells=tuple(c for c in (*s.cell, *cells) if c), expected=expected, actual=actual,
                   unit=WAN, table=table_key or "TEXT", row=row or s.row.key, column=column or "text")


# -- what a phrase refers to in the tables ---------------------------------------------------------------
def _amount(budget: Budget, table: str, row: str, column: str) -> tuple[Decimal, str | None] | None:
    """(figure in 万元, its cell) or None when the table, row or cell is absent or blank."""
    t = budget.tables.get(table)
    if t is None or not t.present:
        return None
    r = t.get(row)
    if r is None or column not in r.values:
        return None
    v = r.amount(column)
    return (_wan(t, v), r.cell(column)) if v is not None else None


# the phrase that ends a figure's clause of change: "比2024年预算增加3,355.65万元" / "比上年持平"
_CHANGE = re.compile(r"^[，,。]?(?:比|与|较)(\d{4}年|上年)(?:度)?(?:预算)?(?:（[^）]*）)?(?:预算)?"
                     r"(增加|减少|持平|增长|下降)" + NUM + "?(万元)?")
_UP = {"增加", "增长"}
_DOWN = {"减少", "下降"}


def _stated_figures(budget: Budget):
    """Every figure the text states that a table holds: (sentence, match, (table, row, column), what, (exact 万元,
    cell) or None when the cell is blank)."""
    for s in paragraphs(budget):
        taken: list[tuple[int, int]] = []
        for phrase in phrases(budget.profile):
            for m in phrase.pattern.finditer(s.text):
                if any(a <= m.start("amount") < b for a, b in taken):
                    continue
                where = resolve(phrase, m, budget.profile)
                if where is None:  # a 类 the template does not know by this name: not a figure we can find
                    continue
                taken.append((m.start(), m.end()))
                yield s, m, where, phrase.what.replace(CLASS, m.groupdict().get("cls") or ""), _amount(budget, *where)


def _conversions(budget: Budget) -> list[tuple[Sentence, str, Decimal, str | None]]:
    """(sentence, amount as written, the table's exact figure in 万元, its cell) for every 万元 amount of the text
    taken from a table: the evidence of how the document turns table figures into the text's 万元."""
    out = [(s, m.group("amount"), got[0], got[1]) for s, m, _w, _what, got in _stated_figures(budget) if got is not None]
    for s in paragraphs(budget):
        item = _item_figure(budget, s)
        if item is not None and item[4] is not None:
            t, r = item[4]
            v = r.amount("total")
            if v is not None:
                out.append((s, item[3], _wan(t, v), r.cell("total")))
    return out


def conversion(budget: Budget) -> str:
    """四舍五入 (the rule) or 截尾, as the document's own amounts show (``rounding.text_conversion``)."""
    return text_conversion((_dec(stated), exact) for _s, stated, exact, _c in _conversions(budget))


def stated_amounts(budget: Budget) -> list[Finding]:
    """TXT-AMOUNT: totals and parts the text states (收入、支出、财政拨款、三公各项、机关运行经费) = the tables."""
    out: list[Finding] = []
    convention = None  # read from the whole text only when an amount is not the 四舍五入 of its figure
    for s, m, (table, row, col), what, got in _stated_figures(budget):
        if got is None:  # blank in the table: unknown, nothing to compare; the change is still read
            out += _change(budget, s, m, _dec(m.group("amount")), (table, row, col), what)
            continue
        exact, cell = got
        if not rounds_to(_dec(m.group("amount")), exact):
            convention = convention or conversion(budget)
        if not text_matches(_dec(m.group("amount")), exact, convention or ROUND) \
                and not _coarse_agrees(_dec(m.group("amount")), exact, budget.tables[table]):
            out.append(_finding("TXT-AMOUNT", ERROR, s,
                                f"文字中{what}为{m.group('amount')}万元，表中为{_fmt(exact)}万元{_neither(convention)}："
                                f"“{_clip(s.text, m.start(), m.end())}”",
                                *(c for c in (cell,) if c), expected=exact, actual=_dec(m.group("amount"))))
        out += _change(budget, s, m, exact, (table, row, col), what)
    return out


def _neither(convention: str) -> str:
    return "（本文的万元数由元表截尾取得，这一处既不是截尾也不是四舍五入）" if convention == TRUNCATE else ""


def truncation(budget: Budget) -> list[Finding]:
    """TXT-TRUNCATED: a document that turns its tables' figures into the text's 万元 by cutting off (截尾)
    rather than 四舍五入, consistently: one note, not an error per sentence."""
    pairs = _conversions(budget)
    if text_conversion((_dec(st), ex) for _s, st, ex, _c in pairs) != TRUNCATE:
        return []
    cut = [(s, st, ex, c) for s, st, ex, c in pairs
           if truncates_to(_dec(st), ex) and not rounds_to(_dec(st), ex)]
    shown = "、".join(f"{st}万元（表中{_fmt_exact(ex)}万元）" for _s, st, ex, _c in cut[:4]) + ("等" if len(cut) > 4 else "")
    cells = tuple(dict.fromkeys(c for s, _st, _ex, cell in cut for c in (*s.cell, cell) if c))
    return [Finding("TXT-TRUNCATED", INFO, f"文字中的万元数由元表截尾取得（不是四舍五入），共{len(cut)}处：{shown}。"
                    "全文一贯如此，不作为错误；通行的做法是四舍五入。", cells, unit=WAN, table="TEXT",
                    row="truncation", column="text")]


def _fmt_exact(value: Decimal) -> str:
    """A figure converted to 万元 without rounding it away: 87.708, 204.9197."""
    return f"{value.normalize():f}" if value != value.quantize(Decimal("0.01")) else _fmt(value)


def _change(budget: Budget, s: Sentence, m: re.Match, now: Decimal, where: tuple[str, str, str], what: str) -> list[Finding]:
    """"比上年预算增加/减少X万元/持平" after a figure: the direction and size against 上年数 (when filled), and a
    decrease larger than the figure itself (a negative last year), which no 上年数 is needed to see."""
    tail = s.text[m.end(): m.end() + 40]
    c = _CHANGE.match(tail)
    if not c:
        return []
    year, word, size = c.group(1), c.group(2), c.group(3)
    out: list[Finding] = []
    if year != "上年" and budget.year and int(year[:4]) >= budget.year:
        out.append(_finding("TXT-YEAR", WARNING, s, f"{what}与“{year}预算”比较，但本预算就是{budget.year}年的："
                            f"应为{budget.year - 1}年。“{_clip(s.text, m.start(), m.end() + c.end())}”"))
    prior = None
    key = next((p.prior for p in phrases(budget.profile) if p.where == where), None)
    if key:
        p = budget.tables.get("PRIOR")
        r = p.get(key) if p is not None and p.present else None
        prior = r.amount("amount") if r is not None else None
    if word in _UP and size and _dec(size) - _half(size) > now and prior is None:
        out.append(_finding("TXT-DIRECTION", ERROR, s, f"{what}为{_fmt(now)}万元，却说比上年增加{size}万元："
                            f"上年就成了负数。“{_clip(s.text, m.start(), m.end() + c.end())}”"))
    if prior is None:
        return out
    diff = now - prior
    said = Decimal(0) if word == "持平" else (_dec(size) if size else None)
    direction_ok = (word == "持平" and abs(diff) < Decimal("0.005")) or (word in _UP and diff > 0) or (
        word in _DOWN and diff < 0)
    if not direction_ok:
        real = "增加" if diff > 0 else "减少" if diff < 0 else "持平"
        out.append(_finding("TXT-DIRECTION", ERROR, s, f"{what}比上年{word}，按上年数{_fmt(prior)}万元实为{real}"
                            f"{_fmt(abs(diff))}万元：“{_clip(s.text, m.start(), m.end() + c.end())}”"))
    elif said is not None and word != "持平" and abs(said - abs(diff)) > _half(size) + Decimal("0.005"):
        out.append(_finding("TXT-AMOUNT", ERROR, s, f"{what}比上年{word}{size}万元，按上年数{_fmt(prior)}万元实为"
                            f"{_fmt(abs(diff))}万元：“{_clip(s.text, m.start(), m.end() + c.end())}”",
                            expected=abs(diff), actual=said))
    return out


# -- 财政拨款支出主要内容: one line per 项, with last year's 执行数 and the change ------------------------------
_ITEM_NAMES = re.compile(r"“?([^“”（）、]+?)（类）([^“”（）]+?)（款）([^“”（）]+?)（项）”?(?:科目)?" + NUM + "万元")
_ITEM_CODES = re.compile(r"([^“”（）、\d]+?)（(\d{3})类）([^（）]+?)（(\d{2})款）([^（）]+?)（(\d{2})项）" + NUM + "万元")
_EXEC = re.compile(r"(\d{4})年(?:当年)?预算执行数为" + NUM + r"万元，(\d{4})年预算安排" + NUM
                   + r"万元，比\d{4}年(?:当年)?预算执行数(增加|减少|持平|增长|下降)(?:" + NUM + r"\s*[%％])?")


_REASON = re.compile(r"[。，,]?主要原因(?:是|为)[：:]?([^。；]*)")


def _item_row(budget: Budget, names: tuple[str, str, str], code: str | None) -> tuple[Table, Row] | None:
    for key in ("T5", "T3"):
        t = budget.tables.get(key)
        if t is None or not t.present:
            continue
        if code:
            r = t.get(code)
            if r is not None:
                return t, r
            continue
        r = _named_item(t, names, budget)
        if r is not None:
            return t, r
    return None


def _named_item(t: Table, names: tuple[str, str, str], budget: Budget) -> Row | None:
    """The first 项 row of ``t`` under the 类 and 款 named ``names`` (each matched by ``_same_name``). Its rows
    are indexed once per ``rows`` list (as ``Table.get`` is), each distinct (code, name) once and every answer
    kept: a 1,000-page PDF (one document printed 33 times, 1,980 coded rows, 2,000 item paragraphs) compared
    every paragraph with every row three levels deep (18 s)."""
    rows = t.rows
    kept = t.__dict__.get("_item_names")
    if kept is None or kept[0] is not rows or kept[1] != len(rows):
        levels: dict[int, list[Row]] = {3: [], 5: [], 7: []}
        seen: set[tuple[str, str]] = set()
        for r in t.coded_rows():
            c = r.code
            if len(c) in levels and (c, r.text("name")) not in seen:  # a repeat finds what its first finds
                seen.add((c, r.text("name")))
                levels[len(c)].append(r)
        kept = (rows, len(rows), levels, {})
        t.__dict__["_item_names"] = kept
    levels, answers = kept[2], kept[3]
    if names in answers:
        return answers[names]
    answers[names] = found = next(
        (x for c in levels[3] if _same_name(c.text("name"), names[0], c.code, budget)
         for k in levels[5] if k.code.startswith(c.code) and _same_name(k.text("name"), names[1])
         for x in levels[7] if x.code.startswith(k.code) and _same_name(x.text("name"), names[2])), None)
    return found


def _same_name(printed: str, said: str, code: str | None = None, budget: Budget | None = None) -> bool:
    p, s = re.sub(r"\s+", "", printed), re.sub(r"\s+", "", said)
    return p == s or same_subject(p, s, code)  # another year's name of the same 科目, either way round


def _item_figure(budget: Budget, s: Sentence):
    """The “X（类）Y（款）Z（项）N万元” a paragraph starts from: (match, names, code, amount as written, (table, row)
    or None when the 科目 is not found), or None when the paragraph has no such line."""
    if "项）" not in s.text:  # no 类/款/项 line here: skip the costly patterns
        return None
    m = _ITEM_CODES.search(s.text)
    if m:
        names = (m.group(1).lstrip("0123456789、.． "), m.group(3), m.group(5))
        code, stated = m.group(2) + m.group(4) + m.group(6), m.group(7)
    else:
        m = _ITEM_NAMES.search(s.text)
        if not m:
            return None
        names, code, stated = (re.sub(r"^[\d、.．\s]+", "", m.group(1)), m.group(2), m.group(3)), None, m.group(4)
    return m, names, code, stated, _item_row(budget, names, code)


def item_lines(budget: Budget) -> list[Finding]:
    """TXT-AMOUNT / TXT-PCT / TXT-DIRECTION on “X（类）Y（款）Z（项）N万元 … 上年执行数A，本年预算安排B，比…增加P%”."""
    out: list[Finding] = []
    convention = None
    for s in paragraphs(budget):
        item = _item_figure(budget, s)
        if item is None:
            continue
        m, names, code, stated, found = item
        label = "（类）".join(names[:1]) + "（类）" + names[1] + "（款）" + names[2] + "（项）"
        if found is None:
            out.append(_finding("TXT-AMOUNT", WARNING, s, f"文字中的科目“{label}”在一般公共预算支出表中找不到"
                                f"（名称或层级与表不一致）：“{_clip(s.text, m.start(), m.end())}”"))
        else:
            t, r = found
            v = r.amount("total")
            if v is not None and not rounds_to(_dec(stated), _wan(t, v)):
                convention = convention or conversion(budget)
            if v is not None and not text_matches(_dec(stated), _wan(t, v), convention or ROUND) \
                    and not _coarse_agrees(_dec(stated), _wan(t, v), t):
                out.append(_finding("TXT-AMOUNT", ERROR, s, f"文字中“{names[2]}”（{r.code}）为{stated}万元，表中为"
                                    f"{_fmt(_wan(t, v))}万元{_neither(convention)}：“{_clip(s.text, m.start(), m.end())}”",
                                    *(c for c in (r.cell("total"),) if c),
                                    expected=_wan(t, v), actual=_dec(stated), table_key=t.key, row=r.code, column="total"))
        e = _EXEC.search(s.text, m.end())
        if not e:
            continue
        before, planned, word, pct = _dec(e.group(2)), e.group(4), e.group(5), e.group(6)
        where = _clip(s.text, e.start(), e.end())
        if not _matches(planned, _dec(stated)):
            out.append(_finding("TXT-AMOUNT", ERROR, s, f"同一段中“{names[2]}”先说{stated}万元，又说{e.group(3)}年预算安排"
                                f"{planned}万元：“{where}”", expected=_dec(stated), actual=_dec(planned)))
        out += _pct(s, names[2], before, _dec(stated), e.group(2), stated, word, pct, where)
        r = _REASON.match(s.text, e.end())
        if r and word in _UP | _DOWN:
            said = "增加" if r.group(1).endswith(("增加", "增长")) else "减少" if r.group(1).endswith(("减少", "下降")) else None
            if said and (said in _UP) != (word in _UP):
                out.append(_finding("TXT-DIRECTION", WARNING, s, f"“{names[2]}”{word}，原因却写“{r.group(1)}”："
                                    f"“{_clip(s.text, e.start(), r.end())}”", row=f"{s.row.key}:reason"))
    return out


def _pct(s: Sentence, what: str, before: Decimal, now: Decimal, before_txt: str, now_txt: str, word: str,
         pct: str | None, where: str) -> list[Finding]:
    """Direction and percentage of a change, with each figure's rounding envelope."""
    out: list[Finding] = []
    diff = now - before
    if word == "持平":
        if abs(diff) > _half(now_txt) + _half(before_txt):
            out.append(_finding("TXT-DIRECTION", ERROR, s, f"“{what}”说持平，但{_fmt(before)}→{_fmt(now)}万元"
                                f"{'增加' if diff > 0 else '减少'}{_fmt(abs(diff))}万元：“{where}”"))
        return out
    if before == 0:
        return out  # from nothing: any percentage is a convention (often 100%)
    real = diff / before * HUNDRED
    wrong_way = (word in _UP and diff < 0) or (word in _DOWN and diff > 0)
    if wrong_way:
        out.append(_finding("TXT-DIRECTION", ERROR, s, f"“{what}”说比执行数{word}"
                            f"{pct + '%' if pct else ''}，但{_fmt(before)}→{_fmt(now)}万元实为"
                            f"{'增加' if diff > 0 else '减少'}{abs(real):.2f}%：“{where}”",
                            expected=real.quantize(Decimal("0.01")), actual=_dec(pct) if pct else None))
        return out
    if pct is None:
        return out
    # the percentage any figures within their rounding could give
    lo_b, hi_b = before - _half(before_txt), before + _half(before_txt)
    lo_n, hi_n = now - _half(now_txt), now + _half(now_txt)
    cands = [abs((n - b) / b * HUNDRED) for b in (lo_b, hi_b) for n in (lo_n, hi_n) if b > 0]
    lo, hi = min(cands), max(cands)
    said, tol = _dec(pct), _half(pct)
    if said + tol < lo or said - tol > hi:
        out.append(_finding("TXT-PCT", ERROR, s, f"“{what}”说{word}{pct}%，{_fmt(before)}→{_fmt(now)}万元实为"
                            f"{word}{abs(real):.2f}%：“{where}”", expected=abs(real).quantize(Decimal("0.01")), actual=said))
    return out


# -- names, leftovers, 部门/单位 ------------------------------------------------------------------------------
def old_names(budget: Budget) -> list[Finding]:
    """TXT-OLD-NAME: a 科目 name replaced before the budget year, in the text or on a table."""
    year = budget.year
    if not year:
        return []
    changes = _changes_in_force(year)
    out: list[Finding] = []
    for s in paragraphs(budget):
        for c in changes:
            i = s.text.find(c["old"]) if c["prose"] else -1
            if i >= 0:
                out.append(_finding("TXT-OLD-NAME", WARNING, s, f"“{c['old']}”{_renamed(c, year)}"
                                    f"（{c['code']}）：“{_clip(s.text, i, i + len(c['old']))}”", row=f"{s.row.key}:{c['code']}"))
    by_code = _changes_by_code(year)  # a row meets only the renamings of its own code
    for key, t in budget.tables.items():
        if t.layout.kind != "coded" or not t.present:
            continue
        for r in t.coded_rows():
            for c in by_code.get(r.code, ()):
                if re.sub(r"\s+", "", r.text("name")) == c["old"]:
                    out.append(Finding("TXT-OLD-NAME", WARNING,
                                       f"{t.sheet_name()}“{r.code} {c['old']}”{_renamed(c, year)}。",
                                       tuple(x for x in (r.cell("name"),) if x), table=key, row=r.code, column="name"))
    return out


@cache
def _changes_in_force(year: int) -> tuple[dict, ...]:
    """The renamings made by ``year`` (in force in its budget), in the declared order."""
    return tuple(c for c in name_changes() if year >= c["from"])


@cache
def _changes_by_code(year: int) -> dict[str, tuple[dict, ...]]:
    """``_changes_in_force`` by code, each code's in the declared order."""
    by: dict[str, list[dict]] = {}
    for c in _changes_in_force(year):
        by.setdefault(c["code"], []).append(c)
    return {code: tuple(cs) for code, cs in by.items()}


def _renamed(change: dict, year: int) -> str:
    """“自2019年起已更名为“卫生健康支出””, and the name of the budget year when renamed again since."""
    now = current_name(change["code"], year)
    later = f"，{year}年为“{now}”" if now and now != change["new"] else ""
    return f"自{change['from']}年起已更名为“{change['new']}”{later}"


_LEFTOVERS = [
    (re.compile(r"增加[（(]减少[)）]|减少[（(]增加[)）]"), "模板用语“增加（减少）”未改为实际方向"),
    (re.compile(r"(?<![A-Za-z])(?:XX+|xx+|××+|＊＊+|\*\*+)(?![A-Za-z])"), "模板占位符未填写"),
    (re.compile(r"主要原因(?:是|为)[：:]?\s*(?:[。；;]|$)"), "“主要原因是”后面没有写原因"),
    (re.compile(r"。。"), "重复的句号"),
]


def leftovers(budget: Budget) -> list[Finding]:
    """TXT-LEFTOVER: template words left in ("增加（减少）", "XX", "主要原因是。"), empty headings."""
    out: list[Finding] = []
    for s in paragraphs(budget):
        for pat, why in _LEFTOVERS:
            for m in pat.finditer(s.text):
                sev = WARNING if why == "重复的句号" else ERROR
                out.append(_finding("TXT-LEFTOVER", sev, s, f"{why}：“{_clip(s.text, m.start(), m.end())}”",
                                    row=f"{s.row.key}:{m.start()}"))
        if re.fullmatch(r"(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])", s.text):
            out.append(_finding("TXT-LEFTOVER", ERROR, s, f"只有编号“{s.text}”，没有内容"))
    rows = _rows(budget)
    for i, r in enumerate(rows):
        title = r.text("title").strip()
        if not title or r.text("text").strip():
            continue
        same = [x for x in rows[i + 1:] if x.text("title").strip() == title and x.text("item") == r.text("item")]
        if not any(x.text("text").strip() for x in same):
            s = Sentence(r, _section(r), "")
            out.append(_finding("TXT-LEFTOVER", WARNING, s, f"小标题“{title}”下没有内容", row=f"{r.key}:title"))
    return out


def type_words(budget: Budget) -> list[Finding]:
    """TXT-TYPE-WORDS: a 单位预算 speaking of 本部门/部门预算安排 (or a 部门预算 of 本单位/单位预算安排)."""
    kind = budget.budget_type
    if kind == "单位预算":
        wrong = re.compile(r"本部门|我部门|部门预算安排|(?<!经济分类)部门预算(?!经济分类)")
        right = "单位"
    else:
        wrong = re.compile(r"本单位|我单位|单位预算安排")
        right = "部门"
    out: list[Finding] = []
    for s in paragraphs(budget):
        for m in wrong.finditer(s.text):
            out.append(_finding("TXT-TYPE-WORDS", WARNING, s, f"本预算是{kind}，文字却用“{m.group(0)}”（应为{right}的说法）："
                                f"“{_clip(s.text, m.start(), m.end())}”", row=f"{s.row.key}:{m.start()}"))
    return out


TEXT_RULES = [
    ("TXT-AMOUNT", stated_amounts),
    ("TXT-TRUNCATED", truncation),
    ("TXT-ITEM", item_lines),
    ("TXT-OLD-NAME", old_names),
    ("TXT-LEFTOVER", leftovers),
    ("TXT-TYPE-WORDS", type_words),
]
# every id a text rule can emit, with its severity and what it checks (for the registry and docs/rules.md)
TEXT_RULE_DOCS = {
    "TXT-AMOUNT": ("error", "文字中的金额与表格不符（收入、支出、财政拨款、“三公”经费各项、机关运行经费、各功能科目），"
                   "按文字印出的位数四舍五入比较（各表式的说法见 profiles/<模板>/text.toml）；同一段前后两个数不一致；"
                   "文字中的科目在表中找不到（警告）",
                   "文字“住房公积金（项）208.8万元……2026年预算安排201.50万元”"),
    "TXT-TRUNCATED": ("info", "文字中的万元数一贯由元表截尾取得（不是四舍五入）：只提示一次，不逐句报错；"
                      "既不是四舍五入也不是截尾的金额仍报 TXT-AMOUNT", "877,080.00元写作“87.70万元”（四舍五入为87.71）"),
    "TXT-PCT": ("error", "增减百分比与上年（执行）数、本年数算出的不符（考虑两数的四舍五入范围）",
                "77.99→91.97万元写作“增加17.66%”，实为17.93%"),
    "TXT-DIRECTION": ("error", "增减方向与数字相反（“增加”实为减少），比上年增加额大于本年数（上年成了负数），"
                      "或与“上年数”不符；原因写的方向与增减相反（警告）",
                      "43269.3→3845.49万元写作“增加17.62%”"),
    "TXT-YEAR": ("warning", "与本预算年度自身比较（“2026年预算比2026年预算增加”）", "2026年预算中“比2026年预算增加793.14万元”"),
    "TXT-OLD-NAME": ("warning", "使用已更名的科目名称（更名表：budget_xl/schema/name_changes.toml）",
                     "2026年预算中的“医疗卫生与计划生育支出”（2019年起为“卫生健康支出”）"),
    "TXT-LEFTOVER": ("error", "模板残留：“增加（减少）”、“XX”、“主要原因是。”、只有编号的段落；重复句号、空小标题为警告",
                     "“主要原因是。”"),
    "TXT-TYPE-WORDS": ("warning", "单位预算中用“本部门”“部门预算安排”，或部门预算中用“本单位”“单位预算安排”",
                       "单位预算中“本部门政府采购预算……”"),
}
TEXT_RULE_IDS = tuple(TEXT_RULE_DOCS)
