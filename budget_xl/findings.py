"""A finding: what a rule (or the reader) found, with every cell that takes part."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple[str, ...] = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    unit: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    # stable identity, whatever the wording: the table key ("T3"), row key (科目编码 or fixed-row key) and column key
    table: str | None = None
    row: str | None = None
    column: str | None = None

    @property
    def identity(self) -> tuple[str, str | None, str | None, str | None]:
        """(rule, table, row, column): carries a user's 说明 and previous marks across re-checks."""
        return (self.rule, self.table, self.row, self.column)

    @property
    def sheet(self) -> str | None:
        return self.cells[0].split("!")[0] if self.cells else None

    def to_json(self) -> dict:
        from budget_xl.rules.base import fmt

        def s(v):
            return None if v is None else fmt(v) if isinstance(v, Decimal) else str(v)
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "cells": list(self.cells), "expected": s(self.expected), "actual": s(self.actual),
                "difference": s(self.difference), "unit": self.unit,
                "table": self.table, "row": self.row, "column": self.column}


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        counts[f.severity] += 1
    return counts


def split_ref(ref: str) -> tuple[str, str]:
    """'收入总表!D5' → ('收入总表', 'D5')."""
    sheet, _, cell = ref.rpartition("!")
    return sheet, cell
