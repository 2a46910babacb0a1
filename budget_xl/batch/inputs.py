"""Which files a batch checks: the files given, and every workbook, text or PDF under the folders given."""

from __future__ import annotations

import os
from pathlib import Path

from budget_xl.batch.work import SUFFIXES
from budget_xl.errors import InputError


def _wanted(p: Path) -> bool:
    # Excel/WPS lock files (~$name.xlsx), the companions macOS writes beside each file it copies (._name.xlsx)
    # and our own temporary files are not inputs; “主表.xlsx ” (a space after the extension) is, to be told why
    # it cannot be read rather than silently left out
    return (p.suffix.lower().rstrip(" .\u3000") in SUFFIXES
            and not p.name.startswith(("~$", ".~", ".budget-xl-", "._")))


def collect(paths: list[str], exclude: list[Path] = ()) -> list[Path]:
    """Files in the order given, folders expanded recursively in name order; each file once. ``exclude``
    (the report being written) is skipped inside folders; named explicitly it stays, and is refused later."""
    skip = {os.path.realpath(p) for p in exclude}  # realpath: a link pointing at itself raises nothing
    out: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            # not only regular files: a link whose file is gone, a pipe named .xlsx become rows saying so
            found = sorted((f for f in p.rglob("*") if _wanted(f) and (f.is_symlink() or not f.is_dir())),
                           key=lambda f: str(f))
            for f in found:
                if os.path.realpath(f) not in skip:
                    out.setdefault(f, None)
        elif p.exists() or p.is_symlink():
            out.setdefault(p, None)  # named explicitly: checked whatever its type (an odd one becomes a row)
        else:
            from budget_xl.inputs import look_alike

            raise InputError("文件或文件夹不存在。" + (look_alike(p) or ""), file=str(p))
    return list(out)
