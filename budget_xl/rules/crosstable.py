"""Checks between tables that are not plain relations (those are declared in relations.toml)."""

from __future__ import annotations

from budget_xl.findings import WARNING, Finding
from budget_xl.model import Budget
from budget_xl.rounding import DEFAULT, Tolerances
from budget_xl.rules.base import fig, finding, present
from budget_xl.rules.registry import check

ADMIN = ("行政", "参公", "参照公务员法管理")


@check("X-OPEX", WARNING, "机关运行经费按公用经费列示时，所属单位应全部为行政或参公单位", needs=('T6.public', 'ORG.nature'))
def opex_vs_public(budget: Budget, tol: Tolerances = DEFAULT) -> list[Finding]:
    """机关运行经费 is printed as 公用经费; that is right only if every unit is 行政 or 参公."""
    t6, org = present(budget, "T6"), present(budget, "ORG")
    if t6 is None or t6.total_row is None or org is None:
        return []
    others = [r for r in org.rows if r.text("nature") and not any(a in r.text("nature") for a in ADMIN)]
    public = fig(t6, t6.total_row, "public", tol)
    if not others or public is None or public.blank:
        return []
    names = "、".join(f"{r.text('name')}（{r.text('nature')}）" for r in others)
    return [finding("X-OPEX", WARNING,
                    f"机关运行经费按公用经费{public.shown}列示，但所属单位中有{names}：机关运行经费只含行政单位和"
                    "参公事业单位的公用经费，请核实是否应扣除事业单位部分。", public, (),
                    also=[r.cell("nature") for r in others])]
