"""Every check, registered in one plain list. Adding a check is one function and one line.

Each entry is (rule id prefix, function budget -> list[Finding]). Rules are pure: they read the model and
return findings, never raise, never write.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from budget_xl.findings import SEVERITIES, Finding
from budget_xl.model import Budget
from budget_xl.rules import completeness, crosstable, projects, tables

Rule = Callable[[Budget], list[Finding]]


def _per_table(fn, keys) -> list[tuple[str, Rule]]:
    return [(f"{k}-{fn.__name__}", partial(fn, key=k)) for k in keys]


RULES: list[tuple[str, Rule]] = [
    # inside tables (declared in layouts.toml)
    *_per_table(tables.row_sums, ("T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "PROC")),
    *_per_table(tables.line_sums, ("T1", "T4", "T9", "ASSET", "PRIOR")),
    *_per_table(tables.tree_sums, tables.CODED),
    *_per_table(tables.duplicate_codes, tables.CODED),
    ("T6-PERSON", tables.t6_person_public),
    ("ASSET-OFFICE", tables.assets_office),
    ("PROC-ITEMS", tables.procurement_items),
    # between tables
    ("X-BALANCE", crosstable.balance),
    ("X-T1-T3", crosstable.t1_classes_vs_t3),
    ("X-T1-T2", crosstable.t1_income_vs_t2),
    ("X-T2-T3", crosstable.t2_vs_t3_rows),
    ("X-T3-FISCAL", crosstable.t3_vs_fiscal_tables),
    ("X-T4-FISCAL", crosstable.t4_vs_fiscal_tables),
    ("X-T4-T1", crosstable.t4_income_vs_t1),
    ("X-T6-T5", crosstable.t6_vs_basic),
    ("X-T9-T6", crosstable.sangong_vs_econ),
    ("X-OPEX", crosstable.opex_vs_public),
    # projects
    ("P-TOTAL", projects.projects_total),
    ("P-FUNC", projects.projects_by_function),
    ("P-FUNDS", projects.project_funds),
    ("P-COST", projects.cost_indicator),
    ("P-PLAN", projects.spending_plan),
    ("P-PLACEHOLDER", projects.placeholders),
    ("P-CODE", projects.project_codes),
    # completeness
    ("C-MISSING", completeness.missing_tables),
    ("C-EMPTY-NOTE", completeness.empty_table_notes),
    ("C-EMPTY", completeness.empty_tables),
    ("C-ROWS", completeness.missing_rows),
    ("C-INFO", completeness.basic_info),
    ("C-NAME", completeness.code_names),
]

def annotate_slack(budget: Budget) -> None:
    """Attach each table's derived-cell rounding shares (see derive.effective_slack) for ``fig()``."""
    from budget_xl.derive import effective_slack

    slack = effective_slack(budget)
    for t in budget.tables.values():
        t.__dict__["slacks"] = slack


_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def run_checks(budget: Budget, notes: list[Finding] | None = None) -> list[Finding]:
    """All findings for a budget: the reader's notes first, then every rule, errors before warnings."""
    found: list[Finding] = list(notes or [])
    national = budget.profile == "national"
    try:
        annotate_slack(budget)
    except (KeyError, AttributeError, ValueError):
        if national:
            raise
    for _name, rule in RULES:
        try:
            found += rule(budget)
        except (KeyError, AttributeError, ValueError, TypeError):
            if national:
                raise  # another profile's layouts may lack what a national-only rule reads: skip that rule
    from budget_xl.rules.text import TEXT_RULES  # text ↔ table (issue 11); the lead's registry takes them over

    for _name, rule in TEXT_RULES:
        found += rule(budget)
    return sorted(found, key=lambda f: _ORDER[f.severity])
