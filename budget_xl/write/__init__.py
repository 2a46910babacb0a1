"""Writing the master workbook (openpyxl)."""

from budget_xl.write.workbook import write_workbook

__all__ = ["write_workbook"]
