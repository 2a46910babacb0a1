"""The package scan's shortcuts (issue 19) give what the plain search gives: the merged ranges found from the
first ``mergeCell`` tag, and a formula's cell found in the few KB before it, whatever the sheet holds."""

from __future__ import annotations

import pytest

from budget_xl.read.files import _MERGE, _cell_start, _col_index, merged_ranges

FILLER = b'<c r="A1" s="1"><v>1</v></c>' * 400  # ~11 KB of cells: farther than the near window


@pytest.mark.parametrize("data", [
    b"<worksheet><sheetData>" + FILLER + b"</sheetData></worksheet>",
    b"<sheetData>" + FILLER + b'</sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/>'
    b'<mergeCell ref="C3:C9"/></mergeCells>',
    b'<x:sheetData><x:c r="A1" t="inlineStr"><x:is><x:t>mergeCell</x:t></x:is></x:c>' + FILLER
    + b'</x:sheetData><x:mergeCells><x:mergeCell ref="D4:E5"/></x:mergeCells>',
    b'<mergeCellx:mergeCell ref="A1:A2"/>' + FILLER + b'<mergeCell ref="B1:B3"/>',
])
def test_merged_ranges_as_plain_findall(data):
    assert merged_ranges(data) == plain_merges(data)


def plain_merges(data: bytes) -> list[tuple[int, int, int, int]]:
    return [(int(r1) - 1, _col_index(c1), int(r2) - 1, _col_index(c2)) for c1, r1, c2, r2 in _MERGE.findall(data)]


def naive(data: bytes, at: int) -> int:
    return max(data.rfind(b"<c ", 0, at), data.rfind(b"<c>", 0, at))


@pytest.mark.parametrize("data", [
    FILLER + b'<c r="B7"><f>SUM(A1:A6)</f></c>',
    b'<c r="A1"><v>1</v></c>' + b"<x/>" * 3000 + b"<f>1+1</f>",  # the cell opens far before its formula
    b"<f>1</f>" + FILLER,                                            # no cell before it at all
    b"<c>" + b" " * 5000 + b'<c t="e"><v>#N/A</v></c>',
])
def test_cell_start_as_plain_search(data):
    for at in range(0, len(data), 97):
        assert _cell_start(data, at) == naive(data, at)
    for hint in (data.find(b"<f"), data.find(b't="e"')):
        if hint >= 0:
            assert _cell_start(data, hint) == naive(data, hint)
    assert merged_ranges(data) == plain_merges(data)


def test_calamine_merges_as_the_scan_reads_them(tmp_path):
    """The reader takes merged ranges from python-calamine's parse: the same ranges the package scan finds
    (header merges of the sample, and ranges of one row, one column, far away, overlapping the edge)."""
    import openpyxl

    from budget_xl.read.files import load_grids_calamine, scan_package
    from budget_xl.sample import write_sample

    sample = write_sample(tmp_path / "s.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "x"
    for rng in ("B2:C2", "D3:D9", "AA100:AC120", "E1:F1"):
        ws.merge_cells(rng)
    odd = tmp_path / "m.xlsx"
    wb.save(odd)
    for path in (sample, odd):
        read = load_grids_calamine(path).merged
        scanned = {s: sorted(sc.merged) for s, sc in scan_package(path).items() if sc.merged}
        assert {s: sorted(m) for s, m in read.items()} == scanned
    assert sorted(load_grids_calamine(odd).merged["Sheet"]) == [(0, 4, 0, 5), (1, 1, 1, 2), (2, 3, 8, 3),
                                                                 (99, 26, 119, 28)]
