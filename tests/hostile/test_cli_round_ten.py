"""Hostile round ten, the command line: odd options, odd environments, odd streams.

Fixed in this round (each failed before):

- ``budget-xl check 主表.xlsx | head -1`` (the reader gone before the output was written) ended with exit 1 — what
  ``check`` and ``batch`` return for “有错误” — on a workbook without errors: rich answers a broken pipe with
  SystemExit(1) on its own. ``check``, ``show``, ``batch``, ``check a b`` now end 141 like ``fill --dry-run`` did;
- COLUMNS=5: ``show`` printed a table of empty columns (┏┳┳┳┳, every name and total lost) and ``--help`` broke
  every word over lines (“bu / dget-xl-演示”); a width under 40 is now taken as 80;
- a NUL in an argument (``main(["check", "a\\0.xlsx"])`` from a script; no shell can pass one) was “内部错误
  （ValueError：embedded null byte）”, exit 3, in check, batch, synth, demo and serve; now exit 2, said;
- ``batch --dask`` at an address that is no address (“abc”, “http://x”, “:::”) was exit 3 (ValueError); at a service
  that is not a scheduler (the dashboard's HTTP port) it waited for ever, or read the answer as a frame length
  (“MemoryError: Unable to allocate 3.07 EiB”, exit 3); now exit 2 within the connect timeout, said;
- ``manifest --url https://用户:密码@主机`` wrote a manifest without them and echoed the password; now refused.

Already right, kept so: --jobs/--count/--rows/--errors/--top 0, -1, abc, 1e3, "" and huge; --threshold nan/inf/-1;
missing option values; unknown options; -o a folder, another type, the input itself, 5000 characters, non-UTF-8
bytes; ``--help`` of every sub-command in Chinese under LANG=C and PYTHONIOENCODING=ascii; LANG=C/LC_ALL=POSIX,
PYTHONIOENCODING=ascii, TERM=dumb, NO_COLOR; stdin closed; the input never changed and no temporary file left.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from budget_xl.cli import build_parser, main
from tests.hostile.probe import Run, english

EXE = [sys.executable, "-m", "budget_xl"]
SUBCOMMANDS = sorted(next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def cli(*argv, env=None, cwd=None, **kw):
    e = {**os.environ, **(env or {})}
    e.pop("BUDGET_XL_DEBUG", None)
    p = subprocess.run(EXE + [str(a) for a in argv], capture_output=True, env=e, cwd=cwd, timeout=300, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("argv", [["check", "{f}"], ["show", "{f}"], ["batch", "{f}"], ["check", "{f}", "{f}"],
                                  ["fill", "{f}", "--dry-run"]])
def test_a_reader_that_has_gone_is_exit_141_not_the_exit_code_of_errors(sample_file, argv):
    argv = [a.replace("{f}", str(sample_file)) for a in argv]
    p = subprocess.Popen(EXE + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    p.stdout.close()  # `| head -0`: the first write meets a broken pipe
    err = p.stderr.read().decode("utf-8", "replace")
    assert p.wait(300) == 141, err
    assert "Traceback" not in err and "内部错误" not in err


def test_a_narrow_terminal_still_shows_the_table_and_the_help_whole(sample_file):
    code, out = cli("show", sample_file, env={"COLUMNS": "5"})
    assert code == 0 and "收支总表" in out and "4148.23" in out, out
    code, out = cli("demo", "--help", env={"COLUMNS": "5"})
    assert code == 0 and "budget-xl-演示" in out, out


def test_the_console_keeps_a_real_width():
    from budget_xl.terminal import make_console

    assert make_console(width=120).width == 120
    assert make_console(width=20).width == 20  # asked for by the program: kept


@pytest.mark.parametrize("argv", [["check", "a\0.xlsx"], ["batch", "x", "--report", "r\0.xlsx"],
                                  ["synth", "--count", "1", "--out", "x\0y"], ["demo", "--out", "d\0"],
                                  ["serve", "--users", "u\0.txt"], ["fill", "a.xlsx", "-o", "b\0.xlsx"]])
def test_a_nul_in_an_argument_is_refused_in_chinese_not_an_internal_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "中有空字符（NUL）" in err and "内部错误" not in err, err


# -- already right: kept so ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommands_help_is_chinese(sub, capsys):
    with pytest.raises(SystemExit) as done:
        main([sub, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "选项" in out, out
    assert not [w for w in english(out, Run(sub, [])) if w not in {"mkcert", "PATH", "LOCALAPPDATA", "USERPROFILE"}]


@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "POSIX"}, {"PYTHONIOENCODING": "ascii"}])
def test_help_under_an_ascii_locale_is_chinese(env):
    code, out = cli("check", "--help", env=env)
    assert code == 0 and "用法：" in out and "校验" in out, out


@pytest.mark.parametrize("argv,said", [
    (["batch", "{f}", "--jobs", "0"], "--jobs 应为正整数"),
    (["batch", "{f}", "--jobs", "-1"], "--jobs 应为正整数"),
    (["batch", "{f}", "--jobs", "abc"], "应为整数，而不是“abc”"),
    (["synth", "--count", "0", "--out", "{d}/s"], "--count 应为正整数"),
    (["synth", "--count", "1", "--rows", "99999999999999999999", "--out", "{d}/s"], "--rows 应为 1～20000"),
    (["synth", "--count", "1", "--error-rate", "nan", "--out", "{d}/s"], "--error-rate 应在 0 到 1 之间"),
    (["batch", "{f}", "--top", "-1"], "--top 应为 0 或正整数"),
    (["review", "{d}/a.pdf", "-o", "{d}/r.xlsx", "--threshold", "nan"], "--threshold 应为正数"),
    (["review", "{d}/a.pdf", "-o", "{d}/r.xlsx", "--threshold", "inf"], "--threshold 应为正数"),
    (["fill", "{f}", "-o"], "需要一个参数值"),
    (["check", "{f}", "--bogus"], "无法识别的参数：--bogus"),
    (["fill", "{f}", "-o", "{d}"], "输出文件应以 .xlsx / .xlsm 结尾"),
    (["fill", "{f}", "-o", "{f}"], "输出文件就是输入文件"),
    (["check", "{f}", "--mark", "{f}"], "--mark 的输出文件就是输入文件"),
    (["narrative", "{f}", "-o", "{f}"], "输出文件应以 .docx / .txt / .md 结尾"),
    (["fill", "{f}", "-o", "{d}/" + "a" * 5000 + ".xlsx"], "文件名或路径太长"),
    (["demo", "--out", "{f}"], "演示的输出应是一个文件夹"),
])
def test_odd_options_are_refused_in_chinese_with_exit_2(sample_copy, tmp_path, argv, said, capsys):
    before = digest(sample_copy)
    argv = [a.replace("{f}", str(sample_copy)).replace("{d}", str(tmp_path)) for a in argv]
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own refusals
        code = e.code
    out = capsys.readouterr()
    assert code == 2 and said in out.err, out
    assert "Traceback" not in out.err and "内部错误" not in out.err
    assert digest(sample_copy) == before
    assert not [p.name for p in sample_copy.parent.iterdir() if ".tmp" in p.name]


def test_a_name_with_bytes_that_are_not_utf8_is_said(sample_copy, tmp_path):
    p = subprocess.run([os.fsencode(sys.executable), b"-m", b"budget_xl", b"fill", os.fsencode(sample_copy), b"-o",
                        os.fsencode(tmp_path) + b"/\xff\xfe.xlsx"], capture_output=True, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2 and "不是 UTF-8 编码的字节" in err, err


@pytest.mark.parametrize("env", [{"LANG": "C", "LC_ALL": "POSIX"}, {"PYTHONIOENCODING": "ascii"}, {"TERM": "dumb"},
                                 {"NO_COLOR": "1"}])
def test_check_in_an_odd_environment_answers_in_chinese(sample_file, env):
    code, out = cli("check", sample_file, env=env)
    assert code == 0 and "校验" in out and "错误 0 条" in out, out
    assert "Traceback" not in out and "\x1b[" not in out


def test_check_with_stdin_closed(sample_file):
    code, out = cli("check", sample_file, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert code == 0 and "错误 0 条" in out, out


# -- batch --dask pointed at what is not a scheduler --------------------------------------------------------------
@pytest.mark.parametrize("address", ["abc", "http://x", ":::"])
def test_a_dask_address_that_is_no_address_is_said_not_an_internal_error(sample_file, address, capsys):
    """“abc” (no port), “http://x” (another scheme): ValueError in dask, exit 3."""
    pytest.importorskip("distributed")
    assert main(["batch", str(sample_file), "--dask", address]) == 2
    err = capsys.readouterr().err
    assert f"“{address}”不是有效的 dask 调度器地址" in err and "内部错误" not in err, err


@pytest.mark.parametrize("answer", [None, b"\xff" * 64], ids=["silent", "garbage"])
def test_a_dask_address_where_something_else_listens_is_said_in_time(sample_file, answer, capsys, monkeypatch):
    """The dashboard (HTTP) or any other service at the address: a service that never answers the handshake was
    waited for without end (dask's timeout covers the TCP connection only); one that answers something else was
    read as a frame length, “MemoryError: Unable to allocate 3.07 EiB”, exit 3."""
    import socket
    import threading
    import time

    pytest.importorskip("distributed")
    from budget_xl.batch import run

    monkeypatch.setattr(run, "CONNECT_SECONDS", 2)
    monkeypatch.setattr(run, "GRACE_SECONDS", 1)
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        try:
            conn, _ = server.accept()
        except OSError:
            return
        held.append(conn)
        if answer:
            conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    started = time.monotonic()
    try:
        code = main(["batch", str(sample_file), "--dask", f"tcp://127.0.0.1:{server.getsockname()[1]}"])
    finally:
        server.close()
        for conn in held:
            conn.close()
    err = capsys.readouterr().err
    assert code == 2 and "无法连接 dask 调度器" in err and "内部错误" not in err, err
    assert time.monotonic() - started < 30


def test_a_manifest_url_with_a_password_is_refused_without_echoing_it(tmp_path, capsys):
    """It was written without them and the password echoed back: “已写出清单文件（加载项地址 https://用户:密码@…）”."""
    out = tmp_path / "m.xml"
    assert main(["manifest", "--url", "https://张三:mima123@budget.example.org", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "不能含用户名或密码" in err and "mima123" not in err, err
    assert not out.exists()
    assert main(["manifest", "--url", "https://budget.example.org:8443", "-o", str(out)]) == 0
