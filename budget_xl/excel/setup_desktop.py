"""``budget-xl excel-setup``: give a master workbook its buttons on desktop Excel (Windows, COM).

Imports xlwings' own VBA module (standalone: no add-in needed, the DLL comes with the Python package)
and ``BudgetXl`` (``vba.py``), writes the xlwings.conf sheet, puts the three buttons on a sheet of their
own and saves a copy as .xlsm. Needs "Trust access to the VBA project object model". The input file is
never written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.excel.vba import (
    BUTTON_SHEET,
    BUTTONS,
    IMPORT_FUNCTIONS_MACRO,
    MODULE_NAME,
    vba_module,
    write_conf_sheet,
)

XLWINGS_VBA = ("xlwings.bas", "addin/Dictionary.cls")
REPLACED_COMPONENTS = ("xlwings", "Dictionary", MODULE_NAME)
TRUST_HINT = ("Excel 不允许程序访问 VBA 工程。请在 Excel 中依次点“文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置”，"
              "勾选“信任对 VBA 工程对象模型的访问”，然后重新运行。")
INSTRUCTIONS = [
    ["预算公开助手"],
    [],
    ["校验", "检查表内、表间、项目和完整性关系：错误标红、警告标黄并加批注，结果列在“校验结果”工作表。"],
    ["重算汇总", "由明细重算合计数和上级科目行（明细数不动），每处改动记入“变更记录”工作表。"],
    ["导出说明", "生成情况说明，写入“情况说明”工作表，并在工作簿旁边另存 Word 文件。"],
    [],
    ["单元格函数", "ROLLUP(编码列, 金额列, 类或款编码)、WANYUAN(元)、ZENGJIAN(本年, 上年)、DAXIE(金额[, 单位])"],
]


def setup_workbook(src: Path, out: Path, interpreter: str | None = None) -> Path:
    """``interpreter`` None: no Interpreter_Win row (the copy works on any computer with Python)."""
    import xlwings as xw

    package = Path(xw.__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        bas = Path(tmp) / f"{MODULE_NAME}.bas"
        bas.write_bytes(vba_module().encode("ascii"))
        with xw.App(visible=False, add_book=False) as app:
            app.display_alerts = False
            book = app.books.open(str(src))
            try:
                components = book.api.VBProject.VBComponents
            except Exception:  # pywintypes.com_error: access to the VBA project is not trusted
                raise InputError(TRUST_HINT, file=str(src)) from None
            names = {c.Name for c in components}
            for name in REPLACED_COMPONENTS:
                if name in names:
                    components.Remove(components(name))
            for rel in XLWINGS_VBA:
                components.Import(str(package / rel))
            components.Import(str(bas))
            write_conf_sheet(book, interpreter=interpreter)
            _add_buttons(book)
            book.save(str(out))
            try:
                book.macro(IMPORT_FUNCTIONS_MACRO)()
                book.save()
            except Exception:  # noqa: BLE001 - the buttons work without the functions
                print(f"提示：单元格函数未能自动导入；请在 Excel 中运行宏 {IMPORT_FUNCTIONS_MACRO}"
                      "（开发工具 → 宏），或用 xlwings 加载项的 Import Functions。")
            book.close()
    return out


def _add_buttons(book) -> None:
    names = [s.name for s in book.sheets]
    if BUTTON_SHEET in names:
        sheet = book.sheets[BUTTON_SHEET]
        sheet.clear()
    else:
        sheet = book.sheets.add(name=BUTTON_SHEET, before=book.sheets[0])
    sheet.range("A1").value = INSTRUCTIONS
    sheet.range("A1").font.bold = True
    sheet.range("A:A").column_width = 14
    sheet.range("3:5").row_height = 28
    sheet.range("B:B").column_width = 90
    macros = {b.macro for b in BUTTONS}
    for shape in list(sheet.api.Buttons()):
        if shape.OnAction.split("!")[-1] in macros:
            shape.Delete()
    for i, b in enumerate(BUTTONS):  # each button covers the cell naming it (A3:A5)
        cell = sheet.range(f"A{3 + i}")
        button = sheet.api.Buttons().Add(cell.left, cell.top, cell.width, cell.height)
        button.OnAction = b.macro
        button.Caption = b.caption
        button.Name = b.macro
        button.PrintObject = False
