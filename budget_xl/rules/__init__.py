"""Every check, run by one loop: the declared relations (``budget_xl.relations``), the Python checks
registered with ``@check`` (``registry.py``) and the text ↔ table checks (``text.py``). Rules are pure:
(budget, tolerances) in, findings out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from budget_xl.findings import SEVERITIES, WARNING, Finding
from budget_xl.gc_pause import paused_gc
from budget_xl.model import Budget
from budget_xl.rounding import Tolerances
from budget_xl.rules import completeness, crosstable, postprocess, projects, tables  # noqa: F401  (registers their checks)
from budget_xl.rules import text as _text
from budget_xl.rules.registry import PYTHON_CHECKS, applies, register_info, registry
from budget_xl.schema import load_schema

if TYPE_CHECKING:
    from budget_xl.relations import Coverage

from budget_xl.rules import final_text as _final_text  # noqa: E402  (决算情况说明 ↔ 决算 tables)

for _id, (_sev, _desc, _example) in {**_text.TEXT_RULE_DOCS, **_final_text.RULE_DOCS}.items():
    register_info(_id, _sev, _desc, _example)
TEXT_CHECKS = _text.TEXT_RULES + _final_text.RULES
from budget_xl.rules import against_budget as _against_budget  # noqa: E402  (check --budget)

register_info(_against_budget.RULE, *_against_budget.RULE_DOC)

_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def severity_order(f: Finding) -> int:
    """The order findings are reported in: errors, warnings, infos."""
    return _ORDER[f.severity]


NOTHING_CHECKED = "C-NOTHING-CHECKED"
register_info(NOTHING_CHECKED, WARNING, "没有核对任何关系（检查关系 0 处）：工作簿中没有可相互比较的数，"
              "“错误 0 条”不表示通过", "检查关系 0 处，不适用 12 处，因空白未能检查 3 处：本工作簿没有核对任何关系")


@dataclass
class CheckResult:
    """What ``check`` reports: the findings, and the account of which relations were checked at all."""

    findings: list[Finding]
    coverage: Coverage


@paused_gc
def check_budget(budget: Budget, notes: list[Finding] | None = None, tol: Tolerances | None = None) -> CheckResult:
    """All findings for a budget (the reader's notes first, then every relation and check, errors first) and
    the coverage of its relations: checked, not applicable to this template or document, blank."""
    from budget_xl.derive import tolerances
    from budget_xl.relations import check_relations, scan
    from budget_xl.rules.postprocess import absent_columns, may_slip, unit_slips

    scanned = scan(budget)  # one pass: coverage, and the relations that do not plainly hold
    cov = scanned.coverage
    if tol is None:
        tol = tolerances(budget, scanned=scanned)
    found: list[Finding] = list(notes or [])
    if cov.checked == 0:
        found.append(Finding(NOTHING_CHECKED, WARNING, f"{cov.line()}：本工作簿没有核对任何关系，"
                             "“错误 0 条”不表示通过。请确认各表已填写（或已导入）金额。"))
    # a total inheriting its parts' rounding (重算汇总) may fail where the plain test passed: test every one
    if tol.inherited:
        found += check_relations(budget, tol, scanned.every())
    else:
        found += check_relations(budget, tol, scanned.differing, differing=True)
    schema = load_schema(budget.profile)
    for rule_id, fn in PYTHON_CHECKS:
        if applies(rule_id, schema):
            found += fn(budget, tol)
    final = budget.kind == "决算"
    for _id, fn in TEXT_CHECKS:
        if not (final and _id in _final_text.BUDGET_ONLY):
            found += fn(budget)
    found = absent_columns(budget, found)
    found = unit_slips(budget, found, scanned.every() if may_slip(scanned.differing) else scanned.differing)
    return CheckResult(sorted(found, key=severity_order), cov)


def run_checks(budget: Budget, notes: list[Finding] | None = None, tol: Tolerances | None = None) -> list[Finding]:
    """All findings for a budget: the reader's notes first, then every relation and check, errors first."""
    return check_budget(budget, notes, tol).findings


__all__ = ["CheckResult", "check_budget", "run_checks", "registry"]
