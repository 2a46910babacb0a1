"""Hostile archives: a ~3 MB zip bomb (3 GB of zeros) and a sheet reaching XFD1048576, each run through
``budget-xl check`` in a child process; wall time and peak memory (ru_maxrss) printed against ``check`` on
the sample in the same run.

Targets: the bomb refused in under 1 s and 200 MB. Run: python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from budget_xl.sample import write_sample


def bomb(sample: bytes, gigabytes: int = 3) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(sample))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        info = zipfile.ZipInfo("xl/sharedStrings2.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b"\0" * (16 * 1024 * 1024)
        with z.open(info, "w", force_zip64=True) as fh:
            for _ in range(gigabytes * 64):
                fh.write(chunk)
    return out.getvalue()


def far(sample: bytes) -> bytes:
    from budget_xl.read.files import _sheet_paths

    src = zipfile.ZipFile(io.BytesIO(sample))
    part = _sheet_paths(src)["收入总表"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
            z.writestr(info.filename, data)
    return out.getvalue()


def measure(path: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB of that child alone (os.wait4), exit code, first line of stderr) for ``check path``."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "budget_xl", "check", str(path)],
                                 stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t
        err.seek(0)
        first = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[0][:120]
    return seconds, usage.ru_maxrss / 1024, child.returncode, first


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        sample = write_sample(d / "样例.xlsx")
        data = sample.read_bytes()
        (d / "炸弹.xlsx").write_bytes(bomb(data))
        (d / "极大范围.xlsx").write_bytes(far(data))
        print(f"zip bomb: {(d / '炸弹.xlsx').stat().st_size / 1e6:.1f} MB on disk, 3 GB inflated")
        base = measure(sample)
        print(f"check sample        {base[0]:6.2f} s  peak {base[1]:6.0f} MB  exit {base[2]}")
        for name in ("炸弹.xlsx", "极大范围.xlsx"):
            s, mb, code, msg = measure(d / name)
            print(f"check {name:<12}  {s:6.2f} s  peak {mb:6.0f} MB  exit {code}  ratio to sample {s / base[0]:.2f}  {msg}")


if __name__ == "__main__":
    main()
