"""``budget-xl narrative`` and ``budget-xl document``: the 情况说明 and the whole disclosure, from a workbook.

Both read the workbook (never write it), render, self-check every amount against its cell, and only then
write the output, in one step, so a refused run leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.outputs import prepare, write_bytes

NARRATIVE_SUFFIXES = (".docx", ".txt", ".md")


def register(sub) -> None:
    """Add ``narrative`` and ``document`` to the CLI's sub-parsers."""
    s = sub.add_parser("narrative", help="由主表工作簿生成情况说明（.docx / .txt / .md）")
    _common(s, "输出文件：.docx（Word）、.txt（纯文本）或 .md；按扩展名决定格式")
    s.set_defaults(func=cmd_narrative)

    s = sub.add_parser("document", help="生成完整的部门预算信息公开文件（目录、九张表、情况说明、绩效目标表…）")
    _common(s, "输出的 .docx 文件")
    s.set_defaults(func=cmd_document)


def _common(s, output_help: str) -> None:
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("-o", "--output", required=True, metavar="输出", help=output_help)
    s.add_argument("--prior", metavar="上年工作簿",
                   help="上年的主表工作簿 .xlsx：上年数取自它的各表（不填则用本工作簿的“上年数”工作表）")
    s.add_argument("--templates", metavar="文件夹",
                   help="本单位自己的模板文件夹（缺少的模板用内置的）")
    s.add_argument("--force", action="store_true",
                   help="工作簿尚有校验错误时仍然生成（首页标注“草稿：尚有N处校验错误”）")


def cmd_narrative(args) -> int:
    out = _check_output(args.output, NARRATIVE_SUFFIXES, args.file, args.prior)
    errors = _error_gate(args.file, args.force)
    from budget_xl.narrative.api import narrative_bytes

    data, notes = narrative_bytes(args.file, out.suffix.lower(), prior=args.prior, templates=args.templates)
    write_bytes(out, mark_draft(data, out.suffix.lower(), errors))
    print(f"已生成情况说明：{out}")
    _print_notes(notes)
    return 0


def cmd_document(args) -> int:
    out = _check_output(args.output, (".docx",), args.file, args.prior)
    errors = _error_gate(args.file, args.force)
    from budget_xl.narrative.api import document_bytes

    data, notes = document_bytes(args.file, prior=args.prior, templates=args.templates)
    write_bytes(out, mark_draft(data, ".docx", errors))
    print(f"已生成部门预算信息公开文件：{out}")
    _print_notes(notes)
    return 0


def _error_gate(path: str, force: bool) -> int:
    """The number of 校验 errors; refuse (exit 2) when there are any and ``--force`` was not given.

    A disclosure written from a workbook that fails its own relations publishes wrong figures; the
    refusal names the cell localization points at, so the user knows where to start.
    """
    from budget_xl.localize.fold import LOCATE, locate_findings
    from budget_xl.narrative.api import refuse_unreadable, require_totals
    from budget_xl.narrative.context import check_basics
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    result = read_workbook(path)
    refuse_unreadable(result, path)  # an error value or a formula without result: 重算汇总 would not mend it
    check_basics(result.budget)
    require_totals(result.budget)  # blank totals first: their message says to run 重算汇总
    findings = run_checks(result.budget, result.notes)
    n = sum(1 for f in findings if f.severity == "error")
    if n == 0 or force:
        if n:
            print(f"注意：工作簿尚有 {n} 处校验错误，按 --force 生成，首页标注为草稿。")
        return n
    located = [f for f in locate_findings(result.budget, findings) if f.rule == LOCATE]
    first = located[0].message if located else next(f.message for f in findings if f.severity == "error")
    raise InputError(f"工作簿尚有 {n} 处校验错误，生成的文字会写出不符的数字，已拒绝生成。{first}"
                     "请先用“budget-xl check”核对更正；确需先出草稿时加 --force（首页会标注“草稿”）。",
                     file=str(path))


def draft_banner(errors: int) -> str:
    return f"草稿：尚有{errors}处校验错误"


def mark_draft(data: bytes, suffix: str, errors: int) -> bytes:
    """Put "草稿：尚有N处校验错误" at the top of the first page (nothing when there are no errors)."""
    if not errors:
        return data
    banner = draft_banner(errors)
    if suffix == ".txt":
        return ("\ufeff" + banner + "\n\n" + data.decode("utf-8-sig")).encode("utf-8")
    if suffix == ".md":
        return f"> **{banner}**\n\n".encode() + data
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document(io.BytesIO(data))
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    p = first.insert_paragraph_before()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    run = p.add_run(banner)
    run.bold = True
    run.font.size = Pt(18)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _print_notes(notes) -> None:
    for n in notes:
        print(f"提示：{n}")


def _check_output(path: str, suffixes: tuple[str, ...], *inputs: str | None) -> Path:
    """Refuse an output we could not or must not write: wrong suffix, a folder, or one of the inputs."""
    return prepare(path, inputs=inputs, suffixes=suffixes, parent_must_exist=True)
