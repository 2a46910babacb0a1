"""The pipeline's sub-commands: check (校验), fill (重算汇总), and those contributed by other packages."""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path

from budget_xl.errors import InputError


def _out_path(src: Path, out: str | None, in_place: bool, suffix: str) -> Path:
    if in_place:
        backup = src.with_name(f"{src.stem}.备份-{datetime.now():%Y%m%d-%H%M%S}{src.suffix}")
        shutil.copy2(src, backup)
        print(f"已备份原文件：{backup}")
        return src
    if not out:
        raise InputError("请用 -o 指定输出文件（不会改动原文件）；确需改写原文件时用 --in-place（会先备份）。", file=str(src))
    p = Path(out)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"输出文件应以 {suffix} 结尾。", file=out)
    if p.exists() and p.resolve() == src.resolve():
        raise InputError("输出文件与输入文件相同；为保护原文件，请另选输出文件名，或使用 --in-place（会先备份）。",
                         file=str(src))
    return p


def cmd_check(args) -> int:
    from rich.console import Console

    from budget_xl.report import print_findings, to_json

    files = [Path(f) for f in args.file]
    if len(files) > 1:
        return _check_many(files, args)
    src = files[0]
    findings = _check_one(src, Path(args.mark) if args.mark else None)
    if args.json:
        sys.stdout.write(to_json(str(src), findings) + "\n")
    else:
        console = Console(highlight=False)
        print_findings(console, str(src), findings, show_info=not args.no_info)
        if args.mark:
            console.print(f"已写出标注副本：{args.mark}（错误标红、警告标黄，详见“校验结果”工作表）", soft_wrap=True)
    if args.summary:
        _write_summary(Path(args.summary), [(src, findings, None)])
    return 1 if any(f.severity == "error" for f in findings) else 0


def _check_one(src: Path, mark: Path | None):
    from budget_xl.mark import mark_workbook
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    result = read_workbook(src)
    findings = run_checks(result.budget, result.notes)
    from budget_xl.localize.fold import locate_findings

    findings = locate_findings(result.budget, findings)  # which cell to fix (issue 10)
    if mark is not None:
        if mark.exists() and mark.resolve() == src.resolve():
            raise InputError("--mark 的输出文件与输入文件相同；请另选文件名（原文件不会被改动）。", file=str(src))
        mark_workbook(src, mark, findings)
    return findings


def _check_many(files: list[Path], args) -> int:
    """A reviewer's batch: every file checked, an unreadable one reported and skipped, one summary."""
    import json

    from rich.console import Console
    from rich.progress import track

    from budget_xl.findings import summarize
    from budget_xl.marking.xlsx import marked_names
    from budget_xl.report import print_findings, summary_line

    console = Console(highlight=False, stderr=args.json)
    mark_dir = Path(args.mark) if args.mark else None
    if mark_dir is not None:
        if mark_dir.suffix.lower() in (".xlsx", ".xlsm"):
            raise InputError("校验多个文件时，--mark 应指定一个文件夹（每个文件各写一份标注副本）。", file=args.mark)
        mark_dir.mkdir(parents=True, exist_ok=True)
    results = []
    marks = marked_names(files, mark_dir) if mark_dir else [None] * len(files)
    for src, mark in track(list(zip(files, marks)), description="校验中…", console=console, transient=True):
        try:
            results.append((src, _check_one(src, mark), None))
        except InputError as e:
            results.append((src, [], e.text))
    if args.json:
        from budget_xl.report import finding_json

        out = [{"file": str(src), "error_reading": err, "summary": summarize(fs),
                "findings": [finding_json(f) for f in fs]} for src, fs, err in results]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        for src, fs, err in results:
            if err:
                console.print(f"[bold red]无法读取[/] {err}", soft_wrap=True)
            elif args.detail:
                print_findings(console, str(src), fs, show_info=not args.no_info)
            else:
                console.print(f"{src}：{summary_line(fs)}", soft_wrap=True)
        bad = sum(1 for _, fs, err in results if err is None and any(f.severity == "error" for f in fs))
        unread = sum(1 for *_, err in results if err)
        console.print(f"\n共 {len(results)} 个文件：有错误 {bad} 个，无法读取 {unread} 个。", soft_wrap=True)
    if args.summary:
        _write_summary(Path(args.summary), results)
        if not args.json:
            console.print(f"已写出汇总表：{args.summary}")
    if any(err for *_, err in results):
        return 2
    return 1 if any(f.severity == "error" for _, fs, _ in results for f in fs) else 0


def _write_summary(path: Path, results) -> None:
    """One row per workbook, for a reviewer's overview of many departments (pandas → .xlsx)."""
    import pandas as pd

    from budget_xl.findings import summarize

    if path.suffix.lower() != ".xlsx":
        raise InputError("汇总表应以 .xlsx 结尾。", file=str(path))
    rows = []
    for src, fs, err in results:
        c = summarize(fs)
        first = next((f.message for f in fs if f.severity == "error"), "") or \
            next((f.message for f in fs if f.severity == "warning"), "")
        rows.append({"文件": src.name, "状态": "无法读取" if err else ("有错误" if c["error"] else "通过"),
                     "错误": c["error"], "警告": c["warning"], "提示": c["info"],
                     "首要问题": err or first})
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame(rows).to_excel(xw, sheet_name="校验汇总", index=False)
        ws = xw.sheets["校验汇总"]
        for col, width in zip("ABCDEF", (36, 10, 8, 8, 8, 90)):
            ws.column_dimensions[col].width = width


def cmd_fill(args) -> int:
    from budget_xl.fill import plan_fill
    from budget_xl.read import read_workbook
    from budget_xl.writeback import apply_changes

    src = Path(args.file)
    result = read_workbook(src)
    _filled, changes = plan_fill(result.budget)
    out = _out_path(src, args.output, args.in_place, ".xlsx")
    apply_changes(src, out, changes)
    print(f"重算汇总：改写 {len(changes)} 个单元格，已写出 {out}（明细见“变更记录”工作表）")
    return 0


def register(sub) -> None:
    s = sub.add_parser("check", help="校验：表内、表间、项目和完整性关系，区分尾差")
    s.add_argument("file", metavar="文件", nargs="+", help="主表工作簿 .xlsx（可一次给多个，供审核批量校验）")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("--mark", metavar="输出.xlsx", help="另存标注副本：错误标红、警告标黄并加批注，附“校验结果”表"
                   "（多个文件时给一个文件夹）")
    s.add_argument("--summary", metavar="汇总.xlsx", help="写出一个文件一行的校验汇总表")
    s.add_argument("--detail", action="store_true", help="多个文件时逐个列出全部问题")
    s.add_argument("--no-info", action="store_true", help="不显示“提示”级（尾差等）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("fill", help="重算汇总：由明细重算合计和上级科目行，写出新文件并附“变更记录”")
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("-o", "--output", metavar="输出.xlsx", help="输出文件（原文件不变）")
    s.add_argument("--in-place", action="store_true", help="改写原文件（先自动备份）")
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
