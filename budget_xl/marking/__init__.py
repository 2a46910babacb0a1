"""Marking a workbook with its findings: one engine-neutral plan (``plan``), its record (``state``) and
the openpyxl writer (``xlsx``); the add-in's xlwings writer is ``budget_xl.excel.handlers.validate``."""
