"""Opening workbook files: python-calamine (fast, the default) or openpyxl, with Chinese errors.

Nothing here writes: the user's file is only ever opened for reading.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from budget_xl.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_workbook_file(path: str | Path) -> Path:
    """Refuse, with a clear message, anything that is not a readable .xlsx / .xlsm."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("文件不存在。请检查路径和文件名。", file=name)
    if p.is_dir():
        raise InputError("这是一个文件夹，不是 Excel 工作簿。", file=name)
    suffix = p.suffix.lower()
    with p.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xls", ".et") or (head == OLE_MAGIC and suffix not in (".xlsx", ".xlsm")):
        raise InputError("不支持旧版 .xls 格式。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再试。", file=name)
    if head == OLE_MAGIC:
        raise InputError("文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                         "（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存再试。", file=name)
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"不是 Excel 工作簿（扩展名为“{p.suffix or '无'}”）。请提供 .xlsx 文件。", file=name)
    if not zipfile.is_zipfile(p):
        raise InputError("文件已损坏，或不是真正的 Excel 工作簿（无法按 .xlsx 格式打开）。", file=name)
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError("文件已损坏，无法按 .xlsx 格式打开。", file=name) from None
    if bad is not None or "xl/workbook.xml" not in names:
        raise InputError("文件已损坏，或不是 Excel 工作簿（缺少工作簿内容）。", file=name)
    return p


def load_grids_calamine(path: str | Path) -> dict[str, list[list]]:
    """Every sheet as rows of values from A1, read by python-calamine."""
    from python_calamine import CalamineWorkbook

    p = check_workbook_file(path)
    try:
        wb = CalamineWorkbook.from_path(str(p))
        grids = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            grids[name] = sheet.to_python(skip_empty_area=False)
        return grids
    except Exception as e:  # calamine raises its own error types for broken parts
        raise InputError(f"文件无法读取（{type(e).__name__}）：可能已损坏。请在 Excel 中打开后另存再试。",
                         file=str(path)) from None


def load_grids_openpyxl(path: str | Path) -> dict[str, list[list]]:
    """Every sheet as rows of values from A1, read by openpyxl (cached values, not formulas)."""
    import openpyxl

    p = check_workbook_file(path)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"文件无法读取（{type(e).__name__}）：可能已损坏。", file=str(path)) from None
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
                for ws in wb.worksheets}
    finally:
        wb.close()


ENGINES = {"calamine": load_grids_calamine, "openpyxl": load_grids_openpyxl}
