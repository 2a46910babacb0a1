"""Every file a command writes goes through here, so nothing the user has is lost or half-written.

- an output is never one of the inputs (``os.path.samefile``: hard and symbolic links are caught);
- an existing output is kept as a backup beside it before it is replaced, unless ``--force``;
- ``new``/``sample`` never replace a workbook that holds data;
- batch outputs get unique names that never fall on an input;
- every write is atomic: a temporary file in the same folder, fsync, ``os.replace``. An interrupted run
  leaves the old file intact;
- operating-system errors become Chinese messages naming the user's path, never the temporary file.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from budget_xl.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def os_reason(e: OSError) -> str:
    """An OSError in words a finance clerk understands."""
    code = e.errno
    if isinstance(e, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return "没有写入权限（文件夹只读，或文件正在 Excel/WPS/Word 中打开，请先关闭）"
    if code == errno.EROFS:
        return "磁盘或文件夹是只读的"
    if code == errno.ENOSPC:
        return "磁盘空间不足"
    if code == errno.EDQUOT:
        return "超出磁盘配额"
    if code in (errno.EMFILE, errno.ENFILE):
        return "同时打开的文件太多，超出了系统的限制（ulimit -n）"
    if code == errno.ENOMEM:
        return "内存不足"
    if code == errno.EFBIG:
        return "文件超出了允许的大小（磁盘或系统的限制）"
    if isinstance(e, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(e, NotADirectoryError) or code == errno.ENOTDIR:
        return "路径中有一段是文件而不是文件夹"
    if isinstance(e, FileExistsError):
        return "路径中有一段是文件而不是文件夹"
    if isinstance(e, FileNotFoundError):
        return "路径不存在"
    if code == errno.ELOOP:
        return "路径中的快捷方式（符号链接）形成了循环，指不到任何文件"
    if code == errno.ENAMETOOLONG:
        return "文件名或路径太长"
    if code == errno.EINVAL:
        return "文件名中有不允许的字符"
    return "操作系统拒绝了这次读写"


def os_error(e: OSError, path: str | Path) -> InputError:
    return InputError(f"无法读写文件：{os_reason(e)}。输入文件没有被修改。", file=str(path))


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` are one file on disk (links included); False when either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


NAME_MAX = 255  # bytes in one file name, on Linux, macOS and Windows file systems alike


def fit_name(stem: str, tail: str) -> str:
    """``stem + tail``, the stem shortened (by whole characters) so that the name fits in ``NAME_MAX`` bytes:
    a name of the user's that is already near the limit (it exists, so it is legal) must still get its backup
    and its “_标注” copy, not “文件名或路径太长”."""
    room = NAME_MAX - len(tail.encode("utf-8", "surrogateescape"))
    while stem and len(stem.encode("utf-8", "surrogateescape")) > room:
        stem = stem[:-1]
    return stem + tail


def backup_name(path: Path, now: datetime | None = None) -> Path:
    stamp = f"{(now or datetime.now()):%Y%m%d-%H%M%S}"
    candidate = path.with_name(fit_name(path.stem, f".备份-{stamp}{path.suffix}"))
    n = 2
    while candidate.exists():
        candidate = path.with_name(fit_name(path.stem, f".备份-{stamp}-{n}{path.suffix}"))
        n += 1
    return candidate


def keep_backup(path: Path) -> Path:
    """Copy ``path`` beside itself (atomically, bytes unchanged) and return the copy's name."""
    dest = backup_name(path)
    data = path.read_bytes()
    with atomic(dest) as tmp:
        tmp.write_bytes(data)
    try:
        os.chmod(dest, stat.S_IMODE(os.stat(path).st_mode))  # a private file's backup is private too
    except OSError:
        pass
    return dest


def prepare(path: str | Path, *, inputs: Iterable[str | Path | None] = (), force: bool = False,
            suffixes: tuple[str, ...] = WORKBOOK_SUFFIXES, what: str = "输出文件",
            protect_data: bool = False, parent_must_exist: bool = False) -> Path:
    """Check an output path before any work is done.

    Raises InputError (exit 2) for a wrong suffix, a folder, an input's own path, or (``protect_data``)
    a workbook that holds data. The backup of an existing file is made by ``write_with`` when it replaces it.
    """
    p = Path(path)
    check_portable_name(p, what)
    if p.suffix.lower() not in suffixes:
        raise InputError(f"{what}应以 {' / '.join(suffixes)} 结尾。", file=str(path))
    if p.is_dir():
        raise InputError(f"{what}的路径是一个文件夹。", file=str(path))
    _check_parent(p)
    if parent_must_exist and not p.parent.is_dir():
        raise InputError(f"输出文件夹“{p.parent}”不存在，请先建好文件夹或换一个路径。", file=str(path))
    for src in inputs:
        if src and same_file(src, p):
            raise InputError(f"{what}就是输入文件“{src}”（与输入文件相同：同一个文件或其链接）；"
                             "输入文件不会被覆盖，请另选文件名。", file=str(path))
    if p.exists() or p.is_symlink():
        if not p.is_file():
            raise InputError(f"{what}的路径不是普通文件，不能写入。", file=str(path))
        why = holds_data(p) if protect_data else None
        if why:
            raise InputError(f"{why}，不会被覆盖。请换一个文件名。", file=str(path))
    return p


_ILLEGAL = set('<>:"|?*\\')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def check_portable_name(p: Path, what: str = "输出文件") -> None:
    """A name Windows, a shared drive or a USB stick would refuse (``x:y*?.xlsx``, ``CON.xlsx``, a trailing
    dot) is refused here, before any work, rather than written where the office cannot open it."""
    name = p.name
    bad = sorted({ch for ch in name if ch in _ILLEGAL or ord(ch) < 32})
    if bad:
        shown = "、".join(f"“{ch}”" if ord(ch) >= 32 else f"控制字符 {ord(ch)}" for ch in bad)
        raise InputError(f"{what}的文件名中有 Windows 和共享盘不允许的字符 {shown}，请换一个文件名"
                         '（不能含 < > : " / \\ | ? *）。', file=str(p))
    if name.split(".", 1)[0].strip().upper() in _RESERVED:
        raise InputError(f"{what}的文件名“{name}”是 Windows 的保留设备名（CON、PRN、AUX、NUL、COM1、LPT1 等），"
                         "无法在 Windows 上打开，请换一个文件名。", file=str(p))
    if name != name.rstrip(". "):
        raise InputError(f"{what}的文件名以空格或句点结尾，Windows 上无法打开，请换一个文件名。", file=str(p))


def _check_parent(p: Path) -> None:
    parent = p.parent
    for anc in [parent, *parent.parents]:
        if anc.exists():
            if not anc.is_dir():
                raise InputError(f"无法读写文件：“{anc}”是一个文件，不是文件夹，不能在其中写入。", file=str(p))
            break


HOLDS_DATA = "这个工作簿中已有填报数据"  # holds_data's verdict on a budget workbook with figures or a 单位名称


def holds_data(path: Path) -> str | None:
    """Why the file at ``path`` must not be replaced by a blank or sample workbook, or None when it may."""
    from budget_xl.read import read_workbook

    try:
        budget = read_workbook(path).budget
    except InputError:
        return "已有同名文件，且无法确认其中没有数据" if path.stat().st_size > 0 else None
    if any(t.present and t.has_amounts() for t in budget.tables.values()) or budget.dept_name:
        return HOLDS_DATA
    return None


def unique_batch_name(folder: Path, stem: str, suffix: str, taken: set[Path], inputs: Iterable[Path]) -> Path:
    """``folder/stem+suffix``, or ``stem(2)+suffix``…, never a name used in this batch nor an input."""
    inputs = list(inputs)
    n = 1
    while True:
        name = fit_name(stem, suffix if n == 1 else f"({n}){suffix}")
        cand = folder / name
        key = Path(os.path.abspath(cand))
        if key not in taken and not any(same_file(i, cand) for i in inputs):
            taken.add(key)
            return cand
        n += 1


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic(path: str | Path, force: bool = True):
    """Yield a temporary path beside ``path``; on success fsync it and put it in place of ``path``.

    Unless ``force``, a file already at ``path`` is first copied beside it as a backup. A replaced file
    keeps its permissions, and a file with other hard links is rewritten in place (the links still show
    the new content). On any failure — a full disk, Ctrl+C, SIGTERM — the temporary file is removed,
    ``path`` is as it was, and an OSError is a Chinese InputError naming ``path``. Inside another atomic
    write (a writer that itself writes atomically) the temporary file is written directly.
    """
    from budget_xl import lifecycle

    p = Path(path)
    if lifecycle.is_temp(p):
        yield p
        return
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.stem[:40]}.", suffix=f".tmp{p.suffix}", dir=p.parent)
        os.close(fd)
    except OSError as e:
        raise os_error(e, path) from None
    tmp_path = Path(tmp)
    lifecycle.register_temp(tmp_path)
    try:
        try:
            yield tmp_path
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
            if not force and p.is_file():
                kept = keep_backup(p)
                print(f"已有同名文件，已先备份为：{kept}（加 --force 可不备份直接替换）", file=sys.stderr)
            _put_in_place(tmp_path, p)
            _fsync_dir(p.parent)
        except BaseException as e:
            failure = None if isinstance(e, InputError) else _write_failure(e, tmp_path.parent)
            if failure is not None or not isinstance(e, Exception):
                lifecycle.discard_failed_writer(e)
            if failure is not None:
                raise os_error(failure, path) from None
            raise
    finally:
        lifecycle.unregister_temp(tmp_path)
        try:
            tmp_path.unlink(missing_ok=True)
        except OSError:
            pass


def _put_in_place(tmp: Path, p: Path) -> None:
    """``os.replace`` keeping the replaced file's permissions and owner; a file with other hard links is
    overwritten in place instead, so every link sees the new content (it was fully written and fsynced
    first, and the callers that replace a user's file keep a backup)."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        os.chmod(tmp, _default_mode())
        os.replace(tmp, p)
        return
    if st.st_nlink > 1 and not p.is_symlink():
        with open(tmp, "rb") as src, open(p, "r+b") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
            dst.truncate()
            dst.flush()
            os.fsync(dst.fileno())
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:  # not ours to give away: the new file stays the user's
            pass
    os.replace(tmp, p)


def _write_failure(e: BaseException, folder: Path) -> OSError | None:
    """The operating-system error behind a writer's failure: an OSError, or one a library wrapped (lxml says
    ``IO_ENOSPC``), or — when a library hides it entirely — a folder that has no space left."""
    seen = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError):
            return cur
        m = re.search(r"\bIO_(E[A-Z]+)\b", str(cur))
        if m and hasattr(errno, m.group(1)):
            code = getattr(errno, m.group(1))
            return OSError(code, os.strerror(code))
        cur = cur.__cause__ or cur.__context__
    if isinstance(e, Exception):
        try:
            if shutil.disk_usage(folder).free < 1024 * 1024:
                return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError:
            pass
    return None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | Path, data: bytes, force: bool = False) -> Path:
    with atomic(path, force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_with(path: str | Path, writer: Callable[[Path], object], force: bool = False) -> Path:
    """Let ``writer(tmp)`` write the file, then move it into place atomically (backing up what was there)."""
    with atomic(path, force) as tmp:
        writer(tmp)
    return Path(path)
