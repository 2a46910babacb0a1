"""Table titles reduced to their meaning, so that every province's, level's and year's wording of one table
compares equal: "2025年预算单位财务收支预算总表", "表一 部门财务收支预算总表", "公开表1 收支预算总表（功能科目）".

What is dropped carries no meaning for *which* table it is: blanks, full-width forms, the year, the
publisher's name before the year, numbering (公开表N、表N、附表N、表一、一、1.), the subject
(部门/单位/预算单位/区级/省级), trailing notes in brackets, the word 预算 where it only says "this is a budget"
(not in 一般公共预算, 政府性基金预算, 国有资本经营预算) and 总 before 表. The aliases a profile declares are
reduced the same way, so an alias is written as any document prints it.
"""

from __future__ import annotations

import re
import unicodedata

# fund names that contain 预算 as part of their meaning: kept as one token while 预算 is dropped
_FUNDS = (("一般公共预算", "Ⓖ"), ("政府性基金预算", "Ⓕ"), ("政府性基金", "Ⓕ"), ("国有资本经营预算", "Ⓢ"))
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": '"', "’": '"', "'": '"', "「": '"', "」": '"',
                         "〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_CN_NUM = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:(?:预算)?公开表|附表|表)[{_CN_NUM}\d]+(?:[-－—–.][\d{_CN_NUM}]+)*[、.:：]?"  # 公开表1 表一 附表2-1
    rf"|^(?:预算)?公开[{_CN_NUM}\d]+表[、.:：]?"  # 公开01表
    rf"|^[{_CN_NUM}]+[、.]"  # 一、
    rf"|^\(?[{_CN_NUM}\d]+\)"  # (一) 1)
    r"|^\d+(?:[-.]\d+)*[、.:\s]?(?![\d\s]*年)"  # 1. 2-1
)
_YEAR_AT = re.compile(r"(?:(?:19|20|21)\d{2}|[二][〇○零][一二三四五六七八九〇○零]{2})(?:年度?|年)")  # 2027年 二〇二七年
# a publisher printed after the year ("2027年上海市普陀区万里街道办事处部门收入预算总表"): a name ending as bodies'
# names end, right before the subject word
_PUBLISHER = re.compile(r"^[\u4e00-\u9fffA-Za-z()]{2,30}?(?:委员会|办公室|办公厅|办事处|人民政府|中心|局|委|厅|处|室|院|所|站|馆|会"
                        r"|政府|街道|镇|乡|部|队|校|社|团|联)(?=(?:预算单位|部门|单位))")
_SUBJECT = re.compile(r"^(?:(?:省|市|区|县|乡镇|省级|市级|区级|县级|本级)?(?:预算单位|部门|单位)(?:预算)?|省级|市级|区级|县级)")
_TRAIL_NOTE = re.compile(r"\([^()]*\)$")
_BLANK = re.compile(r"[\s\u3000\u00a0]+")


def fold(text: object) -> str:
    """Blanks out, full-width letters/digits/brackets folded (NFKC), one kind of quote and bracket."""
    return _BLANK.sub("", _unify(text))


def _unify(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).translate(_QUOTES).strip()


def strip_numbering(s: str) -> str:
    """Leading 公开表N / 表一 / 一、 / 1. — read before blanks are dropped, so "公开表3 2019年" keeps its year."""
    prev = None
    while prev != s:
        prev = s
        s = _NUMBERING.sub("", s, count=1).lstrip()
    return s


def title_key(text: object) -> str:
    """The meaning of a table title: see the module docstring. '' when nothing is left."""
    s = fold(strip_numbering(_unify(text)))
    m = _YEAR_AT.search(s[:40])
    if m is not None and m.start() <= 30:  # "上海市普陀区2025年…", "承德市司法局2024年部门收支总表"
        s = s[m.end():]
    s = strip_numbering(s)
    s = _PUBLISHER.sub("", s, count=1)
    prev = None
    while prev != s:
        prev = s
        s = _SUBJECT.sub("", s)
    while _TRAIL_NOTE.search(s) and len(_TRAIL_NOTE.sub("", s)) >= 3:
        s = _TRAIL_NOTE.sub("", s)
    for word, token in _FUNDS:
        s = s.replace(word, token)
    s = s.replace("部门预算", "").replace("预算", "").replace("部门", "")
    s = s.replace("总表", "表")
    for word, token in _FUNDS[:1] + _FUNDS[3:] + _FUNDS[1:2]:
        s = s.replace(token, word)
    return s


def is_final_accounts_title(text: object) -> bool:
    """A title of 决算 (final accounts), not 预算: "收入支出决算总表", "部门决算公开表"."""
    s = fold(text)
    return "决算" in s and ("表" in s or "公开" in s)
