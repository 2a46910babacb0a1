"""``budget-xl synth``: generated departments (and planted errors) to test a reviewer's batch on."""

from __future__ import annotations

MAX_COUNT = 100_000     # a reviewer's test of a whole province is a few thousand
MAX_ROWS = 20_000       # the benchmarks' largest department is 5,000 项
MAX_ERRORS = 1_000


def cmd_synth(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from budget_xl.batch.cli import checked_jobs
    from budget_xl.errors import InputError
    from budget_xl.synth import MANIFEST_CSV, MANIFEST_JSON, check_template, generate
    from budget_xl.terminal import make_console

    check_template(args.template)
    if args.count < 1:
        raise InputError("--count 应为正整数。")
    if args.count > MAX_COUNT:
        raise InputError(f"--count 最多 {MAX_COUNT}，而不是 {args.count}：请分批生成。")
    if args.rows is not None and not 1 <= args.rows <= MAX_ROWS:
        raise InputError(f"--rows 应为 1～{MAX_ROWS} 之间的整数（每个部门的功能科目“项”数），而不是 {args.rows}。")
    if args.errors < 0 or args.errors > MAX_ERRORS:
        raise InputError(f"--errors 应为 0～{MAX_ERRORS} 之间的整数，而不是 {args.errors}。")
    if not 0 <= args.error_rate <= 1:
        raise InputError("--error-rate 应在 0 到 1 之间。")
    jobs = min(checked_jobs(args.jobs), args.count)
    console = make_console(stderr=True)
    with Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("synth", total=args.count)
        plants = generate(args.count, args.out, seed=args.seed, template=args.template, errors=args.errors,
                          error_rate=args.error_rate, jobs=jobs, leaves=args.rows,
                          progress=lambda: bar.advance(task))
    print(f"已生成 {args.count} 个工作簿：{args.out}")
    if args.errors:
        files = len({p.file for p in plants})
        print(f"其中 {files} 个文件共埋入 {len(plants)} 处错误，清单见 {MANIFEST_JSON} / {MANIFEST_CSV}。")
    return 0


def register(sub) -> None:
    s = sub.add_parser("synth", help="生成模拟部门工作簿（可埋入错误），用于批量审核的测试和性能评估")
    s.add_argument("--count", type=int, default=10, metavar="N", help="生成的工作簿个数（默认 10）")
    s.add_argument("--out", required=True, metavar="文件夹", help="输出文件夹")
    s.add_argument("--seed", type=int, default=0, metavar="S", help="随机种子（相同种子生成相同的文件）")
    s.add_argument("--template", default="national", metavar="模板", help="表样模板：national（全国通用，默认）")
    s.add_argument("--errors", type=int, default=0, metavar="K",
                   help="每个文件埋入 K 处错误（明细、合计、数字颠倒、单位、错行错列、正负号，轮流），记入 manifest")
    s.add_argument("--error-rate", type=float, default=1.0, metavar="比例", help="埋入错误的文件所占比例（默认 1，即全部）")
    s.add_argument("--rows", type=int, default=None, metavar="项数", help="每个部门的功能科目“项”数（默认随机，4～220）")
    s.add_argument("--jobs", type=int, default=1, metavar="N", help="并行进程数（默认 1）")
    s.set_defaults(func=cmd_synth)
