"""The list 重算汇总 shows before (``fill --dry-run``, the add-in's preview) and after writing: each cell it
changes (old → new, why), each total it holds (why), and the errors before and after. One text for the command
line, the add-in's message and the tests."""

from __future__ import annotations

from decimal import Decimal

SHOWN = 200  # lines of cells listed; the rest is counted (变更记录 keeps every one)
IN_A_MESSAGE = 12  # the add-in's message box after 重算汇总


def _amount(v: Decimal | None) -> str:
    return "空白" if v is None else f"{v:,.2f}"


def change_line(c) -> str:
    return f"  {c.cell} {c.what}：{_amount(c.old)} → {_amount(c.new)}（{c.why}）"


def held_line(h) -> str:
    moved = f"，只按其余明细变为 {_amount(h.value)}" if h.old is not None and h.old != h.value else ""
    return f"  {h.cell} {h.what}：{_amount(h.old if h.old is not None else h.value)}{moved}。{h.reason}"


def preview_lines(plan, done: bool = False, log_sheet: str = "变更记录", shown: int = SHOWN) -> list[str]:
    """``done``: the plan was written (the add-in's message after 重算汇总), else what it would do; ``shown``: how
    many cells are listed (a message box lists fewer; 变更记录 keeps them all)."""
    verb = "改写" if done else "将改写"
    lines = [f"重算汇总：{verb} {len(plan.changes)} 个单元格" + ("（明细见“" + log_sheet + "”工作表）" if done else "")
             + (f"；校验错误 {plan.errors_before} 处 → {plan.errors_after} 处" if plan.errors_before or plan.errors_after
                else "") + "。"]
    if not plan.changes and not plan.held:
        lines[0] = "重算汇总：合计数都与明细一致，没有需要改写的单元格。"
    lines += [change_line(c) for c in plan.changes[:shown]]
    if len(plan.changes) > shown:
        lines.append(f"  ……另有 {len(plan.changes) - shown} 个单元格")
    if plan.held:
        lines.append(f"{len(plan.held)} 个合计保留原数、没有计入疑错的明细（请先核对这些明细）：")
        lines += [held_line(h) for h in plan.held[:shown]]
        if len(plan.held) > shown:
            lines.append(f"  ……另有 {len(plan.held) - shown} 个合计")
    return lines
