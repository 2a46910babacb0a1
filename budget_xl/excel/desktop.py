"""What the workbook's buttons call on desktop Excel.

The VBA module (``vba.py``) runs ``RunPython "import budget_xl.excel.desktop as m; m.validate_caller()"``:
a fixed ASCII module name, so renaming the workbook breaks nothing. The work is in ``handlers``.
"""

import xlwings as xw

from budget_xl.excel import handlers
from budget_xl.excel.book_io import BookIO


def _run(handler):
    book = xw.Book.caller()
    app = book.app
    app.screen_updating = False  # one repaint at the end instead of one per write
    try:
        return handlers.run_for_button(book, handler, show_outcome=True)
    finally:
        app.screen_updating = True


def validate_caller():
    """按钮“校验”。"""
    return _run(handlers.validate)


def recompute_caller():
    """按钮“重算汇总”：先列出将改写的单元格和保留的合计，确认后才写入。"""
    return _run(lambda book: handlers.recompute_confirmed(book, BookIO(book).confirm))


def export_narrative_caller():
    """按钮“导出说明”：情况说明写入工作表，并在工作簿旁边另存 Word 文件。"""
    return _run(handlers.export_narrative)
