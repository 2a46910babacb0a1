"""The pipeline's sub-commands: check (校验), fill (重算汇总), and those contributed by other packages."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.markup import escape

from budget_xl import outputs
from budget_xl.errors import InputError
from budget_xl.read.files import is_xls
from budget_xl.write.keep import XLS_NOTE, xlsx_name


def _out_path(src: Path, out: str | None, in_place: bool, force: bool = False) -> Path:
    if in_place:
        if out:
            raise InputError("-o 与 --in-place 只能选一个。", file=str(src))
        return src
    if not out:
        raise InputError("请用 -o 指定输出文件（不会改动原文件）；确需改写原文件时用 --in-place（会先备份）。", file=str(src))
    return outputs.prepare(out, inputs=[src], force=force)


def cmd_check(args) -> int:
    from budget_xl.inputs import each_once
    from budget_xl.report import print_findings, to_json
    from budget_xl.terminal import make_console

    files = each_once([Path(f) for f in args.file])
    force = getattr(args, "force", False)
    if args.summary:
        outputs.prepare(args.summary, inputs=files, suffixes=(".xlsx",), what="汇总表")
    if len(files) > 1:
        return _check_many(files, args)
    src = files[0]
    xls = is_xls(src)
    if xls and args.mark:  # an .xls is read as it is; its marked copy is an .xlsx
        args.mark = str(xlsx_name(Path(args.mark)))
    mark = outputs.prepare(args.mark, inputs=[src], what="--mark 的输出文件") if args.mark else None
    findings, coverage = _check_one(src, mark, force)
    if getattr(args, "budget", None):
        findings = _against_budget(src, Path(args.budget)) + findings
    if args.json:
        sys.stdout.write(to_json(str(src), findings, coverage) + "\n")
    else:
        console = make_console()
        print_findings(console, str(src), findings, show_info=not args.no_info, coverage=coverage)
        if args.mark:
            if xls:
                console.print(XLS_NOTE + escape(args.mark), soft_wrap=True)
            console.print(f"已写出标注副本：{escape(args.mark)}（错误标红、警告标黄，详见“校验结果”工作表）", soft_wrap=True)
    if args.summary:
        _write_summary(Path(args.summary), [(src, findings, None, coverage)], force)
    return 1 if any(f.severity == "error" for f in findings) else 0


def _against_budget(src: Path, plan_path: Path) -> list:
    """``--budget``: the 预算数 the 决算 prints against the year's published 预算 (a workbook, or its PDF)."""
    from budget_xl.read import read_workbook
    from budget_xl.rules.against_budget import against_budget

    final = read_workbook(src).budget
    if final.kind != "决算":
        raise InputError("--budget 只用于部门决算工作簿（与当年的部门预算核对）；这是一份部门预算。", file=str(src))
    if plan_path.suffix.lower() == ".pdf":
        from budget_xl.importers.pdf import import_pdf

        plan = import_pdf(plan_path)[0]
    else:
        plan = read_workbook(plan_path).budget
    if plan.kind != "预算":
        raise InputError("--budget 应给出部门预算（主表工作簿或 PDF），这是一份部门决算。", file=str(plan_path))
    if plan.year and final.year and plan.year != final.year:
        raise InputError(f"预算文件是{plan.year}年的，决算是{final.year}年的：应给出同一年度的部门预算。", file=str(plan_path))
    return against_budget(final, plan, plan_path.name)


def _check_one(src: Path, mark: Path | None, force: bool = False):
    """(findings, coverage) of one workbook; the marked copy written when asked."""
    from budget_xl.mark import mark_workbook
    from budget_xl.read import read_workbook
    from budget_xl.rules import check_budget

    result = read_workbook(src)
    checked = check_budget(result.budget, result.notes)
    from budget_xl.localize.fold import locate_findings

    findings = locate_findings(result.budget, checked.findings)  # which cell to fix (issue 10)
    coverage = checked.coverage
    if mark is not None:
        outputs.write_with(mark, lambda tmp: mark_workbook(src, tmp, findings, coverage=coverage), force)
    return findings, coverage


def _check_many(files: list[Path], args) -> int:
    """A reviewer's batch: every file checked, an unreadable one reported and skipped, one summary."""
    import json

    from rich.progress import track

    from budget_xl.marking.xlsx import marked_names
    from budget_xl.report import print_findings, summary_line
    from budget_xl.terminal import make_console

    console = make_console(stderr=args.json)
    force = getattr(args, "force", False)
    mark_dir = Path(args.mark) if args.mark else None
    if mark_dir is not None:
        if mark_dir.suffix.lower() in (".xlsx", ".xlsm"):
            raise InputError("校验多个文件时，--mark 应指定一个文件夹（每个文件各写一份标注副本）。", file=args.mark)
        if mark_dir.exists() and not mark_dir.is_dir():
            raise InputError("--mark 应指定一个文件夹，这里是一个文件。", file=args.mark)
        try:
            mark_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise outputs.os_error(e, mark_dir) from None
    results = []
    # unique names, decided before anything is written (two 主表.xlsx, or a marked copy among the inputs)
    marks = marked_names(files, mark_dir) if mark_dir else [None] * len(files)
    for src, mark in track(list(zip(files, marks)), description="校验中…", console=console, transient=True):
        try:
            findings, coverage = _check_one(src, mark, force)
            results.append((src, findings, None, coverage))
        except InputError as e:
            results.append((src, [], e.text, None))
        except Exception as e:  # one file's failure must not cost the reviewer the other files' results
            from budget_xl.limits import memory_message, out_of_memory

            if out_of_memory(e):  # this file is too large for the memory there is: the others are still checked
                results.append((src, [], memory_message([src]), None))
                continue
            if os.environ.get("BUDGET_XL_DEBUG"):
                raise
            from budget_xl.errors import internal_error

            results.append((src, [], f"文件“{src}”：" + internal_error(e, "已跳过此文件。"), None))
    if args.json:
        from budget_xl.report import file_json

        out = [{"file": str(src), "error_reading": err, **file_json(str(src), fs, cov)}
               for src, fs, err, cov in results]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        for src, fs, err, cov in results:
            if err:
                console.print(f"[bold red]无法读取[/] {escape(err)}", soft_wrap=True)
            elif args.detail:
                print_findings(console, str(src), fs, show_info=not args.no_info, coverage=cov)
            else:
                console.print(f"{escape(str(src))}：{summary_line(fs, cov)}", soft_wrap=True)
        bad = sum(1 for _, fs, err, _ in results if err is None and any(f.severity == "error" for f in fs))
        unread = sum(1 for _, _, err, _ in results if err)
        console.print(f"\n共 {len(results)} 个文件：有错误 {bad} 个，无法读取 {unread} 个"
                      f"{_coverage_total([cov for *_, cov in results if cov is not None])}。", soft_wrap=True)
    if args.summary:
        _write_summary(Path(args.summary), results, force)
        if not args.json:
            console.print(f"已写出汇总表：{escape(args.summary)}")
    if any(err for _, _, err, _ in results):
        return 2
    return 1 if any(f.severity == "error" for _, fs, _, _ in results for f in fs) else 0


def _coverage_total(coverages) -> str:
    """“；共检查关系 N 处，不适用 M 处，因空白未能检查 K 处（2 个文件没有核对任何关系）” over many files."""
    if not coverages:
        return ""
    checked = sum(c.checked for c in coverages)
    na = sum(c.not_applicable for c in coverages)
    blank = sum(c.not_checkable for c in coverages)
    none = sum(1 for c in coverages if c.checked == 0)
    tail = f"（{none} 个文件没有核对任何关系）" if none else ""
    return f"；共检查关系 {checked} 处，不适用 {na} 处，因空白未能检查 {blank} 处{tail}"


def _mark_suffix(src: Path) -> str:
    return src.suffix if src.suffix.lower() in outputs.WORKBOOK_SUFFIXES else ".xlsx"


def _write_summary(path: Path, results, force: bool = False) -> None:
    """One row per workbook, for a reviewer's overview of many departments (pandas → .xlsx)."""
    import pandas as pd

    from budget_xl.findings import summarize

    outputs.prepare(path, inputs=[src for src, *_ in results], suffixes=(".xlsx",), what="汇总表")
    rows = []
    for src, fs, err, cov in results:
        c = summarize(fs)
        first = next((f.message for f in fs if f.severity == "error"), "") or \
            next((f.message for f in fs if f.severity == "warning"), "")
        passed = "通过" if cov is None or cov.checked else "未核对"  # nothing checked is not a pass
        rows.append({"文件": str(src), "状态": "无法读取" if err else ("有错误" if c["error"] else passed),
                     "错误": c["error"], "警告": c["warning"], "提示": c["info"], "定位": c["located"],
                     "检查关系": cov.checked if cov else None, "不适用": cov.not_applicable if cov else None,
                     "因空白未能检查": cov.not_checkable if cov else None,
                     "首要问题": err or first})

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            pd.DataFrame(rows).to_excel(xw, sheet_name="校验汇总", index=False)
            ws = xw.sheets["校验汇总"]
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str) and cell.data_type == "f":
                        cell.data_type = "s"  # text that looks like a formula stays text
            for col, width in zip("ABCDEFGHIJ", (36, 10, 8, 8, 8, 8, 10, 8, 14, 90)):
                ws.column_dimensions[col].width = width

    outputs.write_with(path, write, force)


def cmd_fill(args) -> int:
    from budget_xl.fill import recompute_plan, refuse_on_reader_errors
    from budget_xl.fill_preview import held_line, preview_lines
    from budget_xl.read import read_workbook
    from budget_xl.writeback import apply_changes

    src = Path(args.file)
    if args.in_place:
        src = Path(os.path.realpath(src))  # a link: the file it points to is rewritten (after its backup)
    force = getattr(args, "force", False)
    dry = getattr(args, "dry_run", False)
    result = read_workbook(src)
    xls = is_xls(src)
    if dry:
        out = None
    elif xls:  # an .xls is read as it is and never written: the output is an .xlsx (beside it for --in-place)
        out = outputs.prepare(xlsx_name(Path(args.output)) if args.output else src.with_suffix(".xlsx"),
                              inputs=[src], force=force)
    else:
        out = _out_path(src, args.output, args.in_place, force)
    refuse_on_reader_errors(src, result.notes)
    for n in result.notes:
        if n.rule == "READ-SHEET-COPY":  # which of two copies of a table is rewritten, as check says
            print(f"注意：{n.message}")
    plan = recompute_plan(result.budget)
    if dry:  # the list of what would be written, nothing written
        print("\n".join(preview_lines(plan)))
        print("（预览：没有写出任何文件。去掉 --dry-run 并用 -o 指定输出文件即按上面所列改写。）")
        return 0
    changes, held = plan.changes, plan.held
    if xls:
        print(XLS_NOTE + str(out))
    elif args.in_place:
        kept = outputs.keep_backup(src)
        print(f"已备份原文件：{kept}")
    written, formulas = apply_changes(src, out, changes, force=force or (args.in_place and not xls), held=held)
    tail = (f"；校验错误 {plan.errors_before} 处 → {plan.errors_after} 处"
            if plan.errors_before or plan.errors_after else "")
    print(f"重算汇总：改写 {len(written)} 个单元格{tail}，已写出 {out}（明细见“变更记录”工作表）")
    if held:
        print(f"注意：{len(held)} 个合计保留原数、没有计入疑错的明细，请先核对：")
        for line in sorted({h.reason for h in held})[:5]:
            print(f"  {line}")
        if len(held) <= 5:
            for h in held:
                print(held_line(h))
    if formulas:
        some = "、".join(formulas[:5]) + ("等" if len(formulas) > 5 else "")
        print(f"注意：{len(formulas)} 个应重算的单元格是您的公式（{some}），公式保留未改写；"
              "请在 Excel 中打开输出文件，公式会自动重新计算。")
    _warn_uncached(out, result.budget)
    return 0


def _warn_uncached(out: Path, budget) -> None:
    """openpyxl keeps formulas but not their results: say so when amounts of the output are formulas."""
    from budget_xl.findings import split_ref
    from budget_xl.read.files import col_index_of, scan_package

    try:
        scans = scan_package(out)
    except (InputError, OSError):
        return
    data = {c for t in budget.tables.values() for r in t.rows for c in r.cells.values()}
    hit = [c for c in data if (lambda s, a: s in scans and col_index_of(a) in scans[s].uncached)(*split_ref(c))]
    if hit:
        print(f"注意：输出文件中有 {len(hit)} 个金额单元格是公式（如 {sorted(hit)[0]}），保存时没有计算结果；"
              "请在 Excel 或 WPS 中打开输出文件并保存一次，再用于校验或生成情况说明。")


def register(sub) -> None:
    s = sub.add_parser("check", help="校验：表内、表间、项目和完整性关系，区分尾差")
    s.add_argument("file", metavar="文件", nargs="+", help="主表工作簿 .xlsx（可一次给多个，供审核批量校验）")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("--mark", metavar="输出.xlsx", help="另存标注副本：错误标红、警告标黄并加批注，附“校验结果”表"
                   "（多个文件时给一个文件夹）")
    s.add_argument("--summary", metavar="汇总.xlsx", help="写出一个文件一行的校验汇总表")
    s.add_argument("--detail", action="store_true", help="多个文件时逐个列出全部问题")
    s.add_argument("--no-info", action="store_true", help="不显示“提示”级（尾差等）")
    s.add_argument("--budget", metavar="预算主表.xlsx", help="部门决算：与当年公开的部门预算（主表工作簿或 PDF）核对决算中印的预算数")
    s.add_argument("--force", action="store_true", help="输出文件已存在时直接替换（默认先在旁边备份）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("fill", help="重算汇总：由明细重算合计和上级科目行，写出新文件并附“变更记录”")
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("-o", "--output", metavar="输出.xlsx", help="输出文件（原文件不变）")
    s.add_argument("--in-place", action="store_true", help="改写原文件（先自动备份）")
    s.add_argument("--dry-run", action="store_true", help="预览：列出将改写的每个单元格（原值、新值、原因）和保留原数的合计，不写文件")
    s.add_argument("--force", action="store_true", help="输出文件已存在时直接替换（默认先在旁边备份）")
    s.set_defaults(func=cmd_fill)

    from budget_xl.narrative.cli import register as narrative_commands

    narrative_commands(sub)
    from budget_xl.importers.cli import register as import_commands

    import_commands(sub)
    try:
        from budget_xl.excel.cli import register as excel_commands
    except ModuleNotFoundError as e:  # the adapter package itself absent; a broken import inside it still fails loudly
        if e.name != "budget_xl.excel.cli" and e.name != "budget_xl.excel":
            raise
    else:
        excel_commands(sub)
