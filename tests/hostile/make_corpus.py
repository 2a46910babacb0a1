"""A hostile corpus: the workbooks a careless or unlucky user gives the tool, generated at test time.

Every case is built from the embedded sample (or from nothing) into a folder; no binary is committed.
``python -m tests.hostile.make_corpus DIR`` writes the corpus to DIR for a look by hand.

Each case says what a user must see: for every command, the allowed exit code and a text that must
appear in its output (the finding or the refusal). Commands not listed expect only "no traceback, exit
0/1/2, input unchanged".
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# the commands a case can be run through; each gives argv for an input and an output folder
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "check": lambda p, out: ["check", str(p)],
    "mark": lambda p, out: ["check", str(p), "--mark", str(out / "标注.xlsx")],
    "summary": lambda p, out: ["check", str(p), "--summary", str(out / "汇总.xlsx")],
    "show": lambda p, out: ["show", str(p)],
    "fill": lambda p, out: ["fill", str(p), "-o", str(out / "重算.xlsx")],
    "inplace": lambda p, out: ["fill", str(p), "--in-place"],
    "narrative": lambda p, out: ["narrative", str(p), "-o", str(out / "情况说明.docx")],
    "document": lambda p, out: ["document", str(p), "-o", str(out / "公开.docx")],
}
def _template(text: str):
    """argv for ``narrative`` with an office template folder holding one hostile section."""
    def argv(p: Path, out: Path) -> list[str]:
        folder = out / "模板"
        folder.mkdir(exist_ok=True)
        (folder / "02_overall.md.j2").write_text(text, encoding="utf-8")
        return ["narrative", str(p), "-o", str(out / "情况说明.txt"), "--templates", str(folder)]
    return argv


def _hard_link_output(p: Path, out: Path) -> list[str]:
    link = out / "链接.xlsx"
    os.link(p, link)
    return ["fill", str(p), "-o", str(link)]


def _parent_is_a_file(p: Path, out: Path) -> list[str]:
    (out / "文件").write_text("x")
    return ["fill", str(p), "-o", str(out / "文件" / "重算.xlsx")]


# odd output paths and hostile template folders, each against an ordinary workbook
COMMANDS.update({
    "summary-over-input": lambda p, out: ["check", str(p), "--summary", str(p)],
    "mark-over-input": lambda p, out: ["check", str(p), "--mark", str(p)],
    "fill-over-input": lambda p, out: ["fill", str(p), "-o", str(p)],
    "fill-over-hard-link": _hard_link_output,
    "fill-into-a-file": _parent_is_a_file,
    "new-over-input": lambda p, out: ["new", "-o", str(p)],
    "sample-over-input": lambda p, out: ["sample", "-o", str(p), "--force"],
    "narrative-over-input": lambda p, out: ["document", str(p), "-o", str(p)],
    "template-nested-loop": _template("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
    "template-string-times": _template('{{ "x" * 1000000000 }}'),
    "template-recursion": _template("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"),
    "template-huge-width": _template('{{ "{:>999999999}".format(1) }}'),
    "template-wrong-unit": _template("总计{{ income.total|num }}亿元。"),
    "template-chinese-numerals": _template("总计四千一百四十八万元。"),
    "template-extra-decimal": _template("总计{{ income.total|num }}5。"),
})
# names Windows, a shared drive or a USB stick refuses: refused before any work (issue 19)
WINDOWS_NAMES = {
    "fill-colon-star-query": ("fill", "x:y*?.xlsx", "不允许的字符"),
    "fill-pipe": ("fill", "a|b.xlsx", "不允许的字符"),
    "fill-angle": ("fill", "<重算>.xlsx", "不允许的字符"),
    "fill-quote": ("fill", '重"算.xlsx', "不允许的字符"),
    "fill-backslash": ("fill", "a\\b.xlsx", "不允许的字符"),
    "fill-control-char": ("fill", "重\x01算.xlsx", "控制字符"),
    "fill-con": ("fill", "CON.xlsx", "保留设备名"),
    "mark-con-lower": ("mark", "con.xlsx", "保留设备名"),
    "summary-aux": ("summary", "AUX.xlsx", "保留设备名"),
    "fill-nul-with-dots": ("fill", "nul.备份.xlsx", "保留设备名"),
    "fill-com1": ("fill", "COM1.xlsx", "保留设备名"),
    "mark-lpt9": ("mark", "LPT9.xlsx", "保留设备名"),
    "fill-trailing-dot": ("fill", "重算.xlsx.", "以空格或句点结尾"),
    "fill-trailing-space": ("fill", "重算.xlsx ", "以空格或句点结尾"),
}


def _named_output(command: str, name: str):
    flag = {"fill": "-o", "mark": "--mark", "summary": "--summary"}[command]
    verb = "fill" if command == "fill" else "check"
    return lambda p, out: [verb, str(p), flag, str(out / name)]


COMMANDS.update({key: _named_output(cmd, name) for key, (cmd, name, _t) in WINDOWS_NAMES.items()})
WINDOWS_OUTPUTS = {key: (2, text) for key, (_c, _n, text) in WINDOWS_NAMES.items()}

ODD_OUTPUTS = {
    "summary-over-input": (2, "汇总表就是输入文件"), "mark-over-input": (2, "与输入文件相同"),
    "fill-over-input": (2, "与输入文件相同"), "fill-over-hard-link": (2, "与输入文件相同"),
    "fill-into-a-file": (2, "不是文件夹"), "new-over-input": (2, "已有填报数据"),
    "sample-over-input": (2, "已有填报数据"), "narrative-over-input": (2, "应以 .docx 结尾"),
}
HOSTILE_TEMPLATES = {
    "template-nested-loop": (2, "循环或调用次数过多"), "template-string-times": (2, "重复生成的文字或列表过长"),
    "template-recursion": (2, "递归没有终点"), "template-huge-width": (2, "宽度或精度过大"),
    "template-wrong-unit": (2, "单位写错了"), "template-chinese-numerals": (2, "即 4148万元"),
    "template-extra-decimal": (2, "“4148.235”"),
}

FAST = ("check", "summary", "show", "fill", "inplace")   # every case that fill refuses or a few it rewrites
LIGHT = ("check", "summary", "show", "fill")               # readable cases: one fill is enough (it is slow)
ALL = ("check", "mark", "summary", "show", "fill", "inplace", "narrative", "document")
READ_REFUSED = {c: (2, None) for c in ALL}


@dataclass
class Case:
    name: str
    build: Callable[[Path], Path]            # folder → the input it wrote there
    expect: dict[str, tuple[int | tuple[int, ...] | None, str | None]] = field(default_factory=dict)
    commands: tuple[str, ...] = FAST
    text: str | None = None                  # a text every listed command's output must contain


# -- building blocks --------------------------------------------------------------------------------
_SAMPLE: bytes | None = None


def sample_bytes() -> bytes:
    global _SAMPLE
    if _SAMPLE is None:
        from budget_xl.sample import write_sample

        buf = Path(os.environ.get("TMPDIR", "/tmp")) / f".hostile-sample-{os.getpid()}.xlsx"
        write_sample(buf)
        _SAMPLE = buf.read_bytes()
        buf.unlink()
    return _SAMPLE


def _write(folder: Path, name: str, data: bytes) -> Path:
    p = folder / name
    p.write_bytes(data)
    return p


def _edit(name: str, change: Callable, suffix: str = ".xlsx") -> Callable[[Path], Path]:
    """A case built by opening the sample with openpyxl, changing it, and saving under ``name``."""
    def build(folder: Path) -> Path:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
        change(wb)
        p = folder / f"{name}{suffix}"
        wb.save(p)
        return p
    return build


def _set(sheet: str, cell: str, value, data_type: str | None = None):
    def change(wb):
        c = wb[sheet][cell]
        c.value = value
        if data_type:
            c.data_type = data_type
    return change


def _patch_xml(name: str, sheet_part: str, patch: Callable[[bytes], bytes], base: Callable[[], bytes] = sample_bytes):
    """A case built by rewriting one part of the package (what openpyxl cannot write: cached formula
    results, error values in place, cells far away)."""
    def build(folder: Path) -> Path:
        src = zipfile.ZipFile(io.BytesIO(base()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == sheet_part:
                    data = patch(data)
                z.writestr(info.filename, data)
        return _write(folder, f"{name}.xlsx", out.getvalue())
    return build


def _sheet_part(sheet: str) -> str:
    from budget_xl.read.files import _sheet_paths

    return _sheet_paths(zipfile.ZipFile(io.BytesIO(sample_bytes())))[sheet]


def _replace_cell(ref: str, xml: bytes) -> Callable[[bytes], bytes]:
    """Replace cell ``ref`` of a sheet part with ``xml`` (its style attribute kept)."""
    def patch(data: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
        m = pattern.search(data)
        assert m, ref
        style = re.search(rb'\bs="\d+"', m.group(1))
        new = xml if style is None else xml.replace(b"<c ", b"<c " + style.group(0) + b" ", 1)
        return data[: m.start()] + new + data[m.end():]
    return patch


def _cell_xml(ref: str, value) -> bytes:
    from xml.sax.saxutils import escape

    if value is None:
        return f'<c r="{ref}"/>'.encode()
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'.encode()
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'.encode()


def _xset(name: str, sheet: str, *pairs) -> Callable[[Path], Path]:
    """A case built by setting cells of one sheet in the package XML: (cell, value), …"""
    def patch(data: bytes) -> bytes:
        for ref, value in pairs:
            data = _replace_cell(ref, _cell_xml(ref, value))(data)
        return data
    return _patch_xml(name, f"__SHEET__:{sheet}", patch)


def _xmerge(name: str, sheet: str, rng: str) -> Callable[[Path], Path]:
    def patch(data: bytes) -> bytes:
        return re.sub(rb'<mergeCells count="(\d+)">', lambda m: b'<mergeCells count="%d"><mergeCell ref="%s"/>'
                      % (int(m.group(1)) + 1, rng.encode()), data, count=1)
    return _patch_xml(name, f"__SHEET__:{sheet}", patch)


def _ole(stream: str) -> Callable[[Path], bytes]:
    """An OLE container (old .xls or encrypted .xlsx) with one directory entry named ``stream``."""
    def data(_folder=None) -> bytes:
        body = bytearray(OLE + b"\0" * 1016)
        body += stream.encode("utf-16-le") + b"\0\0" + b"\0" * 400
        return bytes(body)
    return data


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries.items():
            z.writestr(n, d)
    return out.getvalue()


def zip_bomb(megabytes: int = 200) -> bytes:
    """The sample plus one member of ``megabytes`` MB of zeros (deflated ~1000:1)."""
    src = zipfile.ZipFile(io.BytesIO(sample_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        info = zipfile.ZipInfo("xl/media/image1.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b"\0" * (1024 * 1024)
        with z.open(info, "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return out.getvalue()






def _comment(sheet: str, cell: str, text: str):
    def change(wb):
        from openpyxl.comments import Comment

        wb[sheet][cell].comment = Comment(text, "用户")
    return change


def _delete_row(sheet: str, row: int):
    def change(wb):
        wb[sheet].delete_rows(row)
    return change


def _insert_rows(sheet: str, row: int, n: int):
    def change(wb):
        wb[sheet].insert_rows(row, n)
    return change


def _rename(old: str, new: str):
    def change(wb):
        wb[old].title = new
    return change


def _remove(sheet: str):
    def change(wb):
        del wb[sheet]
    return change


def _copy_sample(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        return _write(folder, name, sample_bytes())
    return build


def _hidden_state_sheet(wb) -> None:
    ws = wb.create_sheet("_校验标记")
    ws.append(["单元格", "底色"])
    ws.append(["不存在的表!ZZ99999", "不是颜色"])
    ws.append([None, 12345])
    ws.append(["支出总表!", None])
    ws.sheet_state = "hidden"


def _marked_with_explanation(text: str) -> Callable[[Path], Path]:
    """A marked copy (of a workbook with a wrong total) whose 说明 the user typed as ``text``."""
    def build(folder: Path) -> Path:
        import openpyxl

        from budget_xl.mark import mark_workbook
        from budget_xl.read import read_workbook
        from budget_xl.rules import run_checks

        wrong = _xset("错合计", "支出总表", ("D7", 3497.31))(folder)
        result = read_workbook(wrong)
        marked = folder / "已标注.xlsx"
        mark_workbook(wrong, marked, run_checks(result.budget, result.notes))
        wrong.unlink()
        wb = openpyxl.load_workbook(marked)
        ws = wb["校验结果"]
        ws.cell(3, 10).value = text
        ws.cell(3, 10).data_type = "s"
        wb.save(marked)
        return marked
    return build


def _fifo(folder: Path) -> Path:
    p = folder / "管道.xlsx"
    os.mkfifo(p)
    return p


def _dir(folder: Path) -> Path:
    p = folder / "文件夹.xlsx"
    p.mkdir()
    return p


def _symlink(folder: Path) -> Path:
    target = _write(folder, "真身.xlsx", sample_bytes())
    link = folder / "链接.xlsx"
    link.symlink_to(target)
    return link


def _random(folder: Path) -> Path:
    rnd = random.Random(8)
    return _write(folder, "随机.xlsx", bytes(rnd.randrange(256) for _ in range(6000)))


def _empty_workbook(folder: Path) -> Path:
    from budget_xl.model import empty_budget
    from budget_xl.write import write_workbook

    return write_workbook(empty_budget(), folder / "空白.xlsx")


def _other_workbook(folder: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "工资表"
    wb.active.append(["姓名", "工资"])
    wb.active.append(["张三", 5000])
    p = folder / "工资表.xlsx"
    wb.save(p)
    return p


def _wide_sheet(name: str, ref: str) -> Callable[[Path], Path]:
    row = re.sub(r"[A-Z]", "", ref)
    return _patch_xml(name, "__SHEET__:收入总表",
                      lambda d: d.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()))


def _error_cell(sheet: str, ref: str, code: str):
    return _replace_cell(ref, f'<c r="{ref}" t="e"><v>{code}</v></c>'.encode())


def _formula_cell(ref: str, formula: str, cached: str | None):
    v = f"<v>{cached}</v>" if cached is not None else "<v></v>"
    return _replace_cell(ref, f'<c r="{ref}"><f>{formula}</f>{v}</c>'.encode())


def _unnumbered(name: str, rows: str) -> Callable[[Path], Path]:
    """Cells without ``r=`` (legal OOXML: each takes the place after the one before): ``rows`` is the XML."""
    return _patch_xml(name, "__SHEET__:收入总表", lambda d: d.replace(b"</sheetData>", rows.encode() + b"</sheetData>"))


def _twice(name: str, part: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    """A package holding ``part`` twice (the second one changed): readers disagree on which is meant."""
    def build(folder: Path) -> Path:
        import warnings

        src = zipfile.ZipFile(io.BytesIO(sample_bytes()))
        out = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile's "Duplicate name" is the point
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for info in src.infolist():
                    data = src.read(info.filename)
                    z.writestr(info.filename, data)
                    if info.filename == part:
                        z.writestr(info.filename, change(data))
        return _write(folder, f"{name}.xlsx", out.getvalue())
    return build


def _sheet_copy(name: str, sheet: str, copy_name: str, hide_original: bool, edit: tuple[str, object] | None):
    """A workbook with ``sheet`` copied as ``copy_name`` (the copy edited), the original hidden or not."""
    def change(wb):
        ws = wb[sheet]
        cp = wb.copy_worksheet(ws)
        cp.title = copy_name
        if edit:
            cp[edit[0]] = edit[1]
        if hide_original:
            ws.sheet_state = "hidden"
    return _edit(name, change)


# -- the corpus --------------------------------------------------------------------------------------
def cases() -> list[Case]:
    ERR = "支出总表"
    c: list[Case] = []
    add = c.append

    # files that are not workbooks, or not readable ones: refused with a clear message by every command
    for name, build, text in [
        ("empty-file", lambda f: _write(f, "空文件.xlsx", b""), "损坏"),
        ("random-bytes", _random, "损坏"),
        ("truncated-zip", lambda f: _write(f, "截断.xlsx", sample_bytes()[: len(sample_bytes()) * 3 // 5]), "损坏"),
        ("csv-named-xlsx", lambda f: _write(f, "导出.xlsx", "科目编码,金额\n204,3397.31\n".encode("gbk")), "损坏"),
        ("html-named-xlsx", lambda f: _write(f, "网页.xlsx", b"<html><table><tr><td>1</td></tr></table></html>"), "损坏"),
        ("encrypted-xlsx", lambda f: _write(f, "加密.xlsx", _ole("EncryptedPackage")()), "密码"),
        ("old-xls-renamed", lambda f: _write(f, "旧表改名.xlsx", _ole("Workbook")()), "旧版 .xls"),
        ("old-xls", lambda f: _write(f, "旧表.xls", _ole("Workbook")()), ".xls"),
        ("ods", lambda f: _write(f, "表.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                   "content.xml": b"<x/>"})), "不是 Excel 工作簿"),
        ("ods-renamed", lambda f: _write(f, "表格.xlsx", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                           "content.xml": b"<x/>"})), "缺少工作簿内容"),
        ("docx-renamed", lambda f: _write(f, "文档.xlsx", _zip({"[Content_Types].xml": b"<Types/>",
                                                            "word/document.xml": b"<w:document/>"})), "缺少工作簿内容"),
        ("zip-bomb", lambda f: _write(f, "炸弹.xlsx", zip_bomb()), "压缩炸弹"),
        ("missing-file", lambda f: f / "没有这个文件.xlsx", "不存在"),
        ("a-folder", _dir, "文件夹"),
        ("fifo", _fifo, "不是普通文件"),
        ("no-workbook-part", lambda f: _write(f, "残缺.xlsx", _zip({"xl/worksheets/sheet1.xml": b"<worksheet/>"})),
         "缺少工作簿内容"),
        ("something-else", _other_workbook, "预算公开主表"),
        ("garbled-sheet-xml", _patch_xml("乱码", "__SHEET__:支出总表", lambda d: d[: len(d) // 2]), "无法读取"),
        ("huge-extent", _wide_sheet("极大范围", "XFD1048576"), "远超"),
        ("too-wide", _wide_sheet("过宽", "BZZ10"), "远超"),
        ("missing-sheet-part", _patch_xml("缺表", "xl/workbook.xml",
                                          lambda d: d.replace(b"</sheets>", b'<sheet name="x" sheetId="99" r:id="rIdX"/></sheets>')),
         None),
        ("renamed-sheet", _edit("改名", _rename("收入总表", "收入")), "可能被改了名"),
        ("missing-sheet", _edit("缺工作表", _remove("支出总表")), "缺少工作表"),
        ("header-changed", _edit("表头", _set(ERR, "D3", "总数")), "表头"),
        # issue 19: cells without r= are counted where they fall, not trusted to be nowhere
        ("unnumbered-cells-far", _unnumbered("无编号远处", '<row r="1000000"><c><v>1</v></c></row><row>'
                                             + "<c><v>1</v></c>" * 16000 + "</row>"), "远超"),
        ("unnumbered-cells-wide", _unnumbered("无编号过宽", "<row>" + "<c><v>1</v></c>" * 5000 + "</row>"), "远超"),
        ("unnumbered-rows-tall", _unnumbered("无编号过长", '<row r="199990"/>' + "<row><c><v>1</v></c></row>" * 20), "远超"),
        ("unnumbered-after-numbered", _unnumbered("编号后无编号", '<row r="40"><c r="ALK40"><v>1</v></c><c><v>1</v></c>'
                                                  "<c><v>1</v></c></row>"), "远超"),
        ("unclosed-cell-xml", _patch_xml("未闭合", "__SHEET__:支出总表", lambda d: d.replace(
            b"</sheetData>", b'<row r="99"><c r="A99"><v>1</v></row></sheetData>')), "无法读取"),
        ("duplicate-sheet-member", _twice("同名部件", "__SHEET__:支出总表",
                                          lambda d: d.replace(b"<v>3397.31</v>", b"<v>9999</v>")), "出现了两份"),
        ("duplicate-workbook-member", _twice("同名工作簿部件", "xl/workbook.xml", lambda d: d), "出现了两份"),
    ]:
        add(Case(name, build, dict(READ_REFUSED), ALL, text))
    for case in c:
        if case.name == "missing-sheet-part":  # refused or read around: only the common guarantees
            case.expect, case.text = {}, None

    # cells that are not what they look like
    def cell_case(name, change, check_code, text, fill_code=None, commands=FAST, patch=False, reader=True,
                  narrative=False, **kw):
        if patch:
            build = _patch_xml(name, f"__SHEET__:{ERR}", change)
        elif isinstance(change, tuple) and change[0] == "set":
            build = _xset(name, ERR, *change[1:])
        elif isinstance(change, tuple) and change[0] == "merge":
            build = _xmerge(name, ERR, change[1])
        else:
            build = _edit(name, change)
        expect = {"check": (check_code, text), "show": (0, text if reader else None)}
        if fill_code is not None:
            expect["fill"] = (fill_code, text if fill_code == 2 else None)
            expect["inplace"] = (fill_code, text if fill_code == 2 else None)
        if fill_code == 0 and not kw.pop("inplace", False):
            commands = tuple(c for c in commands if c != "inplace")
        if narrative:  # an unreadable cell is not a blank: the 情况说明 is refused, naming it
            expect["narrative"] = (2, text)
            commands = (*commands, "narrative")
        add(Case(name, build, expect, commands, None, **kw))

    cell_case("ref-error-leaf", _error_cell(ERR, "D9", "#REF!"), 1, "单元格是 #REF!", 2, patch=True)
    cell_case("div0-total", _error_cell(ERR, "D6", "#DIV/0!"), 1, "单元格是 #DIV/0!", 2, patch=True, narrative=True)
    cell_case("na-code", _error_cell(ERR, "B9", "#N/A"), 1, "单元格是 #N/A", 2, patch=True)
    cell_case("value-error-name", _error_cell(ERR, "C9", "#VALUE!"), 1, "单元格是 #VALUE!", 2, patch=True)
    cell_case("uncached-formula", _formula_cell("D7", "SUM(D8:D8)", None), 1, "公式未计算", 2, patch=True, narrative=True)
    cell_case("uncached-formula-leaf", _formula_cell("D9", "967.35", None), 1, "公式未计算", 2, patch=True)
    cell_case("formula-wrong-cache", _formula_cell("D7", "D8+D13", "3497.31"), 1, "支出总表!D7", 0,
              commands=(*FAST, "mark"), patch=True, reader=False, inplace=True)
    cell_case("formula-right-cache", _formula_cell("D7", "D8+D13", "3397.31"), 0, None, 0, patch=True)
    cell_case("merged-code", ("merge", "B9:B10"), 1, "合并单元格", 2, commands=(*FAST, "mark"))
    cell_case("merged-amount", ("merge", "D9:D10"), 1, "合并单元格", 2, commands=(*FAST, "mark"), narrative=True)
    cell_case("duplicate-code", ("set", ("B10", "2040601")), 1, "重复出现", 2)
    cell_case("text-with-unit", ("set", ("D7", "12.3万")), 1, "不是有效金额", 2)
    cell_case("boolean-total", ("set", ("D7", True)), 1, "不是有效金额", 2)
    cell_case("date-total", _set(ERR, "D7", datetime(2024, 1, 1)), 1, "不是有效金额", 2)
    cell_case("time-total", _set(ERR, "D7", time(12, 0)), 1, "不是有效金额", 2)
    cell_case("minus-sign-u2212", ("set", ("D9", "\u2212967.35")), 1, "已按 -967.35 读取", None)
    cell_case("zero-width-space-total", ("set", ("D7", "\u200b")), 1, None, 0, inplace=True)
    cell_case("huge-number", ("set", ("D9", 1e20)), 1, "大得不合理", 2)
    cell_case("thousands-separator", ("set", ("D9", "967.35")), 0, "以文本形式存储", 0)
    cell_case("full-width-digits", ("set", ("D9", "９６７．３５")), 0, "以文本形式存储", 0)
    cell_case("no-code", ("set", ("B9", None)), 1, "没有科目编码", 2)
    cell_case("wrong-total", ("set", ("D7", 3497.31)), 1, "支出总表!D7", 0, commands=(*FAST, "mark"), reader=False)
    cell_case("blank-total", ("set", ("D7", None)), 1, None, 0)
    cell_case("negative-leaf", ("set", ("D12", -10)), 1, None, None)
    cell_case("blank-rows-inserted", _insert_rows(ERR, 9, 3), 0, None, 0)
    cell_case("row-deleted", _delete_row(ERR, 12), 1, None, None, commands=("check", "summary", "show"))  # fill: slow repair loop
    cell_case("user-comment", _comment(ERR, "D9", "请核对"), 0, None, 0, commands=(*FAST, "mark"))
    cell_case("comment-like-ours", _comment(ERR, "D7", "【校验】我自己写的"), 0, None, 0, commands=(*FAST, "mark"))

    # names, years and texts a printer, a console or a document must survive
    INFO = "基本信息"
    text_cmds = (*FAST, "mark", "narrative", "document")
    add(Case("control-chars-name", _patch_xml("控制字符", f"__SHEET__:{INFO}", _replace_cell(
        "B3", '<c r="B3" t="inlineStr"><is><t>承德市_x0001_司法局_x000B_</t></is></c>'.encode())),
             {"check": (0, "控制字符"), "narrative": (0, None), "document": (0, None)}, text_cmds))
    add(Case("rich-markup-name", _xset("标记", INFO, ("B3", "承德市[/bold]司法局[red]")),
             {"check": (0, None), "show": (0, "承德市[/bold]司法局[red]")}, (*FAST, "narrative")))
    add(Case("rich-markup-row-name", _xset("行名标记", ERR, ("C9", "行政运行[red]"), ("D7", 3497.31)),
             {"check": (1, "[red]")}, LIGHT))
    add(Case("formula-like-name", _xset("公式名称", INFO, ("B3", "=HYPERLINK(\"http://x\",\"点我\")")),
             {"check": (0, None)}, (*LIGHT, "mark")))
    add(Case("year-absurd", _xset("年份过大", INFO, ("B5", 99999999999)), {"check": (1, "不是四位年份"),
                                                                         "narrative": (2, "不是有效的年份")},
             (*LIGHT, "narrative")))
    add(Case("year-chinese-numerals", _xset("中文年份", INFO, ("B5", "二〇二四年")), {"check": (0, None)}, LIGHT))
    add(Case("year-blank", _xset("无年份", INFO, ("B5", None)), {"check": (1, "没有填写预算年度")}, LIGHT))
    add(Case("unit-unknown", _xset("单位", INFO, ("B9", "亿元")), {"check": (1, "无法识别")}, LIGHT))
    add(Case("very-long-name", _xset("长名称", INFO, ("B3", "司法局" * 5000)), {"check": (0, None)}, LIGHT))
    add(Case("empty-workbook", _empty_workbook, {"check": (1, None), "narrative": (2, None), "document": (2, None)}, ALL))
    add(Case("symlink-input", _symlink, {"check": (0, None), "fill": (0, None)}, FAST))
    add(Case("file-named-like-formula", _copy_sample("=1+2.xlsx"), {"check": (0, None), "summary": (0, None)}, LIGHT))
    add(Case("file-named-with-markup", _copy_sample("[red]预算[bold].xlsx"), {"check": (0, "[red]预算[bold]")}, LIGHT))
    add(Case("xlsm-suffix", _copy_sample("宏.xlsm"), {"check": (0, None), "fill": (0, None)}, FAST))
    add(Case("percent-as-text", _xset("百分比文本", "项目", ("I5", "0.2")), {"check": (0, "已按 20 读取")}, ("check", "show")))

    # odd output paths and hostile templates, against the sample itself
    add(Case("odd-output-paths", _copy_sample("主表.xlsx"), dict(ODD_OUTPUTS), tuple(ODD_OUTPUTS)))
    add(Case("hostile-templates", _copy_sample("主表.xlsx"), dict(HOSTILE_TEMPLATES), tuple(HOSTILE_TEMPLATES)))

    # issue 19: malformed XML python-calamine tolerates is read the same by check, fill and --mark
    for name, patch in [
        ("duplicate-attribute-r", lambda d: re.sub(rb'<c r="D7"', b'<c r="D7" r="D7"', d, count=1)),
        ("duplicate-attribute-s", lambda d: re.sub(rb'<c r="D9" s="(\d+)"', rb'<c r="D9" s="\1" s="\1"', d, count=1)),
        ("bare-ampersand", lambda d: d.replace("<t>行政运行</t>".encode(), "<t>行政运行 & 管理</t>".encode(), 1)),
        ("bare-less-than", lambda d: d.replace("<t>行政运行</t>".encode(), "<t>行政运行 < 管理</t>".encode(), 1)),
        ("html-entity", lambda d: d.replace("<t>行政运行</t>".encode(), "<t>行政运行&nbsp;</t>".encode(), 1)),
    ]:
        add(Case(name, _patch_xml(name, f"__SHEET__:{ERR}", patch),
                 {"check": (0, None), "mark": (0, None), "fill": (0, None), "inplace": (0, None)}, (*FAST, "mark")))

    # issue 19: a table sheet beside a copy of it — said, naming both, by check and by fill
    for name, sheet, copy_name, hidden, edit in [
        ("hidden-stale-table-and-visible-copy", ERR, "支出总表 (2)", True, ("D9", 1000)),
        ("visible-table-and-wps-copy", ERR, "支出总表(2)", False, ("D9", 1000)),
        ("table-and-copy-named-fuben", "收入总表", "收入总表 副本", False, None),
        ("hidden-table-and-copy-3", "三公经费表", "三公经费表 (3)", True, ("D12", 1)),
    ]:
        text = f"还有它的副本 “{copy_name}”"
        add(Case(name, _sheet_copy(name, sheet, copy_name, hidden, edit),
                 {"check": ((0, 1), text), "fill": (0, text), "show": (0, None)}, LIGHT))

    add(Case("windows-output-names", _copy_sample("主表.xlsx"), dict(WINDOWS_OUTPUTS), tuple(WINDOWS_OUTPUTS)))

    # what --mark finds in a workbook marked before
    add(Case("damaged-mark-state", _edit("坏标记", _hidden_state_sheet), {}, ("check", "mark")))
    add(Case("formula-like-explanation", _marked_with_explanation("=HYPERLINK(\"http://x\",\"点我\")"), {},
             ("check", "mark", "fill")))

    return _bind_sheet_parts(c)


def _bind_sheet_parts(c: list[Case]) -> list[Case]:
    """``__SHEET__:name`` in a patch stands for that sheet's part in the sample package."""
    for case in c:
        build = case.build
        cells = getattr(build, "__closure__", None) or ()
        for cell in cells:
            v = cell.cell_contents
            if isinstance(v, str) and v.startswith("__SHEET__:"):
                cell.cell_contents = _sheet_part(v.split(":", 1)[1])
    return c


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "hostile-corpus")
    out.mkdir(parents=True, exist_ok=True)
    for case in cases():
        folder = out / case.name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        print(case.name, case.build(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
