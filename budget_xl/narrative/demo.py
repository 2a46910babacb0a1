"""The demo's step: 情况说明 (.docx, .txt) and the whole disclosure document of the sample."""

from __future__ import annotations

from pathlib import Path

NARRATIVE_NAME = "情况说明"


def document_name(budget) -> str:
    return f"部门预算信息公开_{budget.dept_name}{budget.year}.docx"


def demo_step(result, out_dir: Path, console) -> None:
    """Write 情况说明.docx, 情况说明.txt and the whole document into ``out_dir``; print a line each."""
    from rich.markup import escape

    from budget_xl.narrative.api import document_output, narrative_of, narrative_output
    from budget_xl.outputs import write_bytes

    budget = result.budget
    out_dir = Path(out_dir)
    narrative = narrative_of(budget)
    for suffix in (".docx", ".txt"):
        path = out_dir / f"{NARRATIVE_NAME}{suffix}"
        write_bytes(path, narrative_output(narrative, suffix), force=True)
        console.print(f"[bold]情况说明[/bold] 已写入 {escape(str(path))}（每个金额均已核对到工作簿单元格）")
    path = out_dir / document_name(budget)
    write_bytes(path, document_output(narrative_of(budget, whole_document=True)), force=True)
    console.print(f"[bold]部门预算信息公开文件[/bold] 已写入 {escape(str(path))}（目录、九张公开表、情况说明、"
                  f"{len(narrative.context['projects'])}张项目绩效目标表）")
    for note in narrative.notes:
        console.print(f"  提示：{escape(note)}")
