"""The process limits a command is started under (``ulimit -v``, ``ulimit -n``): said in Chinese, never a hang.

OpenBLAS, loaded once with numpy and once more with scipy, allocates its buffers while it is being loaded
and, when the address space is used up, retries for ever: under ``ulimit -v 400000`` ``check --summary``
hung in ``import pandas``, ``check`` and ``fill`` hung in ``import scipy`` (under 300 MB), ``manifest``
ended in “内部错误（SystemError）”. Under a finite limit both copies are therefore loaded first, while
memory is still free, and a limit too small even for that is refused before any work. A limit that is
reached later, by a large input, is a ``MemoryError`` the command line says in Chinese (``memory_message``).
"""

from __future__ import annotations

MIN_ADDRESS_SPACE = 512 * 1024 * 1024   # every command on an ordinary input peaks well under 400 MB
MB = 1024 * 1024
MIN_OPEN_FILES = 32     # a command holds at most about ten files open; below 8, imports and reports failed
FILES_PER_WORKER = 4    # a batch worker's pipes and its input


def folder_gone() -> str | None:
    """Why the command cannot run in its current folder, or None. A folder deleted (or moved) in another window
    while a terminal was still in it has no path: every relative name, and every output's temporary file
    beside it, failed with “路径不存在” naming no file, ``excel-setup`` said “No such file or directory”."""
    import os

    try:
        os.getcwd()
        return None
    except FileNotFoundError:
        why = "当前文件夹已不存在（在别处被删除或移走了）"
    except OSError:
        why = "无法确定当前文件夹（没有访问权限）"
    return f"{why}，无法在其中读写文件。请先进入一个存在的文件夹（cd）再运行本命令。输入文件没有被修改。"


def _open_files() -> int | None:
    """The soft limit on open files, raised to the hard one (any process may), or None when unlimited."""
    try:
        import resource
    except ImportError:
        return None
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    except (OSError, ValueError):
        pass
    return None if soft == resource.RLIM_INFINITY or soft < 0 else soft


def too_few_files() -> str | None:
    """Why the command cannot run with so few open files (``ulimit -n 6``: an import, the report's XML writer
    or a batch worker failed half-way with EMFILE, “操作系统拒绝了这次读写” naming a library's file, an lxml
    traceback, an internal AttributeError), or None."""
    n = _open_files()
    if n is None or n >= MIN_OPEN_FILES:
        return None
    return (f"本程序可同时打开的文件数上限（ulimit -n）只有 {n} 个，至少需要 {MIN_OPEN_FILES} 个才能运行。"
            "请提高上限（如 ulimit -n 1024）后再试。输入文件没有被修改。")


def jobs_within_open_files(jobs: int) -> int:
    """As many batch workers as the open-file limit leaves room for (at least one)."""
    n = _open_files()
    if n is None:
        return jobs
    return max(1, min(jobs, (n - MIN_OPEN_FILES) // FILES_PER_WORKER + 1))


def address_space_limit() -> int | None:
    """The soft address-space limit in bytes, or None when there is none (or it cannot be read)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY or soft < 0 else soft


def _load_blas() -> None:
    """numpy's and scipy's OpenBLAS, loaded now (each allocates its buffers as it loads)."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401


def too_small() -> str | None:
    """Why the command cannot run under this process's address-space limit, or None (then the BLAS libraries
    are already loaded, so that no later import can hang on them)."""
    limit = address_space_limit()
    if limit is None:
        return None
    if limit >= MIN_ADDRESS_SPACE:
        try:
            _load_blas()
            return None
        except (MemoryError, ImportError, SystemError):
            pass
    return (f"本程序运行时的内存上限（虚拟地址空间，ulimit -v）只有 {limit // MB} MB，至少需要 "
            f"{MIN_ADDRESS_SPACE // MB} MB 才能运行。请提高上限（如 ulimit -v unlimited）后再试。输入文件没有被修改。")


def out_of_memory(e: BaseException) -> bool:
    """``e`` says the memory ran out: a MemoryError, or a library that could not be loaded for want of address
    space (“failed to map segment from shared object”, ENOMEM), which is no missing package."""
    import errno

    if isinstance(e, MemoryError):
        return True
    if isinstance(e, OSError) and e.errno == errno.ENOMEM:
        return True
    text = str(e)
    return isinstance(e, (ImportError, OSError)) and ("failed to map segment" in text or "Cannot allocate memory" in text)


def raise_if_out_of_memory(e: ImportError) -> None:
    """Where an ImportError is said as a package to install: one that is the memory running out is said as
    that (under ``ulimit -v`` scipy's ``_arpacklib`` “was missing”)."""
    if out_of_memory(e):
        raise MemoryError from e


def memory_message(files: list[str] = (), limit: int | None = None) -> str:
    """A ``MemoryError``: which files were being worked on, what ran out and what to do."""
    from budget_xl.errors import visible

    limit = address_space_limit() if limit is None else limit
    cap = f"（本程序运行时的内存上限为 {limit // MB} MB，ulimit -v）" if limit else ""
    named = "、".join(f"“{visible(str(f), names=True)}”" for f in list(files)[:3]) + ("等" if len(files) > 3 else "")
    where = f"处理{named}时" if named else ""
    return (f"{where}内存不足{cap}，命令没有完成。请关闭其他程序或提高内存上限后再试，或把文件分开处理。"
            "输入文件没有被修改，也没有留下写了一半的文件。")
