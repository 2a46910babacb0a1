"""``budget-xl review 文件.pdf … -o 检查表.xlsx`` and ``batch --review 文件夹``: the 公开情况检查表 filled in."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from budget_xl.errors import InputError


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text.rstrip("%％"))
    except InvalidOperation:
        raise InputError(f"--threshold 应为百分数（如 10），而不是“{text}”。") from None
    if value <= 0:
        raise InputError("--threshold 应为正数。")
    return value


def _output(path: str, sources: list[Path]) -> Path:
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise InputError("检查表应以 .xlsx 结尾。", file=path)
    if any(out.resolve() == s.resolve() for s in sources):
        raise InputError("检查表文件与输入文件相同；为保护原文件，请另选文件名。", file=path)
    return out


def cmd_review(args) -> int:
    from budget_xl import outputs
    from budget_xl.review.run import review_pdf
    from budget_xl.review.workbook import write_checklist, write_summary

    files = [Path(f) for f in args.files]
    threshold = _threshold(args.threshold)
    out = _output(args.output, files)
    reviews = [review_pdf(f, threshold=threshold, checklist_file=args.checklist) for f in files]
    if len(reviews) == 1:
        outputs.write_with(out, lambda tmp: write_checklist(reviews[0], tmp), True)
        written = [out]
    else:  # several documents: one checklist each beside the 汇总 named by -o
        written = []
        for rv in reviews:
            one = out.with_name(f"{Path(rv.path).stem}_检查表.xlsx")
            outputs.write_with(one, lambda tmp, rv=rv: write_checklist(rv, tmp), True)
            written.append(one)
        outputs.write_with(out, lambda tmp: write_summary(reviews, tmp), True)
        written.append(out)
    for rv in reviews:
        bad = [row for row in rv.rows if not row.ok]
        print(f"{rv.path}：检查 {len(rv.rows)} 项，不符合 {len(bad)} 项（问题 {rv.problems} 处）"
              + (f"：{'、'.join(r.label for r in bad)}" if bad else ""))
        if rv.note:
            print(f"  表格未能核对：{rv.note}")
    print("已写出检查表：" + "、".join(str(w) for w in written))
    return 1 if any(not row.ok for rv in reviews for row in rv.rows) else 0


def review_folder(files: list[Path], outdir: Path, threshold: Decimal = Decimal(10)) -> int:
    """``batch --review``: one checklist per PDF in ``outdir`` and 汇总.xlsx; a file that cannot be read is a
    line of the 汇总, never the end of the batch."""
    from budget_xl import outputs
    from budget_xl.review.run import review_pdf
    from budget_xl.review.workbook import write_checklist, write_summary

    if outdir.exists() and not outdir.is_dir():
        raise InputError("--review 应为文件夹。", file=str(outdir))
    outdir.mkdir(parents=True, exist_ok=True)
    results: list = []
    for f in files:
        if f.suffix.lower() != ".pdf":
            continue
        try:
            rv = review_pdf(f, threshold=threshold)
        except InputError as e:
            results.append((str(f), e.text))
            continue
        outputs.write_with(outdir / f"{f.stem}_检查表.xlsx", lambda tmp, rv=rv: write_checklist(rv, tmp), True)
        results.append(rv)
        print(f"{f}：不符合 {sum(not r.ok for r in rv.rows)} 项")
    outputs.write_with(outdir / "汇总.xlsx", lambda tmp: write_summary(results, tmp), True)
    print(f"已写出 {sum(not isinstance(r, tuple) for r in results)} 份检查表和汇总：{outdir}")
    return 1 if any(isinstance(r, tuple) or any(not x.ok for x in r.rows) for r in results) else 0


def register(sub) -> None:
    s = sub.add_parser("review", help="公开情况检查表：审核公开的 PDF，逐项填写是/否、问题和截图")
    s.add_argument("files", metavar="文件.pdf", nargs="+", help="公开的预算 PDF（可多个：每个一份检查表，另加汇总）")
    s.add_argument("-o", "--output", required=True, metavar="检查表.xlsx", help="写出的检查表（多个文件时为汇总）")
    s.add_argument("--threshold", default="10", metavar="百分数",
                   help="增减达到这一幅度（%%，默认 10）或从零安排时，文字须写明主要原因")
    s.add_argument("--checklist", metavar="检查表配置.toml", help="本地的检查项目（默认按表式：budget_xl/review/checklists/）")
    s.set_defaults(func=cmd_review)
