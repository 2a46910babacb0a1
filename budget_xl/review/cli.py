"""``budget-xl review 文件.pdf … -o 检查表.xlsx`` and ``batch --review 文件夹``: the 公开情况检查表 filled in."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from budget_xl.batch.inputs import PART
from budget_xl.errors import InputError


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text.rstrip("%％"))
    except InvalidOperation:
        raise InputError(f"--threshold 应为百分数（如 10），而不是“{text}”。") from None
    if not value.is_finite() or value <= 0:
        raise InputError(f"--threshold 应为正数（如 10），而不是“{text}”。")
    return value


def _output(path: str, sources: list[Path]) -> Path:
    """The checklist's path, checked as every output is (an input's own path, a folder, a name Windows
    refuses); an existing file there is backed up when it is replaced."""
    from budget_xl import outputs
    from budget_xl.inputs import require_regular_file

    for s in sources:
        require_regular_file(s, "PDF 文件")  # a link loop, a folder, a FIFO: said before any work
    return outputs.prepare(path, inputs=sources, suffixes=(".xlsx",), what="检查表")


def cmd_review(args) -> int:
    from budget_xl import outputs
    from budget_xl.inputs import each_once
    from budget_xl.review.run import review_pdf
    from budget_xl.review.workbook import write_checklist

    files = each_once([Path(f) for f in args.files])
    threshold = _threshold(args.threshold)
    out = _output(args.output, files)
    if args.checklist:
        from budget_xl.review.checklist import load_checklist

        load_checklist(path=args.checklist)  # a wrong --checklist is said before the PDF is read
    rv = review_pdf(files, threshold=threshold, checklist_file=args.checklist)
    outputs.write_with(out, lambda tmp: write_checklist(rv, tmp), getattr(args, "force", False))
    bad = [row for row in rv.rows if not row.ok]
    print(f"{rv.path}：检查 {len(rv.rows)} 项，不符合 {len(bad)} 项（问题 {rv.problems} 处）"
          + (f"：{'、'.join(r.label for r in bad)}" if bad else ""))
    limit = getattr(getattr(rv, "doc", None), "limit_note", "")  # a long document's pages checked by text only
    if limit:
        print(limit)
    print(f"已写出检查表：{out}")
    return 1 if bad else 0


def documents(files: list[Path]) -> list[list[Path]]:
    """The PDFs of a folder as documents: “…_说明.pdf” and “…_公开表.pdf” of one name are one document."""
    from budget_xl.batch.inputs import documents as grouped

    return [list(d) if isinstance(d, tuple) else [d] for d in grouped(files) if isinstance(d, tuple)
            or d.suffix.lower() == ".pdf"]


def review_folder(files: list[Path], outdir: Path, threshold: Decimal = Decimal(10)) -> int:
    """``batch --review``: one checklist per document in ``outdir`` and 汇总.xlsx; a document that cannot be
    reviewed is a line of the 汇总, never the end of the batch."""
    from budget_xl import outputs
    from budget_xl.review.run import review_pdf
    from budget_xl.review.workbook import write_checklist, write_summary

    if outdir.exists() and not outdir.is_dir():
        raise InputError("--review 应为文件夹。", file=str(outdir))
    outdir.mkdir(parents=True, exist_ok=True)
    results: list = []
    taken: set[Path] = {Path(os.path.abspath(outdir / "汇总.xlsx"))}
    for doc in documents(files):
        # a document in parts by its common name (“说明.pdf” + “公开表.pdf” in a department's folder: the folder's)
        name = (PART.sub("", doc[0].stem) or doc[0].parent.resolve().name) if len(doc) > 1 else doc[0].stem
        try:
            rv = review_pdf(doc, threshold=threshold)
        except InputError as e:
            results.append(("、".join(str(f) for f in doc), e.text))
            print(f"{'、'.join(str(f) for f in doc)}：无法审核")
            continue
        # two 公开.pdf from two folders get two checklists; a name near the length limit still gets one
        out = outputs.unique_batch_name(outdir, f"{name}_检查表", ".xlsx", taken, files)
        outputs.write_with(out, lambda tmp, rv=rv: write_checklist(rv, tmp), True)
        results.append(rv)
        print(f"{rv.path}：不符合 {sum(not r.ok for r in rv.rows)} 项")
    outputs.write_with(outdir / "汇总.xlsx", lambda tmp: write_summary(results, tmp), True)
    print(f"已写出 {sum(not isinstance(r, tuple) for r in results)} 份检查表和汇总：{outdir}")
    return 1 if any(isinstance(r, tuple) or any(not x.ok for x in r.rows) for r in results) else 0


def register(sub) -> None:
    s = sub.add_parser("review", help="公开情况检查表：审核公开的 PDF，逐项填写是/否、问题和截图")
    s.add_argument("files", metavar="文件.pdf", nargs="+", help="公开的预算 PDF（一份文件分成几个 PDF 时依次给出，如 说明.pdf 公开表.pdf；"
                   "多个部门请用 batch 文件夹 --review 输出文件夹）")
    s.add_argument("-o", "--output", required=True, metavar="检查表.xlsx", help="写出的检查表")
    s.add_argument("--threshold", default="10", metavar="百分数",
                   help="增减达到这一幅度（%%，默认 10）或从零安排时，文字须写明主要原因")
    s.add_argument("--checklist", metavar="检查表配置.toml", help="本地的检查项目（默认按表式：budget_xl/review/checklists/）")
    s.add_argument("--force", action="store_true", help="检查表文件已存在时直接替换（默认先在旁边备份）")
    s.set_defaults(func=cmd_review)
