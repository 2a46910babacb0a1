"""The document as a reader sees it: every character of the text layer with its box on the displayed page and
whether its glyph is actually drawn there (the page rendered with pypdfium2 and looked at under the box).

Text a reader cannot see (clipped, white, drawn outside the page) and glyphs the text layer cannot name
(no ToUnicode map: nothing, U+FFFD, private-use code points) are both document problems; the checks in
``budget_xl.review.document`` read them from here. I/O lives here; everything after it is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SCALE = 2.0            # render 144 dpi: a 10.5 pt glyph is ~21 px high
MAX_PIXELS = 40e6      # an A0 page fits at SCALE; a larger page is rendered coarser (a 5 km page asked 10^14 px)
INK = 225              # a grey level darker than this is ink (light grey print counts)
LINE_TOLERANCE = 3.0   # characters whose tops differ by less than this share a line (pt)
RENDERED_PAGES = 200  # pages rendered to see what of their text is drawn; later pages with text are checked by its
                     # text layer only (a 1,000-page PDF spent half a minute rendering). Said in the checklist.
UNNAMED = {"\x00", "\ufffd", "\ufffe", "\uffff", "\u25a1", "\u25af", "\u2610"}  # nothing, replacement, boxes


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    ink: float | None  # share of the box's pixel rows holding ink (None: off the displayed page)

    @property
    def unnamed(self) -> bool:
        """The text layer gives no real character for this glyph."""
        o = ord(self.text)
        return self.text in UNNAMED or 0xE000 <= o <= 0xF8FF or o < 0x20 or 0xF0000 <= o


@dataclass
class Line:
    page: int  # 1-based
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def on_page(self) -> bool:
        return any(c.ink is not None for c in self.chars)

    @property
    def shown(self) -> float:
        """How much of the line is drawn: the median ink share of its full-height ideographs (1 ≈ all)."""
        probe = [c.ink for c in self.chars if c.ink is not None and _full_height(c.text)]
        if not probe:
            probe = [c.ink for c in self.chars if c.ink is not None]
        if not probe:
            return 0.0
        probe.sort()
        return probe[len(probe) // 2]


def _full_height(ch: str) -> bool:
    """An ideograph whose strokes fill its box from top to bottom (一二三 and the like do not)."""
    return "\u4e00" <= ch <= "\u9fff" and ch not in "一二三四五六七八十工土士上下口日曰目"


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    ink_share: float = 0.0  # share of the page's pixels holding ink (0: a blank page)
    paths: int = 0  # drawn path objects (a ruled table has dozens)
    source: str = ""  # the PDF the page is in, and its number there (a document may come as several PDFs)
    local: int = 0
    turn: int = 0  # degrees clockwise beyond its /Rotate it is read and pictured under (a page saved sideways)
    rendered: bool = True  # False: beyond RENDERED_PAGES, its text's visibility taken from the text layer only

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.shown_lines)

    @property
    def shown_lines(self) -> list[Line]:
        """Lines a reader sees (on the page and drawn at least in part). Kept per ``lines`` list: every check
        asks for them, and a 500-page PDF's 目录 check asked 500 × its entries times (over 2 minutes)."""
        kept = self.__dict__.get("_shown")
        if kept is None or kept[0] is not self.lines:
            kept = (self.lines, [line for line in self.lines if line.on_page and line.shown >= 0.5])
            self.__dict__["_shown"] = kept
        return kept[1]


@dataclass
class Document:
    path: str
    pages: list[Page]

    def page(self, number: int) -> Page:
        return self.pages[number - 1]

    @property
    def text_only(self) -> list[int]:
        """Pages whose text was not rendered to see whether it is drawn (beyond ``RENDERED_PAGES``)."""
        return [p.number for p in self.pages if not p.rendered]

    @property
    def limit_note(self) -> str:
        """What a reader of the checklist must be told about pages checked by their text layer only."""
        pages = self.text_only
        if not pages:
            return ""
        return (f"本文件共{len(self.pages)}页，篇幅过长：每个 PDF 的前{RENDERED_PAGES}页（及没有文字的页）逐字核对了文字"
                f"是否真正显示在页面上；"
                f"第{pages[0]}页起的{len(pages)}页只按文字层检查（未核对文字是否被遮挡、裁切或印成白色）。")


def read_document(path: str | Path, for_import: bool = False) -> Document:
    """Every page's characters, their displayed boxes and how much of each glyph is drawn — read (and pictured)
    as its text runs left to right, as the importer reads it: a PDF turned sideways in a viewer and saved is
    turned back, its lines are lines again."""
    from budget_xl.importers.pdf import _page_lines, each_page_turned, open_pdfium, read_ahead, require_pdf

    name = str(path)
    require_pdf(Path(path))  # the importer's guard: a FIFO or a device is refused before pdfium opens it
    pdf = open_pdfium(Path(path))
    try:
        if for_import:  # the importer's lines of each page too, while it is open (``read_ahead``)
            both = each_page_turned(pdf, lambda i, pg, tp, turn: (_page(name, i, pg, tp, turn),
                                                                  _page_lines(i, pg, tp, turn)))
            pages = [page for page, _lines in both]
        else:
            pages = each_page_turned(pdf, lambda i, pg, tp, turn: _page(name, i, pg, tp, turn))
    finally:
        pdf.close()
    if for_import:
        read_ahead(Path(path), [lines for _page, lines in both])
    return Document(name, pages)


def _page(name: str, i: int, pg, tp, turn: int) -> Page:
    """Page ``i`` (0-based) of PDF ``name`` read ``turn`` degrees beyond its /Rotate. Rendered (each glyph looked
    at under its box) when it is among the first ``RENDERED_PAGES`` or has no text (blank or a scan: only its
    picture tells); otherwise each character counts as drawn where its box is on the page."""
    import pypdfium2.raw as raw

    from budget_xl.importers.pdf import Overprint, _displayed_box, page_geometry

    declared, w0, h0 = page_geometry(pg)
    rotation = (declared + turn) % 360
    width, height = (w0, h0) if rotation in (0, 180) else (h0, w0)  # as displayed, turned
    scale = _scale(w0, h0)
    rendered = i < RENDERED_PAGES or not _has_text(tp)
    dark = _dark(pg, scale, turn) if rendered else None
    paths = _paths(pg)
    page = Page(i + 1, width, height, ink_share=float(dark.mean()) if rendered else 1.0, paths=paths, source=name,
                local=i + 1, turn=turn, rendered=rendered)
    chars: list[Char] = []
    drawn = Overprint()
    loose_box, glyph_box = _charboxes(tp)
    text, generated, unicode = tp.raw, raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode  # a million glyphs
    map_error = raw.FPDFText_HasUnicodeMapError  # ``unmapped``, without a call of ours per glyph
    for j in range(tp.count_chars()):
        if generated(text, j) == 1:
            continue
        ch = "\ufffd" if map_error(text, j) == 1 else chr(unicode(text, j))  # a font's own code: unnamed
        if ch.isspace() and ch != "\x00":
            continue
        x0, x1, top, bottom = _displayed_box(loose_box(j), rotation, w0, h0)
        if drawn.again(ch, x0, x1, top, bottom):  # printed over itself (fake bold): one character to a reader
            continue
        glyph = _displayed_box(glyph_box(j), rotation, w0, h0)  # the glyph's own box: where ink must be
        ink = _ink(dark, *glyph, width, height, scale) if rendered else _on_page(*glyph, width, height)
        chars.append(Char(ch, x0, x1, top, bottom, ink))
    page.lines = _lines(i + 1, chars)
    return page


def _charboxes(tp):
    """``tp.get_charbox(j, loose=True)`` and ``tp.get_charbox(j)`` (left, bottom, right, top), reusing their
    buffers: a 1,000-page PDF asks two million times."""
    import ctypes

    import pypdfium2.raw as raw
    from pypdfium2 import PdfiumError

    rect, page = raw.FS_RECTF(), tp.raw
    lf, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    refs = tuple(ctypes.byref(v) for v in (lf, r, b, t))

    def loose(j: int):
        if not raw.FPDFText_GetLooseCharBox(page, j, rect):
            raise PdfiumError("Failed to get charbox.")
        return rect.left, rect.bottom, rect.right, rect.top

    def glyph(j: int):
        if not raw.FPDFText_GetCharBox(page, j, *refs):  # left, right, bottom, top
            raise PdfiumError("Failed to get charbox.")
        return lf.value, b.value, r.value, t.value

    return loose, glyph


def _paths(pg, max_depth: int = 3) -> int:
    """Path objects drawn on the page, within forms up to ``max_depth`` levels — as ``pg.get_objects(filter=[PATH],
    max_depth=3)`` counts them, without a Python object for each of a page's hundreds of glyphs and strokes."""
    import pypdfium2.raw as raw

    def count(parent, n, get, level: int) -> int:
        total = 0
        for i in range(n):
            obj = get(parent, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                total += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
                total += count(obj, raw.FPDFFormObj_CountObjects(obj), raw.FPDFFormObj_GetObject, level + 1)
        return total

    return count(pg.raw, max(0, raw.FPDFPage_CountObjects(pg.raw)), raw.FPDFPage_GetObject, 0)


def _dark(pg, scale: float, turn: int):
    import numpy as np

    return np.asarray(pg.render(scale=scale, rotation=turn, grayscale=True).to_pil().convert("L")) < INK


def _has_text(tp) -> bool:
    import pypdfium2.raw as raw

    return any(raw.FPDFText_IsGenerated(tp.raw, j) != 1 and not chr(raw.FPDFText_GetUnicode(tp.raw, j)).isspace()
               for j in range(tp.count_chars()))


def _on_page(x0: float, x1: float, top: float, bottom: float, width: float, height: float) -> float | None:
    """A glyph's share drawn judged by its box alone (a page not rendered): None off the page, else the share of
    its height within the page's edges."""
    if bottom <= 0 or top >= height or x1 <= 0 or x0 >= width:
        return None
    full = max(bottom - top, 1e-6)
    return max(0.0, min(bottom, height) - max(top, 0.0)) / full


def read_documents(paths, for_import: bool = False) -> Document:
    """One disclosure published as several PDFs (说明 and 公开表): their pages as one document, in order.
    ``for_import``: one PDF about to be imported (``read_ahead``)."""
    pages: list[Page] = []
    for path in paths:
        part = read_document(path, for_import and len(paths) == 1)
        for page in part.pages:
            page.number += len(pages)
            for line in page.lines:
                line.page = page.number
        pages += part.pages
    return Document("、".join(str(p) for p in paths), pages)


def _scale(width: float, height: float) -> float:
    """The render scale of a page: SCALE, or less when the page at SCALE would exceed MAX_PIXELS (a page
    declared kilometres wide made pdfium ask for a bitmap no machine has: MemoryError)."""
    area = abs(width * height) * SCALE * SCALE
    return SCALE if area <= MAX_PIXELS else SCALE * (MAX_PIXELS / area) ** 0.5


def _ink(dark, x0: float, x1: float, top: float, bottom: float, width: float, height: float,
         scale: float = SCALE) -> float | None:
    if bottom <= 0 or top >= height or x1 <= 0 or x0 >= width:
        return None
    r0, r1 = max(0, int(top * scale)), min(dark.shape[0], int(bottom * scale) + 1)
    c0, c1 = max(0, int(x0 * scale)), min(dark.shape[1], int(x1 * scale) + 1)
    box = dark[r0:r1, c0:c1]
    if box.size == 0:
        return 0.0
    full = max(1, int((bottom - top) * scale) + 1)  # rows cut off by the page edge count as not drawn
    return float(box.any(axis=1).sum()) / full


def _lines(page: int, chars: list[Char]) -> list[Line]:
    lines: list[Line] = []
    for c in sorted(chars, key=lambda c: (round(c.bottom), c.x0)):
        if lines and abs(lines[-1].chars[-1].bottom - c.bottom) <= LINE_TOLERANCE:
            lines[-1].chars.append(c)
        else:
            lines.append(Line(page, [c]))
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
    return lines


def render_region(path: str | Path, page: int, box: tuple[float, float, float, float] | None, marks=(),
                  margin: float = 36.0, scale: float = 2.0, turn: int = 0, kept: dict | None = None):
    """A PIL picture of the page region around ``box`` (pt, displayed; None: the whole page) with a red frame
    drawn around each of ``marks`` — what a reviewer pastes as 问题截图. ``kept``: the last page rendered, for
    the next picture of the same page (a checklist's pictures come page by page, often several to a page)."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    key = (str(path), page, scale, turn)
    if kept is not None and key in kept:
        im = kept[key].copy()
    else:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pg = pdf[page - 1]
            im = pg.render(scale=scale, rotation=turn).to_pil().convert("RGB")  # turned as it was read
            pg.close()
        finally:
            pdf.close()
        if kept is not None:
            kept.clear()
            kept[key] = im.copy()
    w, h = im.size
    draw = ImageDraw.Draw(im)
    for x0, top, x1, bottom in marks:
        draw.rectangle([x0 * scale - 4, top * scale - 4, x1 * scale + 4, bottom * scale + 4], outline=(230, 40, 40),
                       width=max(2, int(scale * 1.5)))
    if box is None:
        return im
    x0, top, x1, bottom = box
    left, right = 0, w  # whole width of the page: the reader sees the line in its paragraph
    upper = max(0, int((top - margin) * scale))
    lower = min(h, int((bottom + margin) * scale))
    if lower - upper < 40:
        upper, lower = max(0, upper - 40), min(h, lower + 40)
    return im.crop((left, upper, right, lower))
