# ruff: noqa: E501
"""Hostile input, round eleven (the environment): the process and the file system around a command, for
every command — an address-space limit (``ulimit -v``: 300 MB, under which OpenBLAS retried its allocation
for ever, and just above the 512 MB the command line asks for), an open-file limit (``ulimit -n``: 12, where
batch workers, imports and the report's writer failed with EMFILE, and 32, just enough for one worker), a
processor-time limit (``ulimit -t`` with a higher hard limit: SIGXCPU, whose default is a core dump), the
current folder deleted under the process; outputs named near and past the 255-byte limit of a name (a
name that exists and must still get its backup), a FIFO, a dangling link, /dev/null, a hard link of the
input, the input spelt with ``../``; two runs writing one output at once; the same input named twice
(``review a.pdf a.pdf`` read one PDF as its own 说明 and 公开表), two inputs of one name in two folders for
``batch --review``, an input with a trailing slash and a folder for commands taking a file.

Each builder writes its inputs into a folder and returns them; ``limits``/``gone_cwd`` give the
``preexec_fn`` that sets the situation up in the child before it runs. ``tests/hostile/test_round_eleven_env.py``
asserts what each must give, ``python -m tests.hostile.probe OUT --round 11`` runs them through every command.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.hostile.make_corpus import sample_bytes

MB = 1024 * 1024

# (resource name, soft, hard); hard None: the same as soft
LIMITS: dict[str, tuple[str, int, int | None]] = {
    "as-300mb": ("RLIMIT_AS", 300 * MB, None),
    "as-560mb": ("RLIMIT_AS", 560 * MB, None),
    "nofile-12": ("RLIMIT_NOFILE", 12, None),
    "nofile-32": ("RLIMIT_NOFILE", 32, None),
    "nofile-soft-10": ("RLIMIT_NOFILE", 10, 4096),
    "cpu-1s": ("RLIMIT_CPU", 1, 60),
}


def limits(tag: str) -> Callable[[], None]:
    """A ``preexec_fn`` setting the limit ``tag`` names in the child, before the command starts."""
    name, soft, hard = LIMITS[tag]

    def set_limit() -> None:
        import resource

        resource.setrlimit(getattr(resource, name), (soft, soft if hard is None else hard))
    return set_limit


def gone_cwd() -> None:
    """A ``preexec_fn`` removing the child's current folder (the child is already in it): a folder deleted in
    another window while a terminal was still in it."""
    os.rmdir(os.getcwd())


def workbook(folder: Path, name: str = "主表.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(sample_bytes())
    return p


def output_names(folder: Path) -> dict[str, Path]:
    """Odd outputs beside a workbook input ``folder/主表.xlsx``: by the name of each, the path to give ``-o``."""
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "主表.xlsx"
    if not src.exists():
        workbook(folder)
    near = folder / ("甲" * 81 + ".xlsx")  # 248 bytes: legal, and it exists
    near.write_bytes(sample_bytes())
    ascii_near = folder / ("a" * 250 + ".xlsx")  # exactly 255 bytes
    ascii_near.write_bytes(sample_bytes())
    fifo = folder / "管道.xlsx"
    if not fifo.exists():
        os.mkfifo(fifo)
    dangling = folder / "断链.xlsx"
    if not dangling.is_symlink():
        dangling.symlink_to(folder / "没有.xlsx")
    hard = folder / "硬链接.xlsx"
    if not hard.exists():
        os.link(src, hard)
    (folder / "子").mkdir(exist_ok=True)
    return {
        "name-248-bytes-existing": near,
        "name-255-bytes-existing": ascii_near,
        "name-256-bytes": folder / ("a" * 251 + ".xlsx"),
        "path-past-path-max": folder / "/".join(["目" * 60] * 25) / "x.xlsx",
        "fifo": fifo,
        "dangling-link": dangling,
        "dev-null": Path(os.devnull),
        "hard-link-of-input": hard,
        "input-via-dotdot": folder / "子" / ".." / "主表.xlsx",
    }


def twice(folder: Path) -> dict[str, list[str]]:
    """Inputs named twice: the same name, another spelling of it, a hard link; by kind, the arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    src = workbook(folder)
    link = folder / "别名.xlsx"
    if not link.exists():
        os.link(src, link)
    return {
        "same-name": [str(src), str(src)],
        "dot-spelling": [str(src), str(folder / "." / "主表.xlsx")],
        "hard-link": [str(src), str(link)],
    }


def same_stem_pdfs(folder: Path, data: bytes = b"%PDF-1.4\n%%EOF\n") -> list[Path]:
    """Two 公开.pdf in two departments' folders (``batch a/ b/ --review out``)."""
    out = []
    for dept in ("甲局", "乙局"):
        (folder / dept).mkdir(parents=True, exist_ok=True)
        p = folder / dept / "公开.pdf"
        p.write_bytes(data)
        out.append(p)
    return out
