"""Import a published 部门决算 PDF: its tables read cell by cell from the ruled grid, its text with a vertical
tolerance.

决算 tables are printed as ruled grids whose cells centre their text vertically: a figure in a row whose name
wraps over two lines sits half a line above or below the name, so reading printed lines pairs figures with the
wrong row. The grid's cells (pdfplumber's table finder) say which row and column each figure is in. Columns are
named by the header cells above them, matched to the profile's column headers and aliases; rows by 科目编码 or by
row label, as for 预算. In the 说明 some figures are set on a shifted baseline (half a line lower than their
sentence): words are grouped into lines with a vertical tolerance so that they stay in their sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.recognise.tables import column_names, header_words, match_title
from budget_xl.recognise.titles import fold
from budget_xl.schema import PROFILE_LABELS, Layout, label_key, load_schema

BASELINE_TOLERANCE = 8.0  # points (pdfplumber tops): a figure set 5–8 pt below its sentence still belongs to it; lines are 14 pt apart
_AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")
_CODE = re.compile(r"^\d{1,7}$")
_UNIT = re.compile(r"单位[:：]\s*(万元|元)")


# -- text lines with a vertical tolerance ---------------------------------------------------------------
def regroup_lines(lines: list) -> list:
    """The importer's printed lines regrouped per page: a word whose top lies within ``BASELINE_TOLERANCE`` of a
    line's first word joins that line (in x order), so "本年支出合计 / 2940.05 / 万元" reads as one sentence."""
    from budget_xl.importers.pdf import Line

    out: list[Line] = []
    by_page: dict[int, list] = {}
    for line in lines:
        by_page.setdefault(line.page, []).extend(line.words)
    for page in sorted(by_page):
        grouped: list[Line] = []
        for w in sorted(by_page[page], key=lambda w: (w.top, w.x0)):
            if grouped and w.top - grouped[-1].top <= BASELINE_TOLERANCE and not _overlaps(grouped[-1], w):
                grouped[-1].words.append(w)
            else:
                grouped.append(Line(page, w.top, [w]))
        for line in grouped:
            line.words.sort(key=lambda w: w.x0)
        out += grouped
    return out


def _overlaps(line, word) -> bool:
    """A word that stands where the line already has one is on the next printed line, not this one."""
    return any(w.x0 < word.x1 - 1 and word.x0 < w.x1 - 1 for w in line.words)


# -- ruled tables -------------------------------------------------------------------------------------
@dataclass
class Grid:
    page: int
    texts: list[list[str | None]]  # None: the cell is part of a merged cell to its left or above
    boxes: list[list[tuple | None]]
    top: float
    bottom: float = 0.0

    def column_centres(self) -> list[float]:
        n = max(len(r) for r in self.boxes)
        best = max(self.boxes, key=lambda r: sum(b is not None for b in r))
        out = []
        for j in range(n):
            b = best[j] if j < len(best) else None
            if b is None:
                b = next((r[j] for r in self.boxes if j < len(r) and r[j] is not None), (0, 0, 0, 0))
            out.append((b[0] + b[2]) / 2)
        return out


def page_grids(path: Path) -> tuple[list[Grid], dict[int, list[tuple[float, str]]]]:
    """Every ruled table of the PDF (page, cell texts, cell boxes) and each page's printed lines (top, text)."""
    import pdfplumber

    from budget_xl.importers.pdf import plumber_page

    grids: list[Grid] = []
    page_lines: dict[int, list[tuple[float, str]]] = {}
    with pdfplumber.open(str(path)) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            page = plumber_page(page)
            words = page.extract_words(x_tolerance=1.5, y_tolerance=2)
            page_lines[i] = _lines_of(words)
            for t in page.find_tables():
                texts = t.extract()
                boxes = [list(r.cells) for r in t.rows]
                grids.append(Grid(i, texts, boxes, t.bbox[1], t.bbox[3]))
    return grids, page_lines


def _lines_of(words: list[dict]) -> list[tuple[float, str]]:
    out: list[list] = []
    for w in sorted(words, key=lambda d: (d["top"], d["x0"])):
        if out and w["top"] - out[-1][0] <= BASELINE_TOLERANCE:
            out[-1][1].append(w)
        else:
            out.append([w["top"], [w]])
    return [(top, "".join(x["text"] for x in sorted(ws, key=lambda d: d["x0"]))) for top, ws in out]


def _cell(text: str | None) -> str:
    return fold(text or "")


def _printed(text: str | None) -> str:
    """A name as printed (line breaks and blanks out, full-width brackets kept)."""
    return re.sub(r"\s+", "", text or "")


def _amount(text: str | None) -> Decimal | None:
    s = _cell(text)
    return Decimal(s.replace(",", "")) if _AMOUNT.match(s) else None


def _is_amount(text: str | None) -> bool:
    return bool(_AMOUNT.match(_cell(text)))


@dataclass
class Column:
    j: int
    role: str  # "amount" | "code" | "label" | "seq" | "?"
    key: str | None = None  # the layout column (amount or label)
    stack: tuple[str, ...] = ()


def _stacks(grid: Grid, header_rows: int) -> list[tuple[str, ...]]:
    """For each column, the header texts above it, top to bottom (a merged header counts for every column
    it spans)."""
    centres = grid.column_centres()
    out = []
    for xc in centres:
        stack = []
        for i in range(header_rows):
            for k, box in enumerate(grid.boxes[i]):
                if box is not None and box[0] - 0.5 <= xc <= box[2] + 0.5:
                    t = _cell(grid.texts[i][k])
                    if t and (not stack or stack[-1] != t):
                        stack.append(t)
                    break
        out.append(tuple(stack))
    return out


def _header_rows(grid: Grid, lay: Layout) -> int:
    """Leading rows that carry no figure, no 科目编码 and no row label of the layout: the header."""
    heads = {n for c in lay.columns for n in _names(c)}
    labels = {label_key(r.label) for r in lay.all_fixed_rows} - heads
    for i, row in enumerate(grid.texts):
        cells = [_cell(c) for c in row]
        if any(_is_amount(c) for c in cells):
            return i
        if any(_CODE.match(c) and len(c) == 3 for c in cells[:2]):
            return i
        if lay.kind == "two_sided" and any(label_key(c) in labels for c in cells if c):
            return i
    return len(grid.texts)


def _names(col) -> set[str]:
    return set(column_names(col))


def _map_columns(lay: Layout, stacks: list[tuple[str, ...]]) -> list[Column]:
    """Each printed column → the layout column its header names (leaf header or alias, under its group), or a
    code / label / 序号 column; a column whose header names nothing is "?" (its figures are reported)."""
    cols: list[Column] = []
    used: dict[str, int] = {}

    def again(key: str, j: int) -> bool:  # a column printed again in the table's second half (after its names)
        return key not in used or any(c.role in ("code", "label") for c in cols[used[key] + 1: j]) or across

    across = lay.kind == "fixed" and not any(
        bool(_names(c) & {header_words(s) for st in stacks for s in st}) for c in lay.columns if c.type == "label")
    for j, stack in enumerate(stacks):
        norm = tuple(header_words(s) for s in stack)
        joined = {header_words("".join(stack[k:])) for k in range(len(stack))}
        role, key = "?", None
        for c in lay.columns:
            names = _names(c)
            if c.type in ("code", "seq"):
                continue
            group = header_words(c.header[0]) if len(c.header) > 1 else None
            leaf_hit = bool(norm) and (norm[-1] in names or bool(names & joined))
            if leaf_hit and (group is None or group in norm or len(norm) == 1):
                if c.type != "label" and not again(c.key, j):
                    continue
                role, key = ("label" if c.type == "label" else "amount"), c.key
                break
        if role == "?" and norm and (norm[-1] in ("类", "款", "项", "科目编码") or "编码" in norm[-1]):
            role = "code"
        if role == "?" and norm and norm[-1] in ("序号", "行次", "栏次"):
            role = "seq"  # row numbers, not figures
        if role == "?" and norm and norm[-1] in ("科目名称", "项目", "单位名称"):
            role = "label"
        if key:
            used[key] = j
        cols.append(Column(j, role, key, stack))
    return cols


def _segments(cols: list[Column]) -> list[list[Column]]:
    """A table printed in two halves side by side (基本支出决算表: 301/303 left, 302/310 right) or two sides
    (收入 | 支出): a new segment starts where a code or label column follows an amount column."""
    segs: list[list[Column]] = [[]]
    for c in cols:
        if c.role in ("code", "label") and any(x.role == "amount" for x in segs[-1]):
            segs.append([])
        segs[-1].append(c)
    return [s for s in segs if s]


@dataclass
class TableRead:
    lay: Layout
    pages: list[int]
    rows: int = 0
    unit: str | None = None
    unfitted: list[tuple[int, str, str]] | None = None


class RuledReader:
    """Fills one budget's tables from the ruled grids, table by table, following a table over its pages."""

    def __init__(self, budget: Budget, profile: str):
        self.budget, self.profile = budget, profile
        self.schema = load_schema(profile)
        self.found: dict[str, TableRead] = {}
        self.unfitted: list[tuple[int, str, str]] = []
        self.set_aside: list[tuple[str, str, Decimal | None]] = []

    def read(self, grids: list[Grid], page_lines: dict[int, list[tuple[float, str]]]) -> None:
        current: Layout | None = None
        cols: list[Column] | None = None
        for grid in grids:
            title, unit = self._title_above(grid, page_lines.get(grid.page, []))
            if title is not None:
                current, cols = title, None
            elif self._is_org(grid):
                self._org(grid)
                continue
            elif current is None or not self._continues(grid, cols):
                if any(_is_amount(c) for row in grid.texts for c in row):
                    self.unfitted.append((grid.page, _printed(" ".join(c or "" for c in grid.texts[0]))[:40],
                                          "这张表格有金额，但上方没有认得的表题，也不是上一张表的续表，未导入"))
                continue
            lay = current
            read = self.found.setdefault(lay.key, TableRead(lay, []))
            if grid.page not in read.pages:
                read.pages.append(grid.page)
            if unit:
                read.unit = unit
                self.budget.tables[lay.key].unit = unit
            n = _header_rows(grid, lay)
            if n:
                mapped = _map_columns(lay, _stacks(grid, n))
                if any(c.role == "amount" for c in mapped) or cols is None:
                    cols = mapped  # a page whose leading rows name no column keeps the columns of the page before
            if cols is None:
                self.unfitted.append((grid.page, _cell(" ".join(c or "" for c in grid.texts[0])),
                                      f"“{lay.title}”的表头未识别，不知道这些数字属于哪一列"))
                continue
            read.rows += self._body(lay, grid, cols, n)
            self._notes(lay, grid, page_lines.get(grid.page, []))
        for key in self.found:
            self.budget.tables[key].reindex()
        for key in ("T6S", "ORG"):
            if key in self.budget.tables:
                self.budget.tables[key].reindex()

    @staticmethod
    def _continues(grid: Grid, cols: list[Column] | None) -> bool:
        """A grid without a title continues the table before it when it has as many columns."""
        return cols is not None and max(len(r) for r in grid.texts) == len(cols)

    def _title_above(self, grid: Grid, lines: list[tuple[float, str]]) -> tuple[Layout | None, str | None]:
        above = [(top, text) for top, text in lines if top < grid.top - 1]
        unit = None
        for k in range(len(above) - 1, max(-1, len(above) - 6), -1):
            text = above[k][1]
            m = _UNIT.search(text)
            if m and unit is None:
                unit = m.group(1)
                text = _UNIT.sub("", text)
            for candidate in (text, above[k - 1][1] + text if k else None):
                if candidate:
                    hit = match_title(candidate, self.profile)
                    if hit is not None and hit.layout.key not in self.found:
                        return hit.layout, unit
        return None, unit

    def _notes(self, lay: Layout, grid: Grid, lines: list[tuple[float, str]]) -> None:
        """The 注/说明 lines printed right under a table (空表说明 among them)."""
        table = self.budget.tables[lay.key]
        for top, text in lines:
            if grid.bottom - 1 <= top <= grid.bottom + 60 and re.match(r"^(?:注|说明)[:：]", text):
                if all(n != text for n, _ in table.notes):
                    table.notes.append((text, None))

    def _is_org(self, grid: Grid) -> bool:
        head = [header_words(c) for c in grid.texts[0] if c]
        return "ORG" in self.schema.by_key and "单位名称" in head and "序号" in head

    def _org(self, grid: Grid) -> None:
        table = self.budget.tables["ORG"]
        head = [header_words(c) for c in grid.texts[0]]
        at = {h: j for j, h in enumerate(head)}
        for row in grid.texts[1:]:
            name = _printed(row[at["单位名称"]]) if at.get("单位名称") is not None else ""
            if not name or set(name) <= {"。", "."}:
                continue
            values = {"name": name}
            if "备注" in at and row[at["备注"]]:
                values["remark"] = _printed(row[at["备注"]])
            table.rows.append(Row(key=f"#{len(table.rows) + 1}", values=values))

    # body ------------------------------------------------------------------------------------------
    def _body(self, lay: Layout, grid: Grid, cols: list[Column], start: int) -> int:
        if lay.kind == "fixed" and not any(c.role == "label" for c in cols):
            return self._across(lay, grid, cols, start)
        table = self.budget.tables[lay.key]
        segs = _segments(cols)
        n = 0
        for row in grid.texts[start:]:
            if _is_column_numbers(row):
                continue
            for seg in segs:
                n += self._record(lay, table, grid.page, row, seg)
        return n

    def _record(self, lay: Layout, table: Table, page: int, row: list, seg: list[Column]) -> int:
        codes = [_cell(row[c.j]) for c in seg if c.role == "code" and c.j < len(row)]
        codes = [x for x in codes if _CODE.match(x)]
        label_col = next((c for c in seg if c.role == "label"), None)
        label = _printed(row[label_col.j]) if label_col is not None and label_col.j < len(row) else ""
        if not label and not codes:  # a 合计 line whose label cell spans the code columns
            label = "".join(_printed(row[c.j]) for c in seg if c.role in ("code", "label", "?") and c.j < len(row)
                            and not _is_amount(row[c.j]))
        values: dict[str, Decimal] = {}
        for c in seg:
            if c.role == "amount" and c.j < len(row) and (v := _amount(row[c.j])) is not None:
                values[c.key] = v
            elif c.role == "?" and c.j < len(row) and (v := _amount(row[c.j])) is not None:
                self.set_aside.append((lay.key, "".join(c.stack), v))
        if not codes and not label and not values:
            return 0
        if lay.kind == "coded":
            return self._coded(lay, table, page, codes, label, values)
        if lay.kind == "two_sided":
            return self._side(lay, table, page, label_col, label, values)
        return 0

    def _coded(self, lay, table, page, codes, label, values) -> int:
        from budget_xl.importers.pdf import _join_code

        code = _join_code(codes)
        if code is None and label_key(label) in ("合计", "总计"):
            table.rows.append(Row(key=TOTAL_KEY, values={"code": None, "name": "合计", **values}))
            return 1
        if code is None:
            extra = self.budget.tables.get(lay.key + "S")  # 人员经费合计 / 公用经费合计 under 基本支出表
            if extra is not None and label:
                for d in extra.layout.rows:
                    if label_key(d.label) == label_key(label):
                        amounts = list(values.values())
                        extra.rows.append(Row(key=d.key, values={"item": d.label,
                                                                 **({"amount": amounts[0]} if amounts else {})}))
                        return 0
            if values:
                self.unfitted.append((page, label or "（无科目名称）", "有金额但没有科目编码"))
            return 0
        if table.get(code) is not None or any(r.key == code for r in table.rows):
            self.unfitted.append((page, f"{code} {label}", "同一科目编码印了两次，只取第一次"))
            return 0
        table.rows.append(Row(key=code, values={"code": code, "name": label, **values}))
        return 1

    def _side(self, lay, table, page, label_col, label, values) -> int:
        from budget_xl.importers.pdf import _TableReader

        side = next((s for s in lay.sides if s.label == (label_col.key if label_col else None)), None)
        if side is None:
            return 0
        if not label:
            if values:
                self.unfitted.append((page, " ".join(str(v) for v in values.values()), "有金额但没有行名"))
            return 0
        taken = [r for r in table.rows if r.side == side.name]
        key = _TableReader._row_key(side.rows, label, taken)
        if key is None:
            if values:
                self.unfitted.append((page, label, f"“{label}”不是“{lay.title}”的标准行次"))
            return 0
        d = lay.fixed_row(key)
        table.rows.append(Row(key=key, side=side.name, values={side.label: d.label, **values}))
        return 1

    def _across(self, lay: Layout, grid: Grid, cols: list[Column], start: int) -> int:
        """The 三公 table printed as one row of figures under two header levels (item, then 预算数/决算数)."""
        table = self.budget.tables[lay.key]
        cells: dict[tuple[str, str], Decimal | None] = {}
        for c in cols:
            if c.role != "amount" or len(c.stack) < 2:
                continue
            item = _item_of(lay, c.stack[:-1])
            if item is None:
                continue
            for row in grid.texts[start:]:
                if c.j < len(row):
                    cells.setdefault((item, c.key), _amount(row[c.j]))
        n = 0
        for d in lay.rows:
            vals = {col: v for (item, col), v in cells.items() if item == d.key and v is not None}
            if any(item == d.key for item, _ in cells):
                table.rows.append(Row(key=d.key, values={"item": d.label, **vals}))
                n += 1
        return n


def _is_column_numbers(row: list) -> bool:
    """The 栏次 line under a header (栏次 | 1 | 2 | 3 …): column numbers, not figures."""
    cells = [_cell(c) for c in row if _cell(c)]
    if any(label_key(c) in ("栏次", "行次") for c in cells):
        return True
    return len(cells) >= 3 and all(re.fullmatch(r"\d{1,2}", c) for c in cells)


def _item_key(text: str) -> str:
    return label_key(text).replace("维护", "")  # 公务用车运行费 / 公务用车运行维护费 are one item


def _item_of(lay: Layout, stack: tuple[str, ...]) -> str | None:
    """The 三公 row a column's header stack names: its lowest header that is a row label (小计: the group above)."""
    for k in range(len(stack) - 1, -1, -1):
        text = stack[k]
        if label_key(text) == "小计" and k > 0:
            text = stack[k - 1]
        for d in lay.rows:
            if _item_key(d.label) == _item_key(text):
                return d.key
    return None


# -- figures the 说明 states ------------------------------------------------------------------------------
_NUM = r"(\d[\d,]*(?:\.\d+)?)"


def extract_final_figures(budget: Budget, text: str, report) -> None:
    """机关运行经费, 政府采购 and 国有资产 (vehicles by use, equipment ≥ 100万) from the 其他重要事项 text."""
    from budget_xl.importers.pdf import _set

    flat = re.sub(r"\s+", "", text)

    def note(what: str, value) -> None:
        report.extracted.append((what, str(value)))

    tables = budget.tables
    if "OPEX" in tables:
        m = re.search(r"机关运行经费支出" + _NUM + "万元", flat)
        if m:
            _set(tables["OPEX"], "opex", "amount", Decimal(m.group(1).replace(",", "")))
            note("机关运行经费支出（万元）", m.group(1))
    if "PROC" in tables:
        pats = {"total": r"政府采购金额（以合同签订为准）为" + _NUM + "万元", "goods": r"货物采购金额" + _NUM + "万元",
                "works": r"工程采购金额" + _NUM + "万元", "services": r"服务采购金额" + _NUM + "万元",
                "sme": r"面向中小企业预留政府采购项目预算金额" + _NUM + "万元",
                "sme_small": r"面向小微企业预留政府采购项目预算金额" + _NUM + "万元",
                "sme_won": r"在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额" + _NUM + "万元",
                "small_won": r"由小微企业供应商中标或成交的，采购金额" + _NUM + "万元",
                "other_sme_won": r"在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额" + _NUM + "万元"}
        for key, pat in pats.items():
            m = re.search(pat, flat)
            if m:
                _set(tables["PROC"], key, "amount", Decimal(m.group(1).replace(",", "")))
                note(f"政府采购：{tables['PROC'].layout.fixed_row(key).label}（万元）", m.group(1))
    _plan_and_prior(budget, flat, note)
    if "ASSET" in tables:
        asset = tables["ASSET"]
        m = re.search(r"共有车辆(\d+)辆，其中：(.*?)[。；]单价100万元（含）以上设备（不含车辆）(\d+)台", flat)
        if m:
            _set(asset, "car", "qty", Decimal(m.group(1)))
            for d in asset.layout.rows:
                hit = re.search(re.escape(d.label) + r"(\d+)辆", m.group(2))
                if hit:
                    _set(asset, d.key, "qty", Decimal(hit.group(1)))
            _set(asset, "equip", "qty", Decimal(m.group(3)))
            note("国有资产：车辆（辆）、100万元以上设备（台、套）", f"{m.group(1)}、{m.group(3)}")


_ITEM_PLAN = re.compile(r"（款）([^（）]{2,30})（项）。.*?年初预算为" + _NUM + r"万元，支出决算为" + _NUM + "万元")
# (what the text compares with last year, the table figure it is: table, row, column)
_CHANGES = {
    "total": (r"(?<!财政拨款)收入支出总计(?:增加|减少|持平)", ("T1", "in_grand", "in_amount")),
    "fin": (r"财政拨款收入支出总计(?:增加|减少|持平)", ("T4", "in_grand", "in_amount")),
    "gen": (r"一般公共预算财政拨款支出(?:增加|减少|持平)", ("T5", TOTAL_KEY, "total")),
    "opex": (r"机关运行经费支出" + _NUM + r"万元，比\d{4}年度(?:增加|减少|持平)", ("OPEX", "opex", "amount")),
}


def _plan_and_prior(budget: Budget, flat: str, note) -> None:
    """年初预算数 of each 项 (“……（项）。主要用于……年初预算为X万元，支出决算为Y万元”) and of the whole, and last
    year's figures the text compares with (this year's table figure ∓ the stated 增减额; 持平: the same)."""
    from budget_xl.importers.pdf import _set

    tables = budget.tables
    plan, t5 = tables.get("PLAN"), tables.get("T5")
    if plan is not None and t5 is not None:
        m = re.search(r"一般公共预算财政拨款支出年初预算为" + _NUM + "万元", flat)
        if m:
            plan.rows.append(Row(key="#1", values={"name": "合计", "budget": Decimal(m.group(1).replace(",", ""))}))
        seen: set[str] = set()
        for m in _ITEM_PLAN.finditer(flat):
            row = next((r for r in t5.coded_rows() if len(r.key) == 7 and r.text("name") == m.group(1)), None)
            if row is not None and row.key not in seen:
                seen.add(row.key)
                plan.rows.append(Row(key=f"#{len(plan.rows) + 1}", values={
                    "code": row.key, "name": row.text("name"), "budget": Decimal(m.group(2).replace(",", ""))}))
        if plan.rows:
            plan.reindex()
            note("年初预算数（万元）：合计及各项", f"{len(plan.rows)}行")
    prior = tables.get("PRIOR")
    if prior is None:
        return
    for key, (pat, (table, row, col)) in _CHANGES.items():
        m = re.search(pat + r"(?:" + _NUM + r"万元)?", flat)
        t = tables.get(table)
        r = t.get(row) if t is not None else None
        now = r.amount(col) if r is not None else None
        if m is None or now is None:
            continue
        said = m.group(0)
        size = Decimal(m.group(m.lastindex).replace(",", "")) if m.lastindex and "持平" not in said else Decimal(0)
        last = now - size if "增加" in said else now + size if "减少" in said else now
        _set(prior, key, "amount", last)
        note(f"上年数：{prior.layout.fixed_row(key).label}（万元，由本年数与文字中的增减额推得）", f"{last}")


# -- the whole document ---------------------------------------------------------------------------------
def import_final_accounts(paths: list[Path], lines: list, profile: str, source: str):
    """A 部门决算 PDF (or several) → (Budget, ImportReport): text and chapters as for 预算 (lines regrouped with
    the vertical tolerance), every published table from its ruled grid."""
    from budget_xl.importers.pdf import TableFound, _info, _lines_pdfplumber, import_lines

    # pdfplumber's word boxes put a shifted figure half a line below its sentence (pdfium's glyph boxes scatter
    # digits and punctuation over three heights): the text is read from pdfplumber's words
    lines = []
    for path in paths:
        part = _lines_pdfplumber(path)
        offset = lines[-1].page if lines else 0
        for line in part:
            line.page += offset
        lines += part
    lines = regroup_lines(lines)
    budget, report = import_lines(lines, profile, source)
    schema = load_schema(profile)
    tables = [lay for lay in schema.tables]
    by_lines = {t.key: (list(budget.tables[t.key].rows), t) for t in report.tables}
    for lay in tables:  # the tables come from the grids, not from the printed lines
        budget.tables[lay.key].rows = []
        budget.tables[lay.key].reindex()
    for key in ("T6S", "ORG"):
        if key in budget.tables:
            budget.tables[key].rows = []
    reader = RuledReader(budget, profile)
    offset = 0
    for path in paths:
        grids, page_lines = page_grids(path)
        for g in grids:
            g.page += offset
        reader.read(grids, {p + offset: v for p, v in page_lines.items()})
        offset = max([offset, *(g.page for g in grids), *(p + offset for p in page_lines)])
    table_pages = {p for r in reader.found.values() for p in r.pages}
    found = [TableFound(r.lay.key, r.lay.title, sorted(r.pages), r.rows, budget.tables[r.lay.key].unit)
             for r in reader.found.values()]
    for key, (rows, line_found) in by_lines.items():  # printed without ruling: the line reader's rows stand
        if key not in reader.found:
            budget.tables[key].rows = rows
            budget.tables[key].reindex()
            found.append(line_found)
    report.tables = sorted(found, key=lambda t: t.pages[0] if t.pages else 0)
    report.missing = [lay.title for lay in tables if lay.key not in {t.key for t in found}]
    report.unfitted = [u for u in report.unfitted if u[0] not in table_pages] + reader.unfitted
    report.normalised = [u for u in report.normalised if u[0] not in table_pages]
    report.set_aside = reader.set_aside
    report.unknown_titles = [u for u in report.unknown_titles if u[0] not in table_pages]
    cover = "".join(re.sub(r"\s+", "", x.text) for x in lines[:6])
    m = re.search(r"^(.{3,30}?)(?:(?:19|20)\d{2})?年度?(?:部门|单位)决算", cover)
    if m:
        _info(budget, "dept_name", m.group(1))
    m = re.search(r"((?:19|20)\d{2})", cover[:80])  # a cover prints the year large, off the title's baseline
    if m:
        _info(budget, "year", m.group(1))
    _info(budget, "doc_kind", "单位决算" if "单位决算" in cover else "部门决算")
    _info(budget, "profile", PROFILE_LABELS.get(profile, profile))
    for lay in tables:
        _info(budget, f"unit:{lay.key}", budget.tables[lay.key].unit)
    _join_broken_paragraphs(budget.tables["TEXT"])
    texts = [r.text("text") for r in budget.tables["TEXT"].rows]
    extract_final_figures(budget, "\n".join(texts), report)
    report.unfitted = [u for u in report.unfitted if not (u[0] == 0 and "国有资产情况不是按车辆用途" in u[2]
                                                          and budget.tables["ASSET"].rows)]
    return budget, report


_OPEN_END = re.compile(r"[^。；;：:！？!?]$")
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_ENUM = re.compile(r"^(?:\d{1,2}、|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")


def _join_broken_paragraphs(table: Table) -> None:
    """A sentence the page broke before its last figure (“…445.69万元，占” / “15.16%；”) or its last word
    (“…行政单位离退休” / “（项）。主要用于…”) is one paragraph: a row that ends open is joined by the next row
    of its section unless that starts a new item or the row is a heading."""
    out: list[Row] = []
    for row in table.rows:
        prev = out[-1] if out else None
        text = row.text("text")
        if prev is not None and text and prev.text("text") and _OPEN_END.search(prev.text("text")) \
                and prev.values.get("title") == row.values.get("title") and not _ENUM.match(text) \
                and not (_HEADING.match(prev.text("text")) and len(prev.text("text")) < 40):
            prev.values["text"] = prev.text("text") + text
            continue
        out.append(row)
    table.rows = out
