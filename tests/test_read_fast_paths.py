"""The read path's shortcuts (issue 19) give what the general path gives, on generated values: each parse
function's fast branch against its general one, the grid reader's in-line cells against reading every cell
through ``_value``, the scan's one-search extent proof against ``sheet_extent``, its byte-search hints against
the regex, and the CRC check that keeps the sheets against ``ZipFile.testzip``."""

from __future__ import annotations

import io
import math
import random
import zipfile
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_xl.errors import InputError
from budget_xl.read import files, grid, values
from budget_xl.read.values import CellError, Uncached

FAST = settings(max_examples=300, deadline=None, derandomize=True)

# texts of the kinds a cell holds: codes, amounts typed as text, full-width, blanks, control characters
TEXT = st.text(alphabet=st.sampled_from(list("0123456789 .,-%()（）") + ["１", "２", "．", "\u3000", "\u200b", "\t",
                                         "\n", "\x01", "\x7f", "\x85", "\ufffe", "合", "计", "a", "Z", "—", "\u2212"]),
               max_size=12)
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(-10**17, 10**17).map(lambda n: n / 100),            # amounts of two decimals
                   st.integers(-10**9, 10**9).map(lambda n: n / 10**7),            # more than six decimals
                   st.sampled_from([0.0, -0.0, 1e15, -1e15, 1e15 - 0.5, 0.1 + 0.2, 1e-05, 1.5e-07, 123.0]))


def same(a, b) -> bool:
    """Equal and printed alike (1.0 is not 1.00, -0.0 is not 0.0)."""
    return type(a) is type(b) and (a == b or a is b or (a != a and b != b)) and str(a) == str(b)


@FAST
@given(FLOATS, st.booleans())
def test_float_fast_path_as_general_path(x, percent):
    fast, general = values.parse_number(x, percent=percent), values._parse_number(x, percent)
    assert same(fast.value, general.value) and fast.how == general.how


@FAST
@given(FLOATS)
def test_grid_float_cache_entry_as_parse_number(x):
    d = grid._float_amount(x)
    if d is not grid._SLOW:
        p = values.parse_number(x)
        assert same(d, p.value) and p.how == "number"
    else:
        assert not (math.isfinite(x) and abs(x) < 1e15 and "e" not in repr(x) and len(repr(x).split(".")[1]) <= 6)


@FAST
@given(TEXT)
def test_text_fast_paths_as_general_paths(s):
    assert values.parse_code(s) == values._parse_code(s)
    assert values.parse_text(s) == values._parse_text(s)
    assert values.has_control_chars(s) == (values._CONTROL.search(s) is not None)
    assert values.strip_control_chars(s) == values._CONTROL.sub("", s)
    fast, general = values.parse_number(s), values._parse_number(s, False)
    assert same(fast.value, general.value) and fast.how == general.how


# -- the grid reader: every cell in line vs every cell through _value ---------------------------------------
def every_cell_through_value(self, r, cols, row, skip=()):
    """The reader before its in-line shortcuts: each cell of the row read by ``_value``."""
    line = self.grid[r] if r < len(self.grid) else ()
    for col in self.layout.columns:
        if col.key in skip or col.type == "seq":
            continue
        c = cols[col.key]
        where = f"{self._prefix(c)}{r + 1}"
        row.cells[col.key] = where
        self._value(r, c, line[c] if c < len(line) else None, where, col, row)


def dump(result) -> list:
    out = []
    for key, t in result.budget.tables.items():
        out.append((key, t.unit, t.sheet, t.present, t.notes, t.title_cell))
        for row in t.rows:
            out.append((row.key, row.line, row.side, sorted(row.invalid), list(row.cells.items()),
                        [(k, type(v).__name__, str(v)) for k, v in row.values.items()]))
    return out + [(f.rule, f.severity, f.message, f.cells) for f in result.notes]


@pytest.fixture(scope="module")
def sample_grids(tmp_path_factory):
    from budget_xl.sample import write_sample

    return files.load_grids_calamine(write_sample(tmp_path_factory.mktemp("s") / "sample.xlsx"))


PRINTABLE = st.text(alphabet=st.sampled_from(list("0123456789 .-%合计机关") + ["１", "２", "．"]), max_size=10)
CELL = st.one_of(st.none(), st.just(""), FLOATS, TEXT, PRINTABLE, st.integers(-10**16, 10**16), st.booleans(),
                 st.sampled_from([CellError("#REF!"), Uncached("SUM(A1:A2)"), Decimal("12.30"), Decimal("NaN"),
                                  date(2024, 1, 2), datetime(2024, 1, 2, 3, 4), "2011303", "合计", "  机关服务 "]))


SHEETS = ["收入总表", "支出总表", "一般公共预算支出表", "项目", "绩效指标", "三公经费表", "财拨收支总表"]


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(SHEETS), st.integers(0, 40), st.integers(0, 13), CELL),
                min_size=20, max_size=120),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 12), st.integers(1, 3)), max_size=2))
def test_grid_reader_in_line_cells_as_every_cell_through_value(sample_grids, edits, merges):
    grids = files.Grids({name: [list(r) for r in g] for name, g in sample_grids.items()})
    grids.hidden = set()
    first = {t.sheet: min(r.line for r in t.rows) - 1 for t in grid.read_grids(grids).budget.tables.values()
             if t.rows and t.sheet in SHEETS}  # edits below the headers, so the sheet is still read
    for sheet, r, c, v in edits:
        g, r = grids[sheet], first[sheet] + r
        if r < len(g):
            g[r].extend([None] * (c + 1 - len(g[r])))
            g[r][c] = v
    grids.merged = {"收入总表": [(first["收入总表"] + r, c, first["收入总表"] + r + n, c) for r, c, n in merges]}
    fast = dump(grid.read_grids(grids, source="x.xlsx"))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(grid._SheetReader, "_values", every_cell_through_value)
        assert dump(grid.read_grids(grids, source="x.xlsx")) == fast, edits


def test_coded_amounts_are_decimal_or_none(sample_grids):
    """_coded tells a row with amounts by identity with None: its amount values are only Decimal or None."""
    r = grid.read_grids(sample_grids)
    for t in r.budget.tables.values():
        if t.layout.kind == "coded":
            for row in t.rows:
                assert all(row.values.get(k) is None or isinstance(row.values[k], Decimal)
                           for k in t.layout.amount_columns)


# -- the package scan ------------------------------------------------------------------------------------
def sheet_xml(rnd: random.Random) -> bytes:
    """Rows of cells with references of 1–3 letters and 1–7 digits, some without r=, some odd tags."""
    out = []
    for _ in range(rnd.randint(0, 6)):
        cells = []
        for _ in range(rnd.randint(0, 5)):
            kind = rnd.random()
            if kind < 0.7:
                letters = "".join(rnd.choice("ABZ") for _ in range(rnd.choice([1, 1, 1, 2, 3])))
                ref = f'r="{letters}{rnd.choice([1, 9, 40, 9999, 99999, 100000, 199999, 1048576])}"'
                cells.append(f'<c {ref} s="1"><v>1</v></c>' if rnd.random() < 0.8 else f'<c s="1" {ref}/>')
            else:
                cells.append(rnd.choice(["<c><v>1</v></c>", "<c/>", '<c\tr="A1"/>', '<x:c r="A1"/>', "<col/>",
                                         '<c r="A1" r="ZZ150000"/>', '<c r="B2" s="1"\nr="C3"/>',
                                         '<c t="e"><v>#N/A</v></c>', "<f>1</f>", '<c r="a1"/>',
                                         '<c r="B2" t="e"><v>#DIV/0!</v></c>', '<c r="C3" s="2" t="e"/>',
                                         '<c r="D4"><f>SUM(A1:A3)</f></c>', '<c r="D5" s="1"><f>1</f><v>2</v></c>',
                                         '<c r="E6" t="e" r="XFD9"/>', "<c r='A1'/>", '<c r="A1"s="1"/>',
                                         '<c r="F7" t="str"><f>A1</f><v></v></c>']))
        row = rnd.choice(['<row r="{}">'.format(rnd.choice([1, 5, 200000])), "<row>"])
        out.append(row + "".join(cells) + "</row>")
    return ("<worksheet><sheetData>" + "".join(out) + "</sheetData></worksheet>").encode()


def test_one_search_proves_what_sheet_extent_measures():
    proven = 0
    for seed in range(3000):
        data = sheet_xml(random.Random(seed))
        real_extent = files.sheet_extent
        with mock.patch.object(files, "sheet_extent", wraps=real_extent) as measured:
            scan = files.SheetScan()
            try:
                files._scan_sheet(data, scan, "表", "f.xlsx")
                refused = False
            except InputError:
                refused = True
        rows, cols = real_extent(data)
        assert refused == (rows > files.MAX_ROWS or cols > files.MAX_COLS or rows * cols > files.MAX_CELLS), data
        if not measured.called:  # the searches proved the sheet small
            proven += 1
            assert rows <= 99_999 and cols <= 26, data
        if not refused:  # error cells and formulas without a result: what the full scan of every hint finds
            full = files.SheetScan()
            files._scan_cells(data, full, prefixed=True)
            assert (scan.errors, scan.uncached) == (full.errors, full.uncached), data
    assert 100 < proven < 3000  # both ways taken


@FAST
@given(st.lists(st.sampled_from([b't="e"', b'<f', b'<f>', b'<fo', b"<f_", b"<f ", b"t=", b'"e"', b"x", b"<c ",
                                 b"<f1", b"<f-", b"t=\"e\"<f"]), max_size=12))
def test_hints_by_byte_search_as_regex(parts):
    data = b"".join(parts)
    assert files._hints(data, prefixed=False) == [m.start() for m in files._HINT.finditer(data)]


@pytest.mark.parametrize("cell, refused", [
    ('<c r="A1" r="XFD1048576"><v>1</v></c>', True),   # calamine places a cell by its last r=
    ('<c r="A1" s="0" r="ZZ9000"/>', True),
    ('<c r="B2" r="C3"/>', False),
])
def test_a_cell_with_two_references_is_measured_by_its_last(tmp_path, cell, refused):
    from budget_xl.errors import InputError
    from budget_xl.sample import write_sample

    src = write_sample(tmp_path / "s.xlsx")
    out = tmp_path / "two.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'<row r="9999">{cell}</row></sheetData>'.encode(), 1)
            z.writestr(info, data)
    if refused:
        with pytest.raises(InputError, match="远超"):
            files.scan_package(out)
    else:
        files.scan_package(out)


def test_crc_check_that_keeps_the_sheets_as_testzip():
    def package(sheet: bytes) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("xl/workbook.xml", b"<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        return buf.getvalue()

    good = package(b"<worksheet>AAAA</worksheet>")
    bad = good.replace(b"AAAA", b"AAAB")  # the stored bytes no longer match their CRC
    for data, named in ((good, None), (bad, "xl/worksheets/sheet1.xml")):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            kept: dict[str, bytes] = {}
            assert files._test_members(z, kept) == z.testzip() == named
            if named is None:
                assert kept == {"xl/worksheets/sheet1.xml": z.read("xl/worksheets/sheet1.xml")}
