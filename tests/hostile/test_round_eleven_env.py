"""Hostile input, round eleven: the environment around a command (``tests/hostile/round_eleven_env.py``).
Each case asserts the Chinese message, the exit code and that the input is as it was; the process limits
are set in a real child process (three of them, about a second each), the rest runs in-process."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import round_eleven_env as r11

POSIX = pytest.mark.skipif(os.name != "posix", reason="rlimits, FIFOs and a deleted current folder are POSIX")


def _state(p: Path) -> tuple:
    st = os.stat(p)
    return hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, stat.S_IMODE(st.st_mode)


def _start(argv: list[str], preexec, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("BUDGET_XL_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "budget_xl", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd, env=env, preexec_fn=preexec)


@pytest.fixture(scope="module")
def children(tmp_path_factory):
    """The three limited children, started together (each is mostly interpreter start-up: run one after
    another they took about six seconds): by case, its folder, its input (with its state before) and a
    function giving its CompletedProcess."""
    if os.name != "posix":
        pytest.skip("rlimits are POSIX")
    cases = {}
    for tag, argv in (("as-300mb", lambda d, src: ["check", str(src)]),
                      ("nofile-12", lambda d, src: ["batch", str(src.parent), "--jobs", "2", "--report", str(d / "报告.xlsx")]),
                      ("cpu-1s", lambda d, src: ["demo", "--out", str(d / "演示")])):
        d = tmp_path_factory.mktemp(tag)
        src = r11.workbook(d / "部门")
        cases[tag] = (d, src, _state(src), _start(argv(d, src), r11.limits(tag), d))

    def result(tag: str) -> tuple[Path, Path, tuple, subprocess.CompletedProcess]:
        d, src, before, proc = cases[tag]
        out, err = proc.communicate(timeout=120)
        return d, src, before, subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    yield result
    for *_, proc in cases.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if ".tmp" in p.name]


# -- process limits ---------------------------------------------------------------------------------
def test_an_address_space_too_small_is_refused_in_chinese_not_a_hang(children):
    """300 MB: OpenBLAS, loading with scipy, retried its allocation for ever (check hung)."""
    _, src, before, r = children("as-300mb")
    assert r.returncode == 2, r.stderr
    assert "内存上限（虚拟地址空间，ulimit -v）只有 300 MB，至少需要 512 MB" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout and "内部错误" not in r.stderr
    assert _state(src) == before


def test_an_open_file_limit_too_small_is_refused_before_any_work(children):
    """12 open files: batch --jobs 2 ended in EMFILE naming rich's own file, an lxml traceback, or an
    internal AttributeError from the pool's cleanup."""
    d, src, before, r = children("nofile-12")
    report = d / "报告.xlsx"
    assert r.returncode == 2, r.stderr
    assert "可同时打开的文件数上限（ulimit -n）只有 12 个，至少需要 32 个" in r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert not report.exists() and _state(src) == before


def test_batch_runs_as_many_workers_as_the_open_file_limit_leaves_room_for(monkeypatch, capsys):
    from budget_xl import limits
    from budget_xl.batch.cli import checked_jobs

    monkeypatch.setattr(limits, "_open_files", lambda: limits.MIN_OPEN_FILES)
    monkeypatch.setattr("budget_xl.batch.cli.max_jobs", lambda: 2)
    assert checked_jobs(2) == 1
    assert "可同时打开的文件数上限（ulimit -n）只够 1 个进程，按 1 个进程运行" in capsys.readouterr().err
    monkeypatch.setattr(limits, "_open_files", lambda: 1024)
    assert checked_jobs(2) == 2
    monkeypatch.setattr(limits, "_open_files", lambda: None)
    assert limits.jobs_within_open_files(2) == 2 and limits.too_few_files() is None


def test_the_processor_time_limit_is_said_in_chinese_and_leaves_no_temporary_file(children):
    """``ulimit -t`` under a higher hard limit: SIGXCPU, whose default was “CPU time limit exceeded (core
    dumped)” with the demo's temporary files left behind."""
    d, src, before, r = children("cpu-1s")
    assert r.returncode == 152, (r.returncode, r.stderr[-500:])
    assert "超出了本程序可用的处理器时间上限（ulimit -t）" in r.stderr
    assert "Traceback" not in r.stderr and "core dumped" not in r.stderr
    assert _leftovers(d) == [] and _state(src) == before


@POSIX
@pytest.mark.parametrize("argv", [["new", "-o", "新.xlsx"], ["excel-setup"], ["check", "主表.xlsx"], ["manifest"]])
def test_a_deleted_current_folder_is_refused_before_any_work(tmp_path, capsys, argv):
    """A folder deleted in another window while the terminal was in it: “路径不存在” naming no file, or
    excel-setup's “No such file or directory”."""
    from budget_xl.cli import main

    here = os.getcwd()
    gone = tmp_path / "已删除"
    gone.mkdir()
    os.chdir(gone)
    try:
        r11.gone_cwd()
        code = main(list(argv))
    finally:
        os.chdir(here)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "当前文件夹已不存在（在别处被删除或移走了）" in err and "请先进入一个存在的文件夹" in err
    assert not gone.exists() and list(tmp_path.iterdir()) == []


# -- memory -----------------------------------------------------------------------------------------
def test_memory_running_out_is_said_naming_the_file(tmp_path, monkeypatch):
    src = r11.workbook(tmp_path)
    before = _state(src)

    def no_memory(*a, **k):
        raise MemoryError

    monkeypatch.setattr("budget_xl.read.read_workbook", no_memory)
    r = run_cli("fill", src, "-o", tmp_path / "重算.xlsx")
    assert r.returncode == 2, r.stderr
    assert f"处理“{src}”时内存不足" in r.stderr and "内部错误" not in r.stderr
    monkeypatch.setattr("budget_xl.commands._check_one", no_memory)
    r = run_cli("check", src, "--summary", tmp_path / "汇总.xlsx")
    assert f"处理“{src}”时内存不足" in r.stdout + r.stderr and "内部错误" not in r.stdout + r.stderr
    assert _state(src) == before and _leftovers(tmp_path) == []


def test_a_library_that_cannot_be_mapped_is_memory_not_a_missing_package():
    from budget_xl.limits import out_of_memory, raise_if_out_of_memory
    from budget_xl.outputs import os_reason

    mapped = ImportError("libscipy_openblas.so: failed to map segment from shared object")
    assert out_of_memory(mapped) and out_of_memory(MemoryError()) and out_of_memory(OSError(errno.ENOMEM, "x"))
    assert not out_of_memory(ImportError("No module named 'xlwings'"))
    with pytest.raises(MemoryError):
        raise_if_out_of_memory(mapped)
    raise_if_out_of_memory(ImportError("No module named 'xlwings'"))  # a real missing package: left as it is
    assert os_reason(OSError(errno.EMFILE, "Too many open files")) == "同时打开的文件太多，超出了系统的限制（ulimit -n）"
    assert os_reason(OSError(errno.ENOMEM, "Cannot allocate memory")) == "内存不足"


# -- outputs ----------------------------------------------------------------------------------------
def test_an_existing_output_named_near_the_limit_still_gets_its_backup(tmp_path, tag="name-255-bytes-existing"):
    """The name exists, so it is legal; its backup “…备份-日期时间.xlsx” was longer than 255 bytes and the run
    said “文件名或路径太长”."""
    out = r11.output_names(tmp_path)[tag]
    blank = run_cli("new", "-o", tmp_path / "空白.xlsx")
    assert blank.returncode == 0, blank.stderr
    out.write_bytes((tmp_path / "空白.xlsx").read_bytes())  # a blank workbook: new may replace it
    old = out.read_bytes()
    r = run_cli("new", "-o", out)
    assert r.returncode == 0, r.stderr
    backups = [p for p in tmp_path.iterdir() if ".备份-" in p.name]
    assert len(backups) == 1 and len(backups[0].name.encode()) <= 255 and backups[0].read_bytes() == old
    assert backups[0].name.startswith(out.stem[:40])
    assert _leftovers(tmp_path) == []


def test_fit_name_shortens_by_whole_characters():
    from budget_xl.outputs import fit_name

    name = fit_name("甲" * 100, ".备份-20261206-213103.xlsx")
    assert len(name.encode()) <= 255 and name.endswith(".备份-20261206-213103.xlsx") and name.startswith("甲" * 70)
    assert fit_name("主表", "_标注.xlsx") == "主表_标注.xlsx"


@POSIX
@pytest.mark.parametrize("tag, said", [
    ("name-256-bytes", "文件名或路径太长"),
    ("path-past-path-max", "文件名或路径太长"),
    ("fifo", "不是普通文件，不能写入"),
    ("dangling-link", "不是普通文件，不能写入"),
    ("dev-null", "应以 .xlsx 结尾"),
])
def test_an_output_that_cannot_be_a_workbook_is_refused_in_chinese(tmp_path, tag, said):
    out = r11.output_names(tmp_path)[tag]
    r = run_cli("new", "-o", out)
    assert r.returncode == 2, r.stderr
    assert said in r.stderr and "Traceback" not in r.stderr
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("tag", ["hard-link-of-input", "input-via-dotdot"])
def test_an_output_that_is_the_input_by_another_name_is_refused(tmp_path, tag):
    out = r11.output_names(tmp_path)[tag]
    src = tmp_path / "主表.xlsx"
    before = _state(src)
    r = run_cli("fill", src, "-o", out)
    assert r.returncode == 2, r.stderr
    assert "就是输入文件" in r.stderr and _state(src) == before


# -- inputs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["same-name", "dot-spelling", "hard-link"])
def test_a_file_named_twice_is_read_once(tmp_path, capsys, kind):
    from budget_xl.inputs import each_once

    args = r11.twice(tmp_path)[kind]
    assert each_once([Path(a) for a in args]) == [Path(args[0])]
    assert "给出了两次，只读取一次" in capsys.readouterr().err


def test_review_of_one_pdf_named_twice_reads_it_once(tmp_path, monkeypatch):
    """``review 公开.pdf 公开.pdf`` read one PDF as its own 说明 and 公开表: 363 problems in a PDF with 4."""
    pdf = r11.same_stem_pdfs(tmp_path)[0]
    seen = []

    class Review:
        rows, problems, path = [], 0, str(pdf)

    monkeypatch.setattr("budget_xl.review.run.review_pdf", lambda files, **k: seen.append(list(files)) or Review())
    monkeypatch.setattr("budget_xl.review.workbook.write_checklist", lambda rv, out: Path(out).write_bytes(b"x"))
    r = run_cli("review", pdf, pdf, "-o", tmp_path / "检查表.xlsx")
    assert r.returncode == 0, r.stderr
    assert seen == [[pdf]] and "给出了两次，只读取一次" in r.stderr


def test_batch_review_gives_two_same_named_pdfs_two_checklists(tmp_path, monkeypatch):
    """Two departments' 公开.pdf: the second checklist replaced the first (both were 公开_检查表.xlsx)."""
    a, b = r11.same_stem_pdfs(tmp_path)

    class Review:
        rows, problems = [], 0

        def __init__(self, files):
            self.path = str(files[0])

    monkeypatch.setattr("budget_xl.review.run.review_pdf", lambda files, **k: Review(files))
    monkeypatch.setattr("budget_xl.review.workbook.write_checklist",
                        lambda rv, out: Path(out).write_text(rv.path, encoding="utf-8"))
    monkeypatch.setattr("budget_xl.review.workbook.write_summary", lambda results, out: Path(out).write_bytes(b"x"))
    out = tmp_path / "检查表"
    r = run_cli("batch", a, b, "--review", out)
    assert r.returncode == 0, r.stderr
    lists = sorted(p.name for p in out.iterdir() if p.name != "汇总.xlsx")
    assert lists == ["公开_检查表(2).xlsx", "公开_检查表.xlsx"]
    assert {(out / n).read_text(encoding="utf-8") for n in lists} == {str(a.resolve()), str(b.resolve())} or \
        {(out / n).read_text(encoding="utf-8") for n in lists} == {str(a), str(b)}
