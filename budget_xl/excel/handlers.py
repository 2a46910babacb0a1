"""What the buttons do — 校验, 重算汇总, 导出说明 — on an ``xw.Book`` from any engine.

Each handler reads every sheet it needs once, computes with the core the command line uses
(``read_grids`` → ``run_checks`` / ``plan_marks``, ``plan_fill``, the narrative), and only then writes,
in blocks. So a refused run (``InputError``) writes nothing, and the number of writes follows the
number of flagged or changed blocks, not the size of the workbook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.excel.book_io import (
    BookIO,
    argb_to_hex,
    as_text,
    last_used_row,
)
from budget_xl.excel.ranges import blocks_by, value_blocks
from budget_xl.excel.vba import BUTTON_SHEET, CONF_SHEET
from budget_xl.fill import recompute_plan, refuse_on_reader_errors
from budget_xl.fill_preview import IN_A_MESSAGE, preview_lines
from budget_xl.findings import ERROR, SEVERITY_ZH, WARNING, split_ref, summarize
from budget_xl.localize.fold import locate_findings
from budget_xl.marking.plan import (
    AMOUNT_COLS,
    FONT_COLOR,
    GONE_TITLE,
    HEADER,
    MONEY_FORMAT,
    RESULT_SHEET,
    STATE_SHEET,
    WRAPPED,
    gone_row,
    plan_marks,
)
from budget_xl.marking.plan import RESULT_WIDTHS as PLAN_WIDTHS
from budget_xl.read.grid import ReadResult, read_grids
from budget_xl.rules import check_budget
from budget_xl.writeback import LOG_HEADER, LOG_SHEET, held_rows, log_rows

NARRATIVE_SHEET = "情况说明"
LOG_TITLE = "重算汇总变更记录"
LINK_HEADER = "转到"
# sheets the add-in writes itself: never read as budget tables
OWN_SHEETS = (RESULT_SHEET, STATE_SHEET, LOG_SHEET, NARRATIVE_SHEET, CONF_SHEET, BUTTON_SHEET)
RESULT_WIDTHS = (*PLAN_WIDTHS, 8)  # the command line's widths, and the 转到 link
LOG_WIDTHS = (20, 22, 46, 14, 14, 50)


@dataclass
class Outcome:
    """What a handler did, for the desktop message and for tests."""

    message: str
    counts: dict[str, int] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)  # cells marked / changed
    files: list[str] = field(default_factory=list)


def _hex(argb: str) -> str:
    return f"#{argb[-6:]}"


def _read(io: BookIO, grids: dict[str, list[list]]) -> ReadResult:
    data = {n: g for n, g in grids.items() if n not in OWN_SHEETS}
    return read_grids(data, source=io.book.name)


# -- 校验 ---------------------------------------------------------------------------------------------
def validate(book, now: datetime | None = None) -> Outcome:
    """Run every check; colour and annotate the cells of each finding, list them on 校验结果 (keeping the
    user's 说明), and first take off the marks of the previous run. The plan is the one ``check --mark``
    builds (``plan_marks``): this is only its xlwings writer."""
    io = BookIO(book)
    sheets = io.names()
    grids = io.read_grids(skip=(LOG_SHEET, NARRATIVE_SHEET, CONF_SHEET, BUTTON_SHEET))
    result = _read(io, grids)
    checked = check_budget(result.budget, result.notes)
    findings = locate_findings(result.budget, checked.findings)  # which cell to fix first
    plan = plan_for_book(io, grids, findings, sheets, now=now, coverage=checked.coverage)
    # 1. take off the marks that are no longer needed: the cells' own fills and notes back
    io.fill({r.cell: argb_to_hex(r.fill) for r in plan.restore if r.fill is not None})
    for r in plan.restore:
        if r.note:
            io.put_note(r.cell, r.note)
        elif r.note == "":
            io.delete_note(r.cell)
    # 2. mark: fills by block, a note per cell (the cell's own note kept inside ours)
    io.fill({m.cell: argb_to_hex(m.fill) for m in plan.marks})
    for m in plan.marks:
        if m.note is not None:
            io.put_note(m.cell, m.note)
    # 3. 校验结果, rebuilt in one write
    _write_results(io, plan)
    # 4. the record that lets the next run (by either writer) take the marks off again
    st = io.fresh_sheet(STATE_SHEET, hidden=True, clear_formats=False)
    io.write(st.name, 0, 0, [[as_text(v) for v in row] for row in plan.state])
    io.sheet(RESULT_SHEET).activate()
    counts = summarize(findings)
    message = "\n".join([plan.title] + [f"注意：{w}" for w in plan.warnings])
    return Outcome(message=message, counts=counts, cells=[m.cell for m in plan.marks])


def plan_for_book(io: BookIO, grids: dict[str, list[list]], findings, sheets: list[str],
                  now: datetime | None = None, coverage=None):
    """The marking plan of an open workbook: what ``plan_marks`` needs, read through the engine."""
    data = [n for n in sheets if n not in OWN_SHEETS]
    return plan_marks(findings, results=grids.get(RESULT_SHEET), state=grids.get(STATE_SHEET), probe=io.probe,
                      notes=io.marked_notes(data), sheets=data, anchor=io.anchor, source=io.book.name, now=now,
                      coverage=coverage)


def _link(ref: str | None) -> str | None:
    if not ref:
        return None
    sheet, a1 = split_ref(ref)
    target = "'" + sheet.replace("'", "''") + "'!" + a1
    return f'=HYPERLINK("#{target}","{LINK_HEADER}")'


def _write_results(io: BookIO, plan) -> None:
    header = HEADER + [LINK_HEADER]
    rows: list[list] = [[plan.title], header]
    for row, link in zip(plan.rows, plan.links, strict=True):
        rows.append([as_text(v) for v in row] + [_link(link)])
    if plan.gone:
        rows += [[], [GONE_TITLE]] + [[as_text(v) for v in gone_row(g)] for g in plan.gone]
    sheet = io.fresh_sheet(RESULT_SHEET, first=True)
    io.write(RESULT_SHEET, 0, 0, [r + [None] * (len(header) - len(r)) for r in rows])
    _format_results(io, sheet, plan)


def _format_results(io: BookIO, sheet, plan) -> None:
    """A handful of calls whatever the number of findings, plus one per run of equal severity."""
    n = len(plan.rows)
    sheet.range("A1").font.bold = True
    sheet.range((2, 1), (2, len(HEADER) + 1)).font.bold = True
    io.column_widths(RESULT_SHEET, RESULT_WIDTHS)
    if not n:
        return
    sheet.range((3, AMOUNT_COLS[0]), (n + 2, AMOUNT_COLS[-1])).number_format = MONEY_FORMAT
    for col in WRAPPED:  # 问题 and the other long columns wrap: nothing is cut
        sheet.range((3, col), (n + 2, col)).wrap_text = True
    sheet.range((3, 2), (n + 2, 2)).font.bold = True
    colours = {ERROR: _hex(FONT_COLOR[ERROR]), WARNING: _hex(FONT_COLOR[WARNING])}
    zh = {SEVERITY_ZH[k]: v for k, v in colours.items()}
    severity = {f"{RESULT_SHEET}!B{i + 3}": zh[row[1]] for i, row in enumerate(plan.rows) if row[1] in zh}
    for colour, b in blocks_by(severity):
        io.block(b).font.color = colour


# -- 重算汇总 ------------------------------------------------------------------------------------------
def recompute_preview(book, shown: int | None = None) -> Outcome:
    """What 重算汇总 would change and hold, and why — the list ``fill --dry-run`` prints — writing nothing."""
    io = BookIO(book)
    plan = recompute_plan(_readable(io, _read(io, _recompute_grids(io))).budget)
    lines = preview_lines(plan) if shown is None else preview_lines(plan, shown=shown)
    return Outcome(message="\n".join(lines), counts={"changed": len(plan.changes), "held": len(plan.held)},
                   cells=[c.cell for c in plan.changes])


CONFIRM = "\n\n按“确定”写入这些改动（记入“变更记录”），按“取消”不改动工作簿。"


def recompute_confirmed(book, confirm, now: datetime | None = None) -> Outcome:
    """重算汇总 as the button runs it: the preview first (the same list ``fill --dry-run`` prints), then
    writing only when the user says yes to it — ``confirm(text) -> bool`` is the message box."""
    preview = recompute_preview(book, shown=IN_A_MESSAGE)
    if not preview.counts["changed"]:
        return preview
    if not confirm(preview.message + CONFIRM):
        return Outcome(message="已取消重算汇总：工作簿没有改动。", counts={"changed": 0, "held": preview.counts["held"]},
                       cells=[])
    return recompute(book, now=now)


BUTTON_HINT = "可用“校验”按钮查看全部问题"


def _readable(io: BookIO, result: ReadResult) -> ReadResult:
    """The read, when 重算汇总 may work on it: refused as ``fill`` refuses (an error value, a merged amount, a
    duplicated code…), before anything is written."""
    refuse_on_reader_errors(io.book.name, result.notes, hint=BUTTON_HINT)
    return result


def _recompute_grids(io: BookIO) -> dict[str, list[list]]:
    return io.read_grids(skip=(RESULT_SHEET, STATE_SHEET, NARRATIVE_SHEET, CONF_SHEET, BUTTON_SHEET))


def recompute(book, now: datetime | None = None) -> Outcome:
    """Fill every derivable total and parent row from its parts (leaf values untouched) with the plan the
    command line uses (``recompute_plan``), and log each change and each held total on 变更记录, below the
    earlier runs' records. The message is the same list ``fill --dry-run`` prints."""
    io = BookIO(book)
    grids = _recompute_grids(io)
    result = _readable(io, _read(io, grids))
    plan = recompute_plan(result.budget)
    changes, held = plan.changes, plan.held
    for b, matrix in value_blocks({c.cell: c.new for c in changes}):
        io.write(b.sheet, b.row, b.col, matrix)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    log = log_rows(changes, now) + held_rows(held, now)
    log = log or [[stamp, "", "没有需要改写的合计数", None, None, None]]
    if LOG_SHEET in grids:
        top = last_used_row(grids[LOG_SHEET])
        io.write(LOG_SHEET, top, 0, log)
    else:
        sheet = io.fresh_sheet(LOG_SHEET)
        io.write(LOG_SHEET, 0, 0, [[LOG_TITLE], LOG_HEADER] + log)
        sheet.range("A1").font.bold = True
        sheet.range((2, 1), (2, len(LOG_HEADER))).font.bold = True
        io.column_widths(LOG_SHEET, LOG_WIDTHS)
        top = 2
    io.sheet(LOG_SHEET).range((top + 1, 4), (top + len(log), 5)).number_format = MONEY_FORMAT
    text = "\n".join(preview_lines(plan, done=True, log_sheet=LOG_SHEET, shown=IN_A_MESSAGE))
    return Outcome(message=text, counts={"changed": len(changes), "held": len(held)}, cells=[c.cell for c in changes])


# -- 导出说明 ------------------------------------------------------------------------------------------
def export_narrative(book, now: datetime | None = None) -> Outcome:
    """The 情况说明 into the sheet 情况说明 (one paragraph a row, tables cell by cell) and, on desktop
    with a saved workbook, as a Word file beside it."""
    from budget_xl.narrative.api import narrative_of, narrative_output
    from budget_xl.narrative.text_out import to_txt

    io = BookIO(book)
    grids = io.read_grids(skip=OWN_SHEETS)
    result = _read(io, grids)
    narrative = narrative_of(result.budget)
    rows = [[as_text(v) for v in line.split("\t")] for line in to_txt(narrative).splitlines()]
    if narrative.notes:
        rows += [[], ["生成时的提示（不属于正文，可删除）："]] + [[as_text(n)] for n in narrative.notes]
    files = []
    docx = _docx_path(io)
    if docx is not None:
        data = narrative_output(narrative, ".docx")
        try:
            docx.write_bytes(data)
        except OSError as e:
            from budget_xl.outputs import os_reason

            raise InputError(f"无法写入 Word 文件：{os_reason(e)}。",
                             file=str(docx)) from None
        files.append(str(docx))
    sheet = io.fresh_sheet(NARRATIVE_SHEET)
    io.write(NARRATIVE_SHEET, 0, 0, rows)
    sheet.range("A1").font.bold = True
    io.column_widths(NARRATIVE_SHEET, (100,))
    sheet.range((1, 1), (len(rows), 1)).wrap_text = True
    sheet.activate()
    text = f"已生成情况说明（“{NARRATIVE_SHEET}”工作表）" + (f"和 Word 文件：{files[0]}" if files else "。")
    return Outcome(message=text, counts={"notes": len(narrative.notes)}, files=files)


def _docx_path(io: BookIO) -> Path | None:
    """Beside the workbook, on desktop, when the workbook has been saved to a folder."""
    if not io.desktop:
        return None
    full = Path(io.book.fullname)
    if not full.is_absolute() or not full.parent.is_dir():
        return None
    return full.with_name(f"{full.stem}_情况说明.docx")


# -- running a handler for a button --------------------------------------------------------------------
def run_for_button(book, handler, *, show_outcome: bool = False) -> Outcome | None:
    """Run a handler; tell the user in Chinese what went wrong (never a traceback). ``show_outcome``
    also shows what was done (desktop, where no task pane shows it)."""
    io = BookIO(book)
    try:
        outcome = handler(book)
    except InputError as e:
        io.alert(e.text)
        return None
    except Exception as e:  # noqa: BLE001 - a button must answer in Chinese
        if os.environ.get("BUDGET_XL_DEBUG"):
            raise
        from budget_xl.errors import internal_error

        io.alert(internal_error(e, ""))
        return None
    if show_outcome:
        io.alert(outcome.message)
    return outcome
