"""Every check, run by one loop: the declared relations (``budget_xl.relations``), the Python checks
registered with ``@check`` (``registry.py``) and the text ↔ table checks (``text.py``). Rules are pure:
(budget, tolerances) in, findings out.
"""

from __future__ import annotations

from budget_xl.findings import SEVERITIES, Finding
from budget_xl.model import Budget
from budget_xl.rounding import Tolerances
from budget_xl.rules import completeness, crosstable, postprocess, projects, tables  # noqa: F401  (registers their checks)
from budget_xl.rules import text as _text
from budget_xl.rules.registry import PYTHON_CHECKS, applies, register_info, registry
from budget_xl.schema import load_schema

for _id, (_sev, _desc, _example) in _text.TEXT_RULE_DOCS.items():
    register_info(_id, _sev, _desc, _example)
TEXT_CHECKS = _text.TEXT_RULES

_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def run_checks(budget: Budget, notes: list[Finding] | None = None, tol: Tolerances | None = None) -> list[Finding]:
    """All findings for a budget: the reader's notes first, then every relation and check, errors first."""
    from budget_xl.derive import tolerances
    from budget_xl.relations import check_relations, expand
    from budget_xl.rules.postprocess import absent_columns, unit_slips

    instances = expand(budget)
    if tol is None:
        tol = tolerances(budget, instances=instances)
    found: list[Finding] = list(notes or [])
    found += check_relations(budget, tol, instances)
    schema = load_schema(budget.profile)
    for rule_id, fn in PYTHON_CHECKS:
        if applies(rule_id, schema):
            found += fn(budget, tol)
    for _id, fn in TEXT_CHECKS:
        found += fn(budget)
    found = absent_columns(budget, found)
    found = unit_slips(budget, found, instances)
    return sorted(found, key=lambda f: _ORDER[f.severity])


__all__ = ["run_checks", "registry"]
