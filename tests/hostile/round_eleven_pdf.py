# ruff: noqa: E501
"""Hostile input, round eleven (published PDFs and texts as they really come): fake bold — every glyph
printed two or three times a fraction of a point apart, each text object again a little off, or the whole
page drawn twice; an OCR'd scan (each page a picture with the text layer over it invisible, render mode
3); our own ``document`` output saved as PDF by LibreOffice; fonts without a ToUnicode map (the whole
file, or some pages of it); comments and sticky notes over the tables; form fields (AcroForm) over the
tables; pages of mixed sizes (every third page scaled to A3, every third shrunk, a small blank page put
in); three blank pages; a thousand pages; texts with soft hyphens in titles and figures, hard-wrapped at
80 columns, UTF-8 read as Windows-1252 or Latin-1 and saved again (“é¢„ç®—”), a web page's source saved
as .txt.

Each builder writes one input into a folder and returns its path; ``tests/hostile/test_round_eleven_pdf.py``
asserts what each must give (on a short copy of the PDF, ``SHORT``), ``python -m tests.hostile.probe OUT
--round 11`` runs them through import, review, batch --review, batch --report and check.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from tests.hostile.round_four import SHANGHAI_PDF, seed_text, w

Builder = Callable[[Path], Path]


# -- PDFs ---------------------------------------------------------------------------------------------
SHORT = (0, 1, 5, 6, 7, 9, 20, 30)  # cover, contents, three pages of 编制说明, 收支总表, 财政拨款收支总表, 三公 (0-based)


def _writer(keep: tuple[int, ...] | None = None):
    """The Shanghai PDF to change: all of it, or only the pages ``keep`` (the tests' short copy)."""
    import pypdf

    if keep is None:
        return pypdf.PdfWriter(clone_from=pypdf.PdfReader(SHANGHAI_PDF))
    wr = pypdf.PdfWriter()
    r = pypdf.PdfReader(SHANGHAI_PDF)
    for i in keep:
        wr.add_page(r.pages[i])
    return wr


def _bytes(wr) -> bytes:
    out = io.BytesIO()
    wr.write(out)
    return out.getvalue()


def _restream(change: Callable[[bytes], bytes], keep: tuple[int, ...] | None) -> Callable[[], bytes]:
    """The Shanghai PDF with every page's content stream ``change``d."""
    def build() -> bytes:
        from pypdf.generic import DecodedStreamObject, NameObject

        wr = _writer(keep)
        for page in wr.pages:
            s = DecodedStreamObject()
            s.set_data(change(page.get_contents().get_data()))
            page[NameObject("/Contents")] = wr._add_object(s)
            page.compress_content_streams()
        return _bytes(wr)
    return build


def _bold_glyphs(times: int, step: int) -> Callable[[bytes], bytes]:
    """Each glyph shown ``times`` times, ``step`` text units (0.05 pt each here) apart: WPS's fake bold."""
    def change(data: bytes) -> bytes:
        def again(m: re.Match) -> bytes:
            g = m.group(0)
            return g + b"".join(b" %d 0 TD " % step + g for _ in range(times - 1)) + b" %d 0 TD" % (-(times - 1) * step)
        return re.sub(rb"<[0-9A-Fa-f]+>Tj", again, data)
    return change


def _bold_objects(data: bytes) -> bytes:
    """Each text object drawn again 0.3 pt right and 0.2 pt down."""
    return re.sub(rb"BT\r(.*?)ET", lambda m: m.group(0) + b"\rq 1 0 0 1 0.3 0.2 cm BT\r" + m.group(1) + b"ET Q", data, flags=re.S)


def _page_twice(data: bytes) -> bytes:
    """The whole page drawn twice, the second 0.3 pt off (filled, then stroked)."""
    return b"q 1 0 0 1 0.3 0 cm\n" + data + b"\nQ\n" + data


def _ocr(keep: tuple[int, ...] | None) -> bytes:
    """Every page a picture of itself (a scan) with the text layer drawn over it invisibly (3 Tr), as OCR
    software saves a searchable PDF."""
    import pypdf
    import pypdfium2 as pdfium
    from pypdf.generic import DecodedStreamObject, NameObject

    src = pdfium.PdfDocument(str(SHANGHAI_PDF))
    pictures = [src[i].render(scale=0.5).to_pil().convert("L") for i in (keep if keep is not None else range(len(src)))]
    src.close()
    scanned = io.BytesIO()
    pictures[0].save(scanned, "PDF", save_all=True, append_images=pictures[1:], resolution=36)
    scans = pypdf.PdfReader(io.BytesIO(scanned.getvalue())).pages
    wr = _writer(keep)
    for page, scan in zip(wr.pages, scans):
        s = DecodedStreamObject()
        s.set_data(page.get_contents().get_data().replace(b"BT\r", b"BT\r3 Tr\r"))
        page[NameObject("/Contents")] = wr._add_object(s)
        page.merge_page(scan)  # over the page: all a reader sees is the picture (WPS paints a white ground first)
    return _bytes(wr)


def _without_tounicode(keep: tuple[int, ...] | None, pages: range | None = None) -> Callable[[], bytes]:
    """The fonts of ``pages`` (0-based, of the PDF written; all when None) without their ToUnicode map: the
    text layer is the font's own codes (“౨ںೇ”, control characters for digits)."""
    def build() -> bytes:
        from pypdf.generic import DictionaryObject, NameObject

        wr = _writer(keep)
        for i in pages if pages is not None else range(len(wr.pages)):
            fonts = wr.pages[i]["/Resources"]["/Font"]
            for k in list(fonts):
                bare = DictionaryObject({kk: vv for kk, vv in fonts[k].get_object().items() if kk != "/ToUnicode"})
                fonts[NameObject(k)] = wr._add_object(bare)
        return _bytes(wr)
    return build


def _comments(keep: tuple[int, ...] | None) -> bytes:
    """A reviewer's comments over every page: a text box with a figure in it and a sticky note."""
    from pypdf.annotations import FreeText, Text

    wr = _writer(keep)
    for i in range(len(wr.pages)):
        wr.add_annotation(i, FreeText(text="请核实此数 12,345.67", rect=(300, 300, 500, 340), font_size="10pt"))
        wr.add_annotation(i, Text(text="审核意见：合计有误 999", rect=(100, 100, 120, 120)))
    return _bytes(wr)


def _form_fields(keep: tuple[int, ...] | None) -> bytes:
    """Text fields (AcroForm) holding a figure laid over every page."""
    from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    wr = _writer(keep)
    fields = ArrayObject()
    for i in range(len(wr.pages)):
        for k, (x, y) in enumerate([(400, 300), (600, 200)]):
            field = wr._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(f"金额{i}_{k}"),
                NameObject("/V"): TextStringObject("88,888.88"), NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
                NameObject("/Rect"): ArrayObject([FloatObject(x), FloatObject(y), FloatObject(x + 90), FloatObject(y + 14)]),
                NameObject("/F"): NumberObject(4)}))
            wr.pages[i].setdefault(NameObject("/Annots"), ArrayObject()).append(field)
            fields.append(field)
    wr._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): fields,
                                                                 NameObject("/NeedAppearances"): BooleanObject(True)})
    return _bytes(wr)


def _mixed_sizes(keep: tuple[int, ...] | None, blank: bool) -> Callable[[], bytes]:
    """Every third page (from the 2nd) scaled to A3, every third (from the 3rd) shrunk to 70 %; ``blank``: a
    small blank page put in after the 3rd."""
    def build() -> bytes:
        wr = _writer(keep)
        for i, page in enumerate(wr.pages):
            if i % 3 == 1:
                page.scale_by(1.41)
            elif i % 3 == 2:
                page.scale_by(0.7)
        if blank:
            wr.insert_blank_page(297, 420, 3)
        return _bytes(wr)
    return build


def _blank(n: int) -> bytes:
    from tests.hostile.round_four import _blank_pages

    return _blank_pages(n)


def _pages(n: int) -> bytes:
    from tests.hostile.round_four import _repeat

    return _repeat(SHANGHAI_PDF.read_bytes(), n)


def _libreoffice(folder: Path) -> Path:
    """Our own ``document`` output of the sample, saved as PDF by LibreOffice (``soffice --convert-to pdf``):
    import must give back the sample's figures."""
    import os
    import shutil
    import subprocess
    import sys

    work = folder / "转换"
    work.mkdir()
    for argv in (["sample", "-o", str(work / "样例.xlsx")], ["document", str(work / "样例.xlsx"), "-o", str(work / "公开.docx")]):
        subprocess.run([sys.executable, "-m", "budget_xl", *argv], check=True, capture_output=True, timeout=120)
    subprocess.run([shutil.which("soffice"), "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(work / "公开.docx")],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(work)})
    shutil.rmtree(work)
    return folder / "公开.pdf"


def pdf_inputs(keep: tuple[int, ...] | None = None) -> dict[str, Builder]:
    """Every PDF of the round, made from the Shanghai PDF, or from its pages ``keep`` (``SHORT``: the tests')."""
    some = range(21, 26) if keep is None else range(6, 7)  # 一般公共预算支出功能分类预算表, or 财政拨款收支总表
    every = {
        "pdf-bold-twice": w("假粗体两遍.pdf", _restream(_bold_glyphs(2, 6), keep)),
        "pdf-bold-thrice": w("假粗体三遍.pdf", _restream(_bold_glyphs(3, 4), keep)),
        "pdf-bold-objects": w("文字对象重印.pdf", _restream(_bold_objects, keep)),
        "pdf-page-twice": w("整页印两遍.pdf", _restream(_page_twice, keep)),
        "pdf-ocr": w("扫描件加文字层.pdf", lambda: _ocr(keep)),
        "pdf-no-tounicode": w("无字符映射.pdf", _without_tounicode(keep)),
        "pdf-no-tounicode-pages": w("几页无字符映射.pdf", _without_tounicode(keep, some)),
        "pdf-comments": w("带批注.pdf", lambda: _comments(keep)),
        "pdf-form-fields": w("带表单域.pdf", lambda: _form_fields(keep)),
        "pdf-mixed-sizes": w("页面大小不一.pdf", _mixed_sizes(keep, False)),
        "pdf-mixed-sizes-blank": w("页面大小不一加空白页.pdf", _mixed_sizes(keep, True)),
    }
    every["pdf-blank-pages"] = w("三页空白.pdf", lambda: _blank(3))
    if keep is None:
        every["pdf-1000-pages"] = w("一千页.pdf", lambda: _pages(1000))
        import shutil

        if shutil.which("soffice"):  # the probe's, where LibreOffice is installed (slow: about 20 s)
            every["pdf-libreoffice-roundtrip"] = _libreoffice
    return every


# -- texts --------------------------------------------------------------------------------------------
def _text(change: Callable[[str], str]) -> Callable[[], bytes]:
    return lambda: change(seed_text()).encode()


def _wrapped(t: str, width: int = 80) -> str:
    return "\n".join("\n".join(line[i:i + width] for i in range(0, len(line), width)) for line in t.split("\n"))


def _html(t: str) -> str:
    rows = "".join("<tr><td>" + line.replace("\t", "</td><td>") + "</td></tr>\n" for line in t.split("\n"))
    return f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>"


def text_inputs() -> dict[str, Builder]:
    return {
        "txt-soft-hyphen-titles": w("软连字符标题.txt", _text(lambda t: t.replace("预算", "预\u00ad算"))),
        "txt-soft-hyphen-figures": w("软连字符数字.txt", _text(lambda t: re.sub(r"(\d)(\d)\.", "\\1\u00ad\\2.", t))),
        "txt-wrapped-80": w("每行80字.txt", _text(_wrapped)),
        "txt-mojibake-1252": w("西文乱码.txt", lambda: seed_text().encode().decode("cp1252", errors="replace").encode()),
        "txt-mojibake-latin1": w("拉丁乱码.txt", lambda: seed_text().encode().decode("latin-1").encode()),
        "txt-html-source": w("网页源码.txt", _text(_html)),
    }


def all_inputs() -> dict[str, Builder]:
    return {**pdf_inputs(), **text_inputs()}


def short_inputs() -> dict[str, Builder]:
    """What the tests build: the PDFs from the short copy (``SHORT``), the texts as they are."""
    return {**pdf_inputs(SHORT), **text_inputs()}
