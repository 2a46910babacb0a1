"""The published tables as grids of strings (header rows, body, merged cells, notes), from the model.

One grid feeds every writer: Word tables (``docx_out``), Markdown and tab-separated text (``text_out``).
Headers come from the schema (``layouts.toml``), so a two-level header is merged as on the sheet; each
table keeps its own unit (元 or 万元), exactly as the department publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.schema import Column, Layout, render_header, typed_title
from budget_xl.units import fmt2

LEFT, CENTER, RIGHT = "left", "center", "right"


@dataclass
class Grid:
    rows: list[list[str]]
    header_rows: int
    title: str = ""
    caption: tuple[str, str, str] = ("", "", "")  # left / middle / right line above the table
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    align: list[str] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)
    cell_align: dict[tuple[int, int], str] = field(default_factory=dict)  # overrides of ``align``
    keep_together: bool = False  # a small table that should not break across pages

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def wide(self) -> bool:
        """Too wide for a portrait page."""
        return self.ncols > 8


# -- cell values ----------------------------------------------------------------------------------------
def cell_value(row: Row | None, col: Column) -> str:
    if row is None:
        return ""
    v = row.values.get(col.key)
    if v is None or v == "":
        return ""
    if col.type == "amount":
        return fmt2(v) if isinstance(v, Decimal) else str(v)
    if col.type == "number":
        return _plain_number(v)
    if col.type == "percent":
        return f"{_plain_number(v)}%"
    return str(v).strip()


def _plain_number(v) -> str:
    if not isinstance(v, Decimal):
        return str(v)
    if v == v.to_integral_value():
        return str(v.quantize(Decimal(1)))
    return format(v.normalize(), "f")


# -- headers --------------------------------------------------------------------------------------------
def header(layout: Layout, year: object, unit: str, with_columns_row: bool) -> tuple[list[list[str]], list]:
    """Header rows of a layout (two levels merged as on the sheet), optionally with the 栏次 row."""
    depth = layout.header_depth
    cols = layout.columns
    rows = [["" for _ in cols] for _ in range(depth)]
    merges = []
    j = 0
    while j < len(cols):
        col = cols[j]
        if len(col.header) == 1 or depth == 1:
            rows[0][j] = render_header(col.header[0], year, unit)
            if depth > 1:
                merges.append((0, j, depth - 1, j))
            j += 1
            continue
        k = j
        while k + 1 < len(cols) and len(cols[k + 1].header) > 1 and cols[k + 1].header[0] == col.header[0]:
            k += 1
        rows[0][j] = render_header(col.header[0], year, unit)
        if k > j:
            merges.append((0, j, 0, k))
        for c in range(j, k + 1):
            rows[1][c] = render_header(cols[c].header[1], year, unit)
        j = k + 1
    if with_columns_row:
        n = 0
        line = []
        for col in cols:
            if col.type == "seq":
                line.append("栏次")
            else:
                n += 1
                line.append(str(n))
        rows.append(line)
    return rows, merges


def _align(layout: Layout) -> list[str]:
    out = []
    for c in layout.columns:
        out.append(RIGHT if c.type in ("amount", "number", "percent") else CENTER if c.type in ("seq", "code")
                   else LEFT)
    return out


def caption(budget: Budget, table: Table) -> tuple[str, str, str]:
    dept = " ".join(x for x in (budget.info("dept_code"), budget.dept_name) if x)
    if table.key == "ASSET":
        date = budget.info("asset_date")
        return dept, f"截止时间：{date}" if date else "", ""
    year_label = "决算年度" if budget.kind == "决算" else "预算年度"
    return dept, f"{year_label}：{budget.year or ''}", f"单位：{table.unit}"


# -- the nine tables and 政府采购 ------------------------------------------------------------------------------
def table_grid(budget: Budget, key: str) -> Grid:
    """T1…T9 or PROC as published: title, 部门/预算年度/单位 line, headers, rows, notes."""
    table = budget[key]
    lay = table.layout
    head, merges = header(lay, budget.year or "", table.unit, lay.has_seq)
    if lay.kind == "two_sided":
        body = _two_sided(table)
    elif lay.kind == "coded":
        body = _coded(table)
    elif lay.kind == "fixed":
        body = _fixed(table)
    else:
        body = _records(table)
    grid = Grid(rows=head + body, header_rows=len(head), title=typed_title(lay.title, budget.budget_type), caption=caption(budget, table),
                merges=merges, align=_align(lay), widths=_widths(lay), notes=_notes(table, body))
    total_rows = {i + len(head) for i, r in enumerate(body) if _is_total_line(lay, r)}
    grid.bold_rows = total_rows
    return grid


def _widths(lay: Layout) -> list[float]:
    """Column widths of the sheet, with room for a 7-digit 科目编码 and the 序号."""
    return [max(c.width, 13) if c.type == "code" else max(c.width, 7) if c.type == "seq" else c.width
            for c in lay.columns]


def _notes(table: Table, body: list) -> list[str]:
    notes = [t for t, _ in table.notes if t]
    lay = table.layout
    if not notes:
        notes = list(lay.notes)
        if lay.empty_note and not table.has_amounts():
            notes.append(lay.empty_note)
    return notes


def _is_total_line(lay: Layout, line: list[str]) -> bool:
    """Bold lines: 合计, and the fixed rows the layout declares as totals (本年收入合计, 收入总计, …)."""
    totals = {TOTAL_KEY} | {r.label for r in lay.all_fixed_rows if r.total}
    labels = {c.key: i for i, c in enumerate(lay.columns)}
    return any(key in labels and line[labels[key]].strip() in totals for key in ("name", "item", "in_item", "out_item"))


def _line(lay: Layout, row: Row | None, seq: str, only: tuple[str, ...] | None = None) -> list[str]:
    out = []
    for col in lay.columns:
        if col.type == "seq":
            out.append(seq)
        elif only is not None and col.key not in only:
            out.append("")
        else:
            out.append(cell_value(row, col))
    return out


def _two_sided(table: Table) -> list[list[str]]:
    """Left and right sides side by side, each numbered as declared (本年收入合计 on line 32 …)."""
    lay = table.layout
    by_seq: dict[int, dict[str, Row | None]] = {}
    for side in lay.sides:
        seq = 0
        rows = {r.key: r for r in table.side_rows(side.name)}
        for fr in side.rows:
            seq = fr.line if fr.line else seq + 1
            by_seq.setdefault(seq, {})[side.name] = rows.get(fr.key) or _label_only(fr.label, side.label)
    body = []
    side_cols = {s.name: (s.label, *s.columns) for s in lay.sides}
    for seq in sorted(by_seq):
        line = [""] * len(lay.columns)
        for name, row in by_seq[seq].items():
            part = _line(lay, row, str(seq), only=side_cols[name])
            line = [a or b for a, b in zip(line, part)]
        body.append(line)
    return body


def _label_only(label: str, col: str) -> Row:
    return Row(key=label, values={col: label})


def _coded(table: Table) -> list[list[str]]:
    if not table.has_amounts():  # 空表列示: headers only, as published
        return []
    rows = [r for r in table.rows if r.key == TOTAL_KEY] + [r for r in table.rows if r.key != TOTAL_KEY]
    out = []
    for i, r in enumerate(rows, start=1):
        line = _line(table.layout, r, str(i))
        if r.key == TOTAL_KEY:
            names = {c.key: j for j, c in enumerate(table.layout.columns)}
            line[names["name"]] = line[names["name"]] or TOTAL_KEY
        out.append(line)
    return out


def _fixed(table: Table) -> list[list[str]]:
    lay = table.layout
    out = []
    for i, fr in enumerate(lay.rows, start=1):
        row = table.get(fr.key) or _label_only(fr.label, lay.label or "item")
        line = _line(lay, row, str(i))
        if lay.label:
            j = [c.key for c in lay.columns].index(lay.label)
            line[j] = line[j] or fr.label
        out.append(line)
    return out


def _records(table: Table) -> list[list[str]]:
    return [_line(table.layout, r, str(i)) for i, r in enumerate(table.rows, start=1)
            if any(v not in (None, "") for v in r.values.values())]


# -- 国有资产, 机构设置 ---------------------------------------------------------------------------------------
def asset_grid(budget: Budget) -> Grid:
    table = budget["ASSET"]
    lay = table.layout
    head, merges = header(lay, budget.year or "", table.unit, False)
    body = _fixed(table)
    return Grid(rows=head + body, header_rows=len(head), title=typed_title(lay.title, budget.budget_type), caption=caption(budget, table),
                merges=merges, align=_align(lay), widths=[c.width for c in lay.columns],
                bold_rows={len(head)})


def org_grid(budget: Budget) -> Grid:
    table = budget["ORG"]
    lay = table.layout
    head, merges = header(lay, "", "", False)
    return Grid(rows=head + _records(table), header_rows=len(head), title=typed_title(lay.title, budget.budget_type), merges=merges,
                align=[LEFT, CENTER, CENTER, CENTER], widths=[c.width for c in lay.columns])


# -- 项目绩效目标表 -----------------------------------------------------------------------------------------------
PLAN_COLUMNS = (("plan_03", "3月底"), ("plan_06", "6月底"), ("plan_10", "10月底"), ("plan_12", "12月底"))
_PROJECT_SPANS = ((1, 1), (2, 2), (3, 4), (5, 6))  # the four months over columns 1…6


def project_grid(budget: Budget, code: str) -> Grid:
    """One 绩效目标表, laid out as the seed prints it (7 columns)."""
    table = budget["PROJ"]
    lay = table.layout
    row = next((r for r in table.rows if r.text("code") == code), None)
    if row is None:
        from budget_xl.errors import InputError

        raise InputError(f"“项目”工作表中没有项目编码为“{code}”的项目。", file=budget.source, sheet=lay.sheet)
    col = lay.column_map
    v = lambda key: cell_value(row, col[key])  # noqa: E731
    rows: list[list[str]] = []
    merges: list[tuple[int, int, int, int]] = []

    def add(cells: list[str], spans: tuple[tuple[int, int], ...] = ()) -> int:
        r = len(rows)
        rows.append(cells + [""] * (7 - len(cells)))
        for c0, c1 in spans:
            merges.append((r, c0, r, c1))
        return r

    add(["项目编码", v("code"), "", "", "项目名称", v("name"), ""], ((1, 3), (5, 6)))
    r = add(["预算规模及资金用途", "预算数", v("budget"), "其中：财政资金", v("fiscal"), "其他资金", v("other_funds")])
    align = {(r, c): CENTER for c in range(7)}
    purpose = add(["", v("purpose"), "", "", "", "", ""], ((1, 6),))
    merges.append((r, 0, r + 1, 0))
    line, values = [""] * 7, [""] * 7
    line[0] = "资金支出计划（%）"
    for (key, label), (c0, _) in zip(PLAN_COLUMNS, _PROJECT_SPANS):
        line[c0] = label
        values[c0] = v(key)
    r = add(line, tuple(s for s in _PROJECT_SPANS if s[0] != s[1]))
    add(values, tuple(s for s in _PROJECT_SPANS if s[0] != s[1]))
    align.update({(r + i, c): CENTER for i in (0, 1) for c in range(7)})
    merges.append((r, 0, r + 1, 0))
    target = add(["绩效目标", v("target"), "", "", "", "", ""], ((1, 6),))
    align.update({(purpose, 1): LEFT, (target, 1): LEFT})
    first_ind = add(["一级指标", "二级指标", "三级指标", "绩效指标描述", "", "指标值", "指标值确定依据"], ((3, 4),))
    inds = [i for i in budget["IND"].rows if i.text("project") == code] if budget.tables.get("IND") else []
    start = None
    for ind in inds:
        level1 = ind.text("level1")
        r = add([level1, ind.text("level2"), ind.text("level3"), ind.text("desc"), "", ind.text("value"),
                 ind.text("basis")], ((3, 4),))
        if start is None or level1 != rows[start][0]:
            start = r
        elif level1:
            rows[r][0] = ""
            merges[:] = [m for m in merges if not (m[1] == 0 and m[2] == r - 1 and m[0] == start)]
            merges.append((start, 0, r, 0))
    return Grid(rows=rows, header_rows=0, title="", caption=("", "", f"单位：{table.unit}"), merges=merges,
                align=[CENTER, CENTER, LEFT, LEFT, LEFT, CENTER, CENTER],
                widths=[11, 10, 14, 14, 8, 10, 12], bold_rows={0, first_ind}, cell_align=align,
                keep_together=True)


def grid_for(budget: Budget, name: str, arg: str | None = None) -> Grid:
    """The grid behind a ``[[…]]`` line of a template."""
    if name == "机构设置表":
        return org_grid(budget)
    if name == "固定资产表":
        return asset_grid(budget)
    if name == "政府采购表":
        return table_grid(budget, "PROC")
    if name == "绩效目标表":
        return project_grid(budget, (arg or "").strip())
    raise ValueError(name)
