"""``--mark``, ``fill`` and the add-in's files on a workbook holding what openpyxl cannot keep (text boxes,
pictures, x14 validations …): openpyxl writes its copy as always, and ``package.write_lossless`` carries only
the cells we meant to change, our notes and our sheets from it into the user's own package."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.read.editable import load_for_edit
from budget_xl.write.package import CellEdit, openpyxl_would_lose, write_lossless


def lossless_needed(src: str | Path) -> list[str]:
    """What openpyxl would drop from ``src`` (empty: its own copy loses nothing that matters)."""
    return openpyxl_would_lose(src)


def _macro_check(src: Path, out: Path) -> None:
    import zipfile

    with zipfile.ZipFile(src) as z:
        has_vba = any(n.endswith("vbaProject.bin") for n in z.namelist())
    if has_vba and out.suffix.lower() != ".xlsm":
        raise InputError(f"这个工作簿含有宏（VBA），输出文件“{out.name}”应以 .xlsm 为扩展名，否则宏会丢失；"
                         "未写出文件。", file=str(src))


def mark_keeping(src: Path, out: Path, findings, now=None, warn=None, coverage=None) -> Path:
    from budget_xl.findings import split_ref
    from budget_xl.marking.state import STATE_SHEET
    from budget_xl.marking.xlsx import RESULT_SHEET, mark_workbook, plan_for_workbook

    _macro_check(src, out)
    with tempfile.TemporaryDirectory(prefix="budget-xl-") as d, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        theirs = Path(d) / ("openpyxl" + out.suffix)
        mark_workbook(src, theirs, findings, now=now, warn=warn, coverage=coverage, keep_all=False)
        plan = plan_for_workbook(load_for_edit(src), findings, source=src.name, now=now, coverage=coverage)
        edits: dict[str, CellEdit] = {}
        noted: set[str] = set()
        for r in plan.restore:
            if r.fill is not None:
                edits[r.cell] = CellEdit(fill=r.fill)
            if r.note is not None:
                noted.add(split_ref(r.cell)[0])
        for m in plan.marks:
            edits[m.cell] = CellEdit(fill=m.fill)
            if m.note is not None:
                noted.add(split_ref(m.cell)[0])
        return write_lossless(src, theirs, out, edits, our_sheets=[RESULT_SHEET, STATE_SHEET], noted_sheets=noted)


def fill_keeping(src: Path, out: Path, changes, now=None, force: bool = False, held=()):
    """重算汇总 into the user's own package: the totals' cells and the 变更记录 sheet, nothing else."""
    from budget_xl.writeback import LOG_SHEET, apply_changes

    _macro_check(src, out)
    with tempfile.TemporaryDirectory(prefix="budget-xl-") as d, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        theirs = Path(d) / ("openpyxl" + out.suffix)
        written, formulas = apply_changes(src, theirs, changes, now=now, force=True, held=held, keep_all=False)
        wb = load_for_edit(src)
        edits = {}
        for c in written:
            from budget_xl.findings import split_ref

            sheet, a1 = split_ref(c.cell)
            cell = wb[sheet][a1]
            money = cell.is_date or not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool)
            edits[c.cell] = CellEdit(value=c.new, money_format=money)
        from budget_xl import outputs

        outputs.write_with(out, lambda tmp: write_lossless(src, theirs, tmp, edits, our_sheets=[LOG_SHEET],
                                                            recalc=True), force)
    return written, formulas


# -- an old .xls: read as it is, written as an .xlsx beside it ---------------------------------------------------
XLS_NOTE = "输入是旧版 .xls 文件（不能原样写回），输出已另存为 Excel 工作簿 .xlsx："


def xlsx_name(path: Path) -> Path:
    """Where an output named after an .xls goes: the same name as .xlsx."""
    return path.with_suffix(".xlsx") if path.suffix.lower() == ".xls" else path


def xlsx_from_xls(src: Path, folder: Path) -> tuple[Path, bool]:
    """An .xlsx copy of an old .xls in ``folder``: converted by LibreOffice when installed (formats, merged cells
    and print settings kept), else rebuilt from its values (then ``False``: its formatting is not carried)."""
    import shutil
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        try:
            subprocess.run([exe, f"-env:UserInstallation=file://{folder}/lo", "--headless", "--convert-to", "xlsx",
                            "--outdir", str(folder), str(src)], check=True, capture_output=True, timeout=180)
            out = folder / (src.stem + ".xlsx")
            if out.exists():
                return out, True
        except (subprocess.SubprocessError, OSError):
            pass
    import openpyxl

    from budget_xl.read.files import load_grids_calamine

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, grid in load_grids_calamine(src).items():
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append([v if isinstance(v, (str, int, float)) or v is None else str(v) for v in row])
    out = folder / (src.stem + ".xlsx")
    wb.save(out)
    return out, False


def from_xls(src: Path, write) -> object:
    """``write(xlsx_src)`` on an .xlsx copy of the .xls ``src``; the copy's look is said on standard error when
    only its values could be carried."""
    import sys

    with tempfile.TemporaryDirectory(prefix="budget-xl-xls-") as d:
        copy, kept = xlsx_from_xls(src, Path(d))
        if not kept:
            sys.stderr.write("注意：本机没有 LibreOffice，旧版 .xls 的格式（字体、边框、合并单元格）未能带到 .xlsx 输出中，"
                             "只带了各单元格的内容。\n")
        return write(copy)
