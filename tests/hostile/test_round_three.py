"""Hostile input, round three (issue 19): what the in-process corpus cannot stage — FIFOs and devices for
``import`` and ``serve --users``, a full disk, Ctrl+C and SIGTERM, modes and hard links of a file replaced
in place, ``manifest`` into a missing folder, ``batch --jobs 100000``, a text whose tabs became spaces, and
localization that stays linear in the size of a relation. Each asserts the Chinese message and exit code."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.hostile.make_corpus import sample_bytes
from tests.hostile.test_corpus import run

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices, signals and rlimits are POSIX")


def _seed_text() -> str:
    from budget_xl.sample import seed_text

    return seed_text()


def _sample(folder: Path, name: str = "主表.xlsx") -> Path:
    p = folder / name
    p.write_bytes(sample_bytes())
    return p


def _seed_file(folder: Path) -> Path:
    p = folder / "公开.txt"
    p.write_text(_seed_text(), encoding="utf-8")
    return p


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name)


# -- one guard for every input path --------------------------------------------------------------------
@POSIX
@pytest.mark.parametrize("argv", [
    lambda p, out: ["import", str(p), "-o", str(out / "导入.xlsx")],
    lambda p, out: ["import", str(_seed_file(out)), "-o", str(out / "导入.xlsx"), "--prior", str(p)],
    lambda p, out: ["serve", "--users", str(p)],
    lambda p, out: ["serve", "--add-user", "张三", "--users", str(p)],
    lambda p, out: ["batch", str(p)],
    lambda p, out: ["check", str(p)],
], ids=["import", "import-prior", "serve-users", "serve-add-user", "batch", "check"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-urandom", "folder"])
def test_no_command_hangs_on_a_fifo_or_reads_a_device_without_bound(kind, argv, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    if kind == "fifo":
        p = tmp_path / "管道.txt"
        os.mkfifo(p)
    elif kind == "folder":
        p = tmp_path / "文件夹.txt"
        p.mkdir()
    else:
        p = Path("/dev/zero" if kind == "dev-zero" else "/dev/urandom")
        if not p.exists():
            pytest.skip(f"{p} absent")
    code, output = run(argv(p, out))
    assert code in ((1, 2) if argv(p, out)[0] == "batch" else (2,)), output  # batch: a row “无法读取”
    assert "Traceback" not in output and "内部错误" not in output
    assert ("不是普通文件" in output or "文件夹" in output or "不是 .xlsx" in output
            or "没有找到可校验的文件" in output or "不支持" in output), output


@pytest.mark.parametrize("what,limit_name,argv", [
    ("text", "MAX_TEXT_BYTES", lambda p, out: ["import", str(p), "-o", str(out / "导入.xlsx")]),
    ("users", "MAX_SMALL_BYTES", lambda p, out: ["serve", "--users", str(p)]),
])
def test_a_huge_regular_file_is_refused_by_its_size_not_read(what, limit_name, argv, tmp_path, monkeypatch):
    from budget_xl import inputs

    monkeypatch.setattr(inputs, limit_name, 4096)
    p = tmp_path / f"{what}.txt"
    with p.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024 * 1024)  # sparse: 5 GB that occupy nothing
    out = tmp_path / "out"
    out.mkdir()
    code, output = run(argv(p, out))
    assert code == 2 and "过大" in output and "上限" in output, output


def test_read_bounded_refuses_a_file_that_grows_past_the_limit_while_read(tmp_path):
    from budget_xl.errors import InputError
    from budget_xl.inputs import read_bounded

    p = tmp_path / "x.txt"
    p.write_bytes(b"a" * 100)
    assert read_bounded(p, 100) == b"a" * 100
    with pytest.raises(InputError, match="过大"):
        read_bounded(p, 99)


@pytest.mark.parametrize("sep", [" ", "  ", "    ", "\u3000", "\u00a0"])
def test_a_text_whose_tabs_became_spaces_is_told_so_in_chinese(sep, tmp_path):
    p = tmp_path / "公开.txt"
    p.write_text(_seed_text().replace("\t", sep), encoding="utf-8")
    code, output = run(["import", str(p), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 2 and "Traceback" not in output and "内部错误" not in output, output
    assert "没有制表符" in output and "用空格隔开" in output, output


@pytest.mark.parametrize("mangle", [
    lambda t: "\n".join(line.replace("\t", " ", 1) for line in t.splitlines()),      # first column glued
    lambda t: "\n".join(line.split("\t")[0] for line in t.splitlines()),             # columns cut off
    lambda t: "\n".join(line + "\t" * 30 for line in t.splitlines()),                # stray tabs
    lambda t: t[: len(t) // 3],                                                        # truncated
    lambda t: "\n".join(line.rsplit("\t", 1)[0] for line in t.splitlines()),          # last column lost
], ids=["glued", "cut", "stray-tabs", "truncated", "last-column-lost"])
def test_a_mangled_text_import_never_ends_in_an_internal_error(mangle, tmp_path):
    p = tmp_path / "公开.txt"
    p.write_text(mangle(_seed_text()), encoding="utf-8")
    for argv in (["import", str(p), "-o", str(tmp_path / "导入.xlsx")], ["batch", str(p)]):
        code, output = run(argv)
        assert code in (0, 1, 2) and "Traceback" not in output and "内部错误" not in output, output


# -- outputs -------------------------------------------------------------------------------------------
def test_manifest_into_a_missing_folder_or_a_reserved_name_is_refused_in_chinese(tmp_path):
    code, output = run(["manifest", "-o", str(tmp_path / "缺少的文件夹" / "m.xml")])
    assert code == 2 and "输出文件夹" in output and "不存在" in output, output
    assert not (tmp_path / "缺少的文件夹").exists()
    code, output = run(["manifest", "-o", str(tmp_path / "CON.xml")])
    assert code == 2 and "保留设备名" in output, output
    code, output = run(["manifest", "-o", str(tmp_path / "m.xml")])
    assert code == 0 and (tmp_path / "m.xml").read_text(encoding="utf-8").startswith("<?xml"), output


@pytest.mark.parametrize("name,ok", [("主表.xlsx", True), ("x:y*?.xlsx", False), ("CON.xlsx", False),
                                     ("con.backup.xlsx", False), ("COM10.xlsx", True), ("CONSOLE.xlsx", True),
                                     ("a.xlsx.", False), ("a.xlsx ", False), ("预算 2024.xlsx", True)])
def test_portable_names(name, ok, tmp_path):
    from budget_xl.errors import InputError
    from budget_xl.outputs import check_portable_name

    if ok:
        check_portable_name(tmp_path / name)
    else:
        with pytest.raises(InputError):
            check_portable_name(tmp_path / name)


@POSIX
@pytest.mark.parametrize("mode", [0o444, 0o600, 0o640, 0o664])
def test_fill_in_place_keeps_the_files_mode_and_its_backup_is_as_private(mode, tmp_path):
    p = _sample(tmp_path)
    os.chmod(p, mode)
    code, output = run(["fill", str(p), "--in-place"])
    assert code == 0, output
    assert stat.S_IMODE(p.stat().st_mode) == mode
    backup = next(tmp_path.glob("主表.备份-*.xlsx"))
    assert stat.S_IMODE(backup.stat().st_mode) == mode
    assert backup.read_bytes() == sample_bytes()


@POSIX
def test_fill_in_place_writes_through_a_hard_link_so_both_names_see_the_result(tmp_path):
    p = _sample(tmp_path)
    link = tmp_path / "共享盘" / "主表-链接.xlsx"
    link.parent.mkdir()
    os.link(p, link)
    inode = p.stat().st_ino
    code, output = run(["fill", str(p), "--in-place"])
    assert code == 0, output
    assert p.stat().st_ino == inode == link.stat().st_ino and p.stat().st_nlink == 2
    assert link.read_bytes() == p.read_bytes() != sample_bytes()  # the 变更记录 sheet was added
    import openpyxl

    assert "变更记录" in openpyxl.load_workbook(link, read_only=True).sheetnames


def test_batch_jobs_100000_is_capped_to_the_cores(tmp_path):
    from budget_xl.batch.cli import max_jobs

    for i in range(2):
        _sample(tmp_path, f"部门{i}.xlsx")
    code, output = run(["batch", str(tmp_path), "--jobs", "100000"])
    assert code in (0, 1), output
    assert f"按 {max_jobs()} 个进程运行" in output and max_jobs() <= (os.cpu_count() or 1)


# -- a full disk ---------------------------------------------------------------------------------------
FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # a write past the limit fails with EFBIG, as on a full disk
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from budget_xl.cli import main
    sys.exit(main(sys.argv[2:]))
""")


@POSIX
@pytest.mark.parametrize("limit", [2000, 9000, 30000])
@pytest.mark.parametrize("argv", [
    ["check", "{src}", "--mark", "{out}/标注.xlsx"],
    ["fill", "{src}", "-o", "{out}/重算.xlsx"],
    ["import", "{seed}", "-o", "{out}/导入.xlsx"],
    ["batch", "{src}", "--report", "{out}/报告.xlsx"],
    ["check", "{src}", "{src}", "--summary", "{out}/汇总.xlsx"],
    ["new", "-o", "{out}/空白.xlsx"],
    ["sample", "-o", "{out}/样例.xlsx"],
    ["document", "{src}", "-o", "{out}/公开.docx"],
], ids=["mark", "fill", "import", "batch-report", "summary", "new", "sample", "document"])
def test_a_full_disk_gives_the_chinese_reason_and_nothing_after_it(argv, limit, tmp_path):
    src = _sample(tmp_path)
    seed = tmp_path / "公开.txt"
    seed.write_text(_seed_text(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(src=src, out=out, seed=seed) for a in argv]
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(limit), *args], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    text = done.stdout + done.stderr
    assert "Traceback" not in text and "Exception ignored" not in text and "内部错误" not in text, text
    assert done.returncode in (0, 1, 2), text
    if done.returncode == 2:
        assert "无法读写文件" in text and ".tmp" not in text, text
    assert _leftovers(tmp_path) == []
    assert src.read_bytes() == sample_bytes()


# -- signals -------------------------------------------------------------------------------------------
SIGNAL_MID_WRITE = textwrap.dedent("""
    import os, signal, sys, time
    from budget_xl import lifecycle
    lifecycle.install()                      # as the package does when it is the command line
    import openpyxl
    real = openpyxl.Workbook.save
    def save(self, filename):
        real(self, filename)                 # the temporary file is written…
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        time.sleep(30)                       # …and the signal arrives before it is moved into place
    openpyxl.Workbook.save = save
    from budget_xl.cli import main
    sys.exit(main(sys.argv[2:]))
""")


@POSIX
@pytest.mark.parametrize("sig,code,text", [("SIGTERM", 143, "已终止"), ("SIGINT", 130, "已中断")])
@pytest.mark.parametrize("command", ["fill", "mark", "import", "new"])
def test_a_signal_mid_write_leaves_no_temporary_file_and_says_so_in_chinese(sig, code, text, command, tmp_path):
    src = _sample(tmp_path)
    seed = tmp_path / "公开.txt"
    seed.write_text(_seed_text(), encoding="utf-8")
    argv = {"fill": ["fill", str(src), "-o", str(tmp_path / "重算.xlsx")],
            "mark": ["check", str(src), "--mark", str(tmp_path / "标注.xlsx")],
            "import": ["import", str(seed), "-o", str(tmp_path / "导入.xlsx")],
            "new": ["new", "-o", str(tmp_path / "空白.xlsx")]}[command]
    done = subprocess.run([sys.executable, "-c", SIGNAL_MID_WRITE, sig, *argv], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert text in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert _leftovers(tmp_path) == []
    assert not any(p.name in ("重算.xlsx", "标注.xlsx", "导入.xlsx", "空白.xlsx") for p in tmp_path.iterdir())
    assert src.read_bytes() == sample_bytes()


BEFORE_MAIN = textwrap.dedent("""
    import os, signal, sys, time
    from budget_xl import lifecycle
    lifecycle.install()
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))   # while the program is still importing its modules
    time.sleep(30)
""")


@POSIX
@pytest.mark.parametrize("sig,code,text", [("SIGINT", 130, "已中断"), ("SIGTERM", 143, "已终止")])
def test_a_signal_before_the_command_started_is_answered_in_chinese_without_a_traceback(sig, code, text):
    done = subprocess.run([sys.executable, "-c", BEFORE_MAIN, sig], capture_output=True, text=True, timeout=60)
    assert done.returncode == code and text in done.stderr and "Traceback" not in done.stderr, done.stderr


@POSIX
def test_the_command_line_installs_the_handler_from_its_first_import(tmp_path):
    """``python -m budget_xl``: the package's first import installs it (the test can see it from outside)."""
    probe = "import signal, sys; sys.argv = ['budget-xl']; import budget_xl; print(signal.getsignal(signal.SIGINT))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "_on_signal" in done.stdout, done.stdout + done.stderr
    plain = subprocess.run([sys.executable, "-c", "import signal, budget_xl; print(signal.getsignal(signal.SIGINT))"],
                           capture_output=True, text=True, timeout=60)
    assert "_on_signal" not in plain.stdout  # a library user's process is left alone


def _wait_for_our_handler(proc, limit: float = 30.0) -> None:
    """Until the command's own signal handler is in place (SIGTERM caught, per /proc; Python alone does not catch
    it): a fixed sleep sent Ctrl+C into interpreter start-up on a loaded machine (returncode -2), which is
    pip's launcher's moment, not the command's. Without /proc, a second's wait."""
    import time

    status = Path(f"/proc/{proc.pid}/status")
    if not status.exists():
        time.sleep(1.0)
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            caught = next((int(line.split()[1], 16) for line in status.read_text().splitlines()
                           if line.startswith("SigCgt:")), 0)
        except OSError:
            return  # the process has ended
        if caught & (1 << (signal.SIGTERM - 1)):
            time.sleep(0.2)  # into the check itself
            return
        time.sleep(0.02)


@POSIX
def test_ctrl_c_during_a_real_check_exits_130_in_chinese(tmp_path):
    src = _sample(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "budget_xl", "check", str(src), "--mark", str(tmp_path / "标注.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    _wait_for_our_handler(proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1, 130), err  # a fast machine may have finished
    assert "Traceback" not in out + err
    if proc.returncode == 130:
        assert "已中断" in err
    assert _leftovers(tmp_path) == []


# -- a relation of thousands of cells ----------------------------------------------------------------
def _projects(n: int):
    """The sample with ``n`` extra projects of 1 万元 each (their total then disagrees: one violated relation
    over n cells, the worst case for localization)."""
    import copy

    from budget_xl.read import read_grids
    from budget_xl.sample import sample_grids

    grids = copy.deepcopy(sample_grids())
    rows = grids["项目"]
    template = list(rows[4])
    for i in range(n):
        row = list(template)
        row[0], row[1], row[2], row[4], row[5] = len(rows) - 3, f"13080024P{i:012d}", f"项目{i}", 1, 1
        rows.append(row)
    return read_grids(grids)


def test_localization_work_grows_linearly_with_the_cells_of_a_relation(monkeypatch):
    """Counted, not timed: residual terms summed for 200 and for 800 extra projects (was quadratic: a 6,000
    project workbook took over 60 s to check)."""
    from budget_xl.localize import model
    from budget_xl.localize.fold import locate_findings
    from budget_xl.rules import check_budget

    counted = {"terms": 0}
    real = model.Constraint.residual

    def residual(self, values, override=None):
        counted["terms"] += len(self.terms)
        return real(self, values, override)

    monkeypatch.setattr(model.Constraint, "residual", residual)
    work = {}
    for n in (200, 800):
        result = _projects(n)
        checked = check_budget(result.budget, result.notes)
        counted["terms"] = 0
        locate_findings(result.budget, checked.findings)
        work[n] = counted["terms"]
    assert work[800] < 6 * work[200], work  # linear: 4×; quadratic would be 16×


@POSIX
@pytest.mark.parametrize("into", [0.0, 0.1, 0.3])
def test_ctrl_c_answered_in_chinese_leaves_with_130_not_a_signal_death(tmp_path, into):
    """A KeyboardInterrupt that passed through code a C extension ran marks the interpreter to kill itself with
    SIGINT at exit (returncode −2) although ``main`` answered it: ``cli.run`` leaves with 130 itself."""
    import time

    src = _sample(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "budget_xl", "check", str(src), "--mark", str(tmp_path / "标注.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    _wait_for_our_handler(proc)
    time.sleep(into)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    if "已中断" in err:
        assert proc.returncode == 130
    else:  # a fast machine may have finished first
        assert proc.returncode in (0, 1)
