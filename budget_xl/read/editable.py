"""The user's workbook opened by openpyxl for writing a copy (fill, --mark), tolerant as the reader is.

python-calamine reads a sheet whose XML is slightly malformed (a duplicated attribute, a stray ``&``) as
Excel would after its repair; openpyxl's strict parser refuses it. So that ``fill`` and ``--mark`` accept
exactly what ``check`` accepts, a part the strict parser refuses is repaired in memory (lxml's recovering
parser, the way Excel repairs it) and the copy is written from the repaired parts. The input is not touched.
"""

from __future__ import annotations

import io
import re
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
    except (IndexError, KeyError):  # a style past the style sheet, a lost [Content_Types].xml: repaired below
        pass
    except (ValueError, TypeError, AttributeError) as e:
        raise _unrepairable(e, src) from None
    data, repaired = repaired_package(Path(src))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    except Exception as e:
        raise _unrepairable(e, src) from None
    wb.repaired = repaired
    return wb


_STYLE = re.compile(rb'(<(?:c|row)\b[^>]*?)\s+s="(\d+)"')


def _style_count(z: zipfile.ZipFile) -> int:
    """How many cell formats the style sheet holds (openpyxl's default one when it is missing)."""
    try:
        xml = z.read("xl/styles.xml")
    except KeyError:
        return 1
    m = re.search(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", xml, re.S)
    return len(re.findall(rb"<(?:\w+:)?xf\b", m.group(1))) if m else 1


def _unrepairable(e: BaseException, src) -> InputError:
    from budget_xl.inputs import broken_reason

    return InputError(f"文件的内容格式有误（{broken_reason(e)}），无法修复后写出副本。请在 Excel 中打开后另存再试。",
                      file=str(src))


def repaired_package(src: Path) -> tuple[bytes, list[str]]:
    """The package with every XML part that does not parse rewritten by a recovering parser."""
    from lxml import etree

    out = io.BytesIO()
    repaired = []
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        styles = _style_count(z)
        for info in z.infolist():
            part = z.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                mended = _STYLE.sub(lambda m: m.group(0) if int(m.group(2)) < styles else m.group(1), part)
                if mended != part:  # a style past the style sheet: the cell keeps its value, loses the format
                    part = mended
                    repaired.append(info.filename)
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
        if TYPES not in z.namelist():  # the part list Excel rebuilds from the parts themselves
            w.writestr(TYPES, _content_types(z.namelist()))
            repaired.append(TYPES)
    return out.getvalue(), repaired


TYPES = "[Content_Types].xml"
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml."


def _content_types(names: list[str]) -> bytes:
    kinds = {"xl/workbook.xml": "sheet.main+xml", "xl/styles.xml": "styles+xml", "xl/sharedStrings.xml": "sharedStrings+xml"}
    overrides = [(n, _MAIN + kinds[n]) for n in names if n in kinds]
    overrides += [(n, _MAIN + "worksheet+xml") for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    overrides += [(n, "application/vnd.openxmlformats-officedocument.theme+xml") for n in names if n.startswith("xl/theme/")]
    body = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides)
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{body}</Types>').encode()
