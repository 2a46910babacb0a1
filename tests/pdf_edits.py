"""Variants of a published PDF made with pypdf, each with one defect a reviewer records: a page blanked, a
font's glyph map (ToUnicode) taken away on one page, characters deleted or replaced in the content stream.

The shared PDFs print each glyph with its own ``<code>Tj`` of one Type0 font; a character of the text layer
(pypdfium2's order) is found in the stream as the same occurrence of its code.
"""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def page_text(path: Path, page: int) -> str:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    try:
        tp = pdf[page - 1].get_textpage()
        chars = [chr(raw.FPDFText_GetUnicode(tp.raw, j)) for j in range(tp.count_chars())
                 if raw.FPDFText_IsGenerated(tp.raw, j) != 1]
        return "".join(c for c in chars if not c.isspace())
    finally:
        pdf.close()


def _codes(writer: PdfWriter, page: int) -> dict[str, str]:
    """Character → the hex code the page's font prints it with (from its ToUnicode map)."""
    out: dict[str, str] = {}
    for font in writer.pages[page - 1]["/Resources"]["/Font"].values():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out.setdefault(bytes.fromhex(uni).decode("utf-16-be"), code.upper())
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for a, b, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for k in range(int(b, 16) - int(a, 16) + 1):
                    ch = chr(int(uni, 16) + k)
                    out.setdefault(ch, f"{int(a, 16) + k:0{len(a)}X}")
    return out


def _stream(writer: PdfWriter, page: int) -> bytes:
    return writer.pages[page - 1].get_contents().get_data()


def _set_stream(writer: PdfWriter, page: int, data: bytes) -> None:
    s = DecodedStreamObject()
    s.set_data(data)
    writer.pages[page - 1][NameObject("/Contents")] = writer._add_object(s)


def edit_text(src: Path, out: Path, page: int, find: str, replace: str) -> Path:
    """Replace the first ``find`` of the page's text by ``replace`` (same length or shorter: deleted)."""
    w = PdfWriter(clone_from=str(src))
    text = page_text(src, page)
    start = text.index(find)
    codes = _codes(w, page)
    data = _stream(w, page)
    tokens = list(re.finditer(rb"<([0-9A-Fa-f]{4})>Tj", data))
    for n, ch in enumerate(find):
        i = start + n
        rank = text[:i].count(ch)
        hits = [t for t in tokens if t.group(1).decode().upper() == codes[ch]]
        tok = hits[rank]
        new = (b"<" + codes[replace[n]].encode() + b">Tj") if n < len(replace) else b""  # deleted: blanks
        data = data[:tok.start()] + new.ljust(len(tok.group(0))) + data[tok.end():]
        tokens = list(re.finditer(rb"<([0-9A-Fa-f]{4})>Tj", data))
    _set_stream(w, page, data)
    w.write(str(out))
    return out


def blank_page(src: Path, out: Path, page: int) -> Path:
    w = PdfWriter(clone_from=str(src))
    _set_stream(w, page, b"")
    w.write(str(out))
    return out


def drop_glyph_map(src: Path, out: Path, page: int) -> Path:
    """The page's fonts as copies without /ToUnicode: its glyphs still print, its text layer names nothing."""
    w = PdfWriter(clone_from=str(src))
    fonts = w.pages[page - 1]["/Resources"]["/Font"]
    for name in list(fonts.keys()):
        copy = DictionaryObject(fonts[name].get_object())
        del copy[NameObject("/ToUnicode")]
        fonts[NameObject(name)] = w._add_object(copy)
    w.write(str(out))
    return out


__all__ = ["blank_page", "drop_glyph_map", "edit_text", "page_text", "swap_pages"]


def swap_pages(src: Path, out: Path, a: int, b: int) -> Path:
    """Pages a and b printed in each other's place."""
    from pypdf import PdfReader

    r = PdfReader(str(src))
    order = list(range(len(r.pages)))
    order[a - 1], order[b - 1] = order[b - 1], order[a - 1]
    w = PdfWriter()
    for i in order:
        w.add_page(r.pages[i])
    w.write(str(out))
    return out
