"""Writing into the user's own workbook package without losing what openpyxl cannot keep.

openpyxl rebuilds a workbook from what it understands and drops the rest: text boxes and shapes, pictures (seals,
logos), data validations and conditional formats of the x14 kind, form controls, sparklines, slicers. When a
workbook holds any of them, ``--mark``, ``fill`` and the add-in's files are written here instead: the original
package is copied part by part, and only

- the sheet XML of the cells touched is edited (a fill, a number, a number format: a new cell format cloned from
  the cell's own, so nothing else of its look changes),
- the notes of a touched sheet are taken from openpyxl's copy (where the sheet had none, or only notes),
- our own sheets (校验结果, the hidden record, 变更记录) are taken from openpyxl's copy, their strings inlined
  and their cell formats added to the package's styles,

so everything else — drawings, pictures, validations, conditional formats, defined names, comments, print
settings, VBA — is the user's bytes, unchanged. What even this cannot keep is refused, in Chinese, by name.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from budget_xl.errors import InputError

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_SHEET = R + "/worksheet"
REL_COMMENTS = R + "/comments"
REL_VML = R + "/vmlDrawing"
REL_HYPERLINK = R + "/hyperlink"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"
MONEY_FMT_ID = 4  # built-in "#,##0.00"
# children of <worksheet> that come after <legacyDrawing>, in schema order
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")
_KEEP = object()


def _q(tag: str, ns: str = M) -> str:
    return f"{{{ns}}}{tag}"


# -- what openpyxl would lose -----------------------------------------------------------------------------
_LOST = [
    (re.compile(rb"<(?:\w+:)?sp[ >]"), "drawing", "文本框或图形"),
    (re.compile(rb"<(?:\w+:)?pic[ >]"), "drawing", "图片（如印章、标志）"),
    (re.compile(rb"<(?:\w+:)?graphicFrame[ >]"), "drawing", "图表或其他嵌入对象"),
    (re.compile(rb"<x14:dataValidations"), "sheet", "数据验证（下拉列表，x14 扩展）"),
    (re.compile(rb"<x14:conditionalFormattings"), "sheet", "条件格式（x14 扩展）"),
    (re.compile(rb"<x14:sparklineGroups"), "sheet", "迷你图"),
    (re.compile(rb"<(?:\w+:)?controls[ >]"), "sheet", "表单控件"),
]


def openpyxl_would_lose(path: str | Path) -> list[str]:
    """What of this package openpyxl drops when it saves a copy (Chinese names, in a stable order)."""
    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = info.filename
                if info.file_size > 64 * 1024 * 1024:
                    continue
                kind = ("drawing" if name.startswith("xl/drawings/") and name.endswith(".xml")
                        else "sheet" if name.startswith("xl/worksheets/") and name.endswith(".xml") else None)
                if name.startswith(("xl/slicers/", "xl/slicerCaches/")):
                    found.append("切片器")
                if name.startswith("xl/activeX/"):
                    found.append("ActiveX 控件")
                if name.endswith(".vml") and info.file_size < 16 * 1024 * 1024 and not _notes_only(z.read(name)):
                    found.append("表单控件（按钮、复选框等）")
                if kind is None:
                    continue
                data = z.read(name)
                named = [what for pattern, where, what in _LOST if where == kind and pattern.search(data)]
                if kind == "sheet" and not named and re.search(rb"<(?:\w+:)?extLst[ >]", data):
                    named.append("工作表的扩展内容（extLst）")
                found += named
    except (zipfile.BadZipFile, OSError):
        return []
    return list(dict.fromkeys(found))


# -- the package ----------------------------------------------------------------------------------------------
def _recovered(data: bytes, name: str) -> etree._Element:
    """A part lxml's strict parser refuses, read by its recovering parser (as ``read.editable`` repairs the
    parts openpyxl refuses); a part nothing can be recovered from is refused in Chinese."""
    from budget_xl.read.editable import recovered_tree

    root = recovered_tree(data)
    if root is None:
        raise InputError(f"文件的内容格式有误（其中的部件“{name}”无法读取），无法写出副本。请在 Excel 中打开后另存再试。")
    return root


class Package:
    """The parts of a .xlsx/.xlsm, in their order, each kept as bytes until it is edited."""

    def __init__(self, path: str | Path):
        with zipfile.ZipFile(path) as z:
            self.infos = z.infolist()
            self.parts: dict[str, bytes] = {i.filename: z.read(i.filename) for i in self.infos}
        self.trees: dict[str, etree._Element] = {}

    def xml(self, name: str) -> etree._Element:
        if name not in self.trees:
            try:
                self.trees[name] = etree.fromstring(self.parts[name])
            except etree.XMLSyntaxError:  # what check read (a duplicated attribute): repaired as Excel repairs it
                self.trees[name] = _recovered(self.parts[name], name)
        return self.trees[name]

    def rels_name(self, part: str) -> str:
        d, f = posixpath.split(part)
        return posixpath.join(d, "_rels", f + ".rels")

    def rels(self, part: str) -> etree._Element:
        name = self.rels_name(part)
        if name not in self.parts and name not in self.trees:
            self.trees[name] = etree.Element(_q("Relationships", PR), nsmap={None: PR})
        return self.xml(name) if name in self.parts else self.trees[name]

    def target(self, part: str, rel: etree._Element) -> str:
        """The part ``rel`` (a relationship of ``part``) names, as the package spells it: a target in another
        letter case or percent-encoded names its member as Excel reads it (read.files.member_named; the
        lookup by the target's own spelling stopped with a KeyError)."""
        from budget_xl.read.files import member_named

        t = rel.get("Target")
        path = t[1:] if t.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(part), t))
        return member_named(path, set(self.parts)) or path

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        rels = self.rels(part)
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rIdbx{n}" in ids:
            n += 1
        rid = f"rIdbx{n}"
        rel = etree.SubElement(rels, _q("Relationship", PR))
        rel.set("Id", rid)
        rel.set("Type", rel_type)
        rel.set("Target", "/" + target_part)
        return rid

    def new_name(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.parts or pattern.format(n) in self.trees:
            n += 1
        return pattern.format(n)

    def override(self, part: str, content_type: str) -> None:
        ct = self.xml("[Content_Types].xml")
        for o in ct.findall(_q("Override", CT)):
            if o.get("PartName") == "/" + part:
                o.set("ContentType", content_type)
                return
        o = etree.SubElement(ct, _q("Override", CT))
        o.set("PartName", "/" + part)
        o.set("ContentType", content_type)

    def default(self, ext: str, content_type: str) -> None:
        ct = self.xml("[Content_Types].xml")
        if any(d.get("Extension", "").lower() == ext for d in ct.findall(_q("Default", CT))):
            return
        d = etree.Element(_q("Default", CT))
        d.set("Extension", ext)
        d.set("ContentType", content_type)
        ct.insert(0, d)

    def sheets(self) -> dict[str, str]:
        """Sheet name → its part."""
        wb = self.xml("xl/workbook.xml")
        rels = {r.get("Id"): r for r in self.rels("xl/workbook.xml")}
        out = {}
        for s in wb.find(_q("sheets")):
            rel = rels.get(s.get(_q("id", R)))
            if rel is not None:
                out[s.get("name")] = self.target("xl/workbook.xml", rel)
        return out

    def save(self, out: str | Path) -> None:
        for name, tree in self.trees.items():
            self.parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        known = {i.filename for i in self.infos}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self.infos:
                if info.filename in self.parts:
                    z.writestr(info, self.parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
            for name, data in self.parts.items():
                if name not in known:
                    z.writestr(name, data)

    def drop(self, part: str) -> None:
        self.parts.pop(part, None)
        self.trees.pop(part, None)


# -- cell formats ------------------------------------------------------------------------------------------
class Styles:
    """xl/styles.xml, to which cloned cell formats are appended (never changed in place)."""

    def __init__(self, pkg: Package):
        self.root = pkg.xml("xl/styles.xml")
        self._cache: dict[tuple, int] = {}

    def _list(self, tag: str) -> etree._Element:
        el = self.root.find(_q(tag))
        if el is None:
            el = etree.Element(_q(tag))
            order = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs"]
            pos = 0
            for i, child in enumerate(self.root):
                if etree.QName(child).localname in order[: order.index(tag)]:
                    pos = i + 1
            self.root.insert(pos, el)
        return el

    def _append(self, tag: str, el: etree._Element) -> int:
        lst = self._list(tag)
        lst.append(el)
        lst.set("count", str(len(lst)))
        return len(lst) - 1

    def xf(self, index: int) -> etree._Element:
        xfs = self._list("cellXfs")
        return xfs[index] if 0 <= index < len(xfs) else xfs[0]

    def with_fill(self, index: int, argb: str) -> int:
        key = ("fill", index, argb)
        if key not in self._cache:
            if argb:
                fill = etree.fromstring(f'<fill xmlns="{M}"><patternFill patternType="solid"><fgColor rgb="{argb}"/>'
                                        '<bgColor indexed="64"/></patternFill></fill>')
                fill_id = self._append("fills", fill)
            else:
                fill_id = 0
            xf = copy.deepcopy(self.xf(index))
            xf.set("fillId", str(fill_id))
            xf.set("applyFill", "1")
            self._cache[key] = self._append("cellXfs", xf)
        return self._cache[key]

    def with_number_format(self, index: int, fmt_id: int = MONEY_FMT_ID) -> int:
        key = ("fmt", index, fmt_id)
        if key not in self._cache:
            xf = copy.deepcopy(self.xf(index))
            xf.set("numFmtId", str(fmt_id))
            xf.set("applyNumberFormat", "1")
            self._cache[key] = self._append("cellXfs", xf)
        return self._cache[key]

    def imported(self, other: etree._Element, index: int) -> int:
        """A cell format of another styles.xml (openpyxl's copy) recreated here."""
        key = ("import", id(other), index)
        if key in self._cache:
            return self._cache[key]
        xfs = other.find(_q("cellXfs"))
        if xfs is None or index >= len(xfs):
            return 0
        xf = copy.deepcopy(xfs[index])
        for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            src = other.find(_q(tag))
            i = int(xf.get(attr, "0"))
            if src is not None and i > 0 and i < len(src):
                xf.set(attr, str(self._append(tag, copy.deepcopy(src[i]))))
        fmt = int(xf.get("numFmtId", "0"))
        if fmt >= 164:
            src = other.find(_q("numFmts"))
            code = next((f.get("formatCode") for f in (src if src is not None else ())
                         if f.get("numFmtId") == str(fmt)), None)
            if code is not None:
                mine = self._list("numFmts")
                same = next((f.get("numFmtId") for f in mine if f.get("formatCode") == code), None)
                if same is None:
                    new_id = max([163, *(int(f.get("numFmtId")) for f in mine)]) + 1
                    f = etree.SubElement(mine, _q("numFmt"))
                    f.set("numFmtId", str(new_id))
                    f.set("formatCode", code)
                    mine.set("count", str(len(mine)))
                    same = str(new_id)
                xf.set("numFmtId", same)
        xf.set("xfId", "0")
        self._cache[key] = self._append("cellXfs", xf)
        return self._cache[key]


# -- cells of a sheet ----------------------------------------------------------------------------------------
_A1 = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _split(a1: str) -> tuple[int, int]:
    m = _A1.match(a1.replace("$", "").upper())
    if not m:
        raise ValueError(a1)
    return int(m.group(2)), _col(m.group(1))


def _cell_el(sheet: etree._Element, a1: str) -> etree._Element:
    """The <c> of a1, created in row and column order when the sheet holds nothing there."""
    row_n, col_n = _split(a1)
    data = sheet.find(_q("sheetData"))
    row = None
    for i, r in enumerate(data):
        n = int(r.get("r", "0"))
        if n == row_n:
            row = r
            break
        if n > row_n:
            row = etree.Element(_q("row"))
            row.set("r", str(row_n))
            data.insert(i, row)
            break
    if row is None:
        row = etree.SubElement(data, _q("row"))
        row.set("r", str(row_n))
    ref = a1.replace("$", "").upper()
    for i, c in enumerate(row):
        r = c.get("r")
        if r == ref:
            return c
        if r and _split(r)[1] > col_n:
            new = etree.Element(_q("c"))
            new.set("r", ref)
            if row.get("s") and row.get("customFormat") == "1":
                new.set("s", row.get("s"))
            row.insert(i, new)
            return new
    new = etree.SubElement(row, _q("c"))
    new.set("r", ref)
    if row.get("s") and row.get("customFormat") == "1":
        new.set("s", row.get("s"))
    return new


def _column_style(sheet: etree._Element, col_n: int) -> str | None:
    cols = sheet.find(_q("cols"))
    for c in cols if cols is not None else ():
        if int(c.get("min", "0")) <= col_n <= int(c.get("max", "0")) and c.get("style"):
            return c.get("style")
    return None


@dataclass
class CellEdit:
    """What to change in one cell: its fill (ARGB, "" none), its value (a number, None blank), its format."""

    fill: str | None = None
    value: object = _KEEP
    money_format: bool = False


def _apply(sheet: etree._Element, styles: Styles, a1: str, edit: CellEdit) -> None:
    c = _cell_el(sheet, a1)
    if c.get("s") is None:
        style = _column_style(sheet, _split(a1)[1])
        if style:
            c.set("s", style)
    s = int(c.get("s", "0"))
    if edit.value is not _KEEP:
        for child in list(c):
            c.remove(child)
        c.attrib.pop("t", None)
        if edit.value is not None:
            v = etree.SubElement(c, _q("v"))
            v.text = _number(edit.value)
        if edit.money_format:
            s = styles.with_number_format(s)
    if edit.fill is not None:
        s = styles.with_fill(s, edit.fill)
    if s or c.get("s") is not None:
        c.set("s", str(s))


def _number(value) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return repr(float(value)) if not isinstance(value, int) else str(value)


# -- our sheets, taken from openpyxl's copy --------------------------------------------------------------------
def _shared_strings(pkg: Package) -> list[etree._Element]:
    name = "xl/sharedStrings.xml"
    if name not in pkg.parts:
        return []
    return list(pkg.xml(name).findall(_q("si")))


def _graft_sheet_xml(theirs: Package, part: str, styles: Styles) -> etree._Element:
    sheet = copy.deepcopy(theirs.xml(part))
    sst = _shared_strings(theirs)
    other = theirs.xml("xl/styles.xml")
    for c in sheet.iter(_q("c")):
        if c.get("t") == "s":
            v = c.find(_q("v"))
            si = sst[int(v.text)] if v is not None and v.text and int(v.text) < len(sst) else None
            c.remove(v)
            c.set("t", "inlineStr")
            inline = etree.SubElement(c, _q("is"))
            for child in (si if si is not None else ()):
                inline.append(copy.deepcopy(child))
        if c.get("s"):
            c.set("s", str(styles.imported(other, int(c.get("s")))))
    for el in [*sheet.iter(_q("row")), *sheet.iter(_q("col"))]:
        key = "s" if el.tag == _q("row") else "style"
        if el.get(key):
            el.set(key, str(styles.imported(other, int(el.get(key)))))
    for tag in ("drawing", "legacyDrawing", "legacyDrawingHF", "picture", "tableParts", "extLst"):
        for el in sheet.findall(_q(tag)):
            sheet.remove(el)
    return sheet


def _shift_local_ids(wb: etree._Element, at: int, by: int) -> None:
    names = wb.find(_q("definedNames"))
    for dn in names if names is not None else ():
        lid = dn.get("localSheetId")
        if lid is not None and int(lid) >= at:
            dn.set("localSheetId", str(int(lid) + by))
    views = wb.find(_q("bookViews"))
    for v in views if views is not None else ():
        # the active sheet stays the one the user left active; the tab bar still starts where it did, so a sheet
        # inserted first (校验结果) is in sight
        for attr, first in (("activeTab", at), ("firstSheet", at + 1)):
            n = v.get(attr)
            if n is not None and int(n) >= first and (by > 0 or int(n) > at):
                v.set(attr, str(int(n) + by))


def _remove_sheet(pkg: Package, name: str) -> None:
    wb = pkg.xml("xl/workbook.xml")
    sheets = wb.find(_q("sheets"))
    for i, s in enumerate(list(sheets)):
        if s.get("name") == name:
            rid = s.get(_q("id", R))
            rels = pkg.rels("xl/workbook.xml")
            for rel in list(rels):
                if rel.get("Id") == rid:
                    part = pkg.target("xl/workbook.xml", rel)
                    pkg.drop(part)
                    pkg.drop(pkg.rels_name(part))
                    rels.remove(rel)
                    ct = pkg.xml("[Content_Types].xml")
                    for o in ct.findall(_q("Override", CT)):
                        if o.get("PartName") == "/" + part:
                            ct.remove(o)
            sheets.remove(s)
            _shift_local_ids(wb, i, -1)
            return


def _insert_sheet(pkg: Package, theirs: Package, name: str, index: int, styles: Styles) -> None:
    their_part = theirs.sheets()[name]
    their_wb = theirs.xml("xl/workbook.xml")
    their_el = next(s for s in their_wb.find(_q("sheets")) if s.get("name") == name)
    sheet = _graft_sheet_xml(theirs, their_part, styles)
    part = pkg.new_name("xl/worksheets/sheet_bx{}.xml")
    # in-document hyperlinks (校验结果's 位置 column) are relationships of the sheet: copy those
    links = sheet.find(_q("hyperlinks"))
    their_rels = {r.get("Id"): r for r in theirs.rels(their_part)}
    pkg.trees[part] = sheet
    if links is not None:
        for h in links:
            rid = h.get(_q("id", R))
            rel = their_rels.get(rid)
            if rel is None:
                continue
            rels = pkg.rels(part)
            new = etree.SubElement(rels, _q("Relationship", PR))
            new.set("Id", rid)
            new.set("Type", REL_HYPERLINK)
            new.set("Target", rel.get("Target"))
            new.set("TargetMode", "External")
    pkg.override(part, SHEET_TYPE)
    wb = pkg.xml("xl/workbook.xml")
    sheets = wb.find(_q("sheets"))
    rid = pkg.add_rel("xl/workbook.xml", REL_SHEET, part)
    el = etree.Element(_q("sheet"))
    el.set("name", name)
    el.set("sheetId", str(max([0, *(int(s.get("sheetId", "0")) for s in sheets)]) + 1))
    if their_el.get("state"):
        el.set("state", their_el.get("state"))
    el.set(_q("id", R), rid)
    index = min(index, len(sheets))
    sheets.insert(index, el)
    _shift_local_ids(wb, index, 1)
    if index == 0:
        for view in sheet.iter(_q("sheetView")):
            view.attrib.pop("tabSelected", None)


# -- notes of a touched sheet -------------------------------------------------------------------------------
def _rel_of(pkg: Package, part: str, rel_type: str) -> etree._Element | None:
    return next((r for r in pkg.rels(part) if r.get("Type") == rel_type), None)


def _notes_only(vml: bytes) -> bool:
    kinds = set(re.findall(rb'ObjectType="(\w+)"', vml))
    return kinds <= {b"Note"}


_OWN_SHAPE = re.compile(rb"<(\w+:)?shape\b.*?</\1shape>", re.S)  # the user's VML: Excel's, not always well-formed
_SHAPE_ID = re.compile(rb'\bid="_x0000_s(\d+)"')
VML = "urn:schemas-microsoft-com:vml"


def merge_vml(own: bytes, notes: bytes, sheet_name: str = "") -> bytes:
    """The sheet's own legacy drawing (its form controls) with its notes' shapes replaced by those of ``notes``
    (openpyxl's drawing: the user's notes and ours), numbered after the controls' shape ids."""
    end = own.rfind(b"</xml>")
    try:
        theirs = etree.fromstring(notes)
    except etree.XMLSyntaxError:
        theirs = None
    if end < 0 or theirs is None:
        raise InputError(f"工作表“{sheet_name}”上的表单控件（按钮、复选框等）无法读取，加批注会使它们丢失；未写出文件。")
    kept = _OWN_SHAPE.sub(lambda m: b"" if b'ObjectType="Note"' in m.group(0) else m.group(0), own[:end])
    have = set(re.findall(rb'<(?:\w+:)?shapetype\b[^>]*\bid="([^"]+)"', kept))
    n = max([1024, *(int(i) for i in _SHAPE_ID.findall(kept))])
    added = []
    for el in theirs.iter(f"{{{VML}}}shapetype"):
        if el.get("id", "").encode() not in have:
            added.append(etree.tostring(el))
    for el in theirs.iter(f"{{{VML}}}shape"):
        n += 1
        el.set("id", f"_x0000_s{n}")
        added.append(etree.tostring(el))
    return kept + b"".join(added) + own[end:]


def _take_notes(pkg: Package, part: str, theirs: Package, their_part: str, sheet_name: str) -> None:
    """The sheet's notes as openpyxl wrote them (the user's own, and ours)."""
    their_comments = _rel_of(theirs, their_part, REL_COMMENTS)
    their_vml = _rel_of(theirs, their_part, REL_VML)
    mine_comments = _rel_of(pkg, part, REL_COMMENTS)
    mine_vml = _rel_of(pkg, part, REL_VML)
    if their_comments is None or their_vml is None:
        return
    comments_xml = theirs.parts[theirs.target(their_part, their_comments)]
    vml_xml = theirs.parts[theirs.target(their_part, their_vml)]
    if mine_vml is not None:
        own = pkg.parts.get(pkg.target(part, mine_vml), b"")
        if not _notes_only(own):  # the user's form buttons share the drawing with the notes: keep them
            vml_xml = merge_vml(own, vml_xml, sheet_name)
    if mine_comments is not None:
        pkg.parts[pkg.target(part, mine_comments)] = comments_xml
        pkg.trees.pop(pkg.target(part, mine_comments), None)
    else:
        name = pkg.new_name("xl/comments_bx{}.xml")
        pkg.parts[name] = comments_xml
        pkg.override(name, COMMENTS_TYPE)
        pkg.add_rel(part, REL_COMMENTS, name)
    pkg.default("vml", VML_TYPE)
    if mine_vml is not None:
        pkg.parts[pkg.target(part, mine_vml)] = vml_xml
        pkg.trees.pop(pkg.target(part, mine_vml), None)
        return
    name = pkg.new_name("xl/drawings/vmlDrawing_bx{}.vml")
    pkg.parts[name] = vml_xml
    rid = pkg.add_rel(part, REL_VML, name)
    sheet = pkg.xml(part)
    legacy = etree.Element(_q("legacyDrawing"))
    legacy.set(_q("id", R), rid)
    after = next((child for child in sheet if etree.QName(child).localname in _AFTER_LEGACY), None)
    if after is not None:
        after.addprevious(legacy)
    else:
        sheet.append(legacy)


# -- the whole write ---------------------------------------------------------------------------------------------
def write_lossless(src: str | Path, theirs_path: str | Path, out: str | Path, edits: dict[str, CellEdit],
                   our_sheets: Iterable[str], noted_sheets: Iterable[str] = (), recalc: bool = False) -> Path:
    """``src`` copied to ``out`` part by part with ``edits`` made in its cells, the sheets ``our_sheets`` (and the
    notes of ``noted_sheets``) taken from ``theirs_path``, openpyxl's copy of the same workbook."""
    from budget_xl.findings import split_ref

    pkg = Package(src)
    theirs = Package(theirs_path)
    styles = Styles(pkg)
    parts = pkg.sheets()
    for ref, edit in edits.items():
        sheet, a1 = split_ref(ref)
        if sheet not in parts:
            continue
        _apply(pkg.xml(parts[sheet]), styles, a1, edit)
    their_parts = theirs.sheets()
    for name in dict.fromkeys(noted_sheets):
        if name in parts and name in their_parts:
            _take_notes(pkg, parts[name], theirs, their_parts[name], name)
    order = list(their_parts)
    for name in our_sheets:
        _remove_sheet(pkg, name)
    for name in sorted((n for n in our_sheets if n in their_parts), key=order.index):
        _insert_sheet(pkg, theirs, name, order.index(name), styles)
    if recalc:  # totals rewritten under the user's own formulas: Excel recomputes them on opening
        wb = pkg.xml("xl/workbook.xml")
        calc = wb.find(_q("calcPr"))
        if calc is None:
            calc = etree.Element(_q("calcPr"))
            before = [c for c in wb if etree.QName(c).localname in
                      ("sheets", "functionGroups", "externalReferences", "definedNames")]
            before[-1].addnext(calc)
        calc.set("fullCalcOnLoad", "1")
    pkg.save(out)
    return Path(out)


__all__ = ["CellEdit", "openpyxl_would_lose", "write_lossless"]
