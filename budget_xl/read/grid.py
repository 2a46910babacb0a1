"""Grid → model: the one engine-agnostic reader.

Every engine (python-calamine, openpyxl, xlwings desktop or remote) hands over each sheet as a 2-D list of
values starting at A1; this module finds each table by its title and header texts, maps columns by header
(never by position) and rows by 科目编码 or row label (never by row number).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import repeat
from operator import is_not
from typing import Any

from budget_xl.a1 import letter
from budget_xl.errors import InputError
from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.read.values import (
    CellError,
    Uncached,
    bad_grouping,
    has_control_chars,
    is_cell_picture,
    parse_code,
    parse_number,
    parse_text,
    plain,
    shown,
)
from budget_xl.schema import DEFAULT_PROFILE, PROFILES, Layout, header_key, label_key, load_schema, profile_from_label
from budget_xl.units import WAN, parse_unit

Grid = Sequence[Sequence[Any]]
HEADER_SEARCH_ROWS = 40
_NUM, _PERCENT, _CODE, _TEXT = "number", "percent", "code", "text"  # how _values reads a column
_KINDS = {"amount": _NUM, "number": _NUM, "percent": _PERCENT, "code": _CODE}
_SLOW = object()  # a float _SheetReader._values leaves to _value


def _float_amount(x: float):
    """A float as ``parse_number`` reads it when that is a plain number (at most 6 decimals, below
    MAX_AMOUNT, finite: values._from_float's first branch), else ``_SLOW``."""
    if -1e15 < x < 1e15:
        s = repr(x)
        if "e" not in s and len(s) - s.find(".") <= 7:
            return Decimal(s) if s != "-0.0" else Decimal("0.0")  # as values._from_float: no amount is -0
    return _SLOW


col_letter = letter  # 0 → 'A', 26 → 'AA' (budget_xl.a1)


def ref(sheet: str, row: int, col: int) -> str:
    """0-based row/col → '收入总表!D5'."""
    return f"{sheet}!{col_letter(col)}{row + 1}"


@dataclass
class ReadResult:
    budget: Budget
    notes: list[Finding] = field(default_factory=list)


def _cell(grid: Grid, r: int, c: int):
    row = grid[r] if r < len(grid) else ()
    v = row[c] if c < len(row) else None
    return None if v == "" else v


def _title_keys(title: str) -> tuple[str, str]:
    want = label_key(title)
    return want, want.replace("部门", "单位", 1)  # a 单位预算 prints 单位 where a 部门预算 prints 部门


def _find_title(grid: Grid, title: str, rows: int = 10) -> tuple[int, int] | None:
    wants = _title_keys(title)
    for r in range(min(rows, len(grid))):
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and label_key(v) in wants:
                return r, c
    return None


def _locate_header(grid: Grid, layout: Layout, start: int) -> tuple[int, dict[str, int]] | None:
    """Find the header row and map every declared column to a sheet column.

    Returns None when no row looks like the header; raises InputError naming the missing headers when a
    row looks like it but lacks some of them.
    """
    depth = layout.header_depth
    tops = {header_key(c.header[0]) for c in layout.columns}
    need = max(1, min(2, len(tops)))
    best: tuple[int, list] | None = None
    for r in range(start, min(len(grid), start + HEADER_SEARCH_ROWS)):
        top = [header_key(v) for v in grid[r]]
        if sum(1 for t in set(top) if t in tops) < need:
            continue
        sub = [header_key(v) for v in grid[r + 1]] if depth > 1 and r + 1 < len(grid) else []
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        sub += [""] * (width - len(sub))
        group, last = [], ""
        for t in top:
            last = t or last
            group.append(last)
        mapping: dict[str, int] = {}
        for col in layout.columns:
            hs = [header_key(h) for h in col.header]
            for j in range(width):
                if j in mapping.values():
                    continue
                if len(hs) == 1 and top[j] == hs[0] and (not sub or sub[j] in ("", hs[0])):
                    mapping[col.key] = j
                    break
                if len(hs) == 2 and sub[j] == hs[1] and group[j] == hs[0]:
                    mapping[col.key] = j
                    break
        if len(mapping) == len(layout.columns):
            return r, mapping
        missing = [c for c in layout.columns if c.key not in mapping]
        if best is None or len(missing) < len(best[1]):
            best = (r, missing)
    if best is None:
        return None
    r, missing = best
    raise InputError("找不到表头“" + "”“".join("-".join(c.header).replace("{year}", "") for c in missing)
                     + f"”（表头在第{r + 1}行）。请不要删除或改写表头文字。")


def _blank_line(values: Sequence) -> bool:
    """Every value None or "" (counted in C for a list or tuple, what every engine hands over)."""
    if type(values) is list or type(values) is tuple:
        return values.count(None) + values.count("") == len(values)
    return not any(v not in (None, "") for v in values)


def _is_note(values: Sequence) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            s = v.strip()
            return s if s.startswith(("注", "说明：")) else None
    return None


class _SheetReader:
    """Reads one sheet of one layout into a Table, collecting notes (warnings) on the way."""

    def __init__(self, layout: Layout, sheet: str, grid: Grid, source: str, notes: list[Finding],
                 uncached: list[str] | None = None, merged=(), floats: dict | None = None):
        self.layout, self.sheet, self.grid, self.source, self.notes = layout, sheet, grid, source, notes
        self.uncached = uncached if uncached is not None else []
        # cells of ranges merged over several rows: one value standing for several rows' codes or amounts
        self.merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r1, c1, r2, c2 in merged:
            if r2 > r1 and (r2 - r1 + 1) * (c2 - c1 + 1) <= 100_000:
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        self.merged[(r, c)] = (r1, c1, r2, c2)
        self.merged_told: set[tuple[int, int, int, int]] = set()
        self._prefixes: dict[int, str] = {}  # column → '收入总表!D'
        self._plans: dict[tuple[str, ...], tuple] = {}  # skipped columns → _plan (one header mapping per sheet)
        self._floats: dict[float, object] = floats if floats is not None else {}  # float → Decimal or _SLOW

    def note(self, rule: str, severity: str, message: str, *cells: str) -> None:
        self.notes.append(Finding(rule=rule, severity=severity, message=message, cells=tuple(cells)))

    def read(self) -> tuple[Table, str | None]:
        lay, grid = self.layout, self.grid
        table = Table(layout=lay, sheet=self.sheet)
        title = _find_title(grid, lay.title)
        if title:
            table.title_cell = ref(self.sheet, *title)
        else:
            self.note("READ-TITLE", WARNING, f"工作表“{self.sheet}”的前几行找不到表题“{lay.title}”。",
                      ref(self.sheet, 0, 0))
        start = title[0] + 1 if title else 0
        try:
            located = _locate_header(grid, lay, start)
        except InputError as e:
            raise InputError(e.message, file=self.source, sheet=self.sheet) from None
        if located is None:
            first = "、".join(dict.fromkeys(c.header[0] for c in lay.columns))
            raise InputError(f"找不到“{lay.title}”的表头（应含：{first}）。请不要删除或改写表头行。",
                             file=self.source, sheet=self.sheet, cell=ref(self.sheet, start, 0).split("!")[1])
        header_row, cols = located
        sheet_unit = self._unit_line(header_row)
        first_data = header_row + lay.header_depth
        rows = self._data_rows(first_data, cols, table, title[1] if title else None)
        kind = lay.kind
        if kind == "coded":
            table.rows = self._coded(rows, cols)
        elif kind in ("fixed", "keyvalue"):
            table.rows = self._fixed(rows, cols, lay.rows, lay.label, None)
        elif kind == "two_sided":
            out: list[Row] = []
            for side in lay.sides:
                out += self._fixed(rows, cols, side.rows, side.label, side)
            table.rows = out
        else:
            table.rows = self._records(rows, cols)
        return table, sheet_unit

    def _unit_line(self, header_row: int) -> str | None:
        for r in range(header_row):
            for v in self.grid[r]:
                if isinstance(v, str) and "单位" in v and ("：" in v or ":" in v):
                    u = parse_unit(v.split("：")[-1].split(":")[-1])
                    if u:
                        return u
        return None

    def _data_rows(self, first: int, cols: dict[str, int], table: Table,
                   title_col: int | None = None) -> list[tuple[int, list]]:
        out = []
        seq_col = cols.get("seq")
        wants = _title_keys(self.layout.title)
        ascii_title = any(w.isascii() for w in wants)  # else a code, a number or any ASCII text is not the title
        for r in range(first, len(self.grid)):
            raw = self.grid[r]
            if _blank_line(raw):
                continue
            if title_col is not None and title_col < len(raw) and type(v := raw[title_col]) is str \
                    and (ascii_title or not v.isascii()) and label_key(v) in wants:  # the table pasted again below
                self._repeated(r, title_col)
                break
            note = _is_note(raw)
            if note:
                c = next(i for i, v in enumerate(raw) if isinstance(v, str) and v.strip())
                table.notes.append((note, ref(self.sheet, r, c)))
                continue
            if seq_col is not None:
                s = _cell(self.grid, r, seq_col)
                if isinstance(s, str) and header_key(s) in ("栏次", "序号"):
                    continue
            out.append((r, raw))
        return out

    def _repeated(self, r: int, c: int) -> None:
        where = ref(self.sheet, r, c)
        self.note("READ-REPEATED-TABLE", ERROR,
                  f"{where} 又出现了表题“{self.layout.title}”：这张表可能被重复粘贴了。只读取了第{r}行及以上的内容，"
                  f"第{r + 1}行起的部分未读取；请删除重复的部分（每张表只保留一份）。", where)

    def _prefix(self, c: int) -> str:
        """'收入总表!D' for column 3: a cell's address without its row, made once per column."""
        if c not in self._prefixes:
            self._prefixes[c] = f"{self.sheet}!{col_letter(c)}"
        return self._prefixes[c]

    def _plan(self, cols: dict[str, int], skip: tuple[str, ...]) -> tuple:
        """The columns ``_values`` reads, once per sheet: (key, sheet column, kind, address prefix, column)."""
        plan = self._plans.get(skip)
        if plan is None:
            plan = self._plans[skip] = tuple(
                (col.key, cols[col.key], _KINDS.get(col.type, _TEXT), self._prefix(cols[col.key]), col)
                for col in self.layout.columns if col.key not in skip and col.type != "seq")
        return plan

    def _values(self, r: int, cols: dict[str, int], row: Row, skip: tuple[str, ...] = ()) -> None:
        """Every column of sheet row ``r`` into ``row``. The cells nearly every sheet is made of (an amount
        held as a float of at most 6 decimals, a printable text, a blank) are read here in line; any other
        goes through ``_value``, which reads and reports it."""
        grid = self.grid
        line_cells = grid[r] if r < len(grid) else ()
        n = len(line_cells)
        line = str(r + 1)
        values, cells, merged, floats = row.values, row.cells, self.merged, self._floats
        for key, c, kind, prefix, col in self._plan(cols, skip):
            raw = line_cells[c] if c < n else None
            cells[key] = where = prefix + line
            if merged and kind is not _TEXT and (r, c) in merged:
                self._value(r, c, raw, where, col, row)
                continue
            t = type(raw)
            if t is float:
                if kind is _NUM:
                    d = floats.get(raw)
                    if d is None:
                        d = _float_amount(raw)
                        if raw:  # 0.0 and -0.0: one key, two Decimals
                            floats[raw] = d
                    if d is not _SLOW:
                        values[key] = d
                        continue
            elif t is str:
                if not raw:
                    values[key] = None
                    continue
                if raw.isprintable():
                    if kind is _TEXT:
                        values[key] = raw.strip() or None
                        continue
                    if kind is _CODE:
                        values[key] = parse_code(raw)
                        continue
            elif raw is None:
                values[key] = None
                continue
            self._value(r, c, raw, where, col, row)

    def _value(self, r: int, c: int, raw, where: str, col, row: Row) -> None:
        """One cell of any kind into ``row``, with the note it calls for."""
        if raw == "":
            raw = None
        if isinstance(raw, CellError):
            row.invalid.add(col.key)
            row.values[col.key] = None
            self.note("READ-CELL-ERROR", ERROR, f"{where} 单元格是 {raw.code}（Excel 错误值，不是空白）："
                      "请在 Excel 中修正它的公式或引用，涉及它的关系暂不核对。", where)
            return
        if isinstance(raw, Uncached):
            row.invalid.add(col.key)
            row.values[col.key] = None
            self.uncached.append(where)
            return
        rng = self.merged.get((r, c)) if col.type in ("amount", "number", "percent", "code") else None
        if rng is not None:
            row.invalid.add(col.key)
            row.values[col.key] = None
            if rng not in self.merged_told:
                self.merged_told.add(rng)
                span = f"{col_letter(rng[1])}{rng[0] + 1}:{col_letter(rng[3])}{rng[2] + 1}"
                self.note("READ-MERGED", ERROR,
                          f"{self.sheet}!{span} 是合并单元格，跨第{rng[0] + 1}–{rng[2] + 1}行：每一行的"
                          f"“{col.header[-1]}”应分别填写。请取消合并后逐行填写，涉及这些行的关系暂不核对。",
                          *(ref(self.sheet, x, rng[1]) for x in range(rng[0], min(rng[2], rng[0] + 50) + 1)))
            return
        if raw is None:  # blank: unknown whatever the column's type
            row.values[col.key] = None
            return
        if isinstance(raw, str) and has_control_chars(raw):
            self.note("READ-CONTROL-CHAR", WARNING, f"{where} 的内容含有不可见的控制字符，已忽略这些字符读取。", where)
        if col.type in ("amount", "number", "percent"):
            p = parse_number(raw, percent=col.type == "percent")
            if p.how in ("bad", "too-big"):
                row.invalid.add(col.key)
                what = "不是有效金额" if p.how == "bad" else "金额大得不合理（可能是粘贴错误）"
                if isinstance(raw, str) and bad_grouping(raw):
                    what += "（逗号只能作千分位，每三位一个；小数点应写作“.”）"
                if isinstance(raw, (date, time, timedelta)):  # a number Excel shows as a date: its format, not its value
                    what += "（单元格设置成了日期或时间格式；若原是金额，请把单元格格式改为“数值”后重新填写）"
                if is_cell_picture(raw):
                    self.note("READ-NOT-NUMBER", ERROR, f"{where} 中是一张嵌入单元格的图片（WPS 的“嵌入单元格”图片），"
                              "不是金额，涉及它的关系暂不核对。请把图片移出这个单元格，填写金额。", where)
                    return
                self.note("READ-NOT-NUMBER", ERROR, f"{where} 的内容“{shown(raw)}”{what}，涉及它的关系暂不核对。", where)
            elif p.how == "text-number":
                self.note("READ-TEXT-NUMBER", WARNING,
                          f"{where} 的数字以文本形式存储（“{raw}”），已按 {plain(p.value)} 读取；建议转换为数字。", where)
            row.values[col.key] = p.value
        elif col.type == "code":
            row.values[col.key] = parse_code(raw)
        else:
            row.values[col.key] = parse_text(raw)

    def _coded(self, rows, cols) -> list[Row]:
        out: list[Row] = []
        code_c, name_c = cols["code"], cols["name"]
        seen: dict[str, int] = {}
        amount_cols = self.layout.amount_columns
        for r, raw in rows:  # raw is grid[r]; parse_code / parse_text read "" as None, as _cell gives it
            code = parse_code(raw[code_c] if code_c < len(raw) else None)
            name = parse_text(raw[name_c] if name_c < len(raw) else None)
            if code and not code[0].isdigit():
                name, code = name or code, None
            row = Row(key="", line=r + 1)
            self._values(r, cols, row)
            # Row.amount is not None: each value is a Decimal or None (parse_number's); compared by identity,
            # for Decimal == None goes through the numbers ABCs
            has_amount = any(map(is_not, map(row.values.get, amount_cols), repeat(None)))
            if code and code in seen:
                # two rows under one code: the model would keep one, and totals would lose the other's amounts
                self.note("READ-DUP-CODE", ERROR, f"科目编码 {code} 重复出现（第{seen[code]}行和第{r + 1}行）："
                          "同一科目只能有一行，请合并或改正编码。", ref(self.sheet, seen[code] - 1, code_c),
                          ref(self.sheet, r, code_c))
                row.key = f"#{r + 1}"
            elif code:
                seen[code] = r + 1
                row.key = code
            elif name and label_key(name) in ("合计", "总计"):
                row.key = TOTAL_KEY
            elif name and not has_amount and out:
                # a name broken over two lines (page break in a pasted export): join it to the row above
                prev = out[-1]
                prev.values["name"] = (prev.text("name") + name).strip()
                continue
            else:
                row.key = f"#{r + 1}"
                if has_amount:
                    self.note("READ-NO-CODE", ERROR, f"第{r + 1}行有金额但没有科目编码，无法归入科目。",
                              ref(self.sheet, r, code_c))
            out.append(row)
        return out

    def _fixed(self, rows, cols, declared, label_col: str, side) -> list[Row]:
        lab_c = cols[label_col]
        labelled = [(r, label_key(_cell(self.grid, r, lab_c))) for r, _ in rows]
        by_key = match_labels(labelled, declared)
        taken = set(by_key.values())
        out = []
        own_cols = set(side.columns) | {side.label} if side else None
        skip = tuple(k for k in cols if own_cols is not None and k not in own_cols)
        for d in declared:
            r = by_key.get(d.key)
            if r is None:
                continue
            row = Row(key=d.key, line=r + 1, side=side.name if side else None)
            self._values(r, cols, row, skip=skip)
            if self.layout.kind == "keyvalue" and d.type == "amount":
                p = parse_number(_cell(self.grid, r, cols["value"]))
                row.values["amount"] = p.value
                row.cells["amount"] = row.cells["value"]
            out.append(row)
        # rows that carry amounts but match no declared label
        amount_cols = [k for k in (side.columns if side else self.layout.amount_columns)]
        for r, lab in labelled:
            if r in taken or not lab:
                continue
            if any(parse_number(_cell(self.grid, r, cols[k])).value not in (None, Decimal(0)) for k in amount_cols):
                self.note("READ-UNKNOWN-ROW", WARNING, f"第{r + 1}行“{lab}”不是本表的标准行次，未读取。",
                          ref(self.sheet, r, lab_c))
        return out

    def _records(self, rows, cols) -> list[Row]:
        out = []
        key_col = self.layout.key_column
        label_cols = [c.key for c in self.layout.columns if c.type == "label"]
        for i, (r, _raw) in enumerate(rows):
            row = Row(key="", line=r + 1)
            self._values(r, cols, row)
            if not any(v is not None and (type(v) is not str or v != "") for v in row.values.values()):
                continue  # (values are Decimal, str or None: a Decimal compared with "" or None is slow)
            row.key = (row.values.get(key_col) if key_col else None) or f"#{i + 1}"
            labels = [row.values.get(c) for c in label_cols]  # 合计 and 总计 both hold 计: label_key only then
            if any(label_key(v) in ("合计", "总计") for v in labels if isinstance(v, str) and "计" in v):
                row.key = TOTAL_KEY  # a 合计 line under the records (政府采购): a total, not an item
            out.append(row)
        return out


def match_labels(labelled: list[tuple[int, str]], declared) -> dict[str, int]:
    """Declared fixed rows → sheet rows, by label. A label printed twice (财拨总表's
    “一般公共预算拨款” under 本年收入 and again under 年初结转) is told apart by its ``after`` anchor."""
    want = {d.key: label_key(d.label) for d in declared}
    repeated = {want[d.key] for d in declared if d.after}
    by_key: dict[str, int] = {}
    taken: set[int] = set()

    def first(label: str, lo: int = -1, hi: int = 1 << 30) -> int | None:
        for r, lab in labelled:
            if lab == label and lo < r < hi and r not in taken:
                return r
        return None

    order = [d for d in declared if want[d.key] not in repeated]
    order += [d for d in declared if want[d.key] in repeated and not d.after]
    order += [d for d in declared if d.after]
    for d in order:
        label = want[d.key]
        if d.after:
            r = first(label, lo=by_key.get(d.after, -1))
        elif label in repeated:
            anchors = [by_key[x.after] for x in declared if x.after and want[x.key] == label and x.after in by_key]
            r = first(label, hi=min(anchors, default=1 << 30))
        else:
            r = first(label)
        if r is not None:
            by_key[d.key] = r
            taken.add(r)
    return by_key


def _find_sheet(grids: Mapping[str, Grid], layout: Layout) -> str | None:
    if layout.sheet in grids:
        return layout.sheet
    want = label_key(layout.sheet)
    for name in grids:
        if label_key(name) == want:
            return name
    return None


def detect_profile(grids: Mapping[str, Grid]) -> str:
    """The template a workbook follows: 基本信息 “模板” if stated, else the profile whose sheets and titles it has."""
    info = grids.get("基本信息")
    for row in info or ():
        if row and isinstance(row[0], str) and label_key(row[0]) == "模板" and len(row) > 1:
            found = profile_from_label(row[1])
            if found:
                return found
    best, best_score = DEFAULT_PROFILE, 0
    for name in PROFILES:
        score = 0
        for lay in load_schema(name).layouts:
            if not lay.key.startswith("T"):
                continue
            sheet = _find_sheet(grids, lay)
            if sheet is not None and _find_title(grids[sheet], lay.title):
                score += 1
        if score > best_score:
            best, best_score = name, score
    return best


def read_grids(grids: Mapping[str, Grid], source: str = "", profile: str | None = None) -> ReadResult:
    """Read every declared sheet from ``grids`` (sheet name → rows of values from A1).

    ``profile`` None: recognised from 基本信息 “模板” or the sheet titles (default national)."""
    profile = profile or detect_profile(grids)
    schema = load_schema(profile)
    notes: list[Finding] = []
    uncached: list[str] = []
    floats: dict = {}  # float → its Decimal, shared by the sheets: a department repeats most of its amounts
    tables: dict[str, Table] = {}
    sheet_units: dict[str, str | None] = {}
    if not any(_find_sheet(grids, lay) for lay in schema.layouts if lay.written):  # 变更记录 alone: not ours
        from budget_xl.read.official import is_official, read_official

        if is_official(grids):  # the official tables as the district hands them out (read/official.py)
            return read_official(grids, source, None if profile == DEFAULT_PROFILE else profile)
        raise InputError("这不是预算公开主表工作簿：找不到任何一张约定的工作表（如“收支总表”“收入总表”）。"
                         "请用“budget-xl new”生成的模板填报。", file=source)
    for lay in schema.layouts:
        name = _find_sheet(grids, lay)
        if name is None:
            if lay.required or _titled_elsewhere(grids, lay, profile):
                message, sheet = _missing_sheet_message(grids, lay, profile)
                raise InputError(message, file=source, sheet=sheet)
            tables[lay.key] = Table(layout=lay, present=False, unit=lay.unit or schema.default_unit)
            continue
        merged = getattr(grids, "merged", {}).get(name, ())
        table, sheet_unit = _SheetReader(lay, name, grids[name], source, notes, uncached, merged, floats).read()
        tables[lay.key] = table
        sheet_units[lay.key] = sheet_unit
    if uncached:
        some = "、".join(uncached[:3]) + ("等" if len(uncached) > 3 else "")
        notes.append(Finding("READ-FORMULA-UNCACHED", ERROR,
                             f"公式未计算：有 {len(uncached)} 个单元格（{some}）是公式，但文件中没有保存计算结果"
                             "（文件可能由程序生成）。请在 Excel 或 WPS 中打开并保存，或另存一次后再试；"
                             "在此之前这些单元格按“未知”处理，涉及它们的关系暂不核对。", tuple(uncached)))
    budget = Budget(tables=tables, source=source, profile=profile)
    _apply_units(budget, sheet_units, notes, schema.default_unit)
    return ReadResult(budget=budget, notes=notes)


def _titled_elsewhere(grids: Mapping[str, Grid], lay: Layout, profile: str = DEFAULT_PROFILE) -> bool:
    """An optional sheet renamed by the user still carries its title: don't silently drop it."""
    known = {x.sheet for x in load_schema(profile).layouts}
    return any(name not in known and _find_title(grid, lay.title) for name, grid in grids.items())


def _missing_sheet_message(grids: Mapping[str, Grid], lay: Layout, profile: str = DEFAULT_PROFILE) -> tuple[str, str]:
    """What to say of a missing table, and the sheet to name: the one holding it (renamed, or holding several
    tables stacked), else the sheet it should be."""
    layouts = [x for x in load_schema(profile).layouts if x.published]
    for name, grid in grids.items():
        titles = [x.title for x in layouts if _find_title(grid, x.title, rows=len(grid))]
        if lay.title in titles and len(titles) >= 2:  # the tables stacked on one sheet
            more = "、".join(titles[:3]) + (f"等 {len(titles)} 张" if len(titles) > 3 else "")
            sheets = "“" + "”“".join(x.sheet for x in layouts if x.title in titles[:3]) + "”"
            return (f"这个工作表中放了多张表（{more}）：每张表应放在各自的工作表中（如{sheets}），"
                    "请把它们分到各自的工作表后再试（可用“budget-xl new”生成的模板）。", name)
    for name, grid in grids.items():
        if _find_title(grid, lay.title):
            return (f"缺少工作表“{lay.sheet}”。工作表“{name}”中有表题“{lay.title}”，可能被改了名："
                    f"请把它改回“{lay.sheet}”。", lay.sheet)
    return f"缺少工作表“{lay.sheet}”（{lay.title}）。请从“budget-xl new”生成的模板中复制该表。", lay.sheet


def _apply_units(budget: Budget, sheet_units: dict[str, str | None], notes: list[Finding],
                 default_unit: str = WAN) -> None:
    info = budget.tables.get("INFO")
    for key, table in budget.tables.items():
        lay = table.layout
        if lay.unit:
            table.unit = lay.unit
            continue
        if not lay.amount_columns or not lay.written:
            continue
        row = info.get(f"unit:{key}") if info and info.present else None
        info_unit = parse_unit(row.text("value")) if row else None
        if row and row.text("value") and not info_unit:
            notes.append(Finding("READ-UNIT", ERROR, f"金额单位“{row.text('value')}”无法识别，应为“元”或“万元”。",
                                 (row.cell("value"),)))
        printed = sheet_units.get(key)
        if printed and info_unit and printed != info_unit:
            notes.append(Finding("READ-UNIT", WARNING,
                                 f"“{lay.title}”表上印的单位是{printed}，基本信息中是{info_unit}；按表上的{printed}读取。",
                                 tuple(c for c in (row.cell("value"), table.title_cell) if c)))
        table.unit = printed or info_unit or default_unit
        if not printed and not info_unit and table.present:
            notes.append(Finding("READ-UNIT", INFO, f"“{lay.title}”未注明金额单位，按{default_unit}读取。",
                                 (table.title_cell,) if table.title_cell else ()))
