"""Import a Hebei-style disclosure published as text (tables as tab-separated lines).

The text is turned into sheet grids shaped like the master workbook, then read by the same reader as
any workbook: the importer only knows where things are in the document, not what they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budget_xl.schema import Layout, load_schema

_TAGS = re.compile(r"<[^>]+>")
_PROJECT_HEAD = re.compile(r"^(?:#+\s*)?(\d+)、\s*(.+?)绩效目标表\s*$")
_PCT = re.compile(r"^\d+(\.\d+)?\s*%$")
_MONTH = re.compile(r"^(\d+)\s*月底$")
_DUTY = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")
PLAN_KEYS = {3: "plan_03", 6: "plan_06", 10: "plan_10", 12: "plan_12"}

Grid = list[list[object]]


@dataclass
class SeedImport:
    grids: dict[str, Grid]
    warnings: list[str] = field(default_factory=list)


def _clean(s: str) -> str:
    return _TAGS.sub("", s).strip()


def _fields(line: str) -> list[str]:
    return [_clean(f) for f in line.split("\t")]


def _heading_index(lines: list[str], lay: Layout) -> int:
    """The line printing this table's title, in any of the wordings its profile declares (the recogniser)."""
    from budget_xl.recognise.tables import match_title

    for i, line in enumerate(lines):
        m = match_title(line.strip().lstrip("#"), "national")
        if m is not None and m.layout.key == lay.key:
            return i
    raise ValueError(f"找不到表题：{lay.title}")


def _table_grid(lay: Layout, section: list[str], meta: dict) -> Grid:
    """One published table (possibly over several pages) → a sheet grid with our header rows."""
    grid: Grid = [[lay.title]]
    unit = None
    for line in section:
        m = re.match(r"^单位[:：]\s*(\S+)", line.strip())
        if m:
            unit = m.group(1)
            break
    meta.setdefault("units", {})[lay.key] = unit or "万元"
    grid.append([None] * (len(lay.columns) - 1) + [f"单位：{unit or '万元'}"])
    grid += lay.header_grid(year=meta.get("year", ""), unit=unit or "万元")
    in_header = False
    for line in section:
        if not line.strip():
            continue
        f = _fields(line)
        first = f[0].replace(" ", "")
        if first == "序号":
            in_header = True
            continue
        if in_header:
            if first == "栏次":
                in_header = False
            continue
        if first.startswith("注"):
            grid.append([line.strip()])
            continue
        if "\t" not in line:
            continue  # page furniture: 部门, 预算年度, 单位 lines
        row = f[: len(lay.columns)]
        row += [""] * (len(lay.columns) - len(row))
        grid.append([v if v != "" else None for v in row])
    return grid


def _plan(lines: list[list[str]]) -> dict[str, str]:
    """资金支出计划 lines → {plan_03: '20%', …}, pairing each % with the month label above it.

    The published tables put labels and percentages in separate lines with blank cells in between;
    a percentage belongs to the latest label printed in its column, or to the label just left of it.
    """
    labels_at: dict[int, int] = {}
    out: dict[str, str] = {}
    for f in lines:
        row_labels = {}
        for j, v in enumerate(f):
            m = _MONTH.match(v.replace(" ", ""))
            if m:
                row_labels[j] = int(m.group(1))
        for j, v in enumerate(f):
            if not _PCT.match(v.replace(" ", "")):
                continue
            month = row_labels.get(j - 1) if (j - 1) in row_labels else labels_at.get(j)
            if month in PLAN_KEYS:
                out[PLAN_KEYS[month]] = v.replace(" ", "")
        labels_at.update(row_labels)
    return out


def _is_plan_line(f: list[str]) -> bool:
    vals = [v.replace(" ", "") for v in f if v.strip() and v.strip() != "绩效目标"]
    return bool(vals) and all(_MONTH.match(v) or _PCT.match(v) for v in vals)


def _projects(lines: list[str], warnings: list[str]) -> tuple[list[list], list[list]]:
    starts = [i for i, line in enumerate(lines) if _PROJECT_HEAD.match(line.strip())]
    projects, indicators = [], []
    for n, start in enumerate(starts):
        block = lines[start + 1: starts[n + 1] if n + 1 < len(starts) else len(lines)]
        rows = [_fields(x) for x in block if x.strip()]
        p: dict[str, object] = {}
        i = 0
        plan_lines: list[list[str]] = []
        target: list[str] = []
        while i < len(rows):
            f = rows[i]
            head = f[0].replace(" ", "")
            if head == "项目编码":
                p["code"], p["name"] = f[1], f[4]
            elif head.startswith("预算规模"):
                p["budget"], p["fiscal"], p["other_funds"] = f[2], f[4], (f[6] if len(f) > 6 else "")
                purpose = [v for v in rows[i + 1] if v]
                p["purpose"] = purpose[0] if purpose else ""
                i += 1
            elif head.startswith("资金支出计"):
                plan_lines.append(f)
                while i + 1 < len(rows) and _is_plan_line(rows[i + 1]) and rows[i + 1][0] != "绩效目标":
                    i += 1
                    plan_lines.append(rows[i])
            elif "一级指标" in f:
                level1 = ""
                for g in rows[i + 1:]:
                    if g[0]:
                        level1 = g[0]
                    rest = [v for v in g[1:] if v]
                    if len(rest) != 5:
                        warnings.append(f"项目 {p.get('code')} 的指标行无法对齐：{g}")
                        continue
                    indicators.append([None, p.get("code"), level1, *rest])
                break
            elif re.match(r"^单位[:：]", head):
                pass
            elif _is_plan_line(f):
                pass  # a plan row repeated inside the 绩效目标 block (layout defect of the document)
            else:
                text = [v for v in f if v and v != "绩效目标"]
                if text:
                    target.append(" ".join(text))
            i += 1
        p.update(_plan(plan_lines))
        p["target"] = "\n".join(target)
        projects.append(p)
    return projects, indicators


def _section(lines: list[str], start_pat: str, end_pat: str) -> list[str]:
    s = next(i for i, x in enumerate(lines) if re.match(start_pat, x.strip()))
    e = next(i for i in range(s + 1, len(lines)) if re.match(end_pat, lines[i].strip()))
    return lines[s + 1: e]


def _keyvalue_grid(lay: Layout, pairs: list[tuple[str, object]]) -> Grid:
    grid: Grid = [[lay.title]]
    grid += lay.header_grid()
    grid += [[k, v] for k, v in pairs]
    return grid


def _records_grid(lay: Layout, records: list[dict], meta: dict, notes: list[str] = ()) -> Grid:
    grid: Grid = [[lay.title]]
    grid += lay.header_grid(year=meta.get("year", ""), unit="万元")
    for i, rec in enumerate(records, start=1):
        grid.append([i if c.type == "seq" else rec.get(c.key) for c in lay.columns])
    grid += [[n] for n in notes]
    return grid


_TRAILING_BLANKS = re.compile(r"[\t ]+$", re.M)


def _without_trailing_cells(text: str) -> str:
    """Every line without the tabs and spaces that end it. A range copied from Excel or WPS keeps its empty
    last columns as trailing tabs, so the page furniture above each table (“单位：万元”, the department's
    name) came with tabs and was read as a table row: every row after it was placed lower, and the figures
    were checked against the wrong lines. Empty cells at the end of a row are no cells."""
    return _TRAILING_BLANKS.sub("", text)


def import_seed_text(text: str, extras: dict | None = None) -> SeedImport:
    """The seed document (and the extras no table holds) → grids for every sheet of the workbook."""
    extras = extras or {}
    schema = load_schema()
    text = _without_trailing_cells(text)
    lines = text.split("\n")
    warnings: list[str] = []
    narrative_at = next(i for i, x in enumerate(lines) if re.match(r"^#\s*\S+\s*\d{4}\s*年部门预算信息公开情况说明", x))
    meta: dict = {}
    m = re.search(r"预算年度[:：]\s*(\d{4})", text)
    meta["year"] = m.group(1) if m else ""
    m = re.search(r"^(\d+) +(\S+)$", "\n".join(x.strip() for x in lines[:narrative_at]), re.M)
    dept_code, dept_name = (m.group(1), m.group(2)) if m else ("", "")

    grids: dict[str, Grid] = {}
    tables = schema.tables
    starts = [_heading_index(lines[: narrative_at], lay) for lay in tables]
    for k, lay in enumerate(tables):
        end = starts[k + 1] if k + 1 < len(tables) else narrative_at
        grids[lay.sheet] = _table_grid(lay, lines[starts[k] + 1: end], meta)

    narrative = lines[narrative_at:]
    projects, indicators = _projects(_section(narrative, r"^#+\s*七、", r"^#+\s*八、"), warnings)
    func_codes = extras.get("project_func_codes", {})
    for p in projects:
        p["func_code"] = func_codes.get(str(p.get("code")))
    grids[schema["PROJ"].sheet] = _records_grid(schema["PROJ"], projects, meta)
    ind_grid = _records_grid(schema["IND"], [], meta)
    ind_grid += [[i, *row[1:]] for i, row in enumerate(indicators, start=1)]
    grids[schema["IND"].sheet] = ind_grid

    # 一、部门职责 and 机构设置
    sec1 = _section(narrative, r"^#+\s*一、", r"^#+\s*二、")
    duties = []
    for x in sec1:
        m = _DUTY.match(x.strip())
        if m:
            duties.append({"text": m.group(2).strip()})
    grids[schema["DUTY"].sheet] = _records_grid(schema["DUTY"], duties, meta)
    orgs = []
    hdr = next(i for i, x in enumerate(sec1) if x.startswith("单位名称"))
    for x in sec1[hdr + 1:]:
        if not x.strip():
            if orgs:
                break
            continue
        f = _fields(x)
        orgs.append(dict(zip(("name", "nature", "level", "funding"), f)))
    grids[schema["ORG"].sheet] = _records_grid(schema["ORG"], orgs, meta)

    # 八、政府采购 (header and notes), 九、国有资产
    sec8 = _section(narrative, r"^#+\s*八、", r"^#+\s*九、")
    proc_notes = [x.strip() for x in sec8 if x.strip().startswith("注")]
    grids[schema["PROC"].sheet] = _records_grid(schema["PROC"], [], meta, proc_notes)
    sec9 = _section(narrative, r"^#+\s*九、", r"^#+\s*十、")
    asset = schema["ASSET"]
    a_grid: Grid = [[asset.title]]
    a_grid += asset.header_grid(unit="万元")
    hdr = next(i for i, x in enumerate(sec9) if x.replace(" ", "").startswith("项目\t数量"))
    for x in sec9[hdr + 1:]:
        if x.strip():
            a_grid.append(_fields(x)[:3])
    grids[asset.sheet] = a_grid
    m = re.search(r"截止时间[:：]\s*(\S+)", "\n".join(sec9))
    asset_date = m.group(1) if m else ""
    m = re.search(r"拟购置固定资产总额为\s*([\d.]+)\s*万元", "\n".join(sec9))
    planned = m.group(1) if m else None
    meta["units"]["ASSET"] = "万元"
    meta["units"]["PROJ"] = "万元"
    meta["units"]["PROC"] = "万元"

    info = schema["INFO"]
    pairs: list[tuple[str, object]] = []
    for r in info.rows:
        value: object = {"dept_name": dept_name, "dept_code": dept_code, "year": meta["year"],
                         "planned_assets": planned, "asset_date": asset_date}.get(r.key)
        if r.unit_of:
            value = meta["units"].get(r.unit_of, "万元")
        pairs.append((r.label, value))
    grids[info.sheet] = _keyvalue_grid(info, pairs)

    prior = schema["PRIOR"]
    prior_values = extras.get("prior", {})
    grids[prior.sheet] = _keyvalue_grid(prior, [(r.label, prior_values.get(r.key)) for r in prior.rows])

    texts = [dict(t) for t in extras.get("text", [])]
    texts += _performance_texts(_section(narrative, r"^#+\s*五、", r"^#+\s*六、"))
    grids[schema["TEXT"].sheet] = _records_grid(schema["TEXT"], texts, meta)
    return SeedImport(grids=grids, warnings=warnings)


def _performance_texts(sec5: list[str]) -> list[dict]:
    """五、部门整体绩效目标 → 总体绩效目标, 分项绩效目标/指标, 工作保障措施 rows of 说明文字."""
    out: list[dict] = []
    part = None
    title = None
    body = [x.strip() for x in sec5]
    for x in body:
        if not x:
            continue
        head = re.match(r"^#+\s*(.+)$", x)
        if head:
            h = head.group(1).strip()
            if "总体绩效目标" in h:
                part, title = "总体绩效目标", None
            elif "分项绩效目标" in h:
                part, title = "分项绩效目标", None
            elif "工作保障措施" in h:
                part, title = "工作保障措施", None
            else:
                title = re.sub(r"^\d+[、.]\s*", "", h).rstrip("。")
            continue
        if part == "总体绩效目标":
            out.append({"item": "总体绩效目标", "text": x})
        elif part == "分项绩效目标" and title:
            m = re.match(r"^(绩效目标|绩效指标)[:：]\s*(.+)$", x)
            if m:
                item = "分项绩效目标" if m.group(1) == "绩效目标" else "分项绩效指标"
                out.append({"item": item, "title": title, "text": m.group(2)})
        elif part == "工作保障措施" and title:
            out.append({"item": "工作保障措施", "title": title, "text": x})
    return out
