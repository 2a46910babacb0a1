"""A stand-in for a workbook opened in desktop Excel, to exercise what only desktop can do: read a
cell's own fill and its note's text and author. It answers like xlwings' COM engine does (RGB tuples,
None for no fill, Note objects with text and author) for the calls the handlers make, and counts them."""

from __future__ import annotations

from budget_xl.excel.ranges import a1, parse_a1


class _Engine:
    name = "excel"


class _App:
    engine = _Engine()

    def __init__(self):
        self.alerts: list[str] = []
        self.screen_updating = True

    def alert(self, prompt, title=None, **_kw):
        self.alerts.append(prompt)


class _Sink:
    """font, number formats, widths: accepted, not modelled."""

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)


class Note:
    def __init__(self, sheet, cell):
        self._sheet, self._cell = sheet, cell

    @property
    def text(self):
        return self._sheet.cell_notes[self._cell][0]

    @text.setter
    def text(self, value):
        self._sheet.cell_notes[self._cell] = (value, self._sheet.cell_notes[self._cell][1])

    @property
    def author(self):
        return self._sheet.cell_notes[self._cell][1]

    @property
    def location(self):
        return Range(self._sheet, *self._cell)

    def delete(self):
        del self._sheet.cell_notes[self._cell]


class Range:
    def __init__(self, sheet, r0, c0, r1=None, c1=None):
        self.sheet, self.r0, self.c0 = sheet, r0, c0
        self.r1, self.c1 = (r0 if r1 is None else r1), (c0 if c1 is None else c1)
        self.font = _Sink()
        sheet.book.calls += 1

    def _cells(self):
        return [(r, c) for r in range(self.r0, self.r1 + 1) for c in range(self.c0, self.c1 + 1)]

    def options(self, **_kw):
        return self

    @property
    def row(self):
        return self.r0 + 1

    @property
    def column(self):
        return self.c0 + 1

    def _merge(self):
        return next((m for m in self.sheet.merges if m[0] <= self.r0 <= m[2] and m[1] <= self.c0 <= m[3]), None)

    @property
    def merge_cells(self):
        return self._merge() is not None

    @property
    def merge_area(self):
        m = self._merge()
        return Range(self.sheet, *m) if m else self

    @property
    def address(self):
        first = "$" + a1(self.r0, self.c0).replace(str(self.r0 + 1), "") + "$" + str(self.r0 + 1)
        if (self.r0, self.c0) == (self.r1, self.c1):
            return first
        return first + ":$" + a1(self.r1, self.c1).replace(str(self.r1 + 1), "") + "$" + str(self.r1 + 1)

    @property
    def last_cell(self):
        return Range(self.sheet, self.r1, self.c1)

    @property
    def value(self):
        return [[self.sheet.values.get((r, c)) for c in range(self.c0, self.c1 + 1)]
                for r in range(self.r0, self.r1 + 1)]

    @value.setter
    def value(self, matrix):
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]
                if v in (None, ""):
                    self.sheet.values.pop((self.r0 + i, self.c0 + j), None)
                else:
                    self.sheet.values[(self.r0 + i, self.c0 + j)] = v

    @property
    def color(self):
        return self.sheet.fills.get((self.r0, self.c0))

    @color.setter
    def color(self, value):
        for cell in self._cells():
            if value is None:
                self.sheet.fills.pop(cell, None)
            else:
                h = value.lstrip("#")
                self.sheet.fills[cell] = (int(h[:2], 16), int(h[2:4], 16), int(h[4:], 16))

    @property
    def note(self):
        return Note(self.sheet, (self.r0, self.c0)) if (self.r0, self.c0) in self.sheet.cell_notes else None

    def add_note(self, text):
        assert (self.r0, self.c0) not in self.sheet.cell_notes, "This cell already has a note"
        self.sheet.cell_notes[(self.r0, self.c0)] = (text, "财务科")
        return self.note

    number_format = wrap_text = column_width = None


class Sheet:
    def __init__(self, book, name, grid=()):
        self.book, self.name, self.visible = book, name, True
        self.values = {(r, c): v for r, row in enumerate(grid) for c, v in enumerate(row) if v not in (None, "")}
        self.fills: dict[tuple[int, int], tuple] = {}
        self.cell_notes: dict[tuple[int, int], tuple[str, str]] = {}  # (row, col) → (text, author)
        self.merges: list[tuple[int, int, int, int]] = []  # (r0, c0, r1, c1), 0-based

    def range(self, first, last=None):
        if isinstance(first, tuple):
            r0, c0 = first[0] - 1, first[1] - 1
            r1, c1 = (last[0] - 1, last[1] - 1) if last else (r0, c0)
            return Range(self, r0, c0, r1, c1)
        lo, _, hi = first.partition(":")
        (r0, c0), (r1, c1) = parse_a1(lo), parse_a1(hi or lo)
        return Range(self, r0, c0, r1, c1)

    __getitem__ = range

    @property
    def notes(self):
        """As xlwings' ``sheet.notes``: every note of the sheet, each knowing its cell."""
        return [Note(self, cell) for cell in sorted(self.cell_notes)]

    @property
    def used_range(self):
        if not self.values:
            return Range(self, 0, 0)
        return Range(self, 0, 0, max(r for r, _ in self.values), max(c for _, c in self.values))

    def clear(self):
        self.values, self.fills, self.cell_notes = {}, {}, {}

    def clear_contents(self):
        self.values = {}

    def activate(self):
        self.book.active = self.name

    def cell(self, ref_a1):
        return self.values.get(parse_a1(ref_a1))

    def rows(self):
        return self.range((1, 1), (self.used_range.r1 + 1, self.used_range.c1 + 1)).value


class Sheets(list):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name=None, before=None, after=None):
        sheet = Sheet(self.book, name)
        ix = self.index(before) if before is not None else self.index(after) + 1 if after is not None else len(self)
        self.insert(ix, sheet)
        return sheet


class DesktopBook:
    def __init__(self, grids: dict, fullname: str = "C:\\预算\\主表.xlsx"):
        self.app = _App()
        self.calls = 0
        self.active = None
        self.fullname = fullname
        self.name = fullname.replace("\\", "/").rsplit("/", 1)[-1]
        self.sheets = Sheets(self)
        for name, grid in grids.items():
            self.sheets.append(Sheet(self, name, grid))

    def cell(self, ref: str) -> tuple[object, tuple | None, tuple[str, str] | None]:
        """(value, fill, note) of 'sheet!A1'."""
        name, cell = ref.split("!")
        sheet, key = self.sheets[name], parse_a1(cell)
        return sheet.values.get(key), sheet.fills.get(key), sheet.cell_notes.get(key)


__all__ = ["DesktopBook", "a1"]
