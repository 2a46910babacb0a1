"""The ribbon buttons 校验 / 重算汇总 / 导出说明 as xlwings Server custom scripts.

Thin wrappers: the work is in ``budget_xl.excel.handlers``, shared with desktop Excel. The server
decorators are imported from ``xlwings.server`` explicitly, so they do not depend on
XLWINGS_ON_SERVER having been set before xlwings was first imported. Each runs in a worker thread
(xlwings Server would run a plain function on its event loop): while one user's large workbook is being
checked, the same worker process still answers the others.
"""

import asyncio

import xlwings as xw
from xlwings.server import script

from budget_xl.excel import handlers


async def _in_thread(book, handler):
    await asyncio.to_thread(handlers.run_for_button, book, handler)


@script
async def validate(book: xw.Book):
    """校验：表内、表间、项目和完整性关系；错误标红、警告标黄，结果写入“校验结果”工作表。"""
    await _in_thread(book, handlers.validate)


@script
async def recompute(book: xw.Book):
    """重算汇总：由明细重算合计和上级科目行，改动记入“变更记录”工作表。"""
    await _in_thread(book, handlers.recompute)


@script
async def recompute_preview(book: xw.Book):
    """预览重算：列出重算汇总将改写的单元格（原数 → 新数、原因）和保留的合计，不改动工作簿。"""
    await asyncio.to_thread(handlers.run_for_button, book, handlers.recompute_preview, show_outcome=True)


@script
async def export_narrative(book: xw.Book):
    """导出说明：把情况说明写入“情况说明”工作表。"""
    await _in_thread(book, handlers.export_narrative)
