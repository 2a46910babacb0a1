"""What a marking run leaves behind so the next one — by either writer — can take its marks off: the
hidden sheet _校验标记 (per marked cell: its own fill, note text and note author, and the exact text of
the note we put there; per row of 校验结果: the finding's stable identity), and the text of our notes.

Our notes are recognised by their exact text recorded here, not by their 【校验】 prefix alone, so a
user's own note that happens to start with 【校验】 is never mistaken for ours. The sheet is hidden but a
user can still damage it: unreadable rows are skipped with a Chinese warning, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

STATE_SHEET = "_校验标记"
STATE_HEADER = ["单元格", "原填充色", "原批注", "原批注作者", "本工具批注"]
# the findings block, right of the cells block after one blank column: identity of each 校验结果 row
IDENTITY_HEADER = ["规则", "位置", "问题", "表", "行", "列"]
IDENTITY_COL = len(STATE_HEADER) + 1  # 0-based column where the findings block starts
NOTE_PREFIX = "【校验】"
OUR_AUTHOR = "budget-xl"
# written in 原批注作者 by an engine that could not read a cell's own note (Office.js): leave that note alone
NOTE_KEPT = "（原批注未读取，保持不变）"

# what the cell had before, appended to our note so that the note alone still tells (older files, and
# a state sheet that was lost)
OWN_NOTE = "\n——原批注："
OWN_AUTHOR = "\n——原批注作者："
OWN_FILL = "\n——原底色："

MAX_ROW, MAX_COL = 1_048_576, 16_384
_REF = re.compile(r"^(.+)!\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_ARGB = re.compile(r"^(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}$")
# characters an .xlsx cannot hold (XML 1.0): dropped from everything we write
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text):
    """Text without the control characters Excel files cannot hold; other values unchanged."""
    return _CONTROL.sub("", text) if isinstance(text, str) else text


def norm_note(text: str) -> str:
    """A note's text as compared with the one we wrote: engines may change line ends and trailing space."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def valid_ref(ref) -> bool:
    """'收入总表!D5' with a column and row Excel has."""
    if not isinstance(ref, str):
        return False
    m = _REF.match(ref.strip())
    if not m:
        return False
    col = 0
    for ch in m.group(2).upper():
        col = col * 26 + ord(ch) - 64
    return 1 <= int(m.group(3)) <= MAX_ROW and 1 <= col <= MAX_COL


def normal_argb(fill) -> str | None:
    """'FF00B050' for a recorded fill ('' for none); None when the record is not a colour."""
    if fill in (None, ""):
        return ""
    if not isinstance(fill, str) or not _ARGB.match(fill.strip()):
        return None
    fill = fill.strip().upper()
    return fill if len(fill) == 8 else "FF" + fill


@dataclass(frozen=True)
class SavedCell:
    """What a cell held before our first mark on it, and the note we put there."""

    cell: str
    fill: str       # ARGB of the cell's own solid fill, "" for none or unknown
    note: str
    author: str
    ours: str = ""  # the exact text of our note on the cell ("" when we wrote none)


Identity = tuple[str, str | None, str | None, str | None]


@dataclass
class State:
    cells: list[SavedCell] = field(default_factory=list)
    # (rule, 位置, 问题) of a 校验结果 row → the finding's identity
    identities: dict[tuple[str, str, str], Identity] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    legacy: bool = True  # written before our note texts were recorded: recognise notes by author and place

    def ours(self) -> dict[str, SavedCell]:
        """Our recorded note texts → the record (where that note's cell was when we wrote it)."""
        return {norm_note(s.ours): s for s in self.cells if s.ours}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_state(grid: list[list] | None) -> State:
    """The hidden sheet's records; rows that cannot be read are skipped and named in ``warnings``."""
    state = State()
    if not grid:
        return state
    bad_cells, bad_fills = [], []
    for i, row in enumerate(grid, start=1):
        row = list(row) + [None] * (IDENTITY_COL + len(IDENTITY_HEADER) - len(row))
        head = row[:len(STATE_HEADER)]
        if head[0] == STATE_HEADER[0]:
            if head[4] == STATE_HEADER[4]:
                state.legacy = False
        elif any(v not in (None, "") for v in head):
            fill = normal_argb(head[1])
            if not valid_ref(head[0]):
                bad_cells.append(i)
            else:
                if fill is None:
                    bad_fills.append(i)
                    fill = ""
                state.cells.append(SavedCell(head[0].strip(), fill, _text(head[2]), _text(head[3]), _text(head[4])))
        ident = row[IDENTITY_COL:IDENTITY_COL + len(IDENTITY_HEADER)]
        if ident[0] not in (None, "", IDENTITY_HEADER[0]):
            rule, where, message, table, key, column = (_text(v) for v in ident)
            state.identities.setdefault((rule, where, message), (rule, table or None, key or None, column or None))
    if bad_cells:
        state.warnings.append(f"隐藏工作表“{STATE_SHEET}”第 {_rows(bad_cells)} 行不是可识别的单元格记录，已忽略"
                              "（这些单元格上次标注前的底色和批注无法恢复）。")
    if bad_fills:
        state.warnings.append(f"隐藏工作表“{STATE_SHEET}”第 {_rows(bad_fills)} 行记录的原填充色无法识别，"
                              "这些单元格的底色将清除而不是恢复。")
    return state


def _rows(numbers: list[int]) -> str:
    shown = "、".join(map(str, numbers[:10]))
    return shown + (f" 等 {len(numbers)} " if len(numbers) > 10 else "")


def state_rows(cells: list[SavedCell], identities: list[list]) -> list[list]:
    """The hidden sheet: the cells block, and beside it the identity of every 校验结果 row."""
    left = [STATE_HEADER] + [[s.cell, s.fill, s.note, s.author, s.ours] for s in cells]
    right = [IDENTITY_HEADER] + [[("" if v is None else v) for v in r] for r in identities]
    rows = []
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else [None] * len(STATE_HEADER)
        b = right[i] if i < len(right) else [None] * len(IDENTITY_HEADER)
        rows.append([clean(v) for v in a] + [None] + [clean(v) for v in b])
    return rows


# -- our notes ---------------------------------------------------------------------------------------
def wrap(note: str, own: SavedCell) -> str:
    """Our note, followed by what the cell had before (so that even the note alone can be undone)."""
    text = note
    if own.note:
        text += OWN_NOTE + own.note + (OWN_AUTHOR + own.author if own.author else "")
    if own.fill:
        text += OWN_FILL + own.fill
    return clean(text)


def unwrap(cell: str, text: str) -> SavedCell:
    """Our note (as written by ``wrap``) → what the cell had before. Only for notes whose record is lost."""
    own_fill = own_note = own_author = ""
    if OWN_FILL in text:
        head, tail = text.rsplit(OWN_FILL, 1)
        if normal_argb(tail.strip()) is not None:
            text, own_fill = head, normal_argb(tail.strip())
    if OWN_NOTE in text:
        text, own_note = text.split(OWN_NOTE, 1)
        if OWN_AUTHOR in own_note:
            own_note, own_author = own_note.rsplit(OWN_AUTHOR, 1)
    return SavedCell(cell, own_fill, own_note, own_author)


def recognise(cell: str, text: str | None, author: str | None, state: State,
              ours: dict[str, SavedCell]) -> SavedCell | None:
    """If the note on ``cell`` is one we wrote: what the cell had before (from the record of that exact
    note, wherever rows have moved it; else from the note itself). None for a user's note."""
    if not text or not text.startswith(NOTE_PREFIX):
        return None
    rec = ours.get(norm_note(text))
    if rec is not None:
        return replace(rec, cell=cell)
    if author == OUR_AUTHOR:  # a note we wrote on a cell without a note of its own, or an older file's
        return replace(unwrap(cell, text), ours=text)
    if state.legacy:  # a file marked before note texts were recorded: the record of the cell, if any
        rec = next((s for s in state.cells if s.cell == cell), None)
        return replace(rec, ours=text) if rec is not None else None
    return None
