"""One registry of every check a user can see, by its stable id (as beancount's ``ops/validation.py`` lists
its validations, and R's ``validate`` names each rule).

Two kinds of entries:
- relations declared as data (``relations.toml`` and the layout shorthands ``row_sums``/``line_sums``/code
  tree) — registered from the profile's declarations, evaluated by ``budget_xl.relations``;
- checks that cannot be data (placeholder text, spending plans, cost indicators, …) — Python functions
  ``fn(budget, tol) -> list[Finding]`` registered under their id with ``@check``.
Reader findings (READ-*) are registered here too, so every id a user can see is documented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from budget_xl.findings import ERROR, INFO, WARNING, Finding
from budget_xl.schema import load_schema


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str        # the severity when it fails (尾差 is always info)
    description: str     # Chinese, for docs/rules.md
    example: str = ""
    source: str = "python"  # relation | layout | python | reader


Check = Callable[..., list[Finding]]

PYTHON_CHECKS: list[tuple[str, Check]] = []
NEEDS: dict[str, tuple[str, ...]] = {}  # check id → "TABLE.column" the profile must declare for it to run
_PYTHON_INFO: dict[str, RuleInfo] = {}


def check(rule_id: str, severity: str, description: str, example: str = "", also: tuple[tuple[str, str, str], ...] = (),
          per_table: bool = False, needs: tuple[str, ...] = ()):
    """Register a Python check under its id; ``also`` lists further ids it emits: (id, severity, description).
    ``per_table``: the check emits ``<table>-<id>`` for each table (registered per table from the layouts).
    ``needs``: the "TABLE.column"s it reads; a profile that does not declare them does not run it."""
    def deco(fn: Check) -> Check:
        PYTHON_CHECKS.append((rule_id, fn))
        NEEDS[rule_id] = needs
        if not per_table:
            _PYTHON_INFO[rule_id] = RuleInfo(rule_id, severity, description, example)
        for other, sev, desc in also:
            _PYTHON_INFO.setdefault(other, RuleInfo(other, sev, desc))
        return fn
    return deco


def register_info(rule_id: str, severity: str, description: str, example: str = "", source: str = "python") -> None:
    _PYTHON_INFO.setdefault(rule_id, RuleInfo(rule_id, severity, description, example, source))


READER_RULES = (
    ("READ-TITLE", WARNING, "工作表前几行找不到应有的表题（可能放错了表）"),
    ("READ-NOT-NUMBER", ERROR, "金额单元格里是无法识别为数字的文字；涉及它的关系暂不核对"),
    ("READ-TEXT-NUMBER", WARNING, "金额以文本形式存储（或带全角、千分位），已按数字读取"),
    ("READ-NO-CODE", ERROR, "有金额的行没有科目编码，无法归入科目"),
    ("READ-UNKNOWN-ROW", WARNING, "固定行次的表中出现不认识的行，未读取"),
    ("READ-UNIT", ERROR, "基本信息中的金额单位无法识别，或与表头注明的单位不一致"),
    # issue 8: cells read as what they are
    ("READ-CELL-ERROR", ERROR, "单元格是 Excel 错误值（#REF!、#DIV/0! 等），不是空白；涉及它的关系暂不核对"),
    ("READ-FORMULA-UNCACHED", ERROR, "公式没有保存计算结果（文件由程序生成）：请在 Excel 中打开并保存；在此之前按未知处理"),
    ("READ-MERGED", ERROR, "科目编码或金额的单元格跨行合并：每一行应分别填写"),
    ("READ-DUP-CODE", ERROR, "同一张表中科目编码重复出现"),
    ("READ-CONTROL-CHAR", WARNING, "文字中有不可见的控制字符，已忽略这些字符读取"),
    ("READ-REPEATED-TABLE", ERROR, "表题在表中再次出现（整张表被重复粘贴）：只读取第一份，其后的部分未读取"),
    ("READ-SHEET-COPY", WARNING, "表的工作表另有副本（如“支出总表 (2)”，或旧表被隐藏）：说明校验读取的是哪一张"),
    # issue 18: a workbook of the official tables (the district's template)
    ("READ-PART-UNREADABLE", ERROR, "一份文件分成几个 PDF 公开（说明与公开表），其中有的无法读取：只核对了其余部分"),
    ("READ-UNFITTED", WARNING, "正式公开表式的工作簿中，有数字的行不能归入本表式（无科目编码、不是标准行次），未核对；"
     "本表式不核对的列（如单位预算收支总表的人员经费）只作提示"),
)
for _id, _sev, _desc in READER_RULES:
    register_info(_id, _sev, _desc, source="reader")
register_info("LOCATE", ERROR, "错误定位：找出改动最少（加权）就能使全部不符消除的单元格，优先人手常见的笔误（两位数字颠倒、"
              "元/万元、正负号、错行错列）；几种改法同样好时写“无法唯一确定”并列出候选；被它解释的不符归在其下",
              "最可能出错：支出总表!F8（2040601 行政运行·项目支出），疑为多填；改为空白可使4处不符全部消除")


LAYOUT_KINDS = {
    "ROW-SUM": "表内每一行：合计列 = 各组成列之和（{what}）",
    "LINE-SUM": "表内固定行次：合计行 = 各组成行之和（{what}）",
    "TREE-SUM": "按科目编码逐级汇总：类 = 所属各款之和，款 = 所属各项之和，合计 = 各类之和（每一金额列）",
}


def applies(rule_id: str, schema) -> bool:
    """Whether the profile declares every table and column the check reads."""
    for need in NEEDS.get(rule_id, ()):
        table, _, column = need.partition(".")
        lay = schema.by_key.get(table)
        if lay is None or (column and column not in lay.column_map):
            return False
    return True


def registry(profile: str = "national") -> dict[str, RuleInfo]:
    """Every id a check of this profile can emit, with its severity and description."""
    schema = load_schema(profile)
    out: dict[str, RuleInfo] = {}
    for lay in schema.layouts:
        if lay.row_sums:
            what = "；".join(f"{lay.column(r.total).header[-1]} = " + " + ".join(lay.column(p).header[-1] for p in r.parts
                                                                               if p in lay.column_map)
                            for r in lay.row_sums if r.total in lay.column_map)
            out[f"{lay.key}-ROW-SUM"] = RuleInfo(f"{lay.key}-ROW-SUM", ERROR,
                                                 f"{lay.sheet}：" + LAYOUT_KINDS["ROW-SUM"].format(what=what), source="layout")
        if lay.line_sums:
            labels = {r.key: r.label for r in lay.all_fixed_rows}
            what = "；".join(f"{labels.get(ls.total, ls.total)} {'≥' if ls.partial else '='} "
                            + " + ".join(labels.get(p, p) for p in ls.parts[:6] if p not in lay.not_printed)
                            + ("……" if len(ls.parts) > 6 else "")
                            for ls in lay.line_sums if ls.total not in lay.not_printed)
            out[f"{lay.key}-LINE-SUM"] = RuleInfo(f"{lay.key}-LINE-SUM", ERROR,
                                                  f"{lay.sheet}：" + LAYOUT_KINDS["LINE-SUM"].format(what=what), source="layout")
        if lay.kind == "coded":
            out[f"{lay.key}-TREE-SUM"] = RuleInfo(f"{lay.key}-TREE-SUM", ERROR, f"{lay.sheet}：" + LAYOUT_KINDS["TREE-SUM"],
                                                  source="layout")
            out[f"{lay.key}-TREE-PARENT"] = RuleInfo(f"{lay.key}-TREE-PARENT", WARNING,
                                                     f"{lay.sheet}：科目行缺少上级科目行，无法逐级核对")
            out[f"{lay.key}-CODE"] = RuleInfo(f"{lay.key}-CODE", WARNING,
                                              f"{lay.sheet}：科目编码位数不合规范（功能分类 3/5/7 位，经济分类 3/5 位）")
            out[f"{lay.key}-DUP-CODE"] = RuleInfo(f"{lay.key}-DUP-CODE", ERROR, f"{lay.sheet}：同一科目编码出现多次")
    for decl in schema.relations:
        if decl.id not in out:
            out[decl.id] = RuleInfo(decl.id, decl.severity or ERROR, decl.description or "", decl.example or "",
                                    source="relation")
    for rule_id, info in _PYTHON_INFO.items():
        if applies(rule_id, schema):
            out.setdefault(rule_id, info)
    return out


import budget_xl.review.document  # noqa: E402,F401  (issue 21: the document checks register their ids)

__all__ = ["INFO", "PYTHON_CHECKS", "RuleInfo", "check", "register_info", "registry"]
