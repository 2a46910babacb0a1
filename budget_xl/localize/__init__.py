"""Error localization (Fellegi–Holt): which cell to fix so that every relation holds.

``localize`` is the pure core over abstract constraints; ``constraints_from_budget`` builds its input
from a Budget; ``fold`` turns the answer into findings; ``suspects_for_fill`` tells 重算汇总 which
detail cells are wrong (so the totals that depend on them are kept).
"""

from budget_xl.localize.core import localize
from budget_xl.localize.model import CellMeta, Change, Constraint, Explanation, Group, Localization

__all__ = ["CellMeta", "Change", "Constraint", "Explanation", "Group", "Localization", "localize"]
