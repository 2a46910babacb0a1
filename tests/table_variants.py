"""Print the sample's tables the way other provinces, levels and years print them — as the printed lines a PDF
reader gives (budget_xl.importers.pdf.Line) — so that tests can feed the importer variants it has never seen:
titles with other prefixes, suffixes, subjects and word orders; a lone 金额 column; an extra column; 元 instead
of 万元; codes joined or in 类/款/项 columns.

Nothing here knows how the importer recognises a table: titles are varied from the national title by rules a
reader of published documents would name, and positions are those of a plain A4 landscape table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_xl.importers.pdf import Line, Word
from budget_xl.model import Table

CH = 10.0  # printed width of one character
CODE_X, NAME_X, FIRST_AMOUNT_X, STEP = 30.0, 110.0, 330.0, 95.0


def title_variants(title: str, dept: str = "承德市司法局", year: int = 2024) -> list[str]:
    """A national title ("部门预算收支总表") as other documents print it."""
    core = title.removeprefix("部门预算")
    out = [title, f"{year}年{title}", f"{dept}{year}年{title}", f"公开表1 {title}", f"表一 {title}",
           f"{year}年度部门{core}", f"预算单位{core}", f"{year}年单位{core}", f"一、{title}（按功能分类）",
           f"表3-1 {year} 年 部 门{core}", f"附表2：{dept}{year}年部门{core}（公开表）"]
    if core.endswith("总表"):
        base = core[:-2]
        out += [f"部门{base}预算总表", f"{year}年部门{base}预算表", f"预算{base}总表"]
    else:
        base = core[:-1]
        out += [f"部门{base}预算表", f"{year}年{base}预算表"]
    return out


@dataclass
class Printing:
    """How one coded table is printed."""

    title: str
    unit: str = "万元"
    columns: dict[str, str] | None = None  # amount column → printed header (None: every column, as declared)
    extra: tuple[str, dict[str, Decimal]] | None = None  # an extra column: header, figure by row key
    split_codes: bool = True
    page: int = 1
    notes: list[str] = field(default_factory=list)
    total_above: float = 0.0  # the 合计 label set this much higher than its figures, on a line of its own (Jiangsu)
    unit_line: str = "单位：{unit}"  # how the unit is printed: 金额单位：万元, 单位:元, （单位：万元）
    number: str = "{:,.2f}"  # how an amount is printed: 1,234.56 / 1234.56 / 1,235


def _word(text: str, x0: float, top: float) -> Word:
    return Word(text, x0, x0 + CH * len(text), top)


def _centred(text: str, centre: float, top: float) -> Word:
    return _word(text, centre - CH * len(text) / 2, top)


def _amount(v: Decimal, unit: str, table_unit: str, number: str = "{:,.2f}") -> str:
    if table_unit == "万元" and unit == "元":
        v = v * 10000
    elif table_unit == "元" and unit == "万元":
        v = v / 10000
    return number.format(v)


def coded_lines(table: Table, printing: Printing) -> list[Line]:
    """A coded table (类/款/项 rows) printed under ``printing``: title, 单位 line, two header lines, rows."""
    lay = table.layout
    cols = printing.columns or {k: lay.column(k).header[-1] for k in lay.amount_columns}
    keys = list(cols)
    xs = {k: FIRST_AMOUNT_X + i * STEP for i, k in enumerate(keys)}
    extra_x = FIRST_AMOUNT_X + len(keys) * STEP
    p = printing.page
    lines = [Line(p, 20, [_word(printing.title, 300, 20)]),
             Line(p, 40, [_word("编制部门：承德市司法局", CODE_X, 40), _word(printing.unit_line.format(unit=printing.unit), 800, 40)])]
    groups: dict[str, list[float]] = {}
    top_words, leaf_words = [], [_centred("科目编码", CODE_X + 30, 80), _centred("科目名称", NAME_X + 80, 80)]
    for k in keys:
        header = lay.column(k).header
        if len(header) == 2 and printing.columns is None:
            groups.setdefault(header[0], []).append(xs[k])
            leaf_words.append(_centred(cols[k], xs[k], 80))
        else:
            top_words.append(_centred(cols[k], xs[k], 70))
    for text, centres in groups.items():
        top_words.append(_centred(text, sum(centres) / len(centres), 60))
    top_words.append(_centred("功能分类科目" if lay.code_system == "func" else "经济分类科目", NAME_X, 60))
    if printing.extra:
        top_words.append(_centred(printing.extra[0], extra_x, 70))
    lines += [Line(p, 60, sorted(top_words, key=lambda w: w.x0)), Line(p, 80, sorted(leaf_words, key=lambda w: w.x0))]
    top = 100.0
    for row in table.rows:
        words: list[Word] = []
        code = row.code
        if code:
            parts = [code[:3], code[3:5], code[5:7]] if printing.split_codes else [code]
            words += [_word(part, CODE_X + 25 * i, top) for i, part in enumerate(x for x in parts if x)]
        label = _word(row.text("name") or "合计", NAME_X, top)
        if row.key == "合计" and printing.total_above:
            lines.append(Line(p, top - printing.total_above, [label]))
        else:
            words.append(label)
        for k in keys:
            v = row.amount(k)
            if v is not None:
                words.append(_centred(_amount(v, printing.unit, table.unit, printing.number), xs[k], top))
        if printing.extra and row.key in printing.extra[1]:
            words.append(_centred(_amount(printing.extra[1][row.key], printing.unit, table.unit), extra_x, top))
        lines.append(Line(p, top, words))
        top += 18
    return lines


def two_sided_lines(table: Table, title: str, unit: str = "万元", page: int = 1) -> list[Line]:
    """收支总表-like tables: 收入 rows on the left, 支出 rows on the right, one printed line per pair."""
    lay = table.layout
    left, right = lay.sides[0], lay.sides[1]
    xs: dict[str, float] = {}
    x = 40.0
    label_x: dict[str, float] = {}
    for c in lay.columns:
        if c.type == "seq":
            continue
        if c.type == "label":
            label_x[c.key] = x
            x += 200
        else:
            xs[c.key] = x + 40
            x += 100
    lines = [Line(page, 20, [_word(title, 300, 20)]),
             Line(page, 40, [_word("编制部门：承德市司法局", 40, 40), _word(f"单位：{unit}", 900, 40)])]
    groups: dict[str, list[float]] = {}
    leaves = []
    for c in lay.columns:
        if c.type == "seq":
            continue
        centre = xs.get(c.key, label_x.get(c.key, 0) + 60)
        groups.setdefault(c.header[0], []).append(centre)
        leaves.append(_centred(c.header[-1], centre, 80))
    tops = [_centred(g, sum(cs) / len(cs), 60) for g, cs in groups.items()]
    lines += [Line(page, 60, sorted(tops, key=lambda w: w.x0)), Line(page, 80, sorted(leaves, key=lambda w: w.x0))]
    lrows, rrows = table.side_rows(left.name), table.side_rows(right.name)
    top = 100.0
    for i in range(max(len(lrows), len(rrows))):
        words = []
        for side, rows in ((left, lrows), (right, rrows)):
            if i >= len(rows):
                continue
            r = rows[i]
            words.append(_word(r.text(side.label), label_x[side.label], top))
            for k in side.columns:
                v = r.amount(k)
                if v is not None:
                    words.append(_centred(_amount(v, unit, table.unit), xs[k], top))
        lines.append(Line(page, top, words))
        top += 18
    return lines
