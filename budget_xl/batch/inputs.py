"""Which files a batch checks: the files given, and every workbook, text or PDF under the folders given."""

from __future__ import annotations

import os
import re
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


# “…_说明.pdf” and “…_公开表.pdf”: one disclosure published as two PDFs (Jiangsu prints them apart)
PART = re.compile(r"[_\-－—\s]*(?:公开表|情况说明|说明|附表|表格)$")

Document = Path | tuple[Path, ...]  # one file, or the PDFs one disclosure was published as, 说明 first


def documents(files: list[Path]) -> list[Document]:
    """The files as the documents they hold, in the order given: the PDFs of one folder named alike but for a
    “_说明” and a “_公开表” (or “_附表”…) ending are one document (checked alone, the 说明 was “无法读取：只有情况
    说明”, the 公开表's text relations went unchecked), its 说明 first as it is read (目录 and chapters before the
    tables). Only a 说明 with tables is joined: “A.pdf” beside “A_公开表.pdf” (a whole document and a copy of its
    tables), or two 说明, stay files of their own."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    order: list[Path | tuple[Path, str]] = []
    for f in files:
        if f.suffix.lower() != ".pdf" or PART.search(f.stem) is None:
            order.append(f)
            continue
        key = (f.parent, PART.sub("", f.stem))
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append(f)
    out: list[Document] = []
    for item in order:
        if isinstance(item, Path):
            out.append(item)
            continue
        group = sorted(groups[item], key=lambda p: (_table_part(p), p.name))
        said = [p for p in group if not _table_part(p)]
        if len(group) > 1 and len(said) == 1:
            out.append(tuple(group))
        else:
            out += group
    return out


def _table_part(p: Path) -> bool:
    """Whether a PDF of a pair is the tables (公开表, 附表…) rather than the 说明."""
    m = PART.search(p.stem)
    return m is not None and "表" in m.group(0)


def document_name(doc: Document) -> str:
    """How a document is named in a batch's report: its file, or its PDFs joined by “、”."""
    return "、".join(str(p) for p in doc) if isinstance(doc, tuple) else str(doc)
