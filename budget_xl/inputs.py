"""Every file the user names is opened here: regular files only, and never read without a bound.

A FIFO would hang the reader, ``/dev/zero`` would fill the memory, a 5 GB "text" is a mistake: each is
refused with a Chinese message naming the file before anything is read. The file is opened with
``O_NONBLOCK`` and checked on the open descriptor, so a path swapped for a FIFO after the check cannot
hang either.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from budget_xl.errors import InputError

MAX_TEXT_BYTES = 20 * 1024 * 1024        # a published disclosure as text is well under 1 MB
MAX_PDF_BYTES = 200 * 1024 * 1024        # the largest real ones are about 20 MB
MAX_SMALL_BYTES = 1024 * 1024            # user lists, certificates, templates


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    return "special"


def non_utf8_name(text: str) -> str | None:
    """Why a path (or any argument) cannot be used when its bytes are not UTF-8 though the system's are: a
    folder zipped on Chinese Windows (names in GBK) and unzipped here. Python keeps such bytes as lone
    surrogates, which python-calamine cannot open and no workbook, report or document can hold, so they are
    refused at once, not read as "damaged" or written as a locale problem. None when the name is fine (and
    under a non-UTF-8 locale, where every Chinese name looks like this and is left to the locale check)."""
    import sys

    if text.isascii() or not any(0xDC80 <= ord(ch) <= 0xDCFF for ch in text):
        return None
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        return None
    raw = os.fsencode(text)
    try:
        gbk = raw.decode("gbk")
    except UnicodeDecodeError:
        gbk = None
    hint = f"按 GBK 编码应是“{Path(gbk).name}”，" if gbk and gbk.isprintable() else ""
    return "路径中有不是 UTF-8 编码的字节（" + hint + "常见于在 Windows 上打包、在这里解压的文件）"


def require_regular_file(path: str | Path, what: str = "文件") -> Path:
    """A FIFO, a device or a socket is refused before anything opens it (opening a FIFO would hang)."""
    p = Path(path)
    name = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):  # a link (快捷方式) left behind when its file was moved or deleted
            raise InputError(f"这是一个快捷方式（符号链接），它指向的“{os.readlink(p)}”不存在。请改用文件本身。",
                             file=name) from None
        raise InputError(f"{what}不存在。" + (look_alike(p) or "请检查路径和文件名。"), file=name) from None
    except NotADirectoryError:
        raise InputError(f"{what}的路径中有一段是文件而不是文件夹。", file=name) from None
    except OSError as e:
        if e.errno == errno.ELOOP and os.path.islink(p):  # links pointing at each other (or itself)
            raise InputError("这个快捷方式（符号链接）形成了循环（它指向的链接又指回自己），找不到真正的文件。请改用文件本身。",
                             file=name) from None
        raise InputError(f"{what}无法访问（{read_reason(e)}）。", file=name) from None
    kind = _kind(st.st_mode)
    if kind == "folder":
        raise InputError(f"这是一个文件夹，不是{what}。", file=name)
    if kind == "special":
        raise InputError(f"这不是普通文件（可能是管道或设备），不能作为{what}读取。", file=name)
    bad_name = non_utf8_name(name)
    if bad_name:
        raise InputError(f"{what}的{bad_name}，无法读取，也无法写进结果。请先给它改名（如在文件管理器中重命名）再试。",
                         file=name)
    return p


def look_alike(p: Path) -> str | None:
    """What to say when ``p`` does not exist but a file beside it has the same name written otherwise: the
    same accented letter composed or decomposed (NFC / NFD: a file copied from a Mac, “é” stored as “e” and
    an accent, looks the same and is another name), or the same letters in another case (主表.XLSX for
    主表.xlsx: Linux tells them apart, Windows does not). The user saw the name and was told it is not there."""
    import unicodedata

    def key(n: str) -> str:
        return unicodedata.normalize("NFC", n)

    want = key(p.name)
    try:
        with os.scandir(p.parent if str(p.parent) else ".") as entries:
            names = [e.name for _, e in zip(range(20_000), entries)]
    except (OSError, ValueError):
        return None
    same = next((n for n in names if n != p.name and key(n) == want), None)
    if same is not None:
        return (f"同一文件夹中有一个看起来同名的文件“{same}”，但名字里的字符编码方式不同（带附加符号的字母，一个是合成的、"
                "一个是字母加附加符号，常见于从 macOS 拷来的文件）。请用 Tab 键补全文件名，或给文件改名后再试。")
    same = next((n for n in names if key(n).casefold() == want.casefold()), None)
    if same is not None:
        return f"同一文件夹中有“{same}”，只是字母大小写不同（这里的文件名区分大小写），请改用这个名字。"
    return None


def read_reason(e: OSError) -> str:
    """``outputs.os_reason`` for a file being read (a read-only folder is no reason not to read it)."""
    from budget_xl.outputs import os_reason

    if isinstance(e, PermissionError):  # reading: a read-only folder is no reason, a lock by another program is
        return "没有读取权限，或文件正被其他程序独占"
    return os_reason(e).replace("写入", "读取")


def read_bounded(path: str | Path, limit: int, what: str = "文件") -> bytes:
    """The whole file, when it is a regular file of at most ``limit`` bytes; InputError otherwise."""
    p = require_regular_file(path, what)
    name = str(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise InputError(f"{what}无法打开（{read_reason(e)}）。", file=name) from None
    try:
        st = os.fstat(fd)
        if _kind(st.st_mode):
            raise InputError(f"这不是普通文件（可能是管道或设备），不能作为{what}读取。", file=name)
        if st.st_size > limit:
            raise InputError(f"{what}过大（约 {_size(st.st_size)}，上限 {_size(limit)}），不像应提供的文件，已拒绝读取。",
                             file=name)
        chunks, total = [], 0
        while True:  # a file growing while it is read is bounded too
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputError(f"{what}过大（超过 {_size(limit)}），已拒绝读取。", file=name)
        return b"".join(chunks)
    except OSError as e:
        raise InputError(f"{what}读取失败（{read_reason(e)}）。", file=name) from None
    finally:
        os.close(fd)


def read_head(path: str | Path, n: int, what: str = "文件") -> bytes:
    """The first ``n`` bytes of a regular file (a FIFO or a device is refused, never opened blocking)."""
    p = require_regular_file(path, what)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise InputError(f"{what}无法打开（{read_reason(e)}）。", file=str(path)) from None
    try:
        if _kind(os.fstat(fd).st_mode):
            raise InputError(f"这不是普通文件（可能是管道或设备），不能作为{what}读取。", file=str(path))
        return os.read(fd, n)
    except OSError as e:
        raise InputError(f"{what}读取失败（{read_reason(e)}）。", file=str(path)) from None
    finally:
        os.close(fd)


def blank_after_suffix(path: str | Path) -> str | None:
    """A name ending in a space or a dot after its extension (“主表.xlsx ”: a Linux or network share keeps
    it, Windows cannot open it), said so: the space cannot be seen in “扩展名为“.xlsx ””."""
    suffix = Path(path).suffix
    if suffix and suffix != suffix.rstrip(" .　"):
        return (f"文件名的扩展名后面多了空格或句点（“{suffix.rstrip(' .　')}”后有“{suffix[len(suffix.rstrip(' .　')):]}”），"
                "Windows 上无法打开它。请给文件改名，去掉末尾的空格或句点后再试。")
    return None


def not_a_workbook(path: str | Path) -> str | None:
    """What a file named .xlsx (or .xls) holds when it is no zip package, said as what it is: empty, an
    Excel/WPS lock file, a macOS companion file, a PDF, or text (CSV, tab-separated, JSON, a web page, an
    Excel 2003 XML table, which some finance systems export under an Excel name). None: nothing recognised
    (the caller says "damaged")."""
    p = Path(path)
    try:
        head = read_head(p, 4096)
    except InputError:
        return None
    own = p.name[2:] if p.name.startswith(("~$", "._")) else ""
    if p.name.startswith("~$") and len(head) < 4096:
        return (f"这是 Excel 或 WPS 打开“{own}”时生成的临时锁定文件（文件名以“~$”开头），不是工作簿。"
                f"请改用“{own}”；关闭 Excel 后这个文件会自动消失。")
    if head.startswith(b"\x00\x05\x16\x07") or (p.name.startswith("._") and b"Mac OS X" in head[:64]):
        return (f"这是 macOS 复制文件时附带生成的隐藏文件（文件名以“._”开头），不是工作簿。"
                f"请改用“{own or '原文件'}”；这个文件可以删除。")
    if not head:
        return "文件是空的（0 字节），可能在复制、下载或保存时没有完成。请重新获取这个文件。"
    save_as = "不是 Excel 工作簿。请在 Excel 或 WPS 中打开它，再“另存为”Excel 工作簿（.xlsx）后重试。"
    if head.startswith(b"%PDF"):
        return "这是一个 PDF 文件（只是扩展名为 Excel 的），不是工作簿。PDF 请用 budget-xl import 导入，或用 budget-xl review 检查。"
    text = None
    for enc in ("utf-8-sig", "utf-16", "gbk"):  # not gb18030: it decodes nearly any bytes
        if enc == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            try:  # the 4 KB cut a character in two
                text = head[:-3].decode(enc)
            except UnicodeDecodeError:
                continue
        break
    if text is None or "\x00" in text or sum(not (ch.isprintable() or ch in "\r\n\t") for ch in text) > len(text) // 50:
        return None
    low = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low:
        kind = " Excel 2003 XML 表格"
    elif "urn:oasis:names:tc:opendocument:xmlns:office" in low:
        kind = " LibreOffice 保存的单文件 .fods 电子表格（开放文档格式）"
    elif low.startswith(("<!doctype html", "<html")) or "<table" in low:
        kind = "网页（HTML）"
    elif low.startswith(("{", "[")):
        kind = " JSON 文本"
    elif "\t" in text:
        kind = "制表符分隔的文本"
    elif "," in text or "，" in text:
        kind = "逗号分隔的文本（CSV）"
    else:
        kind = "纯文本"
    return f"这是{kind}文件，只是扩展名为 Excel 的，" + save_as


def require_size(path: str | Path, limit: int, what: str = "文件") -> Path:
    """A regular file of at most ``limit`` bytes, for readers that open the path themselves (PDF, zip)."""
    p = require_regular_file(path, what)
    size = p.stat().st_size
    if size > limit:
        raise InputError(f"{what}过大（约 {_size(size)}，上限 {_size(limit)}），不像应提供的文件，已拒绝读取。",
                         file=str(path))
    return p


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{max(n // 1024, 1)} KB"


NOT_A_NUMBER = "某个数值单元格的内容不是数字"  # broken_reason of a number cell python-calamine cannot parse


def broken_reason(e: BaseException) -> str:
    """Why a reader (python-calamine, openpyxl, zipfile, pdfminer) refused a file, in Chinese: the
    exception's class name or English text is never shown to the user."""
    import re

    name = type(e).__name__
    text = str(e.args[0]) if e.args else ""
    low = text.lower()
    part = re.search(r"""['"]([^'"]+\.(?:xml|rels|bin))['"]""", text)
    if part and (isinstance(e, KeyError) or "not found" in low):
        return f"缺少其中的部件“{part.group(1)}”"
    if "pdfium" in low:  # Failed to load document (PDFium: Data format error / File access error / …)
        if "security" in low or "password" in low:
            return "文件设有密码或使用了不支持的加密方式"
        if "file access" in low:
            return "文件无法访问"
        return "文件结构不完整或有误，可能在下载或复制时被截断"
    if "float" in low or "parse int" in low:
        return NOT_A_NUMBER
    if "boolean" in low:
        return "某个逻辑值单元格的内容不是 TRUE/FALSE"
    if "row component" in low or "alphanumeric" in low or "cell reference" in low:
        return "某个单元格的坐标（如 A1）写法有误"
    if name == "WorksheetNotFound":
        return f"工作簿目录中列出的工作表“{text}”在文件里找不到" if text else "工作簿目录中列出的工作表在文件里找不到"
    if name == "PasswordError" or "password" in low or "encrypt" in low:
        return "文件设有密码或已加密"
    if name in ("XmlError", "ParseError", "XMLSyntaxError") or "xml" in low:
        return "其中的 XML 内容不完整或格式有误"
    if name in ("ZipError", "BadZipFile", "LargeZipFile") or "zip" in low:
        return "压缩包结构有误"
    if isinstance(e, (IndexError, KeyError)):
        return "其中的编号引用了不存在的内容（如样式、共享文字）"
    if isinstance(e, UnicodeError):
        return "其中有无法识别的文字编码"
    return "内容不符合文件格式"


def check_declared_counts(z, name: str) -> None:
    """A count a part declares that its own bytes cannot hold is a lie python-calamine would believe: it
    reserves memory for ``uniqueCount`` shared strings up front (2,000,000,000 aborts the process, exit
    134). Each ``<si>`` takes at least 5 bytes, so a part of n bytes holds at most n / 5 of them."""
    import re

    for info in z.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        with z.open(info) as fh:
            head = fh.read(2048)  # the <sst …> element opens the part
        from budget_xl.read.files import as_utf8

        head = as_utf8(head)  # a part in UTF-16 is read too (as UTF-8: budget_xl.read.files._usual_copy)
        # the attribute as XML allows it (single quotes, blanks round the “=”): written so, the lie reached
        # calamine and aborted the process (“memory allocation of 48000000000 bytes failed”, exit 134)
        m = re.search(rb"""<(?:\w+:)?sst\b[^>]*?\buniqueCount\s*=\s*["'](\d{1,20})["']""", head)
        if m and int(m.group(1)) > info.file_size // 5 + 1000:
            raise InputError(f"文件内容异常：共享文字表“{info.filename}”声明有 {int(m.group(1))} 条文字，"
                             f"而它的内容至多容得下约 {info.file_size // 5} 条，文件可能已损坏，已拒绝读取。"
                             "请在 Excel 中打开后另存再试。", file=name)


def decode_text(raw: bytes, name: str, what: str = "文本文件", not_text: str = "") -> str:
    """The text of a file as Notepad, WPS or Word saves it on a Chinese Windows: UTF-8 (with or without a
    BOM), "Unicode" (UTF-16, with or without a BOM), "ANSI" (GBK / GB18030). Stray NUL bytes are dropped,
    so is a byte-order mark inside the text (two files joined by ``copy /b a.txt+b.txt``, each saved with
    one: the second table's title began with an invisible U+FEFF and was not found), old Mac line ends (CR)
    become newlines. One decoder for ``import`` and ``batch``."""
    import codecs

    if not raw.strip(b" \t\r\n\x00"):
        raise InputError(f"{what}是空的（没有任何文字）。请检查是否选错了文件，或文件在复制时丢失了内容。", file=name)
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    encodings = [enc for bom, enc in boms if raw.startswith(bom)][:1]
    if not encodings:
        sample = raw[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 8 and odd > 4 * even:
            encodings = ["utf-16-le"]
        elif even > len(sample) // 8 and even > 4 * odd:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8", "gb18030"]
    for enc in encodings:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(not_text + f"{what}的编码无法识别（应为 UTF-8、UTF-16 或 GBK/GB18030 文本），或者它不是文本文件。",
                         file=name)
    if text.count("\x00") > max(len(text) // 100, 16):
        raise InputError("这不像文本文件（含大量空字符，可能是其他格式的文件改了扩展名）。", file=name)
    # a soft hyphen (U+00AD, Word's optional hyphen, saved into a .txt) is never seen: in “96\u00ad.00” the
    # figure was lost, in “预\u00ad算” the title was not found
    return (text.replace("\x00", "").replace("\ufeff", "").replace("\u00ad", "")
            .replace("\r\n", "\n").replace("\r", "\n"))


def each_once(paths: list[Path]) -> list[Path]:
    """The files in the order given, a file named again (the same name, another spelling of it, a link to it)
    left out with a note: ``review 公开.pdf 公开.pdf`` read one document twice, as its 说明 and its 公开表, and
    reported 363 problems in a PDF with 4; ``check a.xlsx ./a.xlsx --summary`` gave it two rows. One ``stat``
    a name: thousands of names on the command line cost no more than reading them."""
    import sys

    from budget_xl.errors import visible

    first: dict[object, Path] = {}
    kept: list[Path] = []
    for p in paths:
        key = _identity(p)
        if key not in first:
            first[key] = p
            kept.append(p)
            continue
        again = "" if str(first[key]) == str(p) else f"与“{visible(str(first[key]), names=True)}”是同一个文件，"
        print(f"提示：文件“{visible(str(p), names=True)}”{again}给出了两次，只读取一次。", file=sys.stderr)
    return kept


def _identity(p: Path) -> object:
    """The file ``p`` names (device and inode), or its spelling when it cannot be looked at (it is then
    said missing or unreadable by the command, under the name given)."""
    try:
        st = os.stat(p)
        return st.st_dev, st.st_ino
    except (OSError, ValueError):
        return os.path.normpath(str(p))
