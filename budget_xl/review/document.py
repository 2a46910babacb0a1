"""Checks on the published document itself (pages, text that does not display, punctuation, repeats, reasons
for changes): what a reviewer of the 公开情况检查表 sees on the page and the tables cannot tell.

Each check is pure — ``fn(ctx) -> list[Finding]`` over the pages already read — and registered under its
stable id. They are style and form findings, so warnings: an error is only ever a wrong figure.
A finding carries ``extra = {"page": n, "box": (x0, top, x1, bottom)}`` so the checklist can show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from budget_xl.findings import WARNING, Finding
from budget_xl.review.pages import Document, Line
from budget_xl.review.paragraphs import ENUM, FOLIO, Paragraph, paragraphs
from budget_xl.rules.registry import register_info

REASON_THRESHOLD = Decimal(10)  # % change against last year from which the text must give 主要原因
BLANK_INK = 0.002               # share of inked pixels below which a page with no text (a page number at most) is blank
RULED = 10                      # path objects from which a page is a ruled table
HIDDEN_BELOW = 0.5              # a line drawn over less than this share of its glyph height does not display


@dataclass
class Context:
    doc: Document
    year: int | None = None
    kind: str = "部门预算"
    table_pages: set[int] = field(default_factory=set)
    threshold: Decimal = REASON_THRESHOLD
    budget: object | None = None  # the imported model (tables), when the import succeeded

    @property
    def toc_pages(self) -> set[int]:
        kept = self.__dict__.get("_toc")
        if kept is None or kept[0] is not self.doc:  # asked once per 目录 entry: found once per document
            kept = (self.doc, {p.number for p in self.doc.pages if any(_plain(x.text) == "目录" for x in p.shown_lines)})
            self.__dict__["_toc"] = kept
        return kept[1]

    def prose(self) -> list[Paragraph]:
        """Paragraphs of the narrative: not the cover, the 目录 or a table page."""
        skip = self.toc_pages | self.table_pages | {1}
        key = (self.doc, frozenset(skip))
        kept = self.__dict__.get("_prose")
        if kept is None or kept[0][0] is not key[0] or kept[0][1] != key[1]:  # ten checks ask: read once
            kept = (key, paragraphs(self.doc, {p.number for p in self.doc.pages
                                               if p.number not in skip and not tabular(p) and not figures_apart(p)}))
            self.__dict__["_prose"] = kept
        return list(kept[1])


DOC_CHECKS: list[tuple[str, Callable[[Context], list[Finding]]]] = []


def doc_check(rule_id: str, description: str, example: str = ""):
    def deco(fn):
        DOC_CHECKS.append((rule_id, fn))
        register_info(rule_id, WARNING, description, example)
        return fn
    return deco


def run_document_checks(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for _id, fn in DOC_CHECKS:
        out += fn(ctx)
    return out


_NO_FIGURE = re.compile(r"(?:为|计|共|达|安排)万元")


def figures_apart(page) -> bool:
    """A page whose figures are set apart from its words (“年初预算为万元”: a filled-in template whose numbers the
    text layer puts elsewhere): its sentences cannot be read in order, so their punctuation is not judged."""
    return len(_NO_FIGURE.findall(page.text)) >= 2


def tabular(page) -> bool:
    """A page laid out in columns (a table, a 绩效目标表): ruled, or many of its lines have wide gaps between words."""
    if page.paths >= RULED:
        return True
    lines = [x for x in page.shown_lines if len(x.chars) >= 2]
    if not lines:
        return False
    gapped = 0
    for x in lines:
        h = max(4.0, x.bottom - x.top)
        if any(b.x0 - a.x1 > 2.5 * h for a, b in zip(x.chars, x.chars[1:])):
            gapped += 1
    return gapped >= 0.4 * len(lines)


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _finding(rule: str, message: str, page: int, box, quote: str = "") -> Finding:
    return Finding(rule, WARNING, message, cells=(f"第{page}页",), table="DOC", row=f"{page}:{quote[:20]}",
                   extra={"page": page, "box": tuple(round(v, 1) for v in box) if box else None})


def _clip(text: str, start: int, end: int, width: int = 60) -> str:
    a = max(0, start - 20)
    s = text[a:max(end, a + 1) + 20]
    return ("…" if a else "") + (s if len(s) <= width else s[:width] + "…") + ("…" if end + 20 < len(text) else "")


def _union(lines: list[Line]):
    return (min(x.x0 for x in lines), min(x.top for x in lines), max(x.x1 for x in lines), max(x.bottom for x in lines))


# -- pages ----------------------------------------------------------------------------------------------
@doc_check("DOC-BLANK-PAGE", "文件中有空白页（没有文字、也几乎没有任何印迹），建议删除", "目录后有一页多余的空白页")
def blank_pages(ctx: Context) -> list[Finding]:
    out = []
    for p in ctx.doc.pages:
        if p.ink_share < BLANK_INK and not any(x.text.strip() and not FOLIO.match(x.text.strip()) for x in p.shown_lines):
            before = next((q for q in reversed(ctx.doc.pages[: p.number - 1]) if q.shown_lines), None)
            after = f"（在第{before.number}页“{_plain(before.shown_lines[0].text)[:12]}”之后）" if before else ""
            out.append(_finding("DOC-BLANK-PAGE", f"第{p.number}页是空白页{after}，建议删除。", p.number,
                                (0, 0, p.width, p.height)))
    return out


@doc_check("DOC-TEXT-HIDDEN", "文字层中有文字，页面上却没有显示或只显示了一部分（被裁切、遮挡或排到页面之外的区域）："
           "与渲染出的页面逐字比较", "主要职能第（八）项只显示了上半截")
def hidden_text(ctx: Context) -> list[Finding]:
    out = []
    for p in ctx.doc.pages:
        hidden = [x for x in p.lines if x.on_page and x.shown < HIDDEN_BELOW and len(_plain(x.text)) >= 2]
        if not hidden:
            continue
        part = [x for x in hidden if x.shown > 0]
        text = _plain(hidden[0].text)
        how = "只显示了一部分" if part else "没有显示"
        box = _union(hidden)
        box = (box[0], max(0.0, box[1]), box[2], min(p.height, box[3]))
        out.append(_finding("DOC-TEXT-HIDDEN", f"第{p.number}页有{len(hidden)}行文字未正常显示（{how}，阅读时看不到）："
                            f"“{text[:40]}{'…' if len(text) > 40 else ''}”", p.number, box, text))
    return out


@doc_check("DOC-TEXT-UNMAPPED", "页面上显示的字在文字层中没有对应的字符（字体缺少 ToUnicode 映射，或映射为私用区码位、"
           "方框）：复制、检索、读屏时是乱码或空白", "“部门主要职能”复制出来是空白")
def unmapped_text(ctx: Context) -> list[Finding]:
    out = []
    for p in ctx.doc.pages:
        lines = [x for x in p.lines if x.on_page and any(c.unnamed and (c.ink or 0) > 0.2 for c in x.chars)]
        count = sum(1 for x in lines for c in x.chars if c.unnamed and (c.ink or 0) > 0.2)
        if count:
            out.append(_finding("DOC-TEXT-UNMAPPED", f"第{p.number}页有{count}个字显示在页面上，文字层中却没有对应的字符"
                                "（字体缺少字符映射）：复制、检索和读屏时是乱码或空白。请重新导出 PDF（嵌入字体）。",
                                p.number, _union(lines)))
    return out


# -- 目录 --------------------------------------------------------------------------------------------
_LEADER = re.compile(r"[.…·．‥_\-—]{3,}")
_TOC_NUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")


def _toc_key(text: str) -> str:
    text = _TOC_NUM.sub("", _plain(text))
    text = _YEAR.sub("", text)
    return text


def toc_entries(ctx: Context) -> list[tuple[str, int | None, Line]]:
    """(name, printed page or None, line) of each 目录 line."""
    out = []
    for n in sorted(ctx.toc_pages):
        for line in ctx.doc.page(n).shown_lines:
            text = _plain(line.text)
            if text == "目录" or not _LEADER.search(text):
                continue
            name = _LEADER.split(text)[0]
            m = re.search(r"(\d+)$", text)
            out.append((name, int(m.group(1)) if m and _LEADER.search(text[: m.start()]) else None, line))
    return out


def _heading_page(ctx: Context, name: str) -> int | None:
    key = _toc_key(name)
    if len(key) < 2:
        return None
    toc = ctx.toc_pages
    for p in ctx.doc.pages:
        if p.number in toc:
            continue
        for line in p.shown_lines[:8] if p.number not in ctx.table_pages else p.shown_lines[:3]:
            text = _YEAR.sub("", _TOC_NUM.sub("", _plain(line.text)))
            if len(text) <= 45 and (key in text or (len(_loose(key)) >= 4 and _loose(key) in _loose(text))):
                return p.number
    return None


def _loose(text: str) -> str:
    """A 目录 name compared loosely: 部门/单位/区级 and 情况 may be left out either side."""
    return re.sub(r"部门|单位|区级|情况|“|”|\"", "", text)


@doc_check("DOC-TOC", "目录与正文不符：目录中的章节或表在正文中找不到，顺序与正文不同，或所注页码与实际页码不符",
           "目录列“六、其他相关情况说明”，正文中没有这一节")
def toc(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    entries = toc_entries(ctx)
    found: list[tuple[str, int, int | None, Line]] = []
    for name, printed, line in entries:
        if _toc_key(name) in ("部门预算表", "预算表", "单位预算表", "预算公开表", "部门预算公开表"):
            continue  # a part heading printed only in the 目录
        page = _heading_page(ctx, name)
        if page is None:
            out.append(_finding("DOC-TOC", f"目录中的“{name}”在正文中找不到（名称不一致或缺少这一部分）。",
                                line.page, line.box, name))
            continue
        found.append((name, page, printed, line))
    for (a, pa, _, _la), (b, pb, _, lb) in zip(found, found[1:]):
        if pb < pa:
            out.append(_finding("DOC-TOC", f"正文顺序与目录不符：目录中“{b}”在“{a}”之后，正文中却在前（第{pb}页，"
                                f"“{a}”在第{pa}页）。", lb.page, lb.box, b))
    offsets = [page - printed for _, page, printed, _ in found if printed is not None]
    if offsets:
        offset = max(set(offsets), key=offsets.count)  # the cover and 目录 may go unnumbered: one shift for all
        for name, page, printed, line in found:
            if printed is not None and page - printed != offset:
                out.append(_finding("DOC-TOC", f"目录中“{name}”注为第{printed}页，实际在第{page - offset}页。",
                                    line.page, line.box, name))
    return out


# -- punctuation --------------------------------------------------------------------------------------
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENDS = "。；;！!？?：:…”」』）)"
_HEADING_END = re.compile(r"(?:说明|情况|职能|设置|解释|概述|依据|主体|方案|周期|安排|目标|预算表|总表|内容如下|如下)$")


def _sentence_like(ctx: Context, para: Paragraph) -> bool:
    text = _plain(para.text)
    if len(_CJK.findall(text)) < 12 or _HEADING_END.search(text):
        return False
    if ENUM.match(text) and len(text) <= 40 and not re.search(r"[，。；]", text):
        return False  # a numbered heading ("2、对个人和家庭的补助支出（类）2,606.84万元")
    page = ctx.doc.page(para.page)
    left = min(x.x0 for x in page.shown_lines)
    right = max(x.x1 for x in page.shown_lines)
    line = para.lines[0]
    if len(para.lines) == 1 and line.x0 - left > 0.15 * (right - left) and abs((line.x0 - left) - (right - line.x1)) < 40:
        return False  # centred: a title
    return True


@doc_check("DOC-PUNCT-END", "段落末尾缺少句号（或其他结束标点）", "“财政拨款收入支出增加的主要原因是工作量增加”后面漏了句号")
def missing_full_stop(ctx: Context) -> list[Finding]:
    """Only where the paragraph visibly ends — its last line stops short of the margin, or a numbered item
    follows: a full line without its stop may go on in text we did not join (figures set on their own baseline)."""
    out = []
    for para in ctx.prose():
        text = _plain(para.text)
        if not text or text[-1] in _ENDS or text[-1] in "，、,":
            continue
        if not _sentence_like(ctx, para) or "：" in text and not re.search(r"[，。]", text.split("：", 1)[1]):
            continue  # a list line ("具体包括：1.…本部")
        last = para.lines[-1]
        lines = ctx.doc.page(last.page).shown_lines
        right = max(x.x1 for x in lines)
        after = [x for x in lines if x.top > last.bottom - 1]
        if last.x1 >= right - 2 * max(4.0, last.bottom - last.top) and after and not ENUM.match(_plain(after[0].text)):
            continue
        page, box = para.box_of(len(text) - 1, len(text))
        out.append(_finding("DOC-PUNCT-END", f"第{page}页段落末尾缺少句号：“{text[-40:]}”", page, box, text[-20:]))
    return out


def _matches(ctx: Context, pattern: re.Pattern, plain: bool = True):
    """Every match of ``pattern`` in the prose: (the text searched, the match, its page, its box)."""
    for para in ctx.prose():
        text = _plain(para.text) if plain else para.text
        for m in pattern.finditer(text):
            page, box = para.box_of(m.start(), m.end())
            yield text, m, page, box


_DOUBLE = re.compile(r"(。。|，，|、、|；；|：：|！！|？？|[。，；][，。；])")


@doc_check("DOC-PUNCT-DOUBLE", "连续两个标点（“。。”“，，”“。，”等）", "“信息化建设及运行维护等方面的支出。。”")
def doubled_punctuation(ctx: Context) -> list[Finding]:
    return [_finding("DOC-PUNCT-DOUBLE", f"第{page}页连续两个标点“{m.group(0)}”：“{_clip(text, m.start(), m.end())}”",
                     page, box, m.group(0) + text[max(0, m.start() - 10):m.start()])
            for text, m, page, box in _matches(ctx, _DOUBLE, plain=False)]


def _pair_ok(text: str, left: str, right: str) -> bool:
    lefts, rights = (left + "(", right + ")") if left == "（" else (left, right)
    depth = 0
    for ch in text:
        depth += ch in lefts
        depth -= ch in rights
        if depth < 0:
            return False
    return depth == 0


_PAIRS = (("“", "”", "引号"), ("（", "）", "括号"), ("《", "》", "书名号"), ("‘", "’", "单引号"))


@doc_check("DOC-PUNCT-PAIR", "成对标点不成对：“”、（）、《》、‘’ 在一段中左右个数不等或次序颠倒",
           "“开展“人民调解协议书检查”、优秀调解案例”活动。”多了一个右引号")
def unbalanced_pairs(ctx: Context) -> list[Finding]:
    out = []
    paras = ctx.prose()
    for k, para in enumerate(paras):
        text = para.text
        for left, right, what in _PAIRS:
            around = "".join(p.text for p in paras[max(0, k - 1):k + 2])
            if _pair_ok(text, left, right) or (_pair_ok(around, left, right) and len(paras) > 1):
                continue  # balanced, or balanced with its neighbours (a quotation broken over what we took for two)
            lefts, rights = (left + "(", right + ")") if left == "（" else (left, right)
            depth, bad = 0, None
            for i, ch in enumerate(text):
                if ch in lefts:
                    depth += 1
                elif ch in rights:
                    depth -= 1
                    if depth < 0 and bad is None:
                        bad = (i, f"多了一个右{what}“{right}”")
                        depth = 0
            if bad is None and depth > 0:
                bad = (text.rfind(left), f"缺少右{what}“{right}”（左{what}多了{depth}个）")
            if bad is None:
                continue
            i, why = bad
            page, box = para.box_of(i, i + 1)
            out.append(_finding("DOC-PUNCT-PAIR", f"第{page}页{why}：“{_clip(text, i, i + 1)}”", page, box, text[max(0, i - 10):i + 1]))
    return out


# a word of three or more characters twice; two-character words and single ones only from a list of function
# words ("在职人员人员经费" is 人员 + 人员经费, not a repeat)
_REPEAT = re.compile(r"([\u4e00-\u9fff]{3,8})\1")
_REPEAT_ONE = re.compile(r"(的的|了了了|和和|与与|及及|在在|是是|对对|将将|按按|并并|用于用于|主要主要|以及以及|其中其中|根据根据"
                         r"|按照按照|进行进行|通过通过|包括包括)")
_REPEAT_OK = {"研究研究", "一一", "人人", "常常", "年年", "各各"}


@doc_check("DOC-WORD-TWICE", "同一个词连着写了两遍（“的的”“预算预算”）", "“主要用于用于”")
def doubled_words(ctx: Context) -> list[Finding]:
    out = []
    for para in ctx.prose():
        text = para.text
        for m in [*_REPEAT.finditer(text), *_REPEAT_ONE.finditer(text)]:
            if m.group(0) in _REPEAT_OK or re.fullmatch(r"(.)\1+", m.group(1) if m.lastindex else m.group(0)):
                continue
            page, box = para.box_of(m.start(), m.end())
            out.append(_finding("DOC-WORD-TWICE", f"第{page}页词语重复“{m.group(0)}”：“{_clip(text, m.start(), m.end())}”",
                                page, box, m.group(0)))
    return out


@doc_check("DOC-PARA-TWICE", "同一段文字（或编号条目）紧接着又印了一遍", "第8页“（一）贯彻执行……”下面又是一遍“（一）贯彻执行……”")
def repeated_paragraphs(ctx: Context) -> list[Finding]:
    """Printed twice in a row (the next paragraph or the one after): sections that describe the same items
    in the same words (财政拨款 and 一般公共预算 when all the money is 一般公共预算) are not repeats."""
    out = []
    paras = ctx.prose()
    keys = [re.sub(r"[\W_]", "", _TOC_NUM.sub("", _plain(p.text))) for p in paras]
    for i, (para, key) in enumerate(zip(paras, keys)):
        if len(key) < 30:
            continue
        first = next((j for j in range(max(0, i - 2), i) if keys[j] == key), None)
        if first is None:
            continue
        out.append(_finding("DOC-PARA-TWICE", f"第{para.page}页的段落紧接着第{paras[first].page}页的同一段又印了一遍："
                            f"“{_plain(para.text)[:40]}…”", para.page, para.box, key[:20]))
    return out


# -- figures in the text ---------------------------------------------------------------------------------
NUM = r"(\d[\d,]*(?:\.\d+)?)"
_CHANGE_PCT = re.compile(r"比(?:(?:19|20)\d{2}年|上年)[^，。；%]{0,12}?(增加|减少|增长|下降)" + NUM + r"\s*[%％]")
_CHANGE_AMT = re.compile(NUM + r"万元[，,]?(?:比|较)(?:(?:19|20)\d{2}年|上年)[^，。；%]{0,12}?(增加|减少|增长|下降)" + NUM + r"万元")
_BASE = re.compile(r"(?:执行数|预算数|上年数|预算)为?" + NUM + r"万元")
_REASON = re.compile(r"原因|由于|因为|主要是|所致|新增")


_ITEM = re.compile(r"^\d+[、.．](?!\d)")


def _items(ctx: Context) -> list[tuple[Paragraph, list[Paragraph]]]:
    """Each paragraph with the (up to 3) that follow it before the next numbered item."""
    paras = ctx.prose()
    out = []
    for i, p in enumerate(paras):
        after = []
        for q in paras[i + 1:i + 4]:
            if _ITEM.match(_plain(q.text)):
                break
            after.append(q)
        out.append((p, after))
    return out


@doc_check("DOC-REASON", "增减达到阈值（默认10%，或从零安排）的科目或项目没有写主要原因",
           "“比2025年预算执行数增加277.22%。”后面没有“主要原因是……”")
def reasons(ctx: Context) -> list[Finding]:
    out = []
    for para, nxt in _items(ctx):
        text = _plain(para.text)
        due = None
        for m in _CHANGE_PCT.finditer(text):
            if Decimal(m.group(2).replace(",", "")) >= ctx.threshold:
                due = m
        for m in _CHANGE_AMT.finditer(text):
            now, delta = Decimal(m.group(1).replace(",", "")), Decimal(m.group(3).replace(",", ""))
            before = now - delta if m.group(2) in ("增加", "增长") else now + delta
            if before == 0 or (before > 0 and delta * 100 / before >= ctx.threshold):
                due = due or m
        base = _BASE.search(text)
        if due is None and base and Decimal(base.group(1).replace(",", "")) == 0 and re.search(r"安排" + NUM + r"万元", text):
            now = Decimal(re.search(r"安排" + NUM + r"万元", text).group(1).replace(",", ""))
            if now > 0:
                due = base
        if due is None or _REASON.search(text[due.start():]):
            continue
        if any(_REASON.search(_plain(x.text)) for x in nxt):
            continue  # the reason in what follows ("财政拨款收入支出增加的主要原因是……", or per sub-item)
        page, box = para.box_of(due.start(), due.end())
        quote = _clip(text, due.start(), due.end())
        out.append(_finding("DOC-REASON", f"第{page}页增减幅度达到{ctx.threshold}%以上，却没有写主要原因：“{quote}”",
                            page, box, text[due.start():due.end()]))
    return out


_ZERO_PCT = re.compile(r"(?:为|是)0(?:\.0+)?万元[^。；]{0,40}?(增加|增长)" + NUM + r"\s*[%％]")


@doc_check("DOC-ZERO-BASE", "从零起增长却写了增长百分比（上年为0时百分比无法计算）", "“2025年执行数为0万元……增长100%”")
def zero_base(ctx: Context) -> list[Finding]:
    return [_finding("DOC-ZERO-BASE", f"第{page}页上年为0却写“{m.group(1)}{m.group(2)}%”（从零起增长不能用百分比表示，"
                     f"应写“新增”）：“{_clip(text, m.start(), m.end())}”", page, box, m.group(0))
            for text, m, page, box in _matches(ctx, _ZERO_PCT)]


_NO_PCT = re.compile(r"(?:比|较)[^，。；]{0,20}?(?:增加|减少|增长|下降)(?:了)?(\d+\.\d+|\d+)(?=[。，；]|$)")


@doc_check("DOC-PCT-SIGN", "增减幅度后面漏了百分号（“增加17.62。”）", "“比2025年预算执行数增加17.62。”")
def missing_percent(ctx: Context) -> list[Finding]:
    return [_finding("DOC-PCT-SIGN", f"第{page}页增减数“{m.group(1)}”后面没有单位或百分号：“{_clip(text, m.start(), m.end())}”",
                     page, box, m.group(0))
            for text, m, page, box in _matches(ctx, _NO_PCT)]


_INDICATOR = re.compile(r"(?:((?:19|20)\d{2})年(?:度)?)?(“三公”经费预算|机关运行经费预算|政府采购预算|政府采购货物预算"
                        r"|政府采购工程预算|政府采购服务预算)(?:数|总额|金额)?(?:为|是)?" + NUM + r"万元")


@doc_check("DOC-SAME-FIGURE", "同一指标在文中出现两次，数值不同（“三公”经费、机关运行经费、政府采购、收支预算）",
           "前文“政府采购预算1486.42万元”，后文“政府采购预算1468.42万元”")
def same_indicator(ctx: Context) -> list[Finding]:
    out = []
    seen: dict[str, tuple[str, int]] = {}
    for para in ctx.prose():
        text = _plain(para.text)
        for m in _INDICATOR.finditer(text):
            if m.group(1) and ctx.year and int(m.group(1)) != ctx.year:
                continue  # last year's figure
            before = text[m.start() - 1:m.start()] if m.start() else ""
            if not m.group(1) and before and _CJK.match(before) and before not in "的为":
                continue  # part of a longer name (政府性基金…, 下属单位…)
            name, value = m.group(2), m.group(3).replace(",", "")
            if name in seen and Decimal(seen[name][0]) != Decimal(value):
                page, box = para.box_of(m.start(), m.end())
                out.append(_finding("DOC-SAME-FIGURE", f"第{page}页“{name}”为{value}万元，第{seen[name][1]}页却是{seen[name][0]}万元："
                                    f"“{_clip(text, m.start(), m.end())}”", page, box, m.group(0)))
            seen.setdefault(name, (value, para.page))
    return out


# -- 政府性基金: the table against the text ----------------------------------------------------------------
FUND_TABLE = "T7"  # 政府性基金预算支出表 in both profiles
_FUND_SAID = re.compile(r"政府性基金(?:预算)?(?:财政)?(?:拨款)?(?:支出|收入)(?:预算)?(?:为|是)?" + NUM + r"万元")


@doc_check("DOC-FUND-ITEMS", "政府性基金预算支出表与说明逐项不符：表中有金额的科目说明中没有写，或写的金额与表不同；"
           "表为空表，文字却写有政府性基金金额", "表中“2296002 用于社会福利的彩票公益金支出”5.00万元，说明中没有")
def fund_items(ctx: Context) -> list[Finding]:
    from budget_xl.rounding import rounds_to
    from budget_xl.units import to_wan

    t = getattr(ctx.budget, "tables", {}).get(FUND_TABLE) if ctx.budget is not None else None
    if t is None or not t.present:
        return []
    paras = ctx.prose()
    text = "".join(_plain(p.text) for p in paras)
    items = [r for r in t.coded_rows() if len(r.code) == 7 and (r.amount("total") or 0) > 0]
    out: list[Finding] = []
    pages = sorted(p for p in ctx.table_pages) or [1]
    for r in items:
        name, wan = _plain(r.text("name")), to_wan(r.amount("total"), t.unit)
        said = [m for m in re.finditer(re.escape(name) + r"(?:（\d*项）|（项）)?[”\"]?" + NUM + r"万元", text)]
        if not said:
            out.append(Finding("DOC-FUND-ITEMS", WARNING, f"政府性基金预算支出表中“{r.code} {name}”{wan:.2f}万元，"
                               "说明中没有逐项说明。", cells=tuple(c for c in (r.cell("total"),) if c), table=FUND_TABLE,
                               row=r.code, column="total", extra={"page": None, "box": None}))
            continue
        stated = Decimal(said[0].group(1).replace(",", ""))
        if not rounds_to(stated, wan):
            out.append(Finding("DOC-FUND-ITEMS", WARNING, f"说明中“{name}”为{stated}万元，政府性基金预算支出表中为"
                               f"{wan:.2f}万元：“{name}{said[0].group(1)}万元”", cells=tuple(c for c in (r.cell("total"),) if c),
                               expected=wan, actual=stated, table=FUND_TABLE, row=r.code, column="total",
                               extra={"page": None, "box": None}))
    if not items:
        for para in paras:
            ptext = _plain(para.text)
            for m in _FUND_SAID.finditer(ptext):
                if Decimal(m.group(1).replace(",", "")) > 0:
                    page, box = para.box_of(m.start(), m.end())
                    out.append(_finding("DOC-FUND-ITEMS", f"第{page}页写政府性基金{m.group(1)}万元，政府性基金预算支出表却是空表"
                                        f"（第{pages[0]}页起的表中没有金额）：“{_clip(ptext, m.start(), m.end())}”",
                                        page, box, m.group(0)))
    return out


# -- titles: year and 部门/单位 -------------------------------------------------------------------------------
_TITLE = re.compile(r"(?:表|说明|预算|职能|设置|情况|解释)(?:（[^）]*）)?$")


def _titles(ctx: Context):
    """Every heading-like line (cover, 目录 entries, chapter and table titles): short, no sentence punctuation."""
    for page in ctx.doc.pages:
        for line in page.shown_lines:
            text = _LEADER.split(_plain(line.text))[0]
            if 4 <= len(text) <= 45 and _TITLE.search(text) and not re.search(r"[，。；：:]", text):
                yield page.number, line, text


@doc_check("DOC-YEAR", "封面、目录、章节或表的标题中的年度与本预算年度不符", "2026年预算中表题“2025年部门收入预算总表”")
def title_years(ctx: Context) -> list[Finding]:
    if not ctx.year:
        return []
    out = []
    for page, line, text in _titles(ctx):
        if re.search(r"执行|决算", text):
            continue
        years = {int(y) for y in re.findall(r"((?:19|20)\d{2})年(?:度)?(?:区级)?(?:部门|单位|预算单位|“三公”)", text)}
        wrong = sorted(y for y in years if y != ctx.year)
        if wrong:
            out.append(_finding("DOC-YEAR", f"第{page}页标题“{text}”写的是{wrong[0]}年，本预算是{ctx.year}年。", page, line.box, text))
    return out


@doc_check("DOC-KIND-WORDS", "标题中的“部门”“单位”与文件类型不符（部门预算的表题写成“单位…”，单位预算写成“部门…”）",
           "单位预算中表题“2025年部门收入预算总表”")
def title_kind(ctx: Context) -> list[Finding]:
    wrong = re.compile(r"^(?:(?:19|20)\d{2}年(?:度)?)?(?:区级)?(部门)(?!预算经济分类)" if ctx.kind == "单位预算"
                       else r"^(?:(?:19|20)\d{2}年(?:度)?)?(?:区级)?((?:预算)?单位)(?!预算经济分类)")
    out = []
    for page, line, text in _titles(ctx):
        m = wrong.search(_TOC_NUM.sub("", text))
        if m:
            right = "单位" if ctx.kind == "单位预算" else "部门"
            out.append(_finding("DOC-KIND-WORDS", f"第{page}页标题“{text}”用“{m.group(1)}”，本文件是{ctx.kind}（应为“{right}”）。",
                                page, line.box, text))
    return out
