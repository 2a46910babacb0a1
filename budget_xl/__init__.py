"""预算公开助手 budget-xl: master workbook, checks, fill and narrative for 部门预算信息公开."""

__version__ = "0.1.0"

from budget_xl import lifecycle as _lifecycle  # noqa: E402 - before anything slow is imported

if _lifecycle.is_command_line():  # Ctrl+C in the first second is answered in Chinese too
    _lifecycle.install()
