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


LOCATE_RULE = "LOCATE"  # budget_xl.localize.fold.LOCATE: which cell to fix, not a problem of its own


def summarize(findings: list[Finding]) -> dict[str, int]:
    """The one count every output prints (terminal, JSON, 校验结果, ``--summary``, batch): errors, warnings and
    infos leave localization's LOCATE findings out — they explain the others, they are not more problems — and
    ``located`` counts them apart (定位: the suspect cells named)."""
    counts = {s: 0 for s in SEVERITIES}
    located = 0
    for f in findings:
        if f.rule == LOCATE_RULE:
            located += f.severity == ERROR
            continue
        counts[f.severity] += 1
    counts["located"] = located
    return counts


def count_text(counts: dict[str, int]) -> str:
    """“错误 7 条，警告 3 条，提示 20 条；定位 2 处” — the same words wherever the counts are printed."""
    tail = f"；定位 {counts['located']} 处（最可能出错的单元格）" if counts.get("located") else ""
    return f"错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条{tail}"


def split_ref(ref: str) -> tuple[str, str]:
    """'收入总表!D5' → ('收入总表', 'D5')."""
    sheet, _, cell = ref.rpartition("!")
    return sheet, cell
