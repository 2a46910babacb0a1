"""Import a published disclosure PDF (with a text layer) into the model: tables by title and header, text by chapter.

pdfplumber gives every word with its position. Words are grouped into printed lines; a table is found by its
title, its unit by the "单位：" line, its columns by their header words (the header is looked up again on every
page, so repeated headers after a page break are followed), its rows by 科目编码 (printed in 类/款/项 columns or
joined) or by row label. Nothing is guessed silently: every table found is listed with its pages and rows, and
every printed line that carried figures but fitted nowhere is listed with its page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.inputs import broken_reason
from budget_xl.model import TOTAL_KEY, Budget, Row, Table, empty_budget
from budget_xl.recognise.names import code_named, newer
from budget_xl.recognise.tables import (
    LEADER,
    TitleMatch,
    choose_profile,
    column_names,
    final_accounts_titles,
    header_words,
    known_header_words,
    match_title,
    unknown_title,
)
from budget_xl.recognise.titles import fold
from budget_xl.recognise.unit_line import printed_unit
from budget_xl.schema import PROFILE_LABELS, PROFILES, Layout, label_key, load_schema

_AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")
_CODE_PART = re.compile(r"^\d{1,7}$")
_YEAR = re.compile(r"^\d{4}年")
_PAGE_NO = re.compile(r"^[—\-－]*\d+[—\-－]*$")
_SENTENCE = re.compile(r"[。，；]|万元")  # a line of text, never a row label
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．])")
LINE_TOLERANCE = 3.0
HEADER_LINES = 6  # the most printed lines one table header is split over

@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    cell: str | None = None  # read from a workbook (read/official.py): the cell it stands in, sheet!A1

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    page: int  # 1-based
    top: float
    words: list[Word]
    where: Callable[[float], str] | None = None  # read from a workbook: x → the cell of this row there
    width: float = 0.0  # of its page as read (pt); 0 where it is not known (read from a workbook)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0


@dataclass
class TableFound:
    key: str
    title: str
    pages: list[int]
    rows: int
    unit: str | None


@dataclass
class ImportReport:
    source: str
    profile: str = "national"
    tables: list[TableFound] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # titles of tables not found
    unfitted: list[tuple[int, str, str]] = field(default_factory=list)  # (page, line text, why)
    extracted: list[tuple[str, str]] = field(default_factory=list)  # (what, value) figures taken from the text
    normalised: list[tuple[int, str, str]] = field(default_factory=list)  # (page, as printed, how it was read)
    unknown_titles: list[tuple[int, str]] = field(default_factory=list)  # (page, title) printed like a table, not ours
    chapters: list[str] = field(default_factory=list)  # 情况说明 chapters found
    files: list[tuple[str, int, int]] = field(default_factory=list)  # several PDFs: (file, first page, last page)
    set_aside: list[tuple[str, str, Decimal | None]] = field(default_factory=list)  # (table, unknown column, figure)
    textless: list[int] = field(default_factory=list)  # pages with no text to read (scanned, or a broken font)

    def lines(self) -> list[str]:
        out = [f"来源：{self.source}", f"表式：{PROFILE_LABELS.get(self.profile, self.profile)}"]
        for name, first, last in self.files:
            out.append(f"第{first}–{last}页：{name}")
        for t in self.tables:
            pages = f"第{'、'.join(str(p) for p in t.pages)}页，" if t.pages else ""
            out.append(f"找到：{t.title}（{pages}{t.rows}行，单位：{t.unit or '未注明'}）")
        for title in self.missing:
            out.append(f"未找到：{title}")
        for page, text, why in self.unfitted:
            out.append(f"未能归入（第{page}页）：{text}——{why}")
        for page, printed, how in self.normalised:
            out.append(f"按惯例读取（第{page}页）：{printed}——{how}")
        for what, value in self.extracted:
            out.append(f"从文字中提取：{what} = {value}")
        if self.textless:
            out.append(f"没有文字（第{page_span(self.textless)}页）：{_TEXTLESS}")
        return out


_TEXTLESS = ("这些页只有图片（扫描件），或所用字体没有附带字符映射（文字复制出来是乱码），"
             "或文件已损坏（字体数据缺损），其上的表无法读取")


def page_span(pages: list[int]) -> str:
    """3, 4, 5, 9 → “3–5、9”: pages as a message names them."""
    runs: list[list[int]] = []
    for p in sorted(set(pages)):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# -- reading the PDF ------------------------------------------------------------------------------
def _open_lines(path: Path, engine: str = "pdfium") -> list[Line]:
    """Every printed line of the PDF, in page order. Raises InputError for what cannot be read.

    ``pdfium`` (pypdfium2, which pdfplumber itself installs) reads the text layer about 40× faster than
    ``pdfplumber`` (pdfminer); both give the same words. pdfplumber stays available as the reference reader."""
    name = str(path)
    require_pdf(path)
    lines = _lines_pdfium(path) if engine == "pdfium" else _lines_pdfplumber(path)
    if not any(line.text.strip() for line in lines):
        attached = _attachments(path)
        if attached:  # a PDF portfolio (“PDF 包”): its cover page is blank, the disclosure is inside
            raise InputError(f"这个 PDF 本身没有正文，其中附有 {attached} 个文件（可能是“PDF 包”）。请在 PDF 阅读器的"
                             "“附件”面板中把公开的 PDF 另存出来，再导入那个文件。", file=name)
        garbled = _unmapped_glyphs(path)
        if garbled:
            raise InputError(f"PDF 的文字无法识别：所用字体没有附带字符映射，文字层的 {garbled} 个字符"
                             "读出来是乱码，无法导入。请在原文档中重新导出 PDF（嵌入字体并保留文字），"
                             "或先做文字识别（OCR）。", file=name)
        pages, drawn = _pages_drawn(path)
        if pages and not drawn:
            raise InputError(f"PDF 中没有文字层：它的 {pages} 页都是空白页（没有文字，也没有图片），无法导入。"
                             "请检查是否选错了文件，或导出时是否漏掉了内容。", file=name)
        raise InputError("PDF 中没有文字层（可能是扫描件或图片），无法导入。请提供由电子文档导出的 PDF，"
                         "或先做文字识别（OCR）。", file=name)
    return lines


def _pages_drawn(path: Path) -> tuple[int, int]:
    """(pages, pages that show something): a PDF of blank pages is no scan (it was called one)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return 0, 0
    try:
        return len(pdf), sum(_drawn(pdf[i]) for i in range(len(pdf)))
    finally:
        pdf.close()


def unmapped(tp) -> list[bool]:
    """For each character of a text page, whether pdfium could not name it: its font carries no ToUnicode map
    and no encoding it knows, so the text layer gives a code of the font's own (“౨ںೇ”, control characters for
    digits) — nonsense that would be read as titles and figures. It is not read. Asked once a page."""
    import pypdfium2.raw as raw

    text, map_error = tp.raw, raw.FPDFText_HasUnicodeMapError
    return [map_error(text, j) == 1 for j in range(tp.count_chars())]


def _unnamed_page(flags: list[bool]) -> bool:
    """Whether most of a page's text (``unmapped`` ``flags``) is in a font no map names: pdfium names some of
    its codes by chance (“࣑ݳˈ”), and those would be read as words; a symbol font's check box among real text
    is not."""
    bad = sum(flags)
    return bad >= 5 and bad >= 0.3 * len(flags)


def _unmapped_glyphs(path: Path, pages: int = 50) -> int:
    """How many characters of the first ``pages`` pages no font names (``unmapped``)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return 0
    n = 0
    try:
        for i in range(min(len(pdf), pages)):
            page = pdf[i]
            tp = page.get_textpage()
            n += sum(unmapped(tp))
            tp.close()
            page.close()
    finally:
        pdf.close()
    return n


def _attachments(path: Path) -> int:
    """How many files the PDF carries attached (embedded files); 0 when it cannot tell."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return 0
    try:
        return pdf.count_attachments()
    finally:
        pdf.close()


_ENCRYPTED = "PDF 已加密（设有密码），无法读取。请提供未加密的文件。"


def require_pdf(path: Path) -> None:
    """The one way in for a PDF (import and review): a regular file of bounded size that starts like a PDF."""
    from budget_xl.inputs import MAX_PDF_BYTES, read_head, require_size

    head = read_head(path, 1024, "PDF 文件")
    require_size(path, MAX_PDF_BYTES, "PDF 文件")
    if b"%PDF-" not in head:
        raise InputError("不是 PDF 文件，也不是文本文件：请提供公开的预算 PDF（带文字层）或文本。", file=str(path))


def open_pdfium(path: Path):
    """pdfium's document, or a Chinese reason it cannot be opened (encrypted, broken)."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(_ENCRYPTED, file=str(path)) from None
        raise InputError(f"PDF 文件已损坏，无法读取（{broken_reason(e)}）。", file=str(path)) from None


def page_geometry(page) -> tuple[int, float, float]:
    """(rotation, w0, h0): the page's /Rotate and its unrotated size, which ``_displayed_box`` turns boxes by
    (pdfium gives width and height as displayed, swapped for a page turned 90°)."""
    rotation = page.get_rotation() % 360
    width, height = page.get_width(), page.get_height()
    return rotation, *((width, height) if rotation in (0, 180) else (height, width))


_READ_AHEAD: dict[tuple, list] = {}  # one PDF's page lines, read by review in its own pass over the pages


def _file_key(path: Path) -> tuple | None:
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return (str(Path(path).resolve()), st.st_mtime_ns, st.st_size)


def read_ahead(path: Path, pages: list[list[Line]]) -> None:
    """Keep ``_page_lines`` of every page of ``path``, read while the review had each page open: its import,
    next, takes them instead of opening and reading every page again (a 1,000-page PDF: seconds). One file
    kept, taken once."""
    key = _file_key(path)
    _READ_AHEAD.clear()
    if key is not None:
        _READ_AHEAD[key] = pages


def _lines_pdfium(path: Path) -> list[Line]:
    kept = _READ_AHEAD.pop(_file_key(path), None) if _READ_AHEAD else None
    if kept is not None:
        return [line for page in kept for line in page]
    pdf = open_pdfium(path)
    try:
        return [line for page in each_page_turned(pdf, _page_lines) for line in page]
    finally:
        pdf.close()


def _page_lines(i: int, page, tp, turn: int) -> list[Line]:
    """The lines of page ``i`` (0-based) read ``turn`` degrees beyond its /Rotate."""
    import pypdfium2.raw as raw

    rotation, w0, h0 = page_geometry(page)
    rotation = (rotation + turn) % 360
    height = h0 if rotation in (0, 180) else w0  # as read
    flags = unmapped(tp)
    if _unnamed_page(flags):
        return []  # its text layer is a font's own codes: the page is one that could not be read
    glyphs: list[tuple[str, float, float, float, float] | None] = []  # None: a break between words
    drawn = Overprint()
    for j in range(tp.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(tp.raw, j))
        if raw.FPDFText_IsGenerated(tp.raw, j) == 1:
            continue  # pdfium's own line breaks (after every glyph of a page turned 90°): positions decide
        if ch.isspace() or ch in "\x00\ufffe\uffff" or flags[j]:
            glyphs.append(None)
            continue
        left, right, y, y_low = _displayed_box(tp.get_charbox(j, loose=True), rotation, w0, h0)
        if y_low <= 0 or y >= height or drawn.again(ch, left, right, y, y_low):  # off the page, or printed over
            glyphs.append(None)
            continue
        # the middle of the box: what one line's glyphs share whatever their font and size (a Latin
        # font's box stands higher than a CJK one's in “承德市司法局 2024 年…”; a 17 pt “合计” is
        # centred in its row beside 9 pt figures: neither tops nor baselines agree there)
        glyphs.append((ch, left, right, y, (y + y_low) / 2))
    if _listed_backwards(glyphs):  # a page turned back 180°: pdfium lists its glyphs right to left
        glyphs.reverse()
    words: list[dict] = []
    cur: dict | None = None
    for g in glyphs:
        if g is None:
            cur = None
            continue
        ch, left, right, y, mid = g
        if cur is not None and abs(cur["mid"] - mid) <= 2 and left - cur["x1"] <= 1.5:
            cur["text"] += ch
            cur["x1"] = max(cur["x1"], right)
        else:
            cur = {"text": ch, "x0": left, "x1": right, "top": y, "mid": mid}
            words.append(cur)
    return _group_lines(i + 1, words, w0 if rotation in (0, 180) else h0)


class Overprint:
    """The glyphs of one page already read, to tell a glyph printed again over one of them. WPS and many
    government exporters make “bold” by printing each glyph two or three times a fraction of a point apart,
    and some draw a whole page twice (filled, then stroked): a reader sees one character, the text layer has
    two — “预预算算”, “11,,223344”, every table title twice and no table recognised."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}

    def again(self, ch: str, left: float, right: float, top: float, bottom: float) -> bool:
        """Whether ``ch`` was already read at nearly this place (less than half its width off; two of the
        same glyph side by side, “11”, stand a whole width apart)."""
        mid = (top + bottom) / 2
        near = max(0.2, min(2.0, 0.45 * (right - left), 0.45 * (bottom - top)))
        seen = self.seen
        x0, x1 = int((left - 2) // 4), int((left + 2) // 4)  # cells of 4 pt: what is within 2 pt of here
        y0, y1 = int((mid - 2) // 4), int((mid + 2) // 4)
        for gx in (x0,) if x0 == x1 else (x0, x1):  # (a million glyphs a 1,000-page PDF: no sets built)
            for gy in (y0,) if y0 == y1 else (y0, y1):
                got = seen.get((ch, gx, gy))
                if got:
                    for x, y in got:
                        if abs(x - left) < near and abs(y - mid) < near:
                            return True
        key = (ch, int(left // 4), int(mid // 4))
        got = seen.get(key)
        if got is None:
            seen[key] = [(left, mid)]
        else:
            got.append((left, mid))
        return False


def plumber_page(page):
    """A pdfplumber page without the glyphs printed again over themselves (``Overprint``)."""
    return page.dedupe_chars(tolerance=1.0)


def _listed_backwards(glyphs: list) -> bool:
    """Whether most glyphs follow one on their line that stands to their right (read as displayed)."""
    back = ahead = 0
    for a, b in zip(glyphs, glyphs[1:]):
        if a is not None and b is not None and abs(a[4] - b[4]) <= 2:
            if b[1] < a[1]:
                back += 1
            elif b[1] > a[1]:
                ahead += 1
    return back > ahead


def each_page_turned(pdf, read_page) -> list:
    """``read_page(i, page, textpage, turn)`` for every page, ``turn`` the degrees (clockwise) beyond its /Rotate
    under which its text reads left to right. A page that cannot tell (a cover, a blank page) takes the turn of
    the last page that could — a PDF is turned in a viewer all at once; pages before any that could are read
    again under the first one's turn when it is not 0 (only a sideways PDF pays for a second reading)."""
    out: list = []
    told: list[int | None] = []  # the turn each page's own text tells, None where it cannot
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        seen = _text_rotation(tp)
        told.append(None if seen is None else (seen - page.get_rotation() % 360) % 360)
        last = next((t for t in reversed(told) if t is not None), 0)
        out.append(read_page(i, page, tp, last))
        tp.close()
        page.close()
    first = next((t for t in told if t is not None), 0)
    for i in range(told.index(first) if first else 0):  # read before any page could tell: again, turned
        page = pdf[i]
        tp = page.get_textpage()
        out[i] = read_page(i, page, tp, first)
        tp.close()
        page.close()
    return out


def _text_rotation(tp, sample: int = 400) -> int | None:
    """The /Rotate under which the page's text reads left to right, when nearly all of its first characters
    are drawn at one angle; None when the page has too little text to tell (a cover, a blank page). A landscape
    PDF whose pages were turned 90° in a viewer and saved shows its tables sideways; read as displayed, every
    glyph was a line of its own and the tool said “只有情况说明，没有公开表”. A reader turns the page back; so does
    this. The angle is each glyph's own (pdfium's, clockwise in page space), not the order pdfium lists them
    in: on a page turned 180° that order runs backwards and the page was read upside down."""
    import math

    import pypdfium2.raw as raw

    votes: dict[int, int] = {}
    for j in range(min(tp.count_chars(), sample)):
        ch = chr(raw.FPDFText_GetUnicode(tp.raw, j))
        if raw.FPDFText_IsGenerated(tp.raw, j) == 1 or ch.isspace() or ch in "\x00\ufffe\uffff":
            continue
        angle = math.degrees(raw.FPDFText_GetCharAngle(tp.raw, j))
        if angle < 0:  # pdfium's “no angle” (-1)
            continue
        turn = (360 - round(angle / 90) * 90) % 360  # drawn at 90° clockwise: read under /Rotate 270
        votes[turn] = votes.get(turn, 0) + 1
    total = sum(votes.values())
    if total < 20:
        return None
    turn, n = max(votes.items(), key=lambda kv: kv[1])
    return turn if n >= 0.8 * total else None


def _displayed_box(box: tuple[float, float, float, float], rotation: int, w0: float, h0: float):
    """A character box of page space (left, bottom, right, top; origin bottom left, w0 × h0 unrotated) as the
    page is displayed, /Rotate applied clockwise: (x0, x1, top, bottom) measured from the displayed top left.
    A table printed on an A3 page turned 90° then reads in lines like any other."""
    left, bottom, right, top = box
    if rotation == 90:
        return bottom, top, left, right
    if rotation == 180:
        return w0 - right, w0 - left, bottom, top
    if rotation == 270:
        return h0 - top, h0 - bottom, w0 - right, w0 - left
    return left, right, h0 - top, h0 - bottom


def _lines_pdfplumber(path: Path) -> list[Line]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    name = str(path)
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(_ENCRYPTED, file=name) from None
    except Exception as e:  # pdfplumber wraps pdfminer's errors
        if "password" in str(e).lower() or "encrypt" in str(e).lower() or "Password" in type(e).__name__:
            raise InputError(_ENCRYPTED, file=name) from None
        raise InputError(f"PDF 文件已损坏，无法读取（{broken_reason(e)}）。", file=name) from None
    lines: list[Line] = []
    try:
        with pdf:
            for i, page in enumerate(pdf.pages, start=1):
                words = plumber_page(page).extract_words(x_tolerance=1.5, y_tolerance=2)
                words = [w for w in words if w["bottom"] > 0 and w["top"] < page.height]  # off the page: not printed
                for w in words:  # lines keyed by the middle of their words' boxes, as _lines_pdfium keys them
                    w["mid"] = (w["top"] + w["bottom"]) / 2
                lines += _group_lines(i, words, float(page.width))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(_ENCRYPTED, file=name) from None
    return lines


def _group_lines(page: int, words: list[dict], width: float = 0.0) -> list[Line]:
    """Words into lines by the middle of their boxes (``mid``; the top where a reader gives none): the fonts and
    sizes of one printed line differ in their boxes' tops and baselines, hardly in their middles."""
    lines: list[Line] = []
    mid = None
    for w in sorted(words, key=lambda d: (round(d.get("mid", d["top"])), d["x0"])):
        word = Word(w["text"], w["x0"], w["x1"], w["top"])
        m = w.get("mid", w["top"])
        if lines and abs(mid - m) <= LINE_TOLERANCE:
            lines[-1].words.append(word)
        else:
            lines.append(Line(page, word.top, [word], width=width))
            mid = m
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


# -- helpers ----------------------------------------------------------------------------------------
def _unit(line: Line, alone: bool = True) -> str | None:
    return printed_unit((w.text for w in line.words), alone)


@lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    return header_words(text)


def _amount(text: str) -> Decimal | None:
    s = text.replace(",", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(text))


def _chapter(line: Line, profile: str) -> str | None:
    """The 情况说明 chapter a heading opens, by the profile's ``chapters`` (pattern, name) declarations."""
    text = re.sub(r"\s+", "", line.text)
    if LEADER.search(text) or len(text) > 40:
        return None
    text = _YEAR.sub("", text)
    for pat, name in _chapters(profile):
        if pat.search(text):
            return name
    return None


@lru_cache(maxsize=None)
def _chapters(profile: str) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(pattern), name) for pattern, name in load_schema(profile).chapters)


def _toc_pages(lines: list[Line]) -> set[int]:
    return {line.page for line in lines if re.sub(r"\s+", "", line.text) == "目录"}


def _choose_profile(lines: list[Line]) -> str:
    toc = _toc_pages(lines)
    return choose_profile(line.text for line in lines if line.page not in toc)


def _title_at(lines: list[Line], i: int, profile: str) -> tuple[TitleMatch, int] | None:
    """The table whose title is printed at line i (alone, or broken over lines i and i+1), confirmed by what
    follows it: its 单位 line or one of its header words within the next lines. (match, last title line)."""
    line = lines[i]
    candidates = [(line.text, i)]
    if i + 1 < len(lines) and lines[i + 1].page == line.page:
        candidates.append((line.text + lines[i + 1].text, i + 1))
    for text, last in candidates:
        m = match_title(text, profile)
        if m is not None and _confirmed(lines, last, m.layout):
            return m, last
    return None


def _confirmed_unknown(lines: list[Line], i: int) -> bool:
    """A line printed like a table title and followed by a 单位 line: a table of some template."""
    return any(_unit(x) for x in lines[i + 1: i + 4])


def _confirmed(lines: list[Line], last: int, lay: Layout) -> bool:
    words = {h for c in lay.columns for h in column_names(c)} - {""}
    for line in lines[last + 1: last + 7]:
        if _unit(line) or any(_norm(w.text) in words for w in line.words):
            return True
    return False


# -- one table --------------------------------------------------------------------------------------
class _TableReader:
    """Reads the lines of one printed table (possibly over several pages) into a Table."""

    def __init__(self, lay: Layout, table: Table, report: ImportReport, classes: dict[str, str],
                 structural: tuple[str, ...] = ()):
        self.lay, self.table, self.report, self.classes = lay, table, report, classes
        self.centers: dict[str, float] = {}  # amount column (or T9 row) → x centre of its header
        self.name_x: float | None = None  # where names start (codes stand left of it)
        self.absent: list[str] = []  # declared amount columns this printing does not have
        self.unknown: dict[str, int] = {}  # header words of the last header set that name no column → page
        self.unknown_seen: dict[str, int] = {}  # … of every header set, reported once at the end
        self.set_aside: dict[str, int] = {}  # unknown column → figures printed under it (not imported)
        self.unread_figures = 0  # lines of figures that fitted no column or row of this layout
        self.structural = structural  # header words that name no column (the profile's header_words)
        self.seq: Word | None = None  # the header's 序号: the row numbers under it are not figures
        self.bounds: list[float] = []  # two-sided tables: x where each side after the first begins
        self.pending_text: dict[str, list[str]] = {}  # records: a name broken over lines, before its figures
        self.continued: set[str] = set()  # records: columns of the last record whose name may go on below
        self.text_x: dict[str, float] = {}  # records: where each text column's header starts

    # header ---------------------------------------------------------------------------------------
    @property
    def _across(self) -> bool:
        """A fixed table printed as one row of figures under a header per row (the layout's ``across``: the
        三公 tables of Shanghai and Jiangsu), not one printed row per item (national)."""
        return self.lay.kind == "fixed" and bool(self.lay.across)

    @property
    def _header_lines(self) -> int:
        # a header printed across stacks every row's name over up to three lines under two group headers
        return 2 * HEADER_LINES if self._across else HEADER_LINES

    def _leaves(self) -> list[tuple[str, str]]:
        if self._across:
            return [(_norm(h), k) for h, k in self.lay.across]
        return [(name, c.key) for c in self.lay.columns for name in column_names(c, self.lay)]

    def _header_cells(self, lines: list[Line]) -> list[Word]:
        """Header words, with words stacked in one cell (事业单位/经营收入, 公务用车/运行维护/费) joined, and a
        header spaced out letter by letter on one line (合　计, 金　额) joined."""
        words = [w for line in lines for w in line.words]
        cells = list(words)

        def under(a: Word) -> list[Word]:
            return [b for b in words if b.top > a.top and b.top - a.top < 26 and abs(a.xc - b.xc) < 14]

        for a in words:
            for b in under(a):
                cells.append(Word(a.text + b.text, min(a.x0, b.x0), max(a.x1, b.x1), a.top))
                for c in under(b):
                    cells.append(Word(a.text + b.text + c.text, min(a.x0, b.x0, c.x0), max(a.x1, b.x1, c.x1), a.top))
        for line in lines:
            for a, b in zip(line.words, line.words[1:]):
                if len(a.text) == 1 and len(b.text) == 1 and b.x0 - a.x1 < 60:
                    cells.append(Word(a.text + b.text, a.x0, b.x1, a.top))
        return cells

    def set_header(self, lines: list[Line], lenient: bool = False) -> bool:
        """Map amount columns to x positions from these header lines. Strict: every declared amount column is
        printed. Lenient (at the first figures, when no strict header was seen): the columns the table does
        print — a lone 金额 column, a template without 财政专户收入 — the others are 未印 (unknown, not 0)."""
        cells = sorted(self._header_cells(lines), key=lambda w: w.x0)
        leaves = self._leaves()
        found: dict[str, Word] = {}
        last_x = -1.0
        names: dict[str, list[str]] = {}
        for leaf, key in leaves:
            names.setdefault(key, []).append(leaf)
        for key, leafs in names.items():
            hits = [next((w for w in cells if w.x0 > last_x and _norm(w.text) == leaf and w not in found.values()), None)
                    for leaf in leafs]
            hits = [w for w in hits if w is not None]
            if hits:  # of a column's names, the one printed lowest is its leaf header (合计 under 预算数)
                found[key] = max(hits, key=lambda w: (w.top, -w.x0))
                last_x = found[key].x0 if self.lay.kind == "two_sided" else -1.0
        declared = [k for _, k in leaves] if self._across else list(self.lay.amount_columns)
        declared = list(dict.fromkeys(declared))
        amount_keys = [k for k in declared if k in found]
        if len(amount_keys) < len(declared):
            if not lenient or not amount_keys or self.lay.kind != "coded":
                return False
            if declared[0] not in found and len(amount_keys) < 2:
                return False
        self.centers = {k: found[k].xc for k in amount_keys}
        self.absent = [k for k in declared if k not in found]
        name_col = next((c.key for c in self.lay.columns if c.type == "label"), None)
        if self.lay.kind == "coded" and name_col in found:
            self.name_x = found[name_col].x0 - 50
        if self.lay.kind in ("coded", "two_sided"):
            self._unknown_columns(lines, found)
        if self.lay.kind == "records":
            self.text_x = {k: w.x0 for k, w in found.items() if self.lay.column(k).type in ("text", "label")}
        if self.lay.kind == "two_sided":
            # each side's labels start right of the figures of the side before it (its first amount header)
            self.bounds = [found[s.columns[0]].x0 for s in self.lay.sides[:-1] if s.columns and s.columns[0] in found]
            if len(self.bounds) != len(self.lay.sides) - 1:
                return False
        return True

    def _unknown_columns(self, lines: list[Line], found: dict[str, Word]) -> None:
        """Header words right of the names that name no column of this table: their figures are set aside and
        reported, never added to the nearest known column."""
        self.unknown = {}
        known = known_header_words(self.lay, self.structural)
        left = max((w.x1 for k, w in found.items() if k not in self.centers), default=None)
        taken = [w for w in found.values()]
        first_amount = min(self.centers.values())
        for line in lines:
            for w in line.words:
                t = _norm(w.text)
                if not t or t in known or any(t in _norm(f.text) for f in taken) or _is_amount(w.text):
                    continue
                if (left is not None and w.x0 <= left) or w.xc < first_amount - 40:
                    continue
                if any(abs(w.xc - x) < 14 for x in self.centers.values()):
                    continue  # a word stacked over a known column (its group header)
                self.centers[f"?{w.text}"] = w.xc
                self.unknown.setdefault(w.text, line.page)

    def amount_keys(self) -> list[str]:
        """The printed amount columns (and set-aside unknown ones, "?…") from left to right."""
        return sorted(self.centers, key=self.centers.get)

    def _column_of(self, word: Word, keys: list[str]) -> str:
        return min(keys, key=lambda k: abs(self.centers[k] - word.xc))

    def _cells(self, line: Line, keys, labels: dict[str, Word | None] | None = None) -> dict[str, str]:
        """A row read from a workbook: the cell of each printed column (blank ones too) and of its labels."""
        if line.where is None:
            return {}
        out = {k: line.where(self.centers[k]) for k in keys if k in self.centers and not k.startswith("?")}
        out.update({k: w.cell for k, w in (labels or {}).items() if w is not None and w.cell})
        return out

    def _assign(self, numbers: list[Word], keys: list[str]) -> dict[str, Decimal | None]:
        if len(numbers) == len(keys):
            return {k: _amount(w.text) for k, w in zip(keys, numbers)}
        out: dict[str, Decimal | None] = {}
        for w in numbers:
            k = self._column_of(w, keys)
            out[k] = _amount(w.text)
        return out

    # rows -----------------------------------------------------------------------------------------
    def read(self, lines: list[Line]) -> int:
        kind = self.lay.kind
        header: list[Line] = []
        rows_before = len(self.table.rows)
        pending: list[tuple[Line, str, list[Word]]] = []  # two-sided: (line, side text, numbers)
        for line in _labels_with_figures(lines):
            line = self._without_seq(line)
            text = line.text
            if not line.words or text.startswith("栏次") or _PAGE_NO.match(text):
                continue  # 序号 alone, the 栏次 line under the header, a page number
            unit = _unit(line, alone=not self.centers)
            if unit:
                self.table.unit = unit
                continue
            if text.startswith("编制部门") or text.startswith("编制单位"):
                continue
            if text.startswith(("注:", "注：")):
                self.table.notes.append((text, None))
                continue
            has_number = any(_is_amount(w.text) for w in line.words)
            is_data = has_number or (kind == "coded" and _CODE_PART.match(line.words[0].text)
                                     and len(line.words[0].text) == 3)
            if kind == "two_sided" and self.centers and not has_number and self._side_label(line):
                pending.append(line)  # a row without figures, or half of a label broken over two lines
                continue
            if not is_data or (kind == "coded" and not self.centers and not has_number):
                if self.centers and label_key(text) in ("合计", "总计", "无"):
                    continue  # before the header is read, a lone 合计 is a header cell (the 三公 table's)
                if self.centers and kind == "fixed" and not self._across and self._label_only(line):
                    continue
                if self.centers and kind == "records" and self._record_text(line):
                    continue
                header = [*header[-(self._header_lines - 1):], line]  # a header spans a few lines, never the page
                continue
            if header:
                self._take_header(header)
            if not self.centers:
                self.report.unfitted.append((line.page, text, f"“{self.lay.title}”的表头未识别，不知道这些数字属于哪一列"))
                self.unread_figures += 1
                continue
            if kind == "coded":
                self._coded_line(line)
            elif kind == "two_sided":
                pending.append(line)
            elif kind == "records":
                self._record_line(line)
            else:
                self._t9_line(line) if self._across else self._fixed_line(line)
            header = []
        if kind == "two_sided":
            self._two_sided(pending)
        for word, page in self.unknown_seen.items():
            n = self.set_aside.get(word, 0)
            self.report.unfitted.append((page, word, f"“{self.lay.title}”表头中的“{word}”不是本表式的列，"
                                         + (f"其下 {n} 个数字未导入" if n else "其下没有数字")))
        self.table.reindex()
        return len(self.table.rows) - rows_before

    def _take_header(self, header: list[Line]) -> None:
        """At a table's first figures (on every page): the fewest last header lines that show every declared
        column; failing that, the window that maps the most printed columns (its absent ones are reported).
        A page whose header cannot be read keeps the columns of the page before."""
        old = (self.centers, self.name_x, self.absent, self.bounds)
        for k in range(1, min(self._header_lines, len(header)) + 1):
            if self.set_header(header[-k:]):
                self.unknown_seen.update(self.unknown)
                return
        best = None
        for k in range(1, min(4, len(header)) + 1):
            if self.set_header(header[-k:], lenient=True) and (best is None or len(self.centers) > best[0]):
                best = (len(self.centers), k)
        if best is None:
            self.centers, self.name_x, self.absent, self.bounds = old
            return
        self.set_header(header[-best[1]:], lenient=True)
        self.unknown_seen.update(self.unknown)
        for k in self.absent:
            self.report.normalised.append((header[-1].page, self.lay.column(k).header[-1],
                                           f"“{self.lay.title}”未印此列，按未填（未知）读取"))

    def _without_seq(self, line: Line) -> Line:
        """The line without its 序号 (the row number printed under the header's 序号, left of the codes)."""
        seq = next((w for w in line.words if w.text == "序号"), None)
        if seq is not None:
            self.seq = seq
            return line
        first = line.words[0] if line.words else None
        if self.seq is None or first is None or not first.text.isdigit() \
                or not (first.x0 < self.seq.x1 + 4 and first.x1 > self.seq.x0 - 4):
            return line
        return Line(line.page, line.top, line.words[1:], width=line.width)

    def _side_label(self, line: Line) -> bool:
        """A line of a two-sided table that names a row (not a repeated header)."""
        leaves = {leaf for leaf, _ in self._leaves()}
        return not all(_norm(w.text) in leaves or _norm(w.text) in ("本年收入", "本年支出", "财政拨款收入", "财政拨款支出")
                       for w in line.words)

    def _coded_line(self, line: Line) -> None:
        codes: list[str] = []
        names: list[str] = []
        numbers: list[Word] = []
        first: dict[str, Word | None] = {"code": None, "name": None}
        for w in line.words:
            if _is_amount(w.text) and (names or not _CODE_PART.match(w.text)
                                       or (self.name_x is not None and w.x0 > self.name_x)):
                numbers.append(w)
            elif not names and not numbers and _CODE_PART.match(w.text):
                codes.append(w.text)
                first["code"] = first["code"] or w
            else:
                names.append(w.text)
                first["name"] = first["name"] or w
        code = _join_code(codes)
        name = "".join(names)
        if code and any(len(p) == 1 for p in codes[1:]):
            self.report.normalised.append((line.page, " ".join(codes) + " " + name,
                                           f"科目编码的款/项只印了一位，按“{code}”读取"))
        values = self._set_aside(line, self._assign(numbers, self.amount_keys()))
        if code is None and (label_key(name) in ("合计", "总计") or (self.lay.totals_only and not name)):
            key = TOTAL_KEY  # a table of totals (Jiangsu's 支出预算总表) prints its one line without 合计
            name = "合计"
        elif code is None:
            self.report.unfitted.append((line.page, line.text, "有金额但没有科目编码"))
            self.unread_figures += 1
            return
        else:
            key = code
        row = Row(key=key, values={"code": code, "name": name, **values},
                  cells=self._cells(line, self.lay.amount_columns, first))
        self.table.rows.append(row)

    def _set_aside(self, line: Line, values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
        for k in [k for k in values if k.startswith("?")]:
            v = values.pop(k)
            self.set_aside[k[1:]] = self.set_aside.get(k[1:], 0) + 1
            self.report.set_aside.append((self.lay.key, k[1:], v))
        return values

    def _fixed_line(self, line: Line) -> None:
        """One printed row of a table with fixed rows: its label, then its figures by column."""
        numbers = [w for w in line.words if _is_amount(w.text)]
        text = "".join(w.text for w in line.words if not _is_amount(w.text))
        key = self._fixed_key(line)
        if key is None or any(r.key == key for r in self.table.rows):  # a row is printed once: the second is other text
            why = "不是" if key is None else "已读过，不再是"
            self.report.unfitted.append((line.page, line.text, f"“{text}”{why}“{self.lay.title}”的标准行次"))
            return
        values = self._set_aside(line, self._assign(numbers, self.amount_keys()))
        label = next((w for w in line.words if not _is_amount(w.text)), None)
        self.table.rows.append(Row(key=key, values={"item": self.lay.fixed_row(key).label, **values},
                                   cells=self._cells(line, self.lay.amount_columns, {"item": label})))

    def _fixed_key(self, line: Line) -> str | None:
        """The fixed row a printed line names: its whole label, or its last label word when a group's name is
        printed beside it (“一般公共预算资金　公共财政拨款(补助)资金”). A label printed for several rows (“小计”)
        names the first of them not read yet, so rows are matched in printed order."""
        labels = [w.text for w in line.words if not _is_amount(w.text)]
        text = "".join(labels)
        if not labels or _SENTENCE.search(text):
            return None
        key = self._row_key(self.lay.rows, text, self.table.rows)
        if key is None and len(labels) > 1:
            key = self._row_key(self.lay.rows, labels[-1], self.table.rows)
        return key

    def _label_only(self, line: Line) -> bool:
        """A fixed row printed without figures: a row of the table, its cells blank (unknown) — the document
        prints it (C-ROWS must not call it missing, as ``check`` of the imported workbook does not), and the next
        row of the same label (the next 小计) is the next one printed."""
        key = self._fixed_key(line)
        if key is None or any(r.key == key for r in self.table.rows):
            return False
        label = next((w for w in line.words if not _is_amount(w.text)), None)
        self.table.rows.append(Row(key=key, values={"item": self.lay.fixed_row(key).label},
                                   cells=self._cells(line, self.lay.amount_columns, {"item": label})))
        return True

    # records ---------------------------------------------------------------------------------------
    def _record_text(self, line: Line) -> bool:
        """Text without figures inside a records table: a name broken over lines. Before the record's figures
        it waits; after a record whose name began so, it ends that name."""
        if not self.text_x:
            return False
        last = self.table.rows[-1] if self.table.rows else None
        for col, text in self._text_by_column(line.words).items():
            if last is not None and col in self.continued:
                last.values[col] = f"{last.values.get(col) or ''}{text}"
                self.continued.discard(col)
            else:
                self.pending_text.setdefault(col, []).append(text)
        return True

    def _text_by_column(self, words: list[Word]) -> dict[str, str]:
        """Texts by the column whose header starts nearest to where they start."""
        out: dict[str, str] = {}
        for w in words:
            col = min(self.text_x, key=lambda k: abs(self.text_x[k] - w.x0))
            out[col] = out.get(col, "") + w.text
        return out

    def _record_line(self, line: Line) -> None:
        """One printed line of figures of a records table (政府采购: 品目大类, 专项 and 物品 lines alike): one
        record, its texts by column, its figures by column; the 合计 line is the record keyed 合计."""
        numbers = [w for w in line.words if _is_amount(w.text)]
        values: dict = self._set_aside(line, self._assign(numbers, self.amount_keys()))
        texts = self._text_by_column([w for w in line.words if not _is_amount(w.text)]) if self.text_x else {}
        self.continued = set()
        for col, parts in self.pending_text.items():
            if col not in texts:
                texts[col] = "".join(parts)
                self.continued.add(col)
        self.pending_text = {}
        if label_key("".join(texts.values())) in ("合计", "总计") and self.table.get(TOTAL_KEY) is None:
            first = next(c.key for c in self.lay.columns if c.type in ("text", "label"))
            self.table.rows.append(Row(key=TOTAL_KEY, values={**texts, first: "合计", **values}))
            self.table.reindex()
            return
        self.table.rows.append(Row(key=f"#{len(self.table.rows) + 1}", values={**texts, **values}))

    def _t9_line(self, line: Line) -> None:
        numbers = [w for w in line.words if _is_amount(w.text)]
        keys = [k for _, k in self._leaves()]
        values = self._assign(numbers, keys)
        # a blank cell is a row too (unknown): every cell of a workbook's row, every column a PDF prints a header
        # for (a 公务用车购置费 left blank under its header is printed, not missing)
        values = {k: values.get(k) for k in keys if line.where is not None or k in self.centers}
        for k, v in values.items():
            cells = {"total": line.where(self.centers[k])} if line.where and k in self.centers else {}
            self.table.rows.append(Row(key=k, values={"item": self.lay.fixed_row(k).label, "total": v}, cells=cells))

    def _two_sided(self, lines: list[Line]) -> None:
        """Sides printed next to each other (收入 | 支出, or Jiangsu's 收入 | 功能分类 | 支出用途): a label belongs
        to the side it stands in, a figure to the side of its column. A label standing left of its side's column
        (Jiangsu's 当年支出小计 under 功能分类, its figure under 支出用途) goes to the side whose rows it names."""
        sides = self.lay.sides
        entries: list[list[list]] = [[] for _ in sides]
        for line in lines:
            texts: list[list[str]] = [[] for _ in sides]
            nums: list[list[Word]] = [[] for _ in sides]
            for w in line.words:
                if _is_amount(w.text):
                    nums[self._side_of_column(self._column_of(w, list(self.centers)))].append(w)
                else:
                    texts[sum(w.x0 >= b for b in self.bounds)].append(w.text)
            joined = ["".join(t) for t in texts]
            for i in range(1, len(sides)):
                if joined[i] and self._row_key(sides[i].rows, joined[i], []) is None:
                    home = next((j for j in range(1, len(sides)) if j != i and not joined[j]
                                 and self._row_key(sides[j].rows, joined[i], []) is not None), None)
                    if home is not None:
                        joined[home], joined[i] = joined[i], ""
            for i in range(len(sides)):
                if joined[i] or nums[i]:
                    entries[i].append([line, joined[i], nums[i]])
        for i, side in enumerate(sides):
            rows = entries[i] if i == 0 else self._merge_broken(entries[i], side)
            for line, text, nums in rows:
                self._side_row(side, line, text, nums)

    def _merge_broken(self, entries: list[list], side) -> list[list]:
        """A label broken over two lines, its figures printed between them (“四、文化旅游体育与传媒 / 200,000 / 支出”)."""
        merged: list[list] = []
        for entry in entries:
            line, text, nums = entry
            if merged and not text and nums and not merged[-1][2]:
                merged[-1][2] = nums
            elif merged and text and not nums and not _ENUM_START.match(text) and merged[-1][1] \
                    and label_key(text) not in ("支出总计", "合计") and self._row_key(side.rows, text, []) is None:
                merged[-1][1] += text
            else:
                merged.append(entry)
        return merged

    def _side_of_column(self, key: str) -> int:
        """The side an amount column belongs to; an unknown column ("?…") to the side its position falls in."""
        sides = self.lay.sides
        for i, side in enumerate(sides):
            if key in side.columns:
                return i
        firsts = [self.centers.get(s.columns[0], 0.0) for s in sides[:-1] if s.columns]
        return min(len(sides) - 1, sum(self.centers[key] > x for x in firsts))

    def _side_keys(self, side) -> list[str]:
        """The printed amount columns of one side, left to right, with the unknown ones standing in its part."""
        i = next(n for n, s in enumerate(self.lay.sides) if s.name == side.name)
        return [k for k in self.amount_keys() if self._side_of_column(k) == i]

    def _side_row(self, side, line: Line, text: str, numbers: list[Word]) -> None:
        key = self._side_key(side, text, line.page, [r for r in self.table.rows if r.side == side.name])
        if key is None:
            if numbers:
                self.report.unfitted.append((line.page, line.text, f"“{text}”不是“{self.lay.title}”的标准行次"))
            return
        values = self._set_aside(line, self._assign(numbers, self._side_keys(side)))
        d = self.lay.fixed_row(key)
        at = next(n for n, s in enumerate(self.lay.sides) if s.name == side.name)
        label = next((w for w in line.words if w.text and not _is_amount(w.text)
                      and sum(w.x0 >= b for b in self.bounds) == at), None)
        self.table.rows.append(Row(key=key, side=side.name, values={side.label: d.label, **values},
                                   cells=self._cells(line, side.columns, {side.label: label})))

    @staticmethod
    def _row_key(rows, text: str, taken: list[Row]) -> str | None:
        """The row a printed label names; a label printed twice (一、一般公共预算拨款 under 本年 and under 结转)
        names the first of its rows not read yet."""
        k = label_key(text)
        if not k:
            return None
        done = {r.key for r in taken}
        for exact in (True, False):
            for d in sorted(rows, key=lambda d: d.key in done):
                want = label_key(d.label)
                if k == want or (not exact and len(k) >= 4 and (want.startswith(k) or k.startswith(want))):
                    return d.key
        return None

    def _side_key(self, side, text: str, page: int = 0, taken: list[Row] = ()) -> str | None:
        key = self._row_key(side.rows, text, list(taken))
        if key is not None or not label_key(text):
            return key
        # a 类 printed under another year's name (医疗卫生与计划生育支出 / 卫生健康支出): either way round
        code = code_named(text, [d.key for d in side.rows])
        if code is None:
            return None
        declared = next(d.label for d in side.rows if d.key == code)
        age = "新" if newer(text, declared, code) else "旧"
        self.report.normalised.append((page, text, f"{age}科目名称，按“{code} {declared}”读取"))
        return code


FIGURES_BELOW = 5.0  # a label set this much higher than its figures (Jiangsu: 3.1–3.6 pt) is on their line


def _labels_with_figures(lines: list[Line]) -> list[Line]:
    """A line of figures alone set a little lower than the labels before it (收入合计 … / 9,066.79 9,066.79,
    合计 / 1,624.42): one printed row, read as one line. Rows are never this close."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and prev.page == line.page and 0 < line.top - prev.top <= FIGURES_BELOW \
                and line.words and all(_is_amount(w.text) for w in line.words) \
                and not any(_is_amount(w.text) for w in prev.words):
            out[-1] = Line(prev.page, prev.top, sorted([*prev.words, *line.words], key=lambda w: w.x0), width=prev.width)
            continue
        out.append(line)
    return out


def _join_code(parts: list[str]) -> str | None:
    """类/款/项 printed in columns ("301", "2") or joined ("30102") → one code; a 款 printed "2" means "02"."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0] if len(parts[0]) in (3, 5, 7) else None
    head, rest = parts[0], parts[1:]
    if len(head) != 3:
        return None
    return head + "".join(p.zfill(2) for p in rest)


# -- the narrative ---------------------------------------------------------------------------------
def _paragraphs(lines: list[Line]) -> list[tuple[int, str]]:
    """Printed lines → paragraphs. A line continues the paragraph above when that line ran to the right margin
    (the text wrapped), unless it starts with an enumerator or is indented after a full stop."""
    if not lines:
        return []
    margins = _page_margins(lines)
    out: list[tuple[int, str]] = []
    prev_full = prev_stop = prev_open = False
    for line in lines:
        margin, right = margins[line.page]
        text = re.sub(r"\s+", "", line.text) if _cjk(line.text) else line.text.strip()
        enum = _PARA_ENUM.match(text)
        indented = line.x0 > margin + 6
        if out and not enum and ((prev_full and not (prev_stop and indented)) or prev_open):
            out[-1] = (out[-1][0], out[-1][1] + text)
        else:
            out.append((line.page, text))
        prev_full = line.words[-1].x1 > right - 30
        prev_stop = text.endswith(("。", "：", ":", "；"))
        prev_open = text.endswith(("为", "，", "、", "的", "和", "及", "与", "是", "（"))
    return out


def _page_margins(lines: list[Line]) -> dict[int, tuple[float, float]]:
    """Each page's left margin and right edge: those of all the lines on pages of its width. A PDF whose
    pages differ in size — A4 beside A3, a page shrunk to fit on printing — wraps each page's text at that
    page's margin: measured against the widest page, no line of a smaller one ran to the margin and each
    became a paragraph of its own (“主要原因是：” with no reason). Pages of one size share one margin (a page
    of a few short lines has none of its own)."""
    by_size: dict[int, list[Line]] = {}
    for line in lines:
        by_size.setdefault(round(line.width / 5), []).append(line)
    edges = {size: (min(x.x0 for x in own), max(x.words[-1].x1 for x in own)) for size, own in by_size.items()}
    return {line.page: edges[round(line.width / 5)] for line in lines}


_PARA_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）])")


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


_HEAD = re.compile(r"^([一二三四五六七八九十]+)、(.{2,30}?)$")


def _text_rows(chapter: str, paragraphs: list[tuple[int, str]]) -> list[dict]:
    """One row of 说明文字 per paragraph: 项目 = chapter, 小标题 = the latest "一、…" heading."""
    rows: list[dict] = []
    title = None
    for _page, text in paragraphs:
        m = _HEAD.match(text)
        if m and not re.search(r"[。；;，]", text):
            title = m.group(2)
            if chapter == "其他相关情况说明":
                title = _YEAR.sub("", title)
            rows.append({"item": chapter, "title": title, "text": ""})
            continue
        rows.append({"item": chapter, "title": title, "text": text})
    # a heading immediately followed by its text: keep one row; an empty heading stays (a leftover to check)
    out: list[dict] = []
    for r in rows:
        if out and not out[-1]["text"] and out[-1]["title"] == r["title"] and r["text"]:
            out[-1] = r
        else:
            out.append(r)
    return out


# -- figures the text states -------------------------------------------------------------------------
_NUM = r"(\d[\d,]*(?:\.\d+)?)"


def _dec(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def _set(table: Table, key: str, column: str, value, label_col: str = "item") -> None:
    row = table.get(key)
    if row is None:
        row = Row(key=key, values={label_col: table.layout.fixed_row(key).label})
        table.rows.append(row)
        table.reindex()
    row.values[column] = value


def extract_figures(budget: Budget, text: str, report: ImportReport) -> None:
    """政府采购, 绩效目标, 国有资产 (vehicles by use, equipment ≥ 100万), 单位 counts: from the 其他相关情况说明."""
    flat = re.sub(r"\s+", "", text)
    tables = budget.tables

    def note(what: str, value) -> None:
        report.extracted.append((what, str(value)))

    if "PROC" in tables and tables["PROC"].layout.kind == "fixed":  # Jiangsu prints it as a table of records
        proc = tables["PROC"]
        pats = {"total": r"政府采购预算" + _NUM + "万元", "goods": r"政府采购货物预算" + _NUM + "万元",
                "works": r"政府采购工程预算" + _NUM + "万元", "services": r"政府采购服务预算" + _NUM + "万元",
                "sme": r"面向中小企业预留政府采购项目预算金额" + _NUM + "万元",
                "sme_small": r"预留给小型和微型企业的政府采购项目预算为" + _NUM + "万元"}
        for key, pat in pats.items():
            m = re.search(pat, flat)
            if m:
                _set(proc, key, "amount", _dec(m.group(1)))
                note(f"政府采购：{proc.layout.fixed_row(key).label}（万元）", m.group(1))
    if "PERF" in tables:
        m = re.search(r"本(?:部门|单位)" + r"(\d+)个预算单位开展了.*?编报绩效目标的项目(\d+)个，涉及项目预算资金" + _NUM + "万元", flat)
        if m:
            _set(tables["PERF"], "units", "qty", Decimal(m.group(1)))
            _set(tables["PERF"], "projects", "qty", Decimal(m.group(2)))
            _set(tables["PERF"], "projects", "amount", _dec(m.group(3)))
            note("绩效目标：预算单位数、项目个数、项目预算资金（万元）", f"{m.group(1)}、{m.group(2)}、{m.group(3)}")
    if "ASSET" in tables and tables["ASSET"].layout.kind == "fixed":
        asset = tables["ASSET"]
        uses = {"部级领导干部用车": "car_minister", "主要领导干部用车": "car_leader", "机要通信用车": "car_secret",
                "应急保障用车": "car_emergency", "执法执勤用车": "car_law", "特种专业技术用车": "car_special",
                "离退休干部用车": "car_retired", "其他用车": "car_other"}
        held = re.search(r"共有车辆(\d+)辆，其中：(.*?)；单价100万元（含）以上设备（不含车辆）(\d+)台", flat)
        plan = re.search(r"预算安排购置车辆(\d+)辆，其中：(.*?)；(?:部门|单位)?预算安排购置单价100万元（含）以上设备（不含车辆）(\d+)台",
                         flat)
        for m, col in ((held, "qty"), (plan, "plan_qty")):
            if not m:
                continue
            _set(asset, "car", col, Decimal(m.group(1)))
            for use, n in re.findall(r"([\u4e00-\u9fff]+?用车)(\d+)辆", m.group(2)):
                if use in uses:
                    _set(asset, uses[use], col, Decimal(n))
            _set(asset, "equip", col, Decimal(m.group(3)))
            note("国有资产：" + ("现有车辆" if col == "qty" else "本年购置车辆"), m.group(1))
        m = re.search(r"截[至止](\d{4}年\d{1,2}月\d{1,2}日)", flat)
        if m:
            _info(budget, "asset_date", m.group(1))
        if m and not held:
            report.unfitted.append((0, _clip_text(flat, m.start()), "国有资产情况不是按车辆用途的表述，未能归入“国有资产”工作表"
                                    "（原文保留在“说明文字”中）"))
    m = re.search(r"(?:行政单位)\s*(\d+)\s*家", flat)
    if m:
        _info(budget, "n_admin", m.group(1))
    m = re.search(r"参公单位\s*(\d+)\s*家", flat)
    if m:
        _info(budget, "n_civil", m.group(1))
    m = re.search(r"事业单位\s*(\d+)\s*家", flat)
    if m:
        _info(budget, "n_inst", m.group(1))
    m = re.search(r"下属\s*(\d+)\s*家预算单位", flat)
    if m:
        _info(budget, "n_units", m.group(1))


def _clip_text(text: str, start: int, width: int = 40) -> str:
    return text[start:start + width] + ("…" if len(text) > start + width else "")


def _info(budget: Budget, key: str, value: str) -> None:
    info = budget.tables["INFO"]
    try:
        d = info.layout.fixed_row(key)
    except KeyError:
        return
    _set(info, key, "value", value)
    info.get(key).values["item"] = d.label


# -- the whole document -----------------------------------------------------------------------------
def import_pdf(path: str | Path, engine: str = "pdfium", profile: str | None = None) -> tuple[Budget, ImportReport]:
    """A published disclosure PDF → (Budget, report). Raises InputError for files it cannot read, and for a
    document in which no disclosure table is recognised (saying what was seen).

    ``engine``: "pdfium" (fast, default) or "pdfplumber" (pdfminer; the reference the tests compare with).
    ``profile``: the template to read it as; None = recognised from the titles."""
    return import_pdfs([path], engine, profile)


def import_pdfs(paths, engine: str = "pdfium", profile: str | None = None) -> tuple[Budget, ImportReport]:
    """One disclosure published as several PDFs (说明 and 公开表): their pages read as one document, in order."""
    paths = [Path(p) for p in paths]
    lines: list[Line] = []
    files: list[tuple[str, int, int]] = []
    textless: list[int] = []
    for path in paths:
        part = _open_lines(path, engine)
        offset = lines[-1].page if lines else 0
        textless += [offset + p for p in _textless_pages(path, part)]
        for line in part:
            line.page += offset
        lines += part
        files.append((str(path), offset + 1, lines[-1].page if lines else offset))
    source = "、".join(str(p) for p in paths)
    chosen = profile or _choose_profile(lines)
    if load_schema(chosen).kind == "决算":  # 部门决算: tables read from their ruled grids
        from budget_xl.importers.final_accounts import import_final_accounts

        budget, report = import_final_accounts(paths, lines, chosen, source)
    else:
        budget, report = import_lines(lines, chosen, source)
    if len(files) > 1:
        report.files = files
    report.textless = textless
    read = [t for t in report.tables if t.rows]
    required = [lay for lay in load_schema(chosen).tables if lay.required]
    if not report.tables or (report.unknown_titles and len(read) * 2 < len(required)):
        # most of what is printed as tables is not of any template we have: importing the rest would pass
        # the tables we could not read as missing ones
        raise InputError(_nothing_recognised(lines, report, forced=profile is not None), file=source)
    return budget, report


def _textless_pages(path: Path, lines: list[Line]) -> list[int]:
    """The pages of ``path`` (1-based, in the file) on which no line was read, when some other page has text
    (a PDF with no text at all is refused before, as a scan). Tables printed, signed and scanned back into
    the file, or a font whose embedded data was lost to a bad sector, leave such pages: the tables on them
    were called missing, or the whole file “找不到任何预算公开表的表题”."""
    if not lines:
        return []
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return []
    read = {line.page for line in lines}
    try:
        return [p for p in range(1, len(pdf) + 1) if p not in read and _drawn(pdf[p - 1])]
    finally:
        pdf.close()


def _drawn(page) -> bool:
    """Whether a page shows something: a picture or text objects (a page left blank on purpose, “此页无正文”
    printed as nothing, is no page that could not be read)."""
    import pypdfium2.raw as raw

    try:
        return any(obj.type in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM)
                   for obj in page.get_objects(max_depth=2))
    finally:
        page.close()


def _nothing_recognised(lines: list[Line], report: ImportReport, forced: bool = False) -> str:
    """Why a document gave no table, in the reader's terms: what it is, and what its titles are."""
    toc = _toc_pages(lines)
    body = [x for x in lines if x.page not in toc]
    final = final_accounts_titles(x.text for x in body[:400])
    if final or any("部门决算" in fold(x.text) or "单位决算" in fold(x.text) for x in lines[:8]):
        where = f"（第{_page_of(body, final[0])}页“{final[0].strip()}”等）" if final else ""
        from budget_xl.schema import profiles_of_kind

        known = "、".join(PROFILE_LABELS[p] for p in profiles_of_kind("决算")) or "无"
        return (f"这是一份部门决算{where}，但其中的表没有一张与已有的决算表式（{known}）相符，未导入任何表。"
                "可用 --template 指定表式，或为这种决算表式建一个 profile。")
    if report.unknown_titles:
        pages = sorted({p for p, _ in report.unknown_titles})
        span = f"{pages[0]}" if len(pages) == 1 else f"{pages[0]}–{pages[-1]}"
        shown = "”“".join(dict.fromkeys(t for _, t in report.unknown_titles[:4]))
        got = f"只认出{len(report.tables)}张表" if report.tables else "未导入任何表"
        if forced:  # --template named a template the document does not follow
            return (f"第{span}页的表题是“{shown}”等，不是所指定表式（{PROFILE_LABELS.get(report.profile, report.profile)}）"
                    f"的公开表，{got}。不加 --template 时按表题识别表式。")
        return (f"第{span}页的表题是“{shown}”等，不是本工具已有表式的公开表，{got}。"
                f"可用 --template 指定表式（{'、'.join(PROFILES)}），或为这种表式建一个 profile 并登记这些表题。")
    if report.textless:  # said before “only prose”: the tables are likely on the pages that could not be read
        return (f"第{page_span(report.textless)}页没有文字：{_TEXTLESS}；其余页中找不到预算公开表的表题，未导入任何表。"
                "请提供由电子文档直接导出的 PDF，或先对这些页做文字识别（OCR）。")
    if report.chapters or sum("。" in x.text for x in lines) >= 10:  # headings we know, or simply prose
        what = "（" + "、".join(report.chapters[:4]) + "）" if report.chapters else ""
        return (f"这份文件只有情况说明{what}，没有公开表：公开表若另成一个 PDF，"
                "请一并导入：budget-xl import 说明.pdf 公开表.pdf -o 主表.xlsx")
    return "文件中找不到任何预算公开表的表题，未导入任何表。"


def _page_of(lines: list[Line], text: str) -> int:
    return next((x.page for x in lines if x.text == text), 0)


def import_lines(lines: list[Line], profile: str, source: str) -> tuple[Budget, ImportReport]:
    schema = load_schema(profile)
    budget = empty_budget(source=source, profile=profile)
    report = ImportReport(source=source, profile=profile)
    tables = list(schema.tables)
    classes = dict(schema.func_classes)

    # split the document: table titles and chapter headings
    marks: list[tuple[int, str, object]] = []
    toc_pages = _toc_pages(lines)
    skip_to = -1
    for i, line in enumerate(lines):
        if line.page in toc_pages or i <= skip_to:
            continue
        hit = _title_at(lines, i, profile)
        if hit is not None:
            marks.append((hit[1], "table", hit[0].layout))
            skip_to = hit[1]
            continue
        ch = _chapter(line, profile)
        if ch is not None:
            marks.append((i, "chapter", ch))
            report.chapters.append(ch)
        elif unknown_title(line.text) and _confirmed_unknown(lines, i):
            marks.append((i, "unknown", line.text))
            report.unknown_titles.append((line.page, line.text.strip()))
    marks.append((len(lines), "end", None))

    texts: list[dict] = []
    other_text: list[str] = []
    seen: set[str] = set()
    for n, (start, what, obj) in enumerate(marks[:-1]):
        end = marks[n + 1][0]
        body = lines[start + 1: end]
        if what == "table":
            lay = obj  # type: ignore[assignment]
            table = budget.tables[lay.key]
            reader = _TableReader(lay, table, report, classes, schema.header_words)
            rows = reader.read(body)
            pages = sorted({lines[start].page, *(x.page for x in body)})
            if not rows and reader.unread_figures and lay.key not in seen:
                # the title reads like ours but not one printed figure fits its layout: another template's table
                report.unknown_titles.append((lines[start].page, lines[start].text.strip()))
                report.unfitted.append((lines[start].page, lines[start].text.strip(),
                                        f"表题像“{lay.title}”，但表头和行次不是本表式的，未导入"))
                continue
            if lay.key in seen:
                found = next(t for t in report.tables if t.key == lay.key)
                found.pages = sorted(set(found.pages) | set(pages))
                found.rows += rows
            else:
                seen.add(lay.key)
                report.tables.append(TableFound(lay.key, lay.title, pages, rows, table.unit))
            continue
        if what == "unknown":
            pages = sorted({lines[start].page, *(x.page for x in body)})
            report.unfitted.append((lines[start].page, lines[start].text.strip(),
                                    f"表题不是本表式（{PROFILE_LABELS.get(profile, profile)}）的公开表，"
                                    f"第{'、'.join(map(str, pages))}页未导入"))
            continue
        chapter = str(obj)
        paras = _paragraphs([x for x in body if x.page not in toc_pages])  # a 目录 page is no chapter's text
        if chapter == "主要职能":
            _duties(budget, paras, report)
        elif chapter == "机构设置":
            _orgs(budget, paras)
            other_text += [p for _, p in paras]
            texts += _text_rows("机构设置", paras)
        elif chapter == "项目绩效目标表":
            for page, p in paras[:1]:
                report.unfitted.append((page, p[:40], "项目绩效目标填报表未导入（上海表式只公开项目个数和金额）"))
        else:
            texts += _text_rows(chapter, paras)
            other_text += [p for _, p in paras]
    for lay in tables:
        if lay.key not in seen:
            report.missing.append(lay.title)
    m = re.search(r"(?:预算主管部门|预算单位|编制部门|编制单位|部门)[:：]\s*(?!万?元)(\S+?)(?:单位[:：]|\s|$)",
                  "\n".join(x.text for x in lines[:12]))
    if m is None:  # “承德市司法局 2024 年部门预算信息公开” on the cover: the publisher before the year
        m = re.search(r"^(?!第[一二三四五六七八九十]+部分)([^\d\s:：]{3,30}?)(?:19|20)\d{2}年度?(?:区级|市级|省级)?(?:部门|单位)预算",
                      "\n".join(re.sub(r"\s+", "", x.text) for x in lines[:40]), re.M)  # not “第二部分 2018年度部门预算表”
    if m is None:  # a cover broken over lines (Jiangsu): the “部门：…” line over the tables of the second PDF
        m = re.search(r"^(?:预算主管部门|预算单位|编制部门|编制单位|部门)[:：]\s*(?!万?元)(\S+?)(?:单位[:：]|\s|$)",
                      "\n".join(x.text for x in lines), re.M)
    if m:
        _info(budget, "dept_name", m.group(1))
    m = re.search(r"(\d{4})年", "\n".join(x.text for x in lines[:3]))
    if m is None:  # a cover printed as a picture (Jiangsu 2019): the year of the contents' “2019年度部门预算…”
        m = re.search(r"((?:19|20)\d{2})年度?(?:部门|单位)预算", "\n".join(x.text for x in lines[:60]))
    if m is None:  # tables without their 说明: a title with its year (“2017年政府采购预算表”)
        m = re.search(r"^((?:19|20)\d{2})年度?[^\d\s，。；]{2,20}预算表$", "\n".join(x.text for x in lines), re.M)
    if m:
        _info(budget, "year", m.group(1))
    _info(budget, "profile", PROFILE_LABELS.get(profile, profile))
    if profile == "shanghai":
        first = "\n".join(x.text for x in lines[:5])
        _info(budget, "budget_type", "单位预算" if re.search(r"单位预算", first) else "部门预算")
        _info(budget, "region", "区级" if "区级" in first else ("市级" if "市级" in first else ""))
    for lay in tables:  # the template's printed tables (T1…T9; Jiangsu's FFUNC, OPEX … too)
        if f"unit:{lay.key}" in {r.key for r in budget.tables["INFO"].layout.rows}:
            _info(budget, f"unit:{lay.key}", budget.tables[lay.key].unit)
    extract_figures(budget, "\n".join(other_text), report)
    text_table = budget.tables["TEXT"]
    text_table.rows = [Row(key=f"#{i}", values=t) for i, t in enumerate(texts, start=1)]
    text_table.reindex()
    return budget, report


def _duties(budget: Budget, paras: list[tuple[int, str]], report: ImportReport | None = None) -> None:
    table = budget.tables["DUTY"]
    seen: set[str] = set()
    for page, text in paras:
        m = re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\s*(.+)$", text)
        if m and m.group(1) in seen and report is not None:
            report.normalised.append((page, text[:30] + "…", "这条职责印了两次，只取一次"))
        if m and m.group(1) not in seen:  # a duty printed twice is taken once
            seen.add(m.group(1))
            table.rows.append(Row(key=f"#{len(table.rows) + 1}", values={"text": m.group(1)}))
    table.reindex()


def _orgs(budget: Budget, paras: list[tuple[int, str]]) -> None:
    """“1. 上海市…（本部）。 2. …” → one 机构 per numbered name."""
    table = budget.tables["ORG"]
    for _page, text in paras:
        for name in re.findall(r"(?<!\d)\d{1,2}[.．、]\s*([^。\d；;，,]+)", text):
            name = name.strip()
            if name:
                table.rows.append(Row(key=f"#{len(table.rows) + 1}", values={"name": name}))
    table.reindex()
