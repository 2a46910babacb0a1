"""Cell references and blocks: turning many cells into few rectangles, so that a handler writes each
block with one call instead of one call per cell (each call is a COM round trip on desktop and one
JSON action on Office.js)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from budget_xl.a1 import address
from budget_xl.a1 import parse as a1_parse
from budget_xl.findings import split_ref

V = TypeVar("V")


def parse_a1(a1: str) -> tuple[int, int]:
    """'D5' → (4, 3): 0-based row and column."""
    return a1_parse(a1)


def a1(row: int, col: int) -> str:
    """(4, 3) → 'D5'."""
    return address(row, col)


@dataclass(frozen=True)
class Block:
    """A rectangle of one sheet, 0-based top-left corner."""

    sheet: str
    row: int
    col: int
    nrows: int = 1
    ncols: int = 1

    @property
    def address(self) -> str:
        first = a1(self.row, self.col)
        if self.nrows == 1 and self.ncols == 1:
            return first
        return f"{first}:{a1(self.row + self.nrows - 1, self.col + self.ncols - 1)}"

    def cells(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.row, self.row + self.nrows)
                for c in range(self.col, self.col + self.ncols)]


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover the cells with disjoint rectangles (row, col, nrows, ncols): horizontal runs first, then runs
    with the same columns on consecutive rows are stacked. A column of D7..D10 becomes one rectangle."""
    by_row: dict[int, list[int]] = {}
    for r, c in set(cells):
        by_row.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, prev))
                start = c
            prev = c
        runs.append((r, start, prev))
    open_: dict[tuple[int, int], list[int]] = {}  # (c0, c1) → [first row, last row]
    done: list[tuple[int, int, int, int]] = []
    for r, c0, c1 in runs:
        span = open_.get((c0, c1))
        if span and span[1] == r - 1:
            span[1] = r
            continue
        if span:
            done.append((span[0], c0, span[1] - span[0] + 1, c1 - c0 + 1))
        open_[(c0, c1)] = [r, r]
    for (c0, c1), (r0, r1) in open_.items():
        done.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    return sorted(done)


def blocks_by(refs: Mapping[str, V], key=lambda v: v) -> list[tuple[Hashable, Block]]:
    """'收入总表!D5' → value, grouped into blocks of equal ``key(value)`` per sheet (sheet order kept)."""
    groups: dict[tuple[str, Hashable], list[tuple[int, int]]] = {}
    for ref, value in refs.items():
        sheet, cell = split_ref(ref)
        groups.setdefault((sheet, key(value)), []).append(parse_a1(cell))
    out = []
    for (sheet, k), cells in groups.items():
        for r, c, nr, nc in rectangles(cells):
            out.append((k, Block(sheet, r, c, nr, nc)))
    return out


def value_blocks(values: Mapping[str, V]) -> list[tuple[Block, list[list[V]]]]:
    """'sheet!A1' → value, as blocks of adjacent cells with their matrix of values."""
    by_cell = {}
    for ref, v in values.items():
        sheet, cell = split_ref(ref)
        by_cell[(sheet, *parse_a1(cell))] = v
    out = []
    for _k, b in blocks_by(values, key=lambda _v: None):
        matrix = [[by_cell[(b.sheet, r, c)] for c in range(b.col, b.col + b.ncols)]
                  for r in range(b.row, b.row + b.nrows)]
        out.append((b, matrix))
    return out
