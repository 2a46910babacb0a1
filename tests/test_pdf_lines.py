"""Words of one printed line make one line, whatever their fonts and sizes; two rows stay two lines.

Published PDFs mix a Latin font into CJK text (“承德市司法局 2024 年…”: the digits' box stands higher) and centre a
large “合计” in its row beside small figures: neither the boxes' tops nor their baselines agree there (pypdfium2
5 gives the loose boxes that split them). Generated here: one-page PDFs in the standard fonts, each line a
label and a figure in two fonts and sizes, centred in its row as a spreadsheet prints it, read by both readers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# a font's loose box (ascent, descent per unit of size): what pdfium and pdfminer centre a glyph's box by
FONTS = {"Helvetica": (0.718, -0.207), "Times-Roman": (0.683, -0.217), "Courier": (0.629, -0.157)}


def _pdf(path: Path, lines: list[list[tuple[str, str, float, float]]], row_height: float) -> Path:
    """Each line: (text, font, size, x) words centred on the same middle; lines ``row_height`` apart."""
    names = list(FONTS)
    ops = []
    for i, words in enumerate(lines):
        middle = 700 - i * row_height
        for text, font, size, x in words:
            asc, desc = FONTS[font]
            baseline = middle - (asc + desc) / 2 * size
            ops.append(f"BT /F{names.index(font) + 1} {size} Tf {x} {baseline:.2f} Td ({text}) Tj ET")
    content = "\n".join(ops).encode()
    fonts = " ".join(f"/F{i + 1} {4 + i} 0 R" for i in range(len(names)))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << {fonts} >> >> "
            f"/Contents {4 + len(names)} 0 R >>".encode(),
            *(f"<< /Type /Font /Subtype /Type1 /BaseFont /{n} >>".encode() for n in names),
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _read(path: Path, engine: str) -> list[str]:
    from budget_xl.importers.pdf import _lines_pdfium, _lines_pdfplumber

    lines = _lines_pdfium(path) if engine == "pdfium" else _lines_pdfplumber(path)
    return [" ".join(w.text for w in line.words) for line in lines]


VARIANTS = [  # (label font, label size, figure font, figure size): a title, a 合计 row, a plain row
    ("Helvetica", 22, "Times-Roman", 22), ("Times-Roman", 17, "Helvetica", 9), ("Helvetica", 16, "Courier", 8),
    ("Courier", 12, "Times-Roman", 10), ("Helvetica", 9, "Helvetica", 9), ("Times-Roman", 20, "Courier", 11),
]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("label_font,label_size,figure_font,figure_size", VARIANTS)
def test_a_label_and_a_figure_in_other_fonts_and_sizes_read_as_one_line(tmp_path, engine, label_font, label_size,
                                                                          figure_font, figure_size):
    row = max(label_size, figure_size) * 1.5  # rows as close as a spreadsheet prints them
    lines = [[("Total", label_font, label_size, 100), ("9,066.79", figure_font, figure_size, 400)],
             [("201", figure_font, figure_size, 50), ("Public", figure_font, figure_size, 150),
              ("6,463.55", figure_font, figure_size, 400)],
             [("20102", figure_font, figure_size, 50), ("Affairs", label_font, figure_size, 150),
              ("2,603.24", figure_font, figure_size, 400)]]
    got = _read(_pdf(tmp_path / "t.pdf", lines, row), engine)
    assert got == ["Total 9,066.79", "201 Public 6,463.55", "20102 Affairs 2,603.24"]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_rows_of_small_print_stay_apart(tmp_path, engine):
    lines = [[(f"{i}", "Helvetica", 8, 50), (f"{i}.00", "Times-Roman", 8, 400)] for i in range(1, 6)]
    got = _read(_pdf(tmp_path / "t.pdf", lines, 9.5), engine)
    assert got == [f"{i} {i}.00" for i in range(1, 6)]
