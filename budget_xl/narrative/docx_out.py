"""Word output (python-docx): A4, 仿宋 body and 黑体 headings as government documents use, real tables.

Chinese fonts must be set as the East Asian font (``w:rFonts w:eastAsia``); the theme fonts of python-docx's
default styles are removed, or Word would keep showing its Latin theme font for the headings.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from budget_xl.narrative.render import HEADING, PARA, TABLE, TITLE, Narrative, shown
from budget_xl.narrative.tables import CENTER, Grid, grid_for

BODY_FONT = "仿宋"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_TITLE_SIZE = Pt(16)
LINE = Pt(28)  # 固定值行距
TABLE_STYLE = "表格文字"
BODY_STYLE = "正文段落"
NOTE_STYLE = "表注"

# A4; portrait margins as GB/T 9704 公文 (top 37, bottom 35, left 28, right 26 mm)
A4 = (Mm(210), Mm(297))
PORTRAIT_MARGINS = (Mm(37), Mm(35), Mm(28), Mm(26))
LANDSCAPE_MARGINS = (Mm(20), Mm(20), Mm(20), Mm(20))
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


# -- fonts and styles ----------------------------------------------------------------------------------------
def set_fonts(rpr_parent, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian font of a style or run (``rpr_parent`` is its ``font`` object's element owner)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(doc, name: str, base: str | None = None, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base:
            st.base_style = styles[base]
    st.font.size = size
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(st.element, font)
    return st


def new_document():
    """An empty A4 portrait document with the styles below."""
    doc = Document()
    normal = _style(doc, "Normal")
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)

    body = _style(doc, BODY_STYLE, "Normal")
    body.paragraph_format.first_line_indent = Pt(32)  # 两个字
    body.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.paragraph_format.line_spacing = LINE
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = _style(doc, "Title", font=HEAD_FONT, size=TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(18)
    _plain(title)
    for level in (1, 2, 3):
        h = _style(doc, f"Heading {level}", font=HEAD_FONT, size=BODY_SIZE)
        h.paragraph_format.space_before = Pt(12 if level == 1 else 6)
        h.paragraph_format.space_after = Pt(6 if level == 1 else 3)
        h.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        h.paragraph_format.line_spacing = LINE
        h.paragraph_format.keep_with_next = True
        if level > 1:
            h.paragraph_format.first_line_indent = Pt(32)
    table = _style(doc, TABLE_STYLE, "Normal", size=TABLE_SIZE)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note = _style(doc, NOTE_STYLE, "Normal", size=TABLE_SIZE)
    note.paragraph_format.space_before = Pt(3)

    section = doc.sections[0]
    page(section, landscape=False)
    page_number_footer(section)
    return doc


def _plain(style) -> None:
    """No rule under the title and no "contextual spacing" (which drops the space between two titles)."""
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)


def page(section, landscape: bool) -> None:
    w, h = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = h, w
        margins = LANDSCAPE_MARGINS
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = w, h
        margins = PORTRAIT_MARGINS
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = margins


def new_section(doc, landscape: bool):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page(section, landscape)
    return section


def page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    field.append(r)
    p._p.append(field)
    p.add_run(" —")


def usable_width(section):
    return section.page_width - section.left_margin - section.right_margin


# -- paragraphs ----------------------------------------------------------------------------------------------
def add_title(doc, text: str):
    return doc.add_paragraph(shown(text), style="Title")


def add_heading(doc, text: str, level: int, center: bool = False):
    p = doc.add_paragraph(shown(text), style=f"Heading {min(max(level, 1), 3)}")
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def add_body(doc, text: str, style: str = BODY_STYLE):
    """A paragraph; **…** prints bold."""
    p = doc.add_paragraph(style=style)
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            p.add_run(shown(text[pos:m.start()]))
        p.add_run(shown(m.group(1))).bold = True
        pos = m.end()
    if pos < len(text):
        p.add_run(shown(text[pos:]))
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# -- tables --------------------------------------------------------------------------------------------------
def add_grid(doc, grid: Grid, width=None, title_level: int | None = None) -> None:
    """Title, the 部门/年度/单位 line, the table (merged headers repeated on each page), the notes."""
    section = doc.sections[-1]
    width = width or usable_width(section)
    if grid.title:
        if title_level:
            add_heading(doc, grid.title, title_level, center=True)
        else:
            p = doc.add_paragraph(style=TABLE_STYLE)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(grid.title)
            r.bold = True
            r.font.size = Pt(12)
            p.paragraph_format.keep_with_next = True
    if any(grid.caption):
        _caption(doc, grid.caption, width)
    _table(doc, grid, width)
    for note in grid.notes:
        doc.add_paragraph(note, style=NOTE_STYLE)


def _caption(doc, parts: tuple[str, str, str], width) -> None:
    p = doc.add_paragraph(style=TABLE_STYLE)
    p.paragraph_format.keep_with_next = True
    stops = p.paragraph_format.tab_stops
    stops.add_tab_stop(int(width / 2), WD_TAB_ALIGNMENT.CENTER)
    stops.add_tab_stop(int(width), WD_TAB_ALIGNMENT.RIGHT)
    left, mid, right = parts
    p.add_run(f"{left}\t{mid}\t{right}")


def _table(doc, grid: Grid, width) -> None:
    nrows, ncols = len(grid.rows), grid.ncols
    if not nrows:
        return
    table = doc.add_table(rows=nrows, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = grid.widths or [1] * ncols
    widths = [int(width * w / sum(weights)) for w in weights]
    covered = set()
    for r0, c0, r1, c1 in grid.merges:
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    style_id = doc.styles[TABLE_STYLE].style_id  # set by id: python-docx's style lookup per cell is slow
    size = Pt(9) if grid.wide else None
    cells = []
    for r, row in enumerate(table.rows):
        head = r < grid.header_rows
        bold = head or r in grid.bold_rows
        _row_flags(row, header=head)
        cells.append(row.cells)
        for c, cell in enumerate(cells[-1]):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p._p.get_or_add_pPr().style = style_id
            text = "" if (r, c) in covered else grid.rows[r][c]
            p.alignment = _ALIGN[_cell_align(grid, r, c)]
            if grid.keep_together and r < nrows - 1:
                p.paragraph_format.keep_with_next = True
            lines = text.split("\n") if text else []
            for i, line in enumerate(lines):
                run = p.add_run(line)
                if bold:
                    run.bold = True
                if size:
                    run.font.size = size
                if i < len(lines) - 1:
                    run.add_break()
    for r0, c0, r1, c1 in grid.merges:
        cells[r0][c0].merge(cells[r1][c1])
    for c, col in enumerate(table.columns):
        col.width = widths[c]


def _cell_align(grid: Grid, r: int, c: int) -> str:
    if (r, c) in grid.cell_align:
        return grid.cell_align[(r, c)]
    if r < grid.header_rows:
        return CENTER
    return grid.align[c] if c < len(grid.align) else "left"


def _row_flags(row, header: bool) -> None:
    """A row never breaks across pages; header rows repeat on every page."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit",) + (("w:tblHeader",) if header else ()):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


# -- the 情况说明 -------------------------------------------------------------------------------------------------
def write_narrative(doc, narrative: Narrative) -> None:
    """The blocks in order; a table too wide for portrait gets a landscape page of its own."""
    budget = narrative.budget
    for b in narrative.blocks:
        if b.kind == TITLE:
            add_title(doc, b.text)
        elif b.kind == HEADING:
            add_heading(doc, b.text, b.level)
        elif b.kind == PARA:
            add_body(doc, b.text)
        elif b.kind == TABLE:
            grid = grid_for(budget, b.text, b.arg)
            if grid.wide:
                new_section(doc, landscape=True)
                add_grid(doc, grid)
                new_section(doc, landscape=False)
            else:
                add_grid(doc, grid)


def narrative_docx(narrative: Narrative) -> bytes:
    doc = new_document()
    write_narrative(doc, narrative)
    return to_bytes(doc)


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
