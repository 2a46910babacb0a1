"""The user's workbook opened by openpyxl for writing a copy (fill, --mark), tolerant as the reader is.

python-calamine reads a sheet whose XML is slightly malformed (a duplicated attribute, a stray ``&``) as
Excel would after its repair; openpyxl's strict parser refuses it. So that ``fill`` and ``--mark`` accept
exactly what ``check`` accepts, a part the strict parser refuses is repaired in memory (lxml's recovering
parser, the way Excel repairs it) and the copy is written from the repaired parts. The input is not touched.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from budget_xl.errors import InputError


def load_for_edit(src: str | Path, keep_vba: bool = False):
    """openpyxl Workbook of ``src``; ``repaired`` attribute: the parts mended on the way (usually none)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(src, keep_vba=keep_vba)
        wb.repaired = []
        return wb
    except ElementTree.ParseError:
        pass
    data, repaired = repaired_package(Path(src))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    except Exception as e:
        raise InputError(f"文件的内容格式有误，无法修复后写出副本（{type(e).__name__}）。请在 Excel 中打开后另存再试。",
                         file=str(src)) from None
    wb.repaired = repaired
    return wb


def repaired_package(src: Path) -> tuple[bytes, list[str]]:
    """The package with every XML part that does not parse rewritten by a recovering parser."""
    from lxml import etree

    out = io.BytesIO()
    repaired = []
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            part = z.read(info)
            if info.filename.endswith((".xml", ".rels")):
                try:
                    ElementTree.fromstring(part)
                except ElementTree.ParseError:
                    root = etree.fromstring(part, parser)
                    if root is None:
                        raise InputError(f"文件中的“{info.filename}”已损坏，无法读取。", file=str(src)) from None
                    for el in root.iter(etree.Element):  # libxml2 keeps a duplicated attribute: keep the first
                        first: dict = {}
                        for k, v in el.attrib.items():
                            first.setdefault(k, v)
                        if len(first) != len(el.attrib):
                            el.attrib.clear()
                            el.attrib.update(first)
                    part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    repaired.append(info.filename)
            w.writestr(info, part)
    return out.getvalue(), repaired
