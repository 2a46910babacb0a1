"""Write a VBA project (``vbaProject.bin``) from module source texts, without Excel.

Office keeps a workbook's macros in an OLE compound file: a ``dir`` stream (project information,
references, one record group per module), a ``PROJECT`` text stream, ``PROJECTwm`` (module names) and
one stream per module holding its source, compressed with the MS-OVBA algorithm. A project written with
``_VBA_PROJECT`` version 0xFFFF and no compiled code (as [MS-OVBA] §2.3.4.1 says a writer must) is
compiled from source by whichever Office opens it — xlwings ships its own add-in template that way.

So ``rebuild`` takes an existing, Office-made project (xlwings' ``quickstart_addin_ribbon.xlam``), keeps
its project information and references (stdole, Office, MSForms), and writes the given modules' sources
in place of the template's modules. ``olefile``/``oletools`` only read these files; the two writers here
(MS-OVBA compression, compound file) are checked against them in the tests.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# -- MS-OVBA compression (§2.4.1) --------------------------------------------------------------------
CHUNK = 4096
MAX_CANDIDATES = 64


def compress(data: bytes) -> bytes:
    """A CompressedContainer of ``data``."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > CHUNK:  # never happens for source text; an uncompressed chunk must be 4096 bytes
            if len(chunk) != CHUNK:
                raise ValueError("incompressible final chunk")
            out += struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    i, n = 0, len(chunk)

    def remember(pos: int) -> None:
        if pos + 3 <= n:
            seen.setdefault(chunk[pos:pos + 3], []).append(pos)

    while i < n:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if i >= n:
                break
            bit_count = max((i - 1).bit_length(), 4)
            max_len = (0xFFFF >> bit_count) + 3
            best_len, best_pos = 0, 0
            for j in reversed(seen.get(chunk[i:i + 3], [])[-MAX_CANDIDATES:]):
                k = 0
                while k < max_len and i + k < n and chunk[j + k] == chunk[i + k]:
                    k += 1
                if k > best_len:
                    best_len, best_pos = k, j
                    if k == max_len:
                        break
            if best_len >= 3:
                token = ((i - best_pos - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                out[flag_at] |= 1 << bit
                for p in range(i, i + best_len):
                    remember(p)
                i += best_len
            else:
                out.append(chunk[i])
                remember(i)
                i += 1
    return bytes(out)


# -- the dir stream (§2.3.4.2) -----------------------------------------------------------------------
PROJECTMODULES, PROJECTCOOKIE, DIR_END = 0x000F, 0x0013, 0x0010
MODULE_NAME, MODULE_END, PROJECTVERSION = 0x0019, 0x002B, 0x0009
STD_MODULE, DOC_OR_CLASS_MODULE = 0x0021, 0x0022


@dataclass
class Module:
    """A module to write: its name, source text, and kind ('std', 'class' or 'document')."""

    name: str
    source: str
    kind: str = "std"

    def __post_init__(self):
        if not self.name.isascii() or not self.name.replace("_", "").isalnum():
            raise ValueError(f"module name must be an ASCII identifier: {self.name!r}")


def parse_records(data: bytes) -> list[tuple[int, bytes]]:
    records, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == PROJECTVERSION:  # its Size field says 4 but 6 bytes follow (§2.3.4.2.1.11)
            size = 6
        records.append((rid, data[i + 6:i + 6 + size]))
        i += 6 + size
    return records


def _record(rid: int, data: bytes) -> bytes:
    size = 4 if rid == PROJECTVERSION else len(data)
    return struct.pack("<HI", rid, size) + data


def _module_records(m: Module, codepage: str) -> list[tuple[int, bytes]]:
    name, uname = m.name.encode(codepage), m.name.encode("utf-16-le")
    return [(0x0019, name), (0x0047, uname), (0x001A, name), (0x0032, uname), (0x001C, b""), (0x0048, b""),
            (0x0031, struct.pack("<I", 0)), (0x001E, struct.pack("<I", 0)), (0x002C, struct.pack("<H", 0xFFFF)),
            (STD_MODULE if m.kind == "std" else DOC_OR_CLASS_MODULE, b""), (MODULE_END, b"")]


PROJECTNAME = 0x0004


def rebuild_dir(records: list[tuple[int, bytes]], modules: list[Module], codepage: str,
                project_name: str | None = None) -> bytes:
    """The template's project information and references (under our project name), then our modules."""
    head = records[:next(i for i, (rid, _) in enumerate(records) if rid == PROJECTMODULES)]
    out = [(rid, project_name.encode(codepage) if rid == PROJECTNAME and project_name else data)
           for rid, data in head]
    out += [(PROJECTMODULES, struct.pack("<H", len(modules))), (PROJECTCOOKIE, struct.pack("<H", 0xFFFF))]
    for m in modules:
        out += _module_records(m, codepage)
    out.append((DIR_END, b""))
    return b"".join(_record(rid, data) for rid, data in out)


def project_text(template: str, modules: list[Module], project_name: str | None = None) -> str:
    """The PROJECT stream: the template's lines with our module list and no stale window positions."""
    kinds = {"std": "Module={}", "class": "Class={}", "document": "Document={}/&H00000000"}
    lines = template.replace("\r\n", "\n").split("\n")
    head = [ln for ln in lines if not ln.startswith(("Module=", "Class=", "Document=", "BaseClass="))]
    first_id = next(i for i, ln in enumerate(head) if ln.startswith("ID=")) + 1
    body = head[:first_id] + [kinds[m.kind].format(m.name) for m in modules] + head[first_id:]
    if project_name:
        body = [f'Name="{project_name}"' if ln.startswith("Name=") else ln for ln in body]
    text = "\n".join(body)
    if "[Workspace]" in text:
        text = text.split("[Workspace]")[0] + "[Workspace]\n" + "".join(f"{m.name}=0, 0, 0, 0, C\n" for m in modules)
    return text.rstrip("\n").replace("\n", "\r\n") + "\r\n"


def projectwm(modules: list[Module], codepage: str) -> bytes:
    return b"".join(m.name.encode(codepage) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
                    for m in modules) + b"\x00\x00"


# -- the compound file (MS-CFB, version 3) ------------------------------------------------------------
SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ("VBA/dir" → bytes); storages are made from the paths."""
    # entries: 0 = root; storages and streams in a tree
    entries = [{"name": "Root Entry", "type": 5, "children": {}, "data": b""}]
    for path, data in streams.items():
        parent = entries[0]
        parts = path.split("/")
        for storage in parts[:-1]:
            if storage not in parent["children"]:
                entries.append({"name": storage, "type": 1, "children": {}, "data": b""})
                parent["children"][storage] = len(entries) - 1
            parent = entries[parent["children"][storage]]
        entries.append({"name": parts[-1], "type": 2, "children": {}, "data": bytes(data)})
        parent["children"][parts[-1]] = len(entries) - 1
    for e in entries:
        e.update(left=NOSTREAM, right=NOSTREAM, child=NOSTREAM, start=END, size=len(e["data"]))

    def tree(ids: list[int]) -> int:  # a balanced binary tree in name order (all nodes black)
        if not ids:
            return NOSTREAM
        mid = len(ids) // 2
        node = entries[ids[mid]]
        node["left"], node["right"] = tree(ids[:mid]), tree(ids[mid + 1:])
        return ids[mid]

    for e in entries:
        if e["children"]:
            e["child"] = tree(sorted(e["children"].values(), key=lambda i: _cfb_key(entries[i]["name"])))

    # mini stream for the small streams, regular sectors for the others
    mini, minifat = bytearray(), []
    big = []
    for e in entries[1:]:
        if e["type"] != 2 or not e["data"]:
            continue
        if len(e["data"]) < CUTOFF:
            first = len(mini) // MINI
            count = -(-len(e["data"]) // MINI)
            e["start"] = first
            minifat += [first + k + 1 for k in range(count - 1)] + [END]
            mini += e["data"] + b"\x00" * (count * MINI - len(e["data"]))
        else:
            big.append(e)
    entries[0]["data"] = bytes(mini)
    entries[0]["size"] = len(mini)
    if mini:
        big.insert(0, entries[0])
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = -(-len(data) // SECTOR)
        first = len(sectors)
        for k in range(count):
            sectors.append(data[k * SECTOR:(k + 1) * SECTOR].ljust(SECTOR, b"\x00"))
            fat.append(first + k + 1 if k < count - 1 else END)
        return first

    for e in big:
        e["start"] = place(e["data"])
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    if minifat_bytes:
        minifat_bytes += struct.pack("<I", FREE) * ((-len(minifat_bytes) // 4) % (SECTOR // 4))
    minifat_start = place(minifat_bytes) if minifat_bytes else END
    while len(entries) % 4:
        entries.append({"name": "", "type": 0, "left": NOSTREAM, "right": NOSTREAM, "child": NOSTREAM,
                        "start": 0, "size": 0})
    directory = b"".join(_dir_entry(e) for e in entries)
    dir_start = place(directory)
    # FAT sectors: enough to cover every sector including themselves
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA project too large for a header-only DIFAT")
    fat_first = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for k in range(n_fat):
        sectors.append(fat_bytes[k * SECTOR:(k + 1) * SECTOR])
    difat = [fat_first + k for k in range(n_fat)] + [FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, minifat_start,
                            len(minifat_bytes) // SECTOR, END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _dir_entry(e: dict) -> bytes:
    name = e["name"].encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"name too long for a compound file: {e['name']!r}")
    name_field = (name + b"\x00\x00").ljust(64, b"\x00") if e["type"] else b"\x00" * 64
    name_len = len(name) + 2 if e["type"] else 0
    return (name_field + struct.pack("<HBB", name_len, e["type"], 1 if e["type"] else 0)
            + struct.pack("<III", e["left"], e["right"], e["child"]) + b"\x00" * 16 + b"\x00" * 4
            + b"\x00" * 16 + struct.pack("<IQ", e["start"] if e["type"] else 0, e["size"] if e["type"] else 0))


# -- the whole project --------------------------------------------------------------------------------
def rebuild(template: bytes, modules: list[Module], project_name: str | None = None) -> bytes:
    """A vbaProject.bin with the template's project information and references and ``modules``."""
    import io

    import olefile
    from oletools.olevba import decompress_stream

    with olefile.OleFileIO(io.BytesIO(template)) as ole:
        records = parse_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
        project = ole.openstream("PROJECT").read()
    cp = dict(records).get(0x0003)
    codepage = f"cp{struct.unpack('<H', cp)[0]}" if cp else "cp1252"
    streams = {
        "PROJECT": project_text(project.decode(codepage), modules, project_name).encode(codepage),
        "PROJECTwm": projectwm(modules, codepage),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
        "VBA/dir": compress(rebuild_dir(records, modules, codepage, project_name)),
    }
    for m in modules:
        text = m.source.replace("\r\n", "\n").replace("\n", "\r\n")
        streams[f"VBA/{m.name}"] = compress(text.encode(codepage))
    return write_cfb(streams)
