"""``budget-xl batch``: a reviewer's batch — every file checked, one report, a progress bar."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from budget_xl.errors import InputError


def _progress(console, total: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn("校验中"), BarColumn(), MofNCompleteColumn(), TextColumn("个文件"),
                    TextColumn("[red]错误 {task.fields[errors]}[/] 条，无法读取 {task.fields[unread]} 个"),
                    TextColumn("用时"), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                    console=console, transient=False)


def _check_report_path(report: str | None, files: list[Path]) -> Path | None:
    if report is None:
        return None
    from budget_xl import outputs

    p = outputs.prepare(report, inputs=files, suffixes=(".xlsx",), what="报告文件")
    if p.is_file() and p.stat().st_size and not _is_report(p):  # a previous report is replaced; a workbook is not
        why = outputs.holds_data(p)
        if why == outputs.HOLDS_DATA:
            raise InputError(f"报告文件的位置上是一份主表工作簿（{why}），不会被报告覆盖，也未作为输入校验。"
                             "请换一个报告文件名。", file=str(p))
    return p


def _is_report(p: Path) -> bool:
    """A report an earlier batch wrote (its 汇总 sheet), which the next run may replace."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            return "汇总" in z.read("xl/workbook.xml").decode("utf-8", "replace")
    except Exception:  # not a package: holds_data decides
        return False


def max_jobs() -> int:
    """More worker processes than cores only queue for them; each costs ~100 MB of memory."""
    return max(1, min(os.cpu_count() or 1, 32))


def checked_jobs(n: int) -> int:
    """A --jobs value (batch, synth) a process pool can take: a positive number, at most the cores (said so).
    20 digits once reached ProcessPoolExecutor and ended in OverflowError, exit 3."""
    if n < 1:
        raise InputError("--jobs 应为正整数。")
    if n > max_jobs():
        print(f"注意：--jobs {n} 超过本机可用的 {max_jobs()} 个处理器核，按 {max_jobs()} 个进程运行。", file=sys.stderr)
        n = max_jobs()
    from budget_xl.limits import jobs_within_open_files

    room = jobs_within_open_files(n)
    if room < n:
        print(f"注意：可同时打开的文件数上限（ulimit -n）只够 {room} 个进程，按 {room} 个进程运行。", file=sys.stderr)
    return room


def cmd_batch(args) -> int:
    from budget_xl.batch import collect, run_dask, run_local, write_report
    from budget_xl.batch.report import status, worst_first
    from budget_xl.terminal import make_console

    args.jobs = checked_jobs(args.jobs)
    if args.top < 0:
        raise InputError("--top 应为 0 或正整数。")
    report = Path(args.report) if args.report else None
    files = collect(args.paths, exclude=[report] if report else [])
    if not files:
        raise InputError("没有找到可校验的文件（.xlsx、.xlsm、.txt、.pdf）。")
    _check_report_path(args.report, files)
    if args.review:  # issue 21: one filled 检查表 per PDF and a 汇总
        from budget_xl.review.cli import review_folder

        return review_folder(files, Path(args.review))
    from budget_xl.batch.inputs import documents

    docs = documents(files)  # a 说明 and its 公开表 published as two PDFs: one document, imported together
    console = make_console(stderr=True)
    errors = unread = 0
    with _progress(console, len(docs)) as bar:
        task = bar.add_task("batch", total=len(docs), errors=0, unread=0)

        def on_result(res) -> None:
            nonlocal errors, unread
            errors += res.count("error")
            unread += res.problem is not None
            bar.update(task, advance=1, errors=errors, unread=unread)

        if args.dask:
            results = run_dask(docs, args.dask, on_result)
        else:
            results = run_local(docs, args.jobs, on_result)
    if report is not None:
        write_report(results, report)
    bad = [r for r in results if r.problem is None and r.count("error")]
    unreadable = [r for r in results if r.problem is not None]
    if args.json:
        sys.stdout.write(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=1) + "\n")
    else:
        from budget_xl.errors import visible

        # markup off: a file or department named “[/red]…” is text, not a rich tag (it stopped the batch with
        # a MarkupError after every file was checked); a file name's line break or right-to-left mark is shown
        out = make_console(markup=False)
        for r in worst_first(results)[: args.top]:
            st = status(r)
            if st == "通过":
                break
            what = r.problem or f"错误 {r.count('error')} 条，警告 {r.count('warning')} 条"
            out.print(f"{st}  {visible(str(r.path), names=True)}  {visible(r.dept or '', names=True)}  {what}",
                      soft_wrap=True)
        read = [r for r in results if r.problem is None]
        unchecked = [r for r in read if not r.count("error") and r.covered("checked") == 0]
        clean = len(results) - len(bad) - len(unreadable) - len(unchecked)
        none = f"，{len(unchecked)} 个没有核对任何关系" if unchecked else ""
        out.print(f"共 {counted(docs)}：有错误 {len(bad)} 个，无法读取 {len(unreadable)} 个{none}，"
                  f"其余 {clean} 个无错误。", soft_wrap=True)
        if read:
            total = {k: sum(r.covered(k) or 0 for r in read) for k in ("checked", "not_applicable", "not_checkable")}
            out.print(f"检查关系共 {total['checked']} 处，不适用 {total['not_applicable']} 处，"
                      f"因空白未能检查 {total['not_checkable']} 处。", soft_wrap=True)
        if report is not None:
            out.print(f"已写出审核报告：{report}（汇总、明细、规则统计、图表）", soft_wrap=True)
    return 1 if bad or unreadable else 0


def counted(docs) -> str:
    """“3 个文件”, or, when a document was published as 说明 + 公开表 (one result from several PDFs),
    “2 份（3 个文件，其中 1 份…）”: the results are documents, and a reviewer counts the files he gave."""
    pairs = sum(isinstance(d, tuple) for d in docs)
    if not pairs:
        return f"{len(docs)} 个文件"
    n_files = sum(len(d) if isinstance(d, tuple) else 1 for d in docs)
    return f"{len(docs)} 份（{n_files} 个文件，其中 {pairs} 份分成说明与公开表等几个 PDF 公开，各按一份校验）"


def register(sub) -> None:
    s = sub.add_parser("batch", help="批量审核：校验多个工作簿（及文本、PDF），写出一份审核报告")
    s.add_argument("paths", metavar="文件或文件夹", nargs="+", help="工作簿、.txt、.pdf，或包含它们的文件夹（递归）")
    s.add_argument("--report", metavar="报告.xlsx", help="写出审核报告：汇总、明细、规则统计、错误图表")
    s.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                   help="并行进程数（默认为 CPU 核数，最多 4）")
    s.add_argument("--dask", metavar="调度器地址", help="在 dask.distributed 集群上运行（如 tcp://10.0.0.5:8786）；"
                   "各计算节点须能以相同路径读到这些文件")
    s.add_argument("--json", action="store_true", help="以 JSON 输出每个文件的结果（供脚本使用）")
    s.add_argument("--review", metavar="输出文件夹", help="为每个 PDF 写出填好的公开情况检查表（含问题截图），另写汇总.xlsx")
    s.add_argument("--top", type=int, default=20, metavar="N", help="屏幕上列出最严重的 N 个文件（默认 20）")
    s.set_defaults(func=cmd_batch)
