"""``budget-xl narrative`` and ``budget-xl document``: the 情况说明 and the whole disclosure, from a workbook.

Both read the workbook (never write it), render, self-check every amount against its cell, and only then
write the output, in one step, so a refused run leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path

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
    s.add_argument("--force", action="store_true", help="输出文件已存在时直接替换（默认先在旁边备份）")


def cmd_narrative(args) -> int:
    out = _check_output(args.output, NARRATIVE_SUFFIXES, args.file, args.prior)
    from budget_xl.narrative.api import narrative_bytes

    data, notes = narrative_bytes(args.file, out.suffix.lower(), prior=args.prior, templates=args.templates)
    write_bytes(out, data, args.force)
    print(f"已生成情况说明：{out}")
    _print_notes(notes)
    return 0


def cmd_document(args) -> int:
    out = _check_output(args.output, (".docx",), args.file, args.prior)
    from budget_xl.narrative.api import document_bytes

    data, notes = document_bytes(args.file, prior=args.prior, templates=args.templates)
    write_bytes(out, data, args.force)
    print(f"已生成部门预算信息公开文件：{out}")
    _print_notes(notes)
    return 0


def _print_notes(notes) -> None:
    for n in notes:
        print(f"提示：{n}")


def _check_output(path: str, suffixes: tuple[str, ...], *inputs: str | None) -> Path:
    """Refuse an output we could not or must not write: wrong suffix, a folder, or one of the inputs."""
    return prepare(path, inputs=inputs, suffixes=suffixes, parent_must_exist=True)
