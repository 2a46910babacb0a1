"""Turning one cell's raw value into a Decimal, a code or a text, the way an accountant would.

Blank, '-' and '—' are unknown (None), not zero. '1,234.50', full-width '１２３．４５' and numbers stored as
text are read, and the caller is told so it can warn with the cell's address.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

BLANKS = frozenset({"", "-", "—", "——", "－", "--", "/", "／", "－－", "━"})
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# 千分位 as typed: groups of three digits after the first, commas (ASCII or full-width) only before the point
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?$")
_FLOAT_NOISE = Decimal("0.000001")


ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                         "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


class CellError:
    """An Excel error value (#REF!, #DIV/0!…) in a cell: not blank, not a number, reported as itself."""

    __slots__ = ("code",)

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"CellError({self.code!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, CellError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)


class Uncached:
    """A formula saved without its result (written by a script, never opened in Excel): value unknown."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:
        return f"={self.formula}"

    def __repr__(self) -> str:
        return f"Uncached({self.formula!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Uncached) and other.formula == self.formula

    def __hash__(self) -> int:
        return hash(self.formula)


UNREADABLE = (CellError, Uncached)


class Parsed:
    """A parsed cell: value plus how it was read ("number", "text-number", "blank", "bad", "too-big")."""

    __slots__ = ("value", "how")

    def __init__(self, value, how: str):
        self.value = value
        self.how = how


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def has_control_chars(s: str) -> bool:
    # every character _CONTROL matches is non-printable: a printable text (nearly all) needs no search
    return not s.isprintable() and _CONTROL.search(s) is not None


def strip_control_chars(s: str) -> str:
    """Characters no document may carry (XML 1.0 forbids them): removed, tabs and line breaks kept."""
    return s if s.isprintable() else _CONTROL.sub("", s)


def plain(d: Decimal) -> Decimal:
    """90, not 9E+1: a normalized Decimal written without exponent."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d


def _from_float(x: float) -> Decimal:
    s = repr(x)
    if s == "-0.0":  # Excel shows -0 as 0: no amount is "-0.00"
        return Decimal("0.0")
    if "e" not in s and len(s) - s.find(".") <= 7:  # at most 6 decimals (a float's repr has a point or an e)
        return Decimal(s)
    d = Decimal(s)
    # Excel arithmetic leaves float noise such as 0.30000000000000004: cut it at a millionth.
    if d.as_tuple().exponent < -6:
        d = d.quantize(_FLOAT_NOISE).normalize()
        if d.as_tuple().exponent > 0:
            d = d.quantize(Decimal(1))
    return d


_CELL_PICTURE = re.compile(r"^=?(?:_xlfn\.)?DISPIMG\(", re.I)


def is_cell_picture(raw) -> bool:
    """A picture WPS placed in the cell (“嵌入单元格的图片”): the cell holds the formula DISPIMG("ID_…", 1), and
    its saved result is the formula's own text. Quoting that text told the user nothing they could see."""
    return isinstance(raw, str) and _CELL_PICTURE.match(raw.strip()) is not None


def shown(raw) -> str:
    """A cell's raw value as a message quotes it: what the user sees in Excel, never Python's "inf", "nan",
    "True" or "False" (a logical cell shows TRUE / FALSE, in Chinese Excel too)."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and not math.isfinite(raw):
        return "非数字" if math.isnan(raw) else ("无穷大" if raw > 0 else "负无穷大")
    if isinstance(raw, Decimal) and not raw.is_finite():
        return "非数字" if raw.is_nan() else ("无穷大" if raw > 0 else "负无穷大")
    return str(raw)


def normalize_text(s: str) -> str:
    """Full-width digits and signs to ASCII, blanks removed at the ends."""
    return unicodedata.normalize("NFKC", s).strip()


MAX_AMOUNT = Decimal("1e15")  # no budget figure comes near this (万亿 in 元): larger is a paste accident
FRACTION_LIMIT = 2  # a percentage cell holding ≤ 2 is a fraction (Excel's 120% is 1.2); above, points (50 → 50%)


def parse_number(raw, *, percent: bool = False) -> Parsed:
    """Amount / quantity / percentage. Percentages come back in percent points (20% → 20)."""
    if type(raw) is float and -1e15 < raw < 1e15:  # what an engine gives for nearly every amount (not NaN, inf)
        d = _from_float(raw)
        if percent and abs(d) <= FRACTION_LIMIT:
            d = plain(d * 100)
        return Parsed(d, "number")
    return _parse_number(raw, percent)


def _parse_number(raw, percent: bool) -> Parsed:
    """Every kind of value: the general path of ``parse_number``."""
    if raw is None or isinstance(raw, bool):
        return Parsed(None, "blank") if raw is None else Parsed(None, "bad")
    if isinstance(raw, UNREADABLE):
        return Parsed(None, "error")
    if isinstance(raw, int):
        d = Decimal(raw)
        if abs(d) >= MAX_AMOUNT:
            return Parsed(None, "too-big")
        return Parsed(d * 100 if percent and 0 <= d <= FRACTION_LIMIT else d, "number")
    if isinstance(raw, float):
        if math.isnan(raw):
            return Parsed(None, "bad")
        if abs(raw) >= MAX_AMOUNT:  # inf too: a number past a double's range (1e309 written by an export)
            return Parsed(None, "too-big")
        d = _from_float(raw)
        if percent and abs(d) <= FRACTION_LIMIT:
            d = plain(d * 100)
        return Parsed(d, "number")
    if isinstance(raw, Decimal):  # an engine handing over Decimals (an in-memory workbook) reads like a float
        if raw.is_nan():
            return Parsed(None, "bad")
        if abs(raw) >= MAX_AMOUNT:
            return Parsed(None, "too-big")
        if raw.is_zero():
            raw = raw.copy_abs()
        return Parsed(plain(raw * 100) if percent and abs(raw) <= FRACTION_LIMIT else raw, "number")
    if isinstance(raw, (date, datetime)):
        return Parsed(None, "bad")
    s = normalize_text(strip_control_chars(str(raw))).replace("\u2212", "-").replace("\u200b", "")
    if s in BLANKS:
        return Parsed(None, "blank")
    neg = False
    if (s.startswith("(") and s.endswith(")")) or (s.startswith("（") and s.endswith("）")):
        neg, s = True, s[1:-1].strip()
    is_pct = s.endswith("%")
    if is_pct:
        s = s[:-1].strip()
    s = s.replace(" ", "")
    if "," in s or "，" in s:
        if not _GROUPED.match(s):  # “3397,31”, “33,97.31”: not 千分位, and guessing would change the figure
            return Parsed(None, "bad")
        s = s.replace(",", "").replace("，", "")
    if not _NUM.match(s):
        return Parsed(None, "bad")
    try:
        d = Decimal(s)
    except InvalidOperation:
        return Parsed(None, "bad")
    d = _printed_float(s, d)
    if neg:
        d = -d
    if d.is_zero():  # "-0", "(0.00)": zero, never printed "-0.00"
        d = d.copy_abs()
    if is_pct and not percent:
        return Parsed(None, "bad")
    if abs(d) >= MAX_AMOUNT:
        return Parsed(None, "too-big")
    if percent and not is_pct and abs(d) <= FRACTION_LIMIT:  # "0.2" typed as text reads like 0.2
        d = plain(d * 100)
    return Parsed(d, "text-number")


def bad_grouping(raw: str) -> bool:
    """A text with commas that are no 千分位 (“3397,31”, “33,97.31”): why ``parse_number`` refused it."""
    s = normalize_text(raw).replace(" ", "").strip("()（）-+−%")
    return "," in s and _GROUPED.match(s) is None and _NUM.match(s.replace(",", "")) is not None


def _printed_float(s: str, d: Decimal) -> Decimal:
    """A number stored as text that is a double's printout (“66.73999999999999”: an export writing the
    float's repr into a text cell, a formula's text result) read as that double is read, its float noise cut
    at a millionth as ``_from_float`` cuts it. Read exactly, it was 0.00000000000001 off the same figure
    stored as a number, and the relations gave false errors. A figure a person typed (at most 6 decimals)
    is kept exactly as typed; so is one of fewer than 15 significant digits (a double prints 15 to 17:
    %.15g … %.17g, or its shortest repr when that is as long)."""
    digits = d.as_tuple().digits
    if d.as_tuple().exponent >= -6 or not 15 <= len(digits) <= 17:
        return d
    return _from_float(float(d))


def parse_code(raw) -> str | None:
    """科目编码 / 项目编码 as text: 204.0 → '204', '301 02' → '30102', full-width → ASCII."""
    if type(raw) is str and raw.isascii() and raw.isprintable():
        # NFKC leaves printable ASCII as it is, and its only blank is the space
        s = raw.replace(" ", "")
        if s.endswith(".0") and s[:-2].isdigit():
            s = s[:-2]
        return s or None
    return _parse_code(raw)


def _parse_code(raw) -> str | None:
    """Every kind of value: the general path of ``parse_code``."""
    if raw is None or raw == "" or isinstance(raw, UNREADABLE):
        return None
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, int):
        return str(raw)
    s = normalize_text(strip_control_chars(str(raw))).replace(" ", "").replace("\u200b", "")
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s or None


def parse_text(raw) -> str | None:
    if type(raw) is str and raw.isprintable():  # no control character to strip
        return raw.strip() or None
    return _parse_text(raw)


def _parse_text(raw) -> str | None:
    """Every kind of value: the general path of ``parse_text``."""
    if raw is None or isinstance(raw, UNREADABLE):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    s = strip_control_chars(str(raw)).strip()
    return s or None
