"""Paragraphs as printed: displayed lines joined while a line runs to the right margin and the next one does
not open a numbered item or a heading. Each paragraph keeps its lines so a finding can point at its page and
box (for the picture)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from budget_xl.review.pages import Document, Line

ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）]"
                  r"|第[一二三四五六七八九十]+[条部分])")


FOLIO = re.compile(r"^(?:[—\-－–]*\s*\d{1,3}\s*[—\-－–]*|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")


@dataclass
class Paragraph:
    lines: list[Line]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    @property
    def page(self) -> int:
        return self.lines[0].page

    def box_of(self, start: int, end: int) -> tuple[int, tuple[float, float, float, float]]:
        """(page, box) of the characters [start, end) of ``text``: the lines they are printed on."""
        pos, hit = 0, []
        for line in self.lines:
            n = len(line.text)
            if pos < end and start < pos + n:
                hit.append(line)
            pos += n
        hit = hit or self.lines[:1]
        first = [line for line in hit if line.page == hit[0].page]
        return first[0].page, (min(x.x0 for x in first), min(x.top for x in first), max(x.x1 for x in first),
                               max(x.bottom for x in first))

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.box_of(0, len(self.text))[1]


def paragraphs(doc: Document, pages: set[int] | None = None) -> list[Paragraph]:
    """The paragraphs of the given pages (all when None), in reading order."""
    out: list[Paragraph] = []
    cur: Paragraph | None = None
    for page in doc.pages:
        if pages is not None and page.number not in pages:
            cur = None
            continue
        lines = page.shown_lines
        if not lines:
            continue
        right = max(line.x1 for line in lines)
        for line in lines:
            text = line.text.strip()
            if not text or FOLIO.match(text):
                continue  # the page number is not part of the paragraph it interrupts
            height = max(4.0, line.bottom - line.top)
            full = cur is not None and (cur.lines[-1].x1 >= right - 2.5 * height
                                        or (re.match(r"[\d，。、；：%）)”]", text) is not None
                                            and cur.lines[-1].text.strip()[-1:] not in "。；：！？"))
            joins = (full and not ENUM.match(text)
                     and (cur.lines[-1].page != line.page or line.top - cur.lines[-1].bottom <= 1.6 * height)
                     and abs(line.x0 - cur.lines[-1].x0) <= 3 * height)
            if joins:
                cur.lines.append(line)
            else:
                cur = Paragraph([line])
                out.append(cur)
    return out
