"""What the worksheet functions compute — ROLLUP, WANYUAN, ZENGJIAN, DAXIE — without xlwings.

Desktop (``udfs.py``) and Office.js (``addin/custom_functions``) wrap these in a line each, so both
compute exactly the same thing and tests need no Excel. Amounts are Decimal inside (a cell's float is
read as the digits it shows), rounding is 四舍五入, and a wrong argument comes back as Chinese text in
the cell (``cell_result``), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import cn2an

from budget_xl.read.values import parse_code, parse_number
from budget_xl.units import UNITS, YUAN, parse_unit, round2

ERROR_PREFIX = "错误："
# 类 → 款 → 项: the code length of the direct children (功能分类 3/5/7, 经济分类 3/5)
CHILD_LENGTH = {3: 5, 5: 7}
LEVEL = {3: "类", 5: "款", 7: "项"}
UP, DOWN, SAME = "增加", "减少", "持平"
CN2AN_MAX_DIGITS = 16
# a range argument larger than this is refused at once (a whole column A:A is a million cells, and one
# user's formula must not keep the shared server busy for everyone)
MAX_CELLS = 50_000
# what Excel sends for an error value when the wrapper asks for err_to_str
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                          "#BUSY!", "#UNKNOWN!", "#PYTHON!"})


class ArgumentError(ValueError):
    """An argument the function cannot use; the message is shown in the cell."""


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [x for item in value for x in _flat(item)]
    return [value]


def _checked(value, what: str) -> list:
    """The cells of an argument, refused when it is too large or holds an Excel error value."""
    items = _flat(value)
    if len(items) > MAX_CELLS:
        raise ArgumentError(f"{what}有 {len(items)} 个单元格，超过 {MAX_CELLS} 个：请只选有数据的行，而不是整列。")
    for x in items:
        if isinstance(x, str) and x.strip() in EXCEL_ERRORS:
            raise ArgumentError(f"{what}中有错误值 {x.strip()}，请先更正引用的单元格。")
    return items


def _scalar(value, what: str):
    items = _checked(value, what)
    if len(items) != 1:
        raise ArgumentError(f"{what}应为一个单元格，而不是 {len(items)} 个单元格的区域。")
    return items[0]


def _amount(raw, what: str) -> Decimal | None:
    p = parse_number(raw)
    if p.how == "bad":
        raise ArgumentError(f"{what}“{raw}”不是数字。")
    if p.how == "too-big":
        raise ArgumentError(f"{what}太大，无法计算。")
    return p.value


def _code(raw) -> str | None:
    code = parse_code(raw)
    return code if code and code.isdigit() else None


def rollup(codes, amounts, code) -> Decimal | None:
    """Σ of the direct children of a 类 (3 digits) or 款 (5 digits) code; None when all are blank."""
    parent = _code(_scalar(code, "科目编码"))
    if parent is None:
        raise ArgumentError(f"科目编码“{_scalar(code, '科目编码')}”应为 3 位或 5 位数字。")
    child = CHILD_LENGTH.get(len(parent))
    if child is None:
        level = LEVEL.get(len(parent))
        raise ArgumentError(f"“{parent}”是{level + '级' if level else f'{len(parent)}位'}科目，"
                            "ROLLUP 只汇总类（3位）或款（5位）科目的下级。")
    codes, amounts = _checked(codes, "科目编码区域"), _checked(amounts, "金额区域")
    if len(codes) != len(amounts):
        raise ArgumentError(f"科目编码区域有 {len(codes)} 个单元格，金额区域有 {len(amounts)} 个，应一样多。")
    parts = [(c, a) for c, a in zip(codes, amounts, strict=True) if (cc := _code(c)) and len(cc) == child
             and cc.startswith(parent)]
    if not parts:
        raise ArgumentError(f"所选区域中没有“{parent}”的下级科目（{child}位编码）。")
    values = [v for c, a in parts if (v := _amount(a, f"科目 {_code(c)} 的金额")) is not None]
    return sum(values, Decimal(0)) if values else None


def wanyuan(amount_in_yuan) -> Decimal | None:
    """元 → 万元, two decimals, 四舍五入 (12250 → 1.23)."""
    yuan = _amount(_scalar(amount_in_yuan, "金额"), "金额")
    return None if yuan is None else round2(yuan / UNITS["万元"])


def zengjian(this_year, last_year) -> str:
    """'增加X万元' / '减少X万元' / '持平', between the figures as printed (each rounded to 0.01)."""
    cur = _amount(_scalar(this_year, "本年数"), "本年数")
    prev = _amount(_scalar(last_year, "上年数"), "上年数")
    if cur is None or prev is None:
        return ""  # blank is unknown: no wording
    d = round2(cur) - round2(prev)
    if d == 0:
        return SAME
    return f"{UP if d > 0 else DOWN}{abs(d):.2f}万元"


def daxie(amount, unit: str | None = None) -> str:
    """人民币大写 of an amount in 元 (or in 万元 with unit '万元'), rounded to the 分 四舍五入."""
    value = _amount(_scalar(amount, "金额"), "金额")
    if value is None:
        return ""
    unit = _scalar(unit, "单位")
    u = YUAN if unit in (None, "") else parse_unit(unit)
    if u is None:
        raise ArgumentError(f"单位“{unit}”应为“元”或“万元”。")
    yuan = round2(value * UNITS[u])
    if len(str(abs(yuan).quantize(Decimal(1)))) > CN2AN_MAX_DIGITS - 2:
        raise ArgumentError("金额太大，无法写成大写。")
    return cn2an.an2cn(f"{yuan:.2f}", "rmb")


def to_cell(value):
    """Python result → what a cell can hold: Decimal → float (JSON and COM cannot carry Decimal),
    None → empty text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def cell_result(fn: Callable, *args):
    """Call ``fn`` and return a cell value; a wrong argument becomes '错误：…' text, not a traceback."""
    try:
        return to_cell(fn(*args))
    except ArgumentError as e:
        return f"{ERROR_PREFIX}{e}"
    except Exception as e:  # noqa: BLE001 - a cell must never show a traceback
        return f"{ERROR_PREFIX}无法计算（{type(e).__name__}）。"


# What Excel shows for each function and argument (both the desktop and the Office.js wrappers use it)
DOCS = {
    "rollup": "汇总类（3位）或款（5位）科目的直接下级金额之和",
    "wanyuan": "元换算为万元，保留两位小数，四舍五入",
    "zengjian": "比较本年数与上年数：增加X万元 / 减少X万元 / 持平",
    "daxie": "金额的人民币大写（单位默认为元，可填“万元”）",
}
# the parameter names Excel shows in the formula tooltip (Office.js metadata; Python names stay ASCII)
ARG_NAMES = {
    "codes": "编码列",
    "amounts": "金额列",
    "code": "类或款编码",
    "amount_in_yuan": "元",
    "this_year": "本年数",
    "last_year": "上年数",
    "amount": "金额",
    "unit": "单位",
}
ARG_DOCS = {
    "codes": "科目编码所在的列",
    "amounts": "金额所在的列（与科目编码行数相同）",
    "code": "要汇总的类或款科目编码",
    "amount_in_yuan": "以元为单位的金额",
    "this_year": "本年数（万元）",
    "last_year": "上年数（万元）",
    "amount": "金额",
    "unit": "金额的单位：元（默认）或 万元",
}


def described(f):
    """Give a wrapper its Excel description (put it below @func/@arg: they read the docstring)."""
    f.__doc__ = DOCS[f.__name__.lower()]
    return f
