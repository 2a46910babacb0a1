"""The handlers where desktop Excel differs from Office.js: it can read a cell's own fill and note, so
marking keeps them and clearing the marks brings them back (the file twin ``mark_workbook`` does the
same), and 导出说明 also writes a Word file beside a saved workbook."""

from budget_xl.excel import handlers
from budget_xl.findings import ERROR
from budget_xl.mark import FILL, NOTE_PREFIX, STATE_SHEET
from budget_xl.marking.plan import LOCATE_FILL

from .fake_desktop import DesktopBook
from .fake_excel import with_value
from .test_handlers import CHANGED, cells_of, findings_of

OWN_FILL, OWN_NOTE = (255, 255, 0), ("请财务科核对", "张三")
RED = tuple(int(FILL[ERROR][i:i + 2], 16) for i in (2, 4, 6))
ORANGE = tuple(int(LOCATE_FILL[i:i + 2], 16) for i in (2, 4, 6))  # the cell to fix first (issue 17)


def test_desktop_keeps_the_cells_own_fill_and_note_and_restores_them(grids):
    book = DesktopBook(with_value(grids, CHANGED, 1465.88))
    t2 = book.sheets["收入总表"]
    t2.fills[(7, 3)] = OWN_FILL
    t2.cell_notes[(7, 3)] = OWN_NOTE
    handlers.validate(book)
    value, fill, note = book.cell(CHANGED)
    assert fill == ORANGE  # the LOCATE cell: apart from the red cells it explains
    assert note[0].startswith(NOTE_PREFIX)
    assert note[0].endswith(f"——原批注：{OWN_NOTE[0]}\n——原批注作者：{OWN_NOTE[1]}\n——原底色：FFFFFF00")
    assert note[1] == OWN_NOTE[1]  # the user's note object carries ours: its author stays
    state = {r[0]: r for r in book.sheets[STATE_SHEET].rows()[1:]}
    assert state[CHANGED][:5] == [CHANGED, "FFFFFF00", OWN_NOTE[0], OWN_NOTE[1], note[0]]
    assert not book.sheets[STATE_SHEET].visible

    # a second run on the same marks keeps the record of what the cell held before the first
    handlers.validate(book)
    assert {r[0]: r for r in book.sheets[STATE_SHEET].rows()[1:]}[CHANGED] == state[CHANGED]

    t2.values[(7, 3)] = 1365.88  # corrected
    handlers.validate(book)
    assert book.cell(CHANGED)[1:] == (OWN_FILL, (OWN_NOTE[0], OWN_NOTE[1]))
    others = cells_of(findings_of(with_value(grids, CHANGED, 1465.88)), ERROR) - {CHANGED}
    assert all(book.cell(ref)[1:] == (None, None) for ref in others)


def test_desktop_writes_in_blocks_not_cell_by_cell(grids):
    book = DesktopBook(with_value(grids, CHANGED, 1465.88))
    handlers.validate(book)
    marked = len(cells_of(findings_of(with_value(grids, CHANGED, 1465.88)), ERROR)) + 7
    # per marked cell: its fill and note are read and its note written; the rest is per sheet or block
    assert book.calls < 4 * marked + 3 * len(book.sheets) + 40


def test_export_narrative_on_desktop_also_writes_word_beside_the_workbook(grids, tmp_path):
    book = DesktopBook(grids, fullname=str(tmp_path / "主表.xlsx"))
    outcome = handlers.export_narrative(book)
    docx = tmp_path / "主表_情况说明.docx"
    assert outcome.files == [str(docx)]
    assert docx.read_bytes()[:2] == b"PK"
    assert book.sheets["情况说明"].cell("A1") == "承德市司法局2024年部门预算信息公开情况说明"


def test_export_narrative_of_an_unsaved_desktop_workbook_writes_only_the_sheet(grids):
    book = DesktopBook(grids, fullname="工作簿1")
    assert handlers.export_narrative(book).files == []


def test_a_desktop_button_reports_in_a_message_box(grids):
    book = DesktopBook(with_value(grids, "收入总表!D8", ""))
    handlers.run_for_button(book, handlers.recompute, show_outcome=True)
    assert book.app.alerts == ["重算汇总：改写 1 个单元格（明细见“变更记录”工作表）；校验错误 1 处 → 0 处。\n"
                               "  收入总表!D8 收入总表“20406 司法”合计：空白 → 1,365.88（原为空白，填入明细之和）"]
    assert book.cell("收入总表!D8")[0] == 1365.88


def _insert_row(sheet, at: int) -> None:
    """As Excel's 插入行 above the 0-based row ``at``: values, fills and notes below move down."""
    for store in (sheet.values, sheet.fills, sheet.cell_notes):
        moved = {((r + 1) if r >= at else r, c): v for (r, c), v in store.items()}
        store.clear()
        store.update(moved)


def test_desktop_takes_off_marks_where_inserted_rows_moved_them(grids):
    book = DesktopBook(with_value(grids, CHANGED, 1465.88))
    t2 = book.sheets["收入总表"]
    t2.fills[(7, 3)] = OWN_FILL
    t2.cell_notes[(7, 3)] = OWN_NOTE
    handlers.validate(book)
    # the user inserts a row above the table's data in the stand-in for Excel: the marks move down by one
    _insert_row(t2, 5)
    t2.values[(8, 3)] = 1365.88  # and corrects D8, now D9
    handlers.validate(book)
    assert (t2.fills.get((8, 3)), t2.cell_notes.get((8, 3))) == (OWN_FILL, OWN_NOTE)
    assert not any(v == RED for s in book.sheets for v in s.fills.values())
    assert not any(text.startswith(NOTE_PREFIX) for text, _author in t2.cell_notes.values())


def test_desktop_marks_a_merged_cell_on_the_merges_first_cell(grids):
    book = DesktopBook(with_value(grids, "收入总表!E8", ""))  # as merging D8:E8 in Excel leaves it
    t2 = book.sheets["收入总表"]
    t2.merges.append((7, 3, 7, 4))
    outcome = handlers.validate(book)
    assert "收入总表!D8" in outcome.cells and "收入总表!E8" not in outcome.cells
    assert (7, 4) not in t2.cell_notes and t2.cell_notes[(7, 3)][0].startswith(NOTE_PREFIX)
    rows = book.sheets["校验结果"].rows()
    assert any("收入总表!E8" in str(r) for r in rows)  # the finding still names the cell itself
