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

    from budget_xl.mark import mark_workbook
    from budget_xl.read import read_workbook
    from budget_xl.report import print_findings, to_json
    from budget_xl.rules import run_checks

    src = Path(args.file)
    result = read_workbook(src)
    findings = run_checks(result.budget, result.notes)
    if args.mark:
        out = Path(args.mark)
        if out.exists() and out.resolve() == src.resolve():
            raise InputError("--mark 的输出文件与输入文件相同；请另选文件名（原文件不会被改动）。", file=str(src))
        mark_workbook(src, out, findings)
    if args.json:
        sys.stdout.write(to_json(str(src), findings) + "\n")
    else:
        console = Console(highlight=False)
        print_findings(console, str(src), findings, show_info=not args.no_info)
        if args.mark:
            console.print(f"已写出标注副本：{args.mark}（错误标红、警告标黄，详见“校验结果”工作表）")
    return 1 if any(f.severity == "error" for f in findings) else 0


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
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("--mark", metavar="输出.xlsx", help="另存一份标注副本：错误标红、警告标黄并加批注，附“校验结果”表")
    s.add_argument("--no-info", action="store_true", help="不显示“提示”级（尾差等）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("fill", help="重算汇总：由明细重算合计和上级科目行，写出新文件并附“变更记录”")
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("-o", "--output", metavar="输出.xlsx", help="输出文件（原文件不变）")
    s.add_argument("--in-place", action="store_true", help="改写原文件（先自动备份）")
    s.set_defaults(func=cmd_fill)

    for module in ("budget_xl.narrative.cli", "budget_xl.excel.cli"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        mod.register(sub)
