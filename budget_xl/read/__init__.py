"""Reading workbooks into the model: ``read_workbook(path)`` for files, ``read_grids`` for any engine."""

from __future__ import annotations

from pathlib import Path

from budget_xl.gc_pause import paused_gc
from budget_xl.read.files import ENGINES
from budget_xl.read.grid import ReadResult, read_grids

__all__ = ["ReadResult", "read_grids", "read_workbook"]


@paused_gc
def read_workbook(path: str | Path, engine: str = "calamine", profile: str | None = None) -> ReadResult:
    """``profile`` None: the template is recognised from 基本信息 “模板” or the sheet titles."""
    from budget_xl.read.copies import grid_copy_notes

    grids = ENGINES[engine](path)
    result = read_grids(grids, source=str(path), profile=profile)
    result.notes.extend(grid_copy_notes(grids, result.budget.profile))  # a stale sheet beside its edited copy
    return result
