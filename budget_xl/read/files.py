"""Opening workbook files: python-calamine (fast, the default) or openpyxl, with Chinese errors.

Nothing here writes: the user's file is only ever opened for reading.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

from budget_xl.a1 import index as a1_index
from budget_xl.errors import InputError
from budget_xl.inputs import NOT_A_NUMBER, blank_after_suffix, broken_reason, check_declared_counts, not_a_workbook, require_regular_file
from budget_xl.read.values import CellError, Uncached

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Sane limits for a budget workbook (real ones are under 5 MB and a few thousand rows), checked on the zip
# directory and the sheets' cell references before any parser builds a grid: a zip bomb is refused at once.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200          # a member larger than 1 MB that compresses more than this is a bomb, not a sheet
MAX_ROWS = 200_000
MAX_COLS = 1_000
MAX_CELLS = 4_000_000    # rows × columns of the dense grid a reader builds
MAX_MEMBERS = 10_000     # parts in the package (a workbook of 20 sheets has about 60)
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# Excel's own formats that are not a workbook this tool reads: said as what they are, not "not Excel"
OTHER_EXCEL = {".xlsb": "二进制工作簿", ".xltx": "模板", ".xltm": "启用宏的模板", ".xlam": "加载项", ".xla": "加载项",
               ".xlt": "旧版模板"}
# spreadsheets other programs save: said as what they are (“不是 Excel 工作簿” left the user guessing which to pick)
OTHER_SPREADSHEETS = {".ods": "LibreOffice、WPS 保存的 .ods 电子表格（开放文档格式）",
                      ".fods": "LibreOffice 保存的单文件 .fods 电子表格（开放文档格式）",
                      ".ots": ".ots 电子表格模板（开放文档格式）", ".numbers": "苹果电脑的 .numbers 表格"}
SAVE_AS_XLSX = "请在保存它的程序（LibreOffice、WPS 或苹果电脑的表格程序）中打开，“另存为”（“导出为”）Excel 工作簿（.xlsx）再试。"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _is_old_xls(p: Path) -> bool:
    """An old .xls is an OLE container with a ``Workbook`` (or ``Book``) stream; an encrypted .xlsx holds an
    ``EncryptedPackage`` stream instead."""
    try:
        with p.open("rb") as fh:
            data = fh.read(64 * 1024 * 1024)
    except OSError:
        return False
    if _ENCRYPTED in data:
        return False
    return any(name.encode("utf-16-le") + b"\x00\x00" in data for name in ("Workbook", "Book"))


def is_xls(path: str | Path) -> bool:
    """An old binary .xls workbook (read through python-calamine; never written)."""
    p = Path(path)
    try:
        if p.suffix.lower() != ".xls" or not stat.S_ISREG(os.stat(p).st_mode):
            return False  # never open a pipe or a device to look (opening a FIFO would hang)
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head == OLE_MAGIC and _is_old_xls(p)


def check_workbook_file(path: str | Path, sheets: dict[str, bytes] | None = None) -> Path:
    """Refuse, with a clear message, anything that is not a readable .xlsx / .xlsm.

    ``sheets``: filled with the worksheet parts the check decompresses anyway, for ``scan_package`` not to
    decompress them a second time."""
    p = require_regular_file(path, "Excel 工作簿")
    name = str(path)
    suffix = p.suffix.lower()
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        raise InputError("文件无法打开（没有读取权限，或正被其他程序独占）。", file=name) from None
    old_xls = "不支持旧版 .xls 格式。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再试。"
    if suffix == ".xls" and head == OLE_MAGIC and _is_old_xls(p):
        return p  # a real old .xls: python-calamine reads it; whatever is written goes to an .xlsx beside it
    if suffix in (".xls", ".et") or (head == OLE_MAGIC and suffix not in (".xlsx", ".xlsm")):
        raise InputError((head != OLE_MAGIC and not head.startswith(b"PK") and not_a_workbook(p)) or old_xls, file=name)
    if head == OLE_MAGIC and _is_old_xls(p):
        raise InputError("这是旧版 .xls 格式的文件（只是扩展名改成了 .xlsx）。" + old_xls.split("。", 1)[1], file=name)
    if head == OLE_MAGIC:
        raise InputError("文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                         "（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存再试。", file=name)
    if suffix in OTHER_EXCEL:
        raise InputError(f"“{p.suffix}”是 Excel 的{OTHER_EXCEL[suffix]}格式，本工具只读取 .xlsx 或 .xlsm 工作簿。"
                         "请在 Excel 中打开后“另存为”Excel 工作簿（.xlsx）再试。", file=name)
    if suffix in OTHER_SPREADSHEETS:
        raise InputError(f"这是 {OTHER_SPREADSHEETS[suffix]}，不是 Excel 工作簿，本工具只读取 .xlsx 或 .xlsm。" + SAVE_AS_XLSX, file=name)
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(blank_after_suffix(p) or f"不是 Excel 工作簿（扩展名为“{p.suffix or '无'}”）。请提供 .xlsx 文件。", file=name)
    if not zipfile.is_zipfile(p):
        raise InputError(not_a_workbook(p) or "文件已损坏，或不是真正的 Excel 工作簿（无法按 .xlsx 格式打开）。", file=name)
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
            _check_sizes(z, name)  # before anything is decompressed
            bad = _test_members(z, {} if sheets is None else sheets)  # bounded: never beyond the declared size
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise InputError("文件已损坏，无法按 .xlsx 格式打开。", file=name) from None
    if bad is not None:
        sheet = _sheet_of_part(p, bad)
        raise InputError(_damaged_member(bad, sheet), file=name, sheet=sheet)
    if "xl/workbook.xml" not in names:
        if _is_opendocument(p, names):  # an .ods renamed .xlsx: a zip too, and not damaged
            raise InputError(f"这是 {OTHER_SPREADSHEETS['.ods']}，只是扩展名为 Excel 的，不是 Excel 工作簿。" + SAVE_AS_XLSX, file=name)
        raise InputError("文件已损坏，或不是 Excel 工作簿（缺少工作簿内容）。", file=name)
    return p


def _is_opendocument(p: Path, names: set[str]) -> bool:
    """An OpenDocument spreadsheet package: its first member ``mimetype`` says so."""
    if "mimetype" not in names or "content.xml" not in names:
        return False
    try:
        with zipfile.ZipFile(p) as z, z.open("mimetype") as f:
            return f.read(len(_ODS_MIMETYPE)) == _ODS_MIMETYPE
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError):
        return False


def _sheet_of_part(p: Path, part: str) -> str | None:
    """The sheet whose part is ``part`` (None: the part is no sheet, or the workbook cannot tell)."""
    try:
        with zipfile.ZipFile(p) as z:
            return next((sheet for sheet, member in _sheet_paths(z).items() if member == part), None)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError):
        return None  # the damaged part is the workbook's own list of sheets


def _damaged_member(part: str, sheet: str | None) -> str:
    """Why a package whose member ``part`` (the part of ``sheet``) fails its checksum or does not inflate is
    refused, naming what the user knows it as: a bad disk sector or an interrupted copy leaves the rest
    readable, and “缺少工作簿内容” (what was said) sent the user looking for a missing part."""
    what = "这张工作表的数据" if sheet else f"其中的“{part}”"
    return (f"文件已损坏：{what}校验不符（文件在复制、下载或存储时出错），无法读取。"
            "请找回原文件或备份，或在 Excel 中打开（让它修复）后另存再试。")


def _test_members(z: zipfile.ZipFile, sheets: dict[str, bytes]) -> str | None:
    """``ZipFile.testzip`` (every member inflated, its CRC checked; the first bad one named, also when its
    data does not inflate at all, which testzip lets through as zlib.error), keeping the bytes of the
    worksheet parts in ``sheets``."""
    for info in z.filelist:
        try:
            with z.open(info.filename, "r") as f:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    sheets[info.filename] = f.read()
                else:
                    while f.read(2 ** 20):
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError):  # a bad checksum, or compressed data that does not
            return info.filename  # inflate (a zeroed sector: zlib's "invalid distance too far back", exit 3)
    return None


def _check_members(z: zipfile.ZipFile, name: str) -> None:
    """Two members of one name: readers disagree on which is meant (calamine takes the first, openpyxl and
    zipfile the last), so check and fill would read different sheets. Refused, naming the sheet."""
    seen: set[str] = set()
    twice = []
    for info in z.infolist():
        key = info.filename.lower()
        if key in seen and info.filename not in twice:
            twice.append(info.filename)
        seen.add(key)
    if not twice:
        return
    try:
        sheets = {part: sheet for sheet, part in _sheet_paths(z).items()}
    except Exception:
        sheets = {}
    what = "、".join(f"“{m}”" + (f"（工作表“{sheets[m]}”）" if m in sheets else "") for m in twice[:3])
    raise InputError(f"文件内容异常：压缩包中 {what} 出现了两份，无法确定以哪一份为准（不同程序会读到不同的内容），"
                     "已拒绝读取。请在 Excel 中打开后另存再试。", file=name)


def _check_sizes(z: zipfile.ZipFile, name: str) -> None:
    _check_members(z, name)
    check_declared_counts(z, name)
    total = 0
    if len(z.infolist()) > MAX_MEMBERS:
        raise InputError(f"文件内容异常：包含 {len(z.infolist())} 个部件，不像正常的工作簿，已拒绝读取。", file=name)
    for info in z.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise InputError(f"文件内容异常：其中“{info.filename}”解压后约 {info.file_size // (1024 * 1024)} MB，"
                             f"压缩比 {ratio:.0f} 倍，不像正常的工作簿（可能是“压缩炸弹”），已拒绝读取。", file=name)
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"文件解压后共约 {total // (1024 * 1024)} MB，超出预算工作簿的合理大小"
                         f"（{MAX_UNCOMPRESSED // (1024 * 1024)} MB），已拒绝读取。", file=name)


# -- what a value-only reader cannot see: error values, formulas without results, the sheets' extent --------
@dataclass
class SheetScan:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)      # (row, col) 0-based → "#REF!"
    uncached: dict[tuple[int, int], str] = field(default_factory=dict)    # (row, col) → formula text
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2) 0-based


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]{1,4})(\d{1,8})"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_ANY_T = re.compile(rb"""\bt\s*=\s*["'](\w+)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)", re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,4})(\d{1,8}):([A-Z]{1,4})(\d{1,8})"')
_REF = re.compile(rb'\br="([A-Z]{1,4})(\d{1,8})"')


def _col_index(letters: bytes) -> int:
    return a1_index(letters)


def col_index_of(a1: str) -> tuple[int, int]:
    """'D5' → (4, 3): 0-based (row, column), as the scans key their cells."""
    m = _ATTR_R.search(f'r="{a1}"'.encode())
    if m is None:
        return (-1, -1)
    return int(m.group(2)) - 1, _col_index(m.group(1))


def _local(name: str) -> str:
    """'{namespace}sheet' → 'sheet': elements and attributes by local name, as python-calamine reads them
    (a workbook in Strict Open XML, ISO 29500, names its namespaces http://purl.oclc.org/ooxml/…)."""
    return name.rsplit("}", 1)[-1]


_TAG = re.compile(rb"<(?:[\w.-]+:)?(Relationship|sheet)\b([^>]*)>")
_ATTR = re.compile(rb'(?:^|\s)(?:[\w.-]+:)?(Id|id|Target|Type|name)\s*=\s*"([^"]*)"')


def _elements(xml: bytes, tag: str) -> list[dict[str, str]]:
    """Attributes (by local name) of every ``tag`` element: parsed as XML, or, where a part is not well-formed
    XML that python-calamine still reads (a duplicated attribute), found by pattern, as it finds them."""
    try:
        return [{_local(k): v for k, v in e.attrib.items()} for e in ElementTree.fromstring(xml).iter()
                if _local(e.tag) == tag]
    except ElementTree.ParseError:
        out = []
        for m in _TAG.finditer(xml):
            if m.group(1).decode() == tag:
                out.append({k.decode(): unescape(v.decode("utf-8", "replace")) for k, v in _ATTR.findall(m.group(2))})
        return out


def _resolve(target: str) -> str:
    """A relationship's target as a member name of the package ('worksheets/sheet1.xml' → 'xl/…')."""
    return _resolve_in("", target) if target.startswith("/") else _resolve_in("xl", target)


def _workbook_targets(z: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Relationship id → (member name, relationship type) of the workbook part."""
    try:
        rels = z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    members = set(z.namelist())
    return {r.get("Id", ""): (member_named(_resolve(r.get("Target") or ""), members) or _resolve(r.get("Target") or ""),
                              r.get("Type") or "") for r in _elements(rels, "Relationship")}


def member_named(path: str, members: set[str]) -> str | None:
    """The member of the package a relationship's target names, as the zip spells it (None: not there).

    Part names are URIs, compared without regard to letter case (ECMA-376 part 2): a target
    ``worksheets/Sheet1.xml`` names the member ``xl/worksheets/sheet1.xml``, and ``sheet%201.xml`` the member
    ``sheet 1.xml`` (or the other way round: writers disagree on which of the two they percent-encode).
    Excel opens all of these; python-calamine refused the percent-encoded ones, openpyxl the others."""
    if path in members:
        return path
    from urllib.parse import quote, unquote

    spellings = [path, unquote(path), quote(unquote(path), safe="/")]
    for name in spellings[1:]:
        if name in members:
            return name
    lower = {m.lower(): m for m in members}
    return next((lower[n.lower()] for n in spellings if n.lower() in lower), None)


_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_TARGET = re.compile(rb'(\bTarget\s*=\s*")([^"]*)(")')


def mended_targets(rels_part: str, rels: bytes, members: set[str]) -> bytes:
    """A relationships part whose internal targets name members as the zip spells them (``member_named``):
    a target naming no member in its own spelling but one in another is rewritten to that member (as an
    absolute part name); every other relationship is left exactly as it is."""
    source = rels_part.replace("_rels/", "").removesuffix(".rels")
    folder = source.rsplit("/", 1)[0] if "/" in source else ""
    if all(_plain_target(t, folder) in members for t in _TARGET_VALUE.findall(rels)):
        return rels  # every target names its member as spelt (what Excel writes): nothing to look up

    def mend(m: re.Match) -> bytes:
        rel = m.group(0)
        t = _TARGET.search(rel)
        if t is None or b'TargetMode="External"' in rel:
            return rel
        target = unescape(t.group(2).decode("utf-8", "replace"))
        if "://" in target or target.startswith("#"):
            return rel
        path = target.lstrip("/") if target.startswith("/") else _resolve_in(folder, target)
        if path in members:
            return rel
        actual = member_named(path, members)
        if actual is None:
            return rel
        quoted = ("/" + actual).replace("&", "&amp;").replace('"', "&quot;").encode()
        return rel[:t.start(2)] + quoted + rel[t.end(2):]
    return _RELATIONSHIP.sub(mend, rels)


_TARGET_VALUE = re.compile(rb'\bTarget="([^"]*)"')


def _plain_target(target: bytes, folder: str) -> str:
    """A target as the member it names when it is written the plain way (absolute, or relative without
    “..”, “.”, escapes); anything else gives a name no member has, for ``mended_targets`` to look at."""
    t = target.decode("utf-8", "replace")
    if t.startswith("/"):
        return t[1:]
    return f"{folder}/{t}" if folder else t


def _resolve_in(folder: str, target: str) -> str:
    """``target`` relative to ``folder`` (a member name, '..' and '.' resolved)."""
    parts: list[str] = []
    for seg in f"{folder}/{target}".split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg not in ("", "."):
            parts.append(seg)
    return "/".join(parts)


def _targets_mended(z: zipfile.ZipFile) -> dict[str, bytes]:
    """The workbook's relationships part, mended by ``mended_targets``, by name, when that changes it (the
    part python-calamine finds the sheets, the shared strings and the styles by; usually empty)."""
    name = "xl/_rels/workbook.xml.rels"
    try:
        info = z.getinfo(name)
    except KeyError:
        return {}
    if info.file_size > 4 * 1024 * 1024:
        return {}
    data = as_utf8(z.read(info))
    mended = mended_targets(name, data, set(z.namelist()))
    return {name: mended} if mended != data else {}


def _sheet_paths(z: zipfile.ZipFile, targets: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Sheet name → its part in the package, from workbook.xml and its relationships (``targets``: those
    relationships, when already read)."""
    try:
        wb = z.read("xl/workbook.xml")
    except KeyError:
        return {}
    targets = _workbook_targets(z) if targets is None else targets
    out = {}
    for s in _elements(wb, "sheet"):
        rid = s.get("id")
        if rid in targets and s.get("name") is not None:
            out[s["name"]] = targets[rid][0]
    return out


def listed_sheets(path: Path) -> list[str] | None:
    """The sheet names workbook.xml lists (None when it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as z:
            return [s["name"] for s in _elements(z.read("xl/workbook.xml"), "sheet") if "name" in s]
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, NotImplementedError, RuntimeError):
        return None


# parts a relationship of the workbook names that are not read as sheets (and may be large: shared strings)
_NOT_SHEETS = ("/sharedStrings", "/styles", "/theme", "/calcChain", "/connections", "/externalLink",
               "/customXml", "/vbaProject", "/metadata", "/volatileDependencies", "/pivotCacheDefinition")


def _sheet_like_parts(targets: dict[str, tuple[str, str]], members: set[str], mapped: set[str]) -> list[str]:
    """Parts a reader may read as a sheet that the mapping by name did not give (a workbook part the scan
    cannot map, a sheet not listed, an odd relationship): each gets the extent check all the same."""
    named = {part for part, typ in targets.values() if not typ.endswith(_NOT_SHEETS)}
    listed = {m for m in members if "worksheets/" in m.lower() and m.lower().endswith(".xml") and "_rels/" not in m}
    return sorted(p for p in (named | listed) & members if p not in mapped)


_OPEN = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
# r= as XML allows it, not only as Excel writes it: in single quotes, blanks round the “=”, letters in lower
# case. python-calamine reads all of these; a far cell written so slipped past the extent check, and calamine
# aborted the process allocating its grid (“memory allocation of 549755813888 bytes failed”, exit 134)
_ROW_R = re.compile(rb"""\br\s*=\s*["'](\d{1,9})["']""")
_ANY_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,4})(\d{1,8})["']""")


def sheet_extent(data: bytes) -> tuple[int, int]:
    """(rows, columns) of the grid a reader builds for a sheet part: the cells present, not <row> elements
    (a formatted empty row allocates nothing).

    A ``<c>`` or ``<row>`` without ``r=`` is legal and takes the place after the one before it: such cells
    are counted by position, so a sheet of unnumbered cells cannot slip past the limit."""
    refs = _REF.findall(data)
    if b":c" in data:  # a namespace prefix somewhere: count the cells by the full pattern
        cells = len(_CELL_TAG.findall(data))
    else:
        cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
    if cells == len(refs):  # every cell says where it is (what Excel writes)
        rows = max((int(r) for _, r in refs), default=0)
        cols = max((_col_index(c) + 1 for c in {c for c, _ in refs}), default=0)
        return rows, cols
    rows = cols = 0
    row, col = -1, -1
    for m in _OPEN.finditer(data):
        at = m.group(2)
        if m.group(1) == b"row":
            r = _ROW_R.findall(at)
            row = int(r[-1]) - 1 if r else row + 1
            col = -1
            continue
        refs_here = _ANY_R.findall(at)  # a cell saying r= twice is placed by its last one (as calamine does)
        ref = refs_here[-1] if refs_here else None
        if ref:
            row, col = int(ref[1]) - 1, _col_index(ref[0].upper())
        else:
            col += 1
        rows, cols = max(rows, row + 1), max(cols, col + 1)
    return rows, cols


def scan_package(path: str | Path, sheets: Mapping[str, bytes] | None = None,
                 merged: bool = True) -> dict[str, SheetScan]:
    """Per sheet: error cells, formulas saved without a result, and merged ranges (``merged`` False: left to
    the engine, python-calamine reads them with the cells); one pass of a few searches over each sheet's XML
    for what Excel writes, the full scan only for what it does not.

    Raises InputError for a sheet whose extent no budget table comes near (before a reader allocates it).
    ``sheets``: parts already inflated (by check_workbook_file), by name.
    """
    name = str(path)
    sheets = sheets or {}
    out: dict[str, SheetScan] = {}
    with zipfile.ZipFile(path) as z:
        members = set(z.namelist())
        targets = _workbook_targets(z)
        mapped = _sheet_paths(z, targets)
        for sheet, part in mapped.items():
            if part not in members:
                continue
            data = as_utf8(sheets[part] if part in sheets else z.read(part))  # scanned as calamine reads it
            out[sheet] = scan = SheetScan()
            _scan_sheet(data, scan, sheet, name)
            if merged:
                scan.merged = merged_ranges(data)
        for part in _sheet_like_parts(targets, members, set(mapped.values())):
            data = as_utf8(sheets[part] if part in sheets else _bounded_read(z, part))
            _scan_sheet(data, SheetScan(), part, name)  # its extent: what it holds is not read by name
    return out


def _bounded_read(z: zipfile.ZipFile, part: str) -> bytes:
    """A member's bytes, never beyond the limit of a whole package (its declared size may lie)."""
    with z.open(part) as f:
        return f.read(MAX_UNCOMPRESSED + 1)


# A cell that does not open with a small reference (one column letter, at most five digits). A sheet with
# none, no namespace prefix on a cell and no second r= in a cell, lies within 26 columns × 99,999 rows, inside
# every limit: only then is its extent not measured (sheet_extent reads every reference; these searches are
# ~5× cheaper; one search folding the three is ~3× dearer than the three: a lookahead over every cell's tag).
_UNPROVEN_CELL = re.compile(rb'<c\b(?! r="[A-Z]\d{1,5}")')
_PREFIXED = re.compile(rb":[cf]")  # a namespace-prefixed cell or formula (<x:c>, <x:f>) may be somewhere
_LATER_R = re.compile(rb'"\s+r="')  # an r= after another attribute: perhaps a cell's second r=


def _scan_sheet(data: bytes, scan: SheetScan, sheet: str, file: str) -> None:
    """Extent, error cells and formulas without a result of one sheet part, into ``scan``."""
    prefixed = _PREFIXED.search(data) is not None
    if prefixed or _UNPROVEN_CELL.search(data) or _LATER_R.search(data):
        check_extent(*sheet_extent(data), sheet, file)
        if not prefixed and _ODD_ATTRS.search(data):  # attributes not as Excel writes them: every cell looked at
            for m in _CELL.finditer(data):
                _scan_cell(m, scan)
            return
    if b"<f" in data or b't="e"' in data or (prefixed and b":f" in data):
        _scan_cells(data, scan, prefixed)


_ODD_ATTRS = re.compile(rb"""<c\b[^>]*?\s[rt](?:\s+=|=\s+|=')""")  # <c r='D7'>, <c r = "D7">: XML allows them


def _formula_places(data: bytes) -> list[int]:
    """Where ``<f`` opens a tag (``<f``, then not a name character), by plain byte search."""
    out = []
    i = data.find(b"<f")
    while i >= 0:
        if i + 2 >= len(data) or data[i + 2] not in _WORD:  # \b after the f
            out.append(i)
        i = data.find(b"<f", i + 2)
    return out


def check_extent(rows: int, cols: int, sheet: str, file: str | None = None) -> None:
    """A sheet whose extent no budget table comes near is refused before any reader builds its grid: the
    file reader (from the cell references) and the add-in (from the used range Excel sends) alike."""
    if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise InputError(f"工作表“{sheet}”的范围达 {rows} 行 × {cols} 列，远超预算公开表的合理大小，"
                         "已拒绝读取。请删除表格下方和右侧多余的行和列（包括只设置了格式、没有内容的整行整列）后另存再试。",
                         file=file, sheet=sheet)


_HINT = re.compile(rb't="e"|<(?:\w+:)?f\b')
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _hints(data: bytes, prefixed: bool) -> list[int]:
    """Where ``_HINT`` matches, in order: found by plain byte searches unless a prefix (<x:f) may be there.
    The two needles cannot overlap, so the union of their places is what ``finditer`` gives."""
    if prefixed:
        return [m.start() for m in _HINT.finditer(data)]
    out = []
    i = data.find(b't="e"')
    while i >= 0:
        out.append(i)
        i = data.find(b't="e"', i + 5)
    out += _formula_places(data)
    out.sort()
    return out


def _scan_cells(data: bytes, scan: SheetScan, prefixed: bool = True) -> None:
    """Error values and formulas without a result. Only the cells around a ``t="e"`` or an ``<f`` are
    parsed (a sheet of 5,000 rows has a handful), not every cell of the sheet."""
    if prefixed and b":c" in data:  # namespace-prefixed cells (<x:c>): every cell, the plain way
        for m in _CELL.finditer(data):
            _scan_cell(m, scan)
        return
    seen: set[int] = set()
    for at in _hints(data, prefixed):
        start = _cell_start(data, at)
        if start < 0 or start in seen:
            continue
        seen.add(start)
        m = _CELL.match(data, start)
        if m is not None:
            _scan_cell(m, scan)


def _cell_start(data: bytes, at: int) -> int:
    """Where the last ``<c `` or ``<c>`` before ``at`` opens: looked for in the few KB before it first (the
    same answer whenever it is there), the whole prefix only if not — a backward search over a sheet of
    several MB for every formula was most of the scan."""
    near = max(0, at - 4096)
    for lo in (near, 0) if near else (0,):
        start = max(data.rfind(b"<c ", lo, at), data.rfind(b"<c>", lo, at))
        if start >= 0:
            return start
    return -1


def merged_ranges(data: bytes) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet part, (row1, col1, row2, col2) 0-based, searched from the first
    ``mergeCell`` tag (its ``<``), not from the sheet's first byte."""
    first = data.find(b"mergeCell")
    if first < 0:
        return []
    return [(int(r1) - 1, _col_index(c1), int(r2) - 1, _col_index(c2))
            for c1, r1, c2, r2 in _MERGE.findall(data, max(0, data.rfind(b"<", 0, first)))]


def _scan_cell(m: re.Match, scan: SheetScan) -> None:
    attrs, body = m.group(1), m.group(2) or b""
    at = _ANY_R.search(attrs)
    if at is None:
        return
    rc = (int(at.group(2)) - 1, _col_index(at.group(1).upper()))
    t = _ANY_T.search(attrs)
    v = _VALUE.search(body)
    if t and t.group(1) == b"e":
        code = (v.group(1).decode("utf-8", "replace") if v else "").strip() or "#VALUE!"
        scan.errors[rc] = code
        return
    f = _FORMULA.search(body)
    if f is not None and (v is None or not v.group(1).strip()):
        if t and t.group(1) in (b"str", b"inlineStr") and v is not None:
            return  # a formula whose result is an empty text: it was computed
        formula = (f.group(1) or b"").decode("utf-8", "replace")
        scan.uncached[rc] = unescape(formula) or "（共享公式）"


class Grids(dict):
    """Sheet name → rows of values, plus each sheet's merged ranges (row1, col1, row2, col2), 0-based."""

    merged: dict[str, list[tuple[int, int, int, int]]]
    hidden: set[str]  # sheets hidden (or very hidden) in Excel


def mark_unreadable(grids: dict[str, list[list]], scans: dict[str, SheetScan]) -> Grids:
    """Put CellError / Uncached in place of the blank an engine gave for those cells; attach merged ranges."""
    grids = Grids(grids)
    grids.hidden = set()
    grids.merged = {sheet: scan.merged for sheet, scan in scans.items() if scan.merged}
    for sheet, scan in scans.items():
        grid = grids.get(sheet)
        if grid is None:
            continue
        for (r, c), value in [*((k, CellError(v)) for k, v in scan.errors.items()),
                              *((k, Uncached(v)) for k, v in scan.uncached.items())]:
            while len(grid) <= r:
                grid.append([])
            row = grid[r]
            if not isinstance(row, list):
                row = grid[r] = list(row)
            row.extend([None] * (c + 1 - len(row)))
            row[c] = value
    return grids


def load_grids_calamine(path: str | Path) -> dict[str, list[list]]:
    """Every sheet as rows of values from A1, read by python-calamine."""
    from python_calamine import CalamineWorkbook

    parts: dict[str, bytes] = {}
    p = check_workbook_file(path, parts)
    xls = is_xls(p)
    scans = _scan(p, parts, merged=False) if not xls else {}
    where: list[str] = []  # the sheet being read when calamine gives up: named in the message
    try:
        usual = None if xls else _usual_copy(p, parts)
        del parts  # not held while calamine reads
        wb = CalamineWorkbook.from_path(str(p)) if usual is None else CalamineWorkbook.from_filelike(usual)
        try:
            grids, hidden = _calamine_grids(wb, scans, str(path), where)
        except InputError:
            raise
        except Exception as e:
            trimmed = None if xls or broken_reason(e) != NOT_A_NUMBER else _trimmed_copy(p)
            if trimmed is None:
                raise
            where.clear()
            grids, hidden = _calamine_grids(CalamineWorkbook.from_filelike(trimmed), scans, str(path), where)
    except InputError:
        raise
    except Exception as e:  # calamine raises its own error types for broken parts
        raise InputError(f"文件无法读取（{broken_reason(e)}）：可能已损坏。请在 Excel 中打开后另存再试。",
                         file=str(path), sheet=where[-1] if where else None) from None
    out = mark_unreadable(grids, scans)
    out.hidden = hidden
    return out


def _calamine_grids(wb, scans: dict[str, SheetScan], path: str, where: list[str]) -> tuple[dict[str, list], set[str]]:
    """Every sheet of calamine's workbook ``wb`` as rows (merged ranges into ``scans``), and the hidden ones;
    ``where`` ends with the sheet being read."""
    grids = {}
    for name in wb.sheet_names:
        where.append(name)
        sheet = wb.get_sheet_by_name(name)
        end = sheet.end  # the last cell: what an old .xls (no package to scan) holds is measured here,
        if end is not None:  # before a Python object is made for every cell from A1 to it
            check_extent(end[0] + 1, end[1] + 1, name, path)
        grids[name] = sheet.to_python(skip_empty_area=False)
        ranges = sheet.merged_cell_ranges  # calamine's own, read with the cells: ((row1, col1), (row2, col2))
        if ranges:
            scans.setdefault(name, SheetScan()).merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in ranges]
    hidden = {m.name for m in wb.sheets_metadata if not str(m.visible).endswith(".Visible")}
    return grids, hidden


_PADDED_V = re.compile(rb"(<(?:[\w.-]+:)?v>)\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(</(?:[\w.-]+:)?v>)")


def _trimmed_copy(p: Path):
    """The package (as ``_usual_copy`` makes it) with the blanks around every number in a ``<v>`` removed;
    None when there are none. A pretty-printing XML writer (or a sheet re-indented by hand) leaves
    ``<v>\\n    3397.31  </v>``: XML Schema collapses such blanks in a number and Excel reads it, python-calamine
    refused the whole workbook as “某个数值单元格的内容不是数字”. Made only after calamine has refused: the
    usual read pays nothing."""
    import io

    base = _usual_copy(p)
    changed = False
    out = io.BytesIO()
    with zipfile.ZipFile(base or p) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                trimmed = _PADDED_V.sub(rb"\1\2\3", data)
                changed = changed or trimmed != data
                data = trimmed
            w.writestr(info.filename, data)
    if not changed:
        return None
    out.seek(0)
    return out


# Cells another writer spells so that python-calamine reads them blank (and openpyxl, writing a copy, fails or
# loses them): a shared-string index written as a number of another form (“3.0”, “3E0”, “ 3 ”: every text
# of the workbook read blank, and the first table was said to have no header), and an inline-string cell
# that holds a ``<v>`` beside its ``<is>`` (the typed figure read blank: a hidden amount, not a visible one).
_ODD_INDEX = re.compile(rb"""t=["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>(?!\d+<)""")
_INLINE_AND_V = re.compile(rb"is>\s*<(?:[\w.-]+:)?v\b|v>\s*<(?:[\w.-]+:)?is\b|is\s*/>\s*<(?:[\w.-]+:)?v\b")
_BLANK_BETWEEN_TAGS = re.compile(rb">[ \t\r\n]+<")


def _odd_cells_hinted(part: bytes) -> bool:
    """``mended_cells`` has something to do: byte searches first (a sheet as Excel writes it has no blank
    between tags and none of these neighbours), the regular expression only where they may be."""
    if _ODD_INDEX.search(part):
        return True
    if b"<is" not in part and b":is" not in part:  # no inline string at all (Excel writes shared strings)
        return False
    near = b"</is><v" in part or b"<is/><v" in part or b"</v><is" in part or b":is" in part  # (<x:is>: a prefix)
    if not near and _BLANK_BETWEEN_TAGS.search(part, 256) is None:  # past the XML declaration's line end
        return False
    return _INLINE_AND_V.search(part) is not None


_ODD_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)>(.*?)</(?:[\w.-]+:)?c>", re.S)
_CELL_T = re.compile(rb"""\bt\s*=\s*["'](\w+)["']""")
_V_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>|<(?:[\w.-]+:)?v\s*/>")
_IS_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?is\s*/>|<((?:[\w.-]+:)?)is>(.*?)</(?:[\w.-]+:)?is>", re.S)
_T_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*>([^<]*)</(?:[\w.-]+:)?t>")
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.S)


def mended_cells(part: bytes) -> bytes:
    """A sheet part with the cells ``_odd_cells_hinted`` finds spelt as Excel spells them: a shared-string index
    that is a whole number in another form (“3.0”) as that number; an inline-string cell with a ``<v>`` as
    the inline string (its ``<is>`` text, as Excel shows it; the ``<v>``'s text when the ``<is>`` holds none).
    Any other part comes back as it is (one search: nearly every sheet has none of them)."""
    if not _odd_cells_hinted(part):
        return part
    mended = _ODD_CELL.sub(_mended_cell, part)
    return part if mended == part else mended


def _mended_cell(m: re.Match) -> bytes:
    prefix, attrs, body = m.group(1), m.group(2), m.group(3)
    t = _CELL_T.search(attrs)
    kind = t.group(1) if t else b"n"
    v = _V_ELEMENT.search(body)
    if v is None or kind not in (b"s", b"inlineStr"):
        return m.group(0)
    if kind == b"s":
        text = (v.group(1) or b"").strip()
        try:
            number = float(text)
        except ValueError:
            return m.group(0)
        if not number.is_integer() or number < 0 or text.isdigit() and text == v.group(1):
            return m.group(0)
        return m.group(0)[:m.start(3) - m.start(0) + v.start()] + b"<%sv>%d</%sv>" % (prefix, int(number), prefix) \
            + m.group(0)[m.start(3) - m.start(0) + v.end():]
    inline = _IS_ELEMENT.search(body)
    if inline is None:
        return m.group(0)
    shown = b"".join(_T_TEXT.findall(_PHONETIC.sub(b"", inline.group(2) or b"")))
    rest = body[:v.start()] + body[v.end():]
    if not shown and v.group(1):  # an empty <is>: the <v> is what was typed
        inline = _IS_ELEMENT.search(rest)
        rest = (rest[:inline.start()] + b'<%sis><%st xml:space="preserve">%s</%st></%sis>' % (prefix, prefix, v.group(1), prefix, prefix)
                + rest[inline.end():])
    return b"<%sc%s>%s</%sc>" % (prefix, attrs, rest, prefix)


def _usual_copy(p: Path, inflated: Mapping[str, bytes] | None = None):
    """The package as python-calamine reads it, in memory, when it is not: members compressed otherwise than
    Deflate (bzip2, LZMA: calamine refused "compression method not supported" and the workbook was called
    damaged) re-compressed, XML parts in UTF-16 (a .NET export; calamine read such a sheet as empty and the
    tool said its header was missing) re-encoded as UTF-8, relationship targets spelt otherwise than their
    members (percent-encoded, another letter case: ``mended_targets``) spelt as the members are. None for
    a usual package (nearly always); never called for an old .xls.
    Sizes were bounded by _check_sizes; ``inflated``: parts check_workbook_file already holds."""
    import io

    with zipfile.ZipFile(p) as z:
        infos = z.infolist()
        odd = [i for i in infos if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
        inflated = inflated or {}
        wide = [i for i in infos if _read_by_calamine(i.filename)
                and _utf16(inflated[i.filename][:4] if i.filename in inflated else _head(z, i))]
        mended = _targets_mended(z)
        for info in infos:  # the worksheet parts (already inflated by check_workbook_file, nearly always)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = as_utf8(inflated[info.filename] if info.filename in inflated else z.read(info))
                cells = mended_cells(data)
                if cells is not data:
                    mended[info.filename] = cells
        if not odd and not wide and not mended:
            return None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
            for info in infos:
                w.writestr(info.filename, mended.get(info.filename) or as_utf8(z.read(info)))
    out.seek(0)
    return out


def _read_by_calamine(name: str) -> bool:
    """A part python-calamine parses (not the theme, the drawings, the document properties)."""
    return name.startswith("xl/") and name.endswith((".xml", ".rels")) and not name.startswith(("xl/theme/", "xl/drawings/"))


def _head(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with z.open(info) as fh:
        return fh.read(4)


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of a part beginning with ``head`` (a BOM, or ``<`` as two bytes), else None."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    return None


def as_utf8(data: bytes) -> bytes:
    """A part in UTF-16 as UTF-8 (its declaration saying so); any other part as it is."""
    codec = _utf16(data[:4])
    if codec is None:
        return data
    text = data.decode(codec, "replace")
    return re.sub(r"""^(<\?xml[^>]*?encoding=)["'][^"']*["']""", r'\1"UTF-8"', text, count=1).encode("utf-8")


def _scan(p: Path, sheets: Mapping[str, bytes] | None = None, merged: bool = True) -> dict[str, SheetScan]:
    try:
        return scan_package(p, sheets, merged)
    except InputError:
        raise
    except Exception:  # a part the scan cannot parse: the engine's own error will follow
        return {}


def load_grids_openpyxl(path: str | Path) -> dict[str, list[list]]:
    """Every sheet as rows of values from A1, read by openpyxl (cached values, not formulas)."""
    import openpyxl

    p = check_workbook_file(path)
    if is_xls(p):
        raise InputError("openpyxl 读不了旧版 .xls 文件，请用默认的读取方式（python-calamine）。", file=str(path))
    scans = _scan(p)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(f"文件无法读取（{broken_reason(e)}）：可能已损坏。", file=str(path)) from None
    try:
        grids = {ws.title: [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
                 for ws in wb.worksheets}
        hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    finally:
        wb.close()
    out = mark_unreadable(grids, scans)
    out.hidden = hidden
    return out  # openpyxl gives error values as text: the scan knows which they are


ENGINES = {"calamine": load_grids_calamine, "openpyxl": load_grids_openpyxl}
