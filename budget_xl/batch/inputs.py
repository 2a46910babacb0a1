"""Which files a batch checks: the files given, and every workbook, text or PDF under the folders given."""

from __future__ import annotations

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
    skip = {p.resolve() for p in exclude}
    out: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted((f for f in p.rglob("*") if f.is_file() and _wanted(f)), key=lambda f: str(f))
            for f in found:
                if f.resolve() not in skip:
                    out.setdefault(f, None)
        elif p.exists():
            out.setdefault(p, None)  # named explicitly: checked whatever its type (an odd one becomes a row)
        else:
            raise InputError("文件或文件夹不存在。", file=str(p))
    return list(out)
