"""docs/rules.md, the user-facing rule catalogue, generated from the registry (a test keeps it current):
``python -m budget_xl.rules.catalogue > docs/rules.md``."""

from __future__ import annotations

from budget_xl.findings import SEVERITY_ZH
from budget_xl.rules import registry

SOURCE_ZH = {"layout": "版式声明（layouts.toml）", "relation": "关系声明（relations.toml）", "python": "代码",
             "reader": "读取"}


def _rows(rules) -> list[str]:
    out = ["| 编号 | 级别 | 检查内容 | 例子 | 来源 |", "|---|---|---|---|---|"]
    for rid in sorted(rules):
        r = rules[rid]
        out.append(f"| `{r.id}` | {SEVERITY_ZH[r.severity]} | {r.description} | {r.example} | {SOURCE_ZH[r.source]} |")
    return out


def render() -> str:
    from budget_xl.schema import PROFILE_LABELS, PROFILES

    national = registry("national")
    lines = [
        "# 校验规则一览",
        "",
        "本文件由 `python -m budget_xl.rules.catalogue` 根据规则登记表生成，请勿手工修改。",
        "每条规则有固定编号，校验结果、标注副本和 JSON 输出都用这个编号。级别指不符时的级别；"
        "四舍五入尾差范围内的差额一律为“提示”。",
        "",
        "新增一条表间关系只需在 `budget_xl/schema/profiles/<模板>/relations.toml` 中加一项，例如：",
        "",
        "```toml",
        "[[relation]]",
        'id = "X-T6-T5"',
        'severity = "error"',
        'description = "基本支出表合计 = 一般公共预算支出表基本支出合计"',
        'kind = "copy"',
        'a = { table = "T6", rows = "合计", column = "total" }',
        'b = { table = "T5", rows = "合计", column = "basic" }',
        "```",
        "",
        f"## {PROFILE_LABELS.get('national', 'national')}表式（national）",
        "",
        *_rows(national),
    ]
    for profile in PROFILES:
        if profile == "national":
            continue
        own = registry(profile)
        lines += ["", f"## {PROFILE_LABELS.get(profile, profile)}表式（{profile}）", "",
                  "与全国表式编号相同的规则见上表（同一编号，检查同一关系，按本表式的表和行）；本表式另有：", "",
                  *_rows({k: v for k, v in own.items() if k not in national})]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
