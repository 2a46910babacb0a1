"""The user's workbook opened by openpyxl for writing a copy (fill, --mark), tolerant as the reader is.

python-calamine reads a sheet whose XML is slightly malformed (a duplicated attribute, a stray ``&``) as
Excel would after its repair; openpyxl's strict parser refuses it. So that ``fill`` and ``--mark`` accept
exactly what ``check`` accepts, a part the strict parser refuses is repaired in memory (lxml's recovering
parser, the way Excel repairs it) and the copy is written from the repaired parts. The input is not touched.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from budget_xl.errors import InputError


def load_for_edit(src: str | Path, keep_vba: bool = False):
    """openpyxl Workbook of ``src``; ``repaired`` attribute: the parts mended on the way (usually none)."""
    import openpyxl

    if not _is_strict(Path(src)) and not _odd_cells(Path(src)):  # openpyxl reads no sheet of Strict Open XML,
        # and fails on a shared-string index “3.0” or loses an inline string beside a <v>: mended below
        try:
            wb = openpyxl.load_workbook(src, keep_vba=keep_vba)
            wb.repaired = []
            if not _lost_sheets(wb, src):
                return wb
            # fewer sheets than the workbook lists: a relationship spelt otherwise than its part (another
            # letter case, percent-encoded) that openpyxl does not find, and Excel does: repaired below
        except SyntaxError:  # ElementTree's ParseError, and lxml's XMLSyntaxError (openpyxl parses the workbook
            pass             # part, its relationships and the sheets' rels with lxml when installed): repaired below
        except (IndexError, KeyError):  # a style past the style sheet, a lost [Content_Types].xml: repaired below
            pass
        except OSError as e:  # "File contains no valid workbook part": the workbook part listed under a content
            if e.errno is not None:  # type openpyxl does not know (python-calamine ignores it): repaired below
                raise
        except ValueError:  # a style id that is not a number (s="abc"): repaired below
            pass
        except (TypeError, AttributeError) as e:
            raise _unrepairable(e, src) from None
    data, repaired = repaired_package(Path(src))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba)
    except Exception as e:
        raise _unrepairable(e, src) from None
    wb.repaired = repaired
    return _complete(wb, src)


_STRICT = b"http://purl.oclc.org/ooxml/"
_STRICT_NS = re.compile(rb"http://purl\.oclc\.org/ooxml/([A-Za-z]+)/([A-Za-z]+)((?:/[A-Za-z]+)*)")
_HYPHENED = {b"extendedProperties": b"extended-properties", b"customProperties": b"custom-properties"}


def _is_strict(src: Path) -> bool:
    """A workbook saved as “Strict Open XML 电子表格” (ISO 29500 Strict): python-calamine reads it, openpyxl reads
    none of its sheets, and would write a copy holding nothing of the user's."""
    try:
        with zipfile.ZipFile(src) as z:
            return _STRICT in z.read("xl/workbook.xml")[:4096]
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, NotImplementedError, RuntimeError):
        return False


def _odd_cells(src: Path) -> bool:
    """A sheet holds cells that ``mended_cells`` spells otherwise (what check reads through it, the copy must too)."""
    from budget_xl.read.files import as_utf8, mended_cells

    try:
        with zipfile.ZipFile(src) as z:
            for info in z.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    data = as_utf8(z.read(info))
                    if mended_cells(data) is not data:
                        return True
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, ValueError, NotImplementedError, RuntimeError, EOFError):
        return False
    return False


def transitional(part: bytes) -> bytes:
    """Strict Open XML namespaces and relationship types as the usual (transitional) ones Excel writes:
    http://purl.oclc.org/ooxml/spreadsheetml/main → http://schemas.openxmlformats.org/spreadsheetml/2006/main."""
    if _STRICT not in part:
        return part

    def usual(m: re.Match) -> bytes:
        kind, first, rest = m.groups()
        rest = b"/".join(_HYPHENED.get(x, x) for x in rest.split(b"/"))
        return b"http://schemas.openxmlformats.org/" + kind + b"/2006/" + _HYPHENED.get(first, first) + rest
    return _STRICT_NS.sub(usual, part)


def _lost_sheets(wb, src) -> list[str] | None:
    """The sheets the package lists that openpyxl did not read (None: it read them all)."""
    from budget_xl.read.files import listed_sheets

    listed = listed_sheets(Path(src))
    if listed is not None and len(wb.sheetnames) < len(listed):
        return [n for n in listed if n not in wb.sheetnames] or listed
    return None


def _complete(wb, src):
    """The workbook as openpyxl read it, refused when it holds fewer sheets than the package lists: a copy
    written from it would silently lose the others."""
    from budget_xl.read.files import listed_sheets

    lost = _lost_sheets(wb, src)
    if lost:
        listed = listed_sheets(Path(src)) or []
        raise InputError(f"工作簿中有 {len(listed)} 张工作表，写出副本时只能读到 {len(wb.sheetnames)} 张"
                         f"（读不到“{'”“'.join(lost[:3])}”{'等' if len(lost) > 3 else ''}），为免丢失内容，未写出。"
                         "请在 Excel 中打开后“另存为”Excel 工作簿（.xlsx）再试。", file=str(src))
    return wb


_STYLE = re.compile(rb'(<(?:c|row)\b[^>]*?)\s+s="([^"]*)"')


def _styles_counted(z: zipfile.ZipFile, group: bytes, item: bytes, missing: int) -> int:
    """How many ``item`` entries the style sheet's ``group`` holds (``missing`` when there is none)."""
    try:
        xml = z.read("xl/styles.xml")
    except KeyError:
        return missing
    m = re.search(rb"<(?:\w+:)?" + group + rb"\b[^>]*>(.*?)</(?:\w+:)?" + group + rb">", xml, re.S)
    return len(re.findall(rb"<(?:\w+:)?" + item + rb"\b", m.group(1))) if m else missing


def _style_count(z: zipfile.ZipFile) -> int:
    """How many cell formats the style sheet holds (openpyxl's default one when it is missing)."""
    return _styles_counted(z, b"cellXfs", b"xf", 1)


_RID = re.compile(rb'(<(?:\w+:)?hyperlink\b[^>]*?)\s+(?:\w+:)?id="([^"]*)"')
_DXF = re.compile(rb'(<(?:\w+:)?cfRule\b[^>]*?)\s+dxfId="(\d+)"')


_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?\bId="([^"]*)"[^>]*?(?:/>|>\s*</(?:\w+:)?Relationship>)')
_OBJECT = re.compile(rb'<(?:\w+:)?(?:drawing|legacyDrawing|legacyDrawingHF|picture)\b[^>]*?\b(\w+:)?id="([^"]*)"[^>]*/>')


def _live_rels(z: zipfile.ZipFile, name: str, rels: bytes) -> bytes:
    """A relationships part without the relationships whose target part is not in the package (a picture or
    the notes of a sheet lost on the way): Excel drops them on opening, openpyxl stops with a KeyError."""
    names = set(z.namelist())
    folder = name.rsplit("/_rels/", 1)[0]

    def keep(m: re.Match) -> bytes:
        rel = m.group(0)
        if b'TargetMode="External"' in rel:
            return rel
        t = re.search(rb'\bTarget="([^"]*)"', rel)
        if not t:
            return rel
        target = t.group(1).decode("utf-8", "replace")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        return rel if path in names else b""
    return _REL.sub(keep, rels)


def _dxf_count(z: zipfile.ZipFile) -> int:
    """How many differential formats (those of conditional formatting) the style sheet holds."""
    return _styles_counted(z, b"dxfs", b"dxf", 0)


def _dangling(z: zipfile.ZipFile, part: str, xml: bytes, dxfs: int) -> bytes:
    """What Excel drops on opening and openpyxl refuses (KeyError, IndexError): a hyperlink whose address is
    missing from the sheet's relationships (the link goes, the cell stays), a conditional format's
    ``dxfId`` past the style sheet (the rule stays, without its colour)."""
    folder, name = part.rsplit("/", 1)
    try:
        rels = z.read(f"{folder}/_rels/{name}.rels")
    except KeyError:
        rels = b""
    ids = {m.group(1) for m in _REL.finditer(_live_rels(z, f"{folder}/_rels/{name}.rels", rels))}
    xml = _OBJECT.sub(lambda m: m.group(0) if m.group(2) in ids else b"", xml)
    xml = _RID.sub(lambda m: m.group(0) if m.group(2) in ids else m.group(1), xml)
    return _DXF.sub(lambda m: m.group(0) if int(m.group(2)) < dxfs else m.group(1), xml)


def _unrepairable(e: BaseException, src) -> InputError:
    from budget_xl.inputs import broken_reason

    named = _forbidden_sheet_name(src) if isinstance(e, ValueError) else None
    if named is not None:
        return named
    return InputError(f"文件的内容格式有误（{broken_reason(e)}），无法修复后写出副本。请在 Excel 中打开后另存再试。",
                      file=str(src))


_FORBIDDEN_IN_SHEET_NAMES = set("[]*?/\\:")


def _forbidden_sheet_name(src) -> InputError | None:
    """A sheet named with a character Excel forbids in sheet names (“附表[1]”: a library wrote it; check reads
    it): openpyxl refuses to open the workbook for a copy, and the refusal blamed the XML. Said as it is,
    naming the sheet; renaming it in the copy would break the formulas that name it."""
    from budget_xl.read.files import listed_sheets

    bad = next((n for n in listed_sheets(Path(src)) or [] if _FORBIDDEN_IN_SHEET_NAMES & set(n)), None)
    if bad is None:
        return None
    chars = "".join(sorted(_FORBIDDEN_IN_SHEET_NAMES & set(bad)))
    return InputError(f"工作表名“{bad}”含有 Excel 不允许用于表名的字符（{chars}），无法写出副本。"
                      "请在 Excel 或 WPS 中给这张表改名（去掉 [ ] * ? / \\ : 这些字符）后再试。", file=str(src), sheet=bad)


def repaired_package(src: Path) -> tuple[bytes, list[str]]:
    """The package with every XML part that does not parse rewritten by a recovering parser."""
    from lxml import etree

    from budget_xl.read.files import as_utf8, mended_cells, mended_targets

    out = io.BytesIO()
    repaired = []
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        styles = _style_count(z)
        dxfs = _dxf_count(z)
        members = set(z.namelist())
        for info in z.infolist():
            part = z.read(info)
            if info.filename.endswith((".xml", ".rels")) and _STRICT in part:
                part = transitional(part)
                if info.filename == "xl/workbook.xml":
                    repaired.append("Strict Open XML")
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                # a style past the style sheet, or not a number (s="abc"): the cell keeps its value, loses the format
                mended = _STYLE.sub(lambda m: m.group(0) if m.group(2).isdigit() and int(m.group(2)) < styles
                                    else m.group(1), part)
                mended = _dangling(z, info.filename, mended, dxfs)
                utf8 = as_utf8(mended)
                cells = mended_cells(utf8)
                if cells is not utf8:  # cells a reader takes for blank (“3.0” as a shared-string index): as Excel spells them
                    mended = cells
                if mended != part:
                    part = mended
                    repaired.append(info.filename)
            if info.filename.endswith(".rels"):
                mended = mended_targets(info.filename, part, members)
                if mended != part:  # a target spelt otherwise than its part: spelt as the part is
                    part = mended
                    repaired.append(info.filename)
            if info.filename.startswith("xl/worksheets/_rels/") and info.filename.endswith(".rels"):
                mended = _live_rels(z, info.filename, part)
                if mended != part:
                    part = mended
                    repaired.append(info.filename)
            if info.filename == TYPES:
                mended = _workbook_type(part)
                if mended != part:
                    part = mended
                    repaired.append(TYPES)
            if info.filename.endswith((".xml", ".rels")):
                mended = _utf8_declared(part)
                if mended != part:
                    part = mended
                    repaired.append(info.filename)
                try:
                    ElementTree.fromstring(part)
                except ElementTree.ParseError:
                    root = recovered_tree(part)
                    if root is None:
                        raise InputError(f"文件中的“{info.filename}”已损坏，无法读取。", file=str(src)) from None
                    part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    repaired.append(info.filename)
            w.writestr(info, part)
        if TYPES not in z.namelist():  # the part list Excel rebuilds from the parts themselves
            w.writestr(TYPES, _content_types(z.namelist()))
            repaired.append(TYPES)
    return out.getvalue(), list(dict.fromkeys(repaired))  # a part mended twice is listed once


_DECLARED = re.compile(rb'^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding=(["\'])([^"\']*)\1')


def _utf8_declared(part: bytes) -> bytes:
    """A part written in UTF-8 under a declaration naming another encoding (encoding="GBK": an export's
    template; "UTF-16" over bytes with no zero byte) declared UTF-8 — python-calamine reads it as UTF-8 and
    ``check`` with it; Python's XML parser believed the declaration and refused the bytes (ValueError:
    multi-byte encodings are not supported). Only a part that parser refuses is touched; one really in that
    encoding is left as it is."""
    m = _DECLARED.match(part)
    if m is None:
        return part
    declared = m.group(2).lower().replace(b"-", b"").replace(b"_", b"")
    if declared == b"utf8" or declared == b"utf16" and b"\x00" in part:
        return part
    try:
        part.decode("utf-8")
    except UnicodeDecodeError:
        return part
    try:
        ElementTree.fromstring(part)
        return part  # read as declared without complaint
    except (ElementTree.ParseError, ValueError, LookupError):
        return part[:m.start(2)] + b"UTF-8" + part[m.end(2):]


def recovered_tree(part: bytes):
    """A part the strict parser refuses, read by lxml's recovering parser the way Excel repairs it (None when
    nothing can be recovered). libxml2 keeps a duplicated attribute, which would be written out twice again:
    the first one is kept, as python-calamine reads it."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(part, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    for el in root.iter(etree.Element):
        first: dict = {}
        for k, v in el.attrib.items():
            first.setdefault(k, v)
        if len(first) != len(el.attrib):
            el.attrib.clear()
            el.attrib.update(first)
    return root


TYPES = "[Content_Types].xml"
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml."


_WORKBOOK_TYPES = re.compile(rb'ContentType="application/vnd\.(?:openxmlformats-officedocument\.spreadsheetml\.(?:sheet|template)'
                             rb'|ms-excel\.(?:sheet|template)\.macroEnabled)\.main\+xml"')
_WORKBOOK_OVERRIDE = re.compile(rb'<Override\b[^>]*PartName="/xl/workbook\.xml"[^>]*/>')


def _workbook_type(types: bytes) -> bytes:
    """[Content_Types].xml with the workbook part given the usual type when it lists none openpyxl knows (an
    export wrote "…officedocument.ms-excel.sheet…"; Excel repairs it, openpyxl found "no valid workbook part")."""
    if _WORKBOOK_TYPES.search(types) or b"</Types>" not in types:
        return types
    usual = f'<Override PartName="/xl/workbook.xml" ContentType="{_MAIN}sheet.main+xml"/>'.encode()
    return _WORKBOOK_OVERRIDE.sub(b"", types).replace(b"</Types>", usual + b"</Types>", 1)


def _content_types(names: list[str]) -> bytes:
    kinds = {"xl/workbook.xml": "sheet.main+xml", "xl/styles.xml": "styles+xml", "xl/sharedStrings.xml": "sharedStrings+xml"}
    overrides = [(n, _MAIN + kinds[n]) for n in names if n in kinds]
    overrides += [(n, _MAIN + "worksheet+xml") for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    overrides += [(n, "application/vnd.openxmlformats-officedocument.theme+xml") for n in names if n.startswith("xl/theme/")]
    body = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides)
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{body}</Types>').encode()
