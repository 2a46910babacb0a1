"""预算公开助手 budget-xl: master workbook, checks, fill and narrative for 部门预算信息公开."""

__version__ = "0.1.0"
