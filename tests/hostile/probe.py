# ruff: noqa: E501, B023
"""The reviewer's probe: every command over the round-four inputs, odd paths and odd environments, each
in its own process with a timeout. Reports every run that crashed (exit 3, 134, 139, a signal), printed a
traceback, hung, printed English, changed an input (bytes, mtime or mode) or left a temporary file.

    python -m tests.hostile.probe OUT [--only SUBSTRING] [--jobs 2]

Not a test (it takes minutes); what it finds becomes a case in ``tests/hostile/test_round_four.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import round_four
from tests.hostile.make_corpus import sample_bytes

TIMEOUT = 60
EXE = [sys.executable, "-m", "budget_xl"]

# ASCII words a Chinese user may see: product and format names, option names, rule ids
ALLOWED = {w.lower() for w in """
    budget xlsx xlsm xlam docx json html http https localhost excel word office xlwings server manifest
    libreoffice soffice true false none null dask debug budget_xl_debug utf gbk pdfium pdfplumber wps
    calamine openpyxl python locate unit slip sheet content types xml rels styles sharedstrings worksheets
    workbook shanghai jiangsu national detail origin application plain text content-type
    ctrl sigterm windows com1 lpt9 aux con daxie rollup wanyuan zengjian validate recompute recompute_preview
    export_narrative delete patch trace post polyform check fill import narrative document batch review synth
    serve demo show sample noncommercial remote readme xlwings_license_key connectionreseterror
    toml lang pythonutf8 entra microsoft entraid status macos gzip identity
    ulimit unlimited
""".split()}
# the request's own words echoed back (“没有名为“nope”的函数”) are the user's, not ours
ECHOED = {"nope", "nothing"}
WORD = re.compile(r"(?<![A-Za-z0-9_\-./\\])[A-Za-z]{4,}(?![A-Za-z0-9_])")
RULE_ID = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
PATHLIKE = re.compile(r"(?:[\w.\-\u4e00-\u9fff（）() ]*[/\\][^\s“”，。：；（）]*)|(?:\S+\.(?:xlsx|xls|xlsm|pdf|txt|docx|md|xml|toml|pem|j2))")


@dataclass
class Run:
    id: str
    argv: list[str]
    watch: list[Path] = field(default_factory=list)     # inputs that must not change
    env: dict[str, str | None] = field(default_factory=dict)
    cwd: Path | None = None
    stdin: str = "devnull"      # devnull | closed
    stdout: str = "pipe"        # pipe | closed | head | full (/dev/full)
    umask: int | None = None
    expect_codes: tuple[int, ...] = (0, 1, 2)
    timeout: int = TIMEOUT
    preexec: object = None      # round eleven: a function run in the child before the command (rlimits, …)


def snapshot(paths: list[Path]) -> dict[str, tuple]:
    out = {}
    for p in paths:
        try:
            st = os.lstat(p)
        except OSError:
            out[str(p)] = None
            continue
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else None
        out[str(p)] = (digest, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
    return out


def english(text: str, run: Run) -> list[str]:
    for a in sorted(run.argv, key=len, reverse=True):
        if len(a) > 2:
            text = text.replace(a, " ")
    text = RULE_ID.sub(" ", text)
    text = PATHLIKE.sub(" ", text)
    words = [w for w in WORD.findall(text) if w.lower() not in ALLOWED and w not in ECHOED]
    return sorted(set(words))


def leftovers(folders: list[Path]) -> list[str]:
    found = []
    for f in folders:
        if f.is_dir():
            found += [str(p) for p in f.rglob("*") if ".tmp" in p.name or p.name.startswith(".~")]
    return found


def execute(run: Run, scratch: Path) -> dict:
    env = dict(os.environ)
    env.pop("BUDGET_XL_DEBUG", None)
    for k, v in run.env.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    before = snapshot(run.watch)
    cmd = EXE + run.argv
    t = time.monotonic()
    stdin = subprocess.DEVNULL
    preexec = None
    if run.stdin == "closed" or run.umask is not None or run.preexec is not None:
        def preexec():
            if run.stdin == "closed":
                os.close(0)
            if run.umask is not None:
                os.umask(run.umask)
            if run.preexec is not None:
                run.preexec()
    if run.stdout == "head":
        argv = ["bash", "-c", " ".join(_q(c) for c in cmd) + " 2>&1 | head -1; exit ${PIPESTATUS[0]}"]
    elif run.stdout == "closed":
        argv = ["bash", "-c", " ".join(_q(c) for c in cmd) + " >&-"]
    elif run.stdout == "full":
        argv = ["bash", "-c", " ".join(_q(c) for c in cmd) + " >/dev/full"]
    else:
        argv = cmd
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=run.cwd,
                            stdin=None if run.stdin == "closed" else stdin, preexec_fn=preexec)
    hung = False
    try:
        so, se = proc.communicate(timeout=run.timeout)
    except subprocess.TimeoutExpired:  # as a user would stop it: SIGTERM, then (10 s later) SIGKILL
        hung = True
        proc.terminate()
        try:
            so, se = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            so, se = proc.communicate()
    code, out = (None if hung else proc.returncode), (so or b"") + (se or b"")
    seconds = time.monotonic() - t
    text = out.decode("utf-8", "replace")
    problems = []
    if hung:
        problems.append(f"hang>{run.timeout}s")
    elif code not in run.expect_codes and not (run.stdout == "head" and code == 141):
        problems.append(f"exit {code}")
    if "Traceback" in text or "Exception ignored" in text or "内部错误" in text or "panicked" in text:
        problems.append("traceback/internal")
    en = [] if "--json" in run.argv else english(text, run)
    if en:
        problems.append("english:" + ",".join(en[:12]))
    after = snapshot(run.watch)
    changed = [k for k in before if before[k] != after.get(k)]
    if changed:
        problems.append("input changed:" + ",".join(changed))
    left = leftovers([run.cwd]) if run.cwd and scratch in run.cwd.parents else []
    if left:
        problems.append("leftover:" + ",".join(left[:3]))
    return {"id": run.id, "argv": run.argv, "code": code, "seconds": round(seconds, 1), "problems": problems,
            "output": text[-1500:]}


def _q(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


# -- the runs ------------------------------------------------------------------------------------------
def _text_commands(p: Path) -> dict:
    """What every round runs on a text input: argv by command, given the run's output folder."""
    return {"import": lambda o: ["import", str(p), "-o", str(o / "导入.xlsx")],
            "batch": lambda o: ["batch", str(p), "--jobs", "1"],
            "check": lambda o: ["check", str(p)],
            "review": lambda o: ["review", str(p), "-o", str(o / "检查表.xlsx")]}


def _pdf_commands(p: Path) -> dict:
    """What every round runs on a PDF input."""
    return {"import": lambda o: ["import", str(p), "-o", str(o / "导入.xlsx")],
            "review": lambda o: ["review", str(p), "-o", str(o / "检查表.xlsx")],
            "batch": lambda o: ["batch", str(p), "--review", str(o / "检查表"), "--jobs", "1"],
            "check": lambda o: ["check", str(p)]}


def _command_runs(out, name: str, p: Path, commands: dict, timeout: int = TIMEOUT) -> list[Run]:
    """One run per command on input ``p``, each in its own output folder (``rid`` NAME.COMMAND)."""
    rs = []
    for cmd, argv in commands.items():
        rid = f"{name}.{cmd}"
        o = out(rid)
        rs.append(Run(rid, argv(o), [p], cwd=o, timeout=timeout))
    return rs


def _run_folders(root: Path):
    """``out(rid)``: a run's own output folder under ROOT/out; ``copy(path, rid)``: its own copy of an input."""
    out_root = root / "out"
    out_root.mkdir(parents=True, exist_ok=True)

    def out(rid: str) -> Path:
        d = out_root / rid
        d.mkdir(parents=True, exist_ok=True)
        return d

    def copy(p: Path, rid: str) -> Path:
        d = out(rid) / "in"
        d.mkdir(exist_ok=True)
        return Path(shutil.copy2(p, d / p.name))

    return out, copy


def runs(root: Path) -> list[Run]:
    inputs = root / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for name, build in round_four.all_inputs().items():
        folder = inputs / name
        folder.mkdir(exist_ok=True)
        built[name] = build(folder)
    out, copy_path = _run_folders(root)
    rs: list[Run] = []

    def copy(name: str, rid: str) -> Path:
        return copy_path(built[name], rid)

    xlsx = {**round_four.xlsx_inputs(), **round_four.cell_inputs()}
    for name in xlsx:
        p = built[name]
        for cmd, argv in {
            "check": lambda o: ["check", str(p)],
            "json": lambda o: ["check", str(p), "--json"],
            "mark": lambda o: ["check", str(p), "--mark", str(o / "标注.xlsx")],
            "fill": lambda o: ["fill", str(p), "-o", str(o / "重算.xlsx")],
            "dry": lambda o: ["fill", str(p), "--dry-run"],
            "narrative": lambda o: ["narrative", str(p), "-o", str(o / "说明.docx"), "--force"],
            "document": lambda o: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
            "import": lambda o: ["import", str(p), "-o", str(o / "导入.xlsx")],
            "batch": lambda o: ["batch", str(p.parent), "--report", str(o / "报告.xlsx"), "--jobs", "1"],
        }.items():
            rid = f"{name}.{cmd}"
            o = out(rid)
            rs.append(Run(rid, argv(o), [p], cwd=o))
        rid = f"{name}.inplace"
        c = copy(name, rid)
        rs.append(Run(rid, ["fill", str(c), "--in-place"], [], cwd=out(rid)))

    for name in round_four.text_inputs():
        rs += _command_runs(out, name, built[name], _text_commands(built[name]))
    for name in round_four.pdf_inputs():
        p = built[name]
        prior = {"prior": lambda o, p=p: ["import", str(built["txt-utf8-bom"]), "--prior", str(p), "-o", str(o / "导入.xlsx")]}
        rs += _command_runs(out, name, p, {**_pdf_commands(p), **prior}, timeout=120 if "500" in name else TIMEOUT)

    rs += path_runs(root)
    rs += env_runs(root)
    return rs


def path_runs(root: Path) -> list[Run]:
    base = root / "paths"
    base.mkdir(exist_ok=True)
    s = sample_bytes()
    rs: list[Run] = []

    def sample_at(p: Path) -> Path:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(s)
        return p

    d = base / "目录 with space"
    names = {
        "space": "主 表 .xlsx", "nfd": "主表\u0065\u0301.xlsx", "long": "长" * 80 + ".xlsx",
        "newline": "主\n表.xlsx", "dash": "-主表.xlsx", "emoji": "预算😀.xlsx", "tab": "主\t表.xlsx",
        "upper": "主表.XLSX", "nosuffix": "主表", "xls-suffix": "主表.xls", "dot-only": ".xlsx",
    }
    for key, name in names.items():
        p = sample_at(d / key / name)
        o = base / "out" / key
        o.mkdir(parents=True, exist_ok=True)
        rs += [
            Run(f"path-{key}.check", ["check", "--", str(p)] if key == "dash" else ["check", str(p)], [p]),
            Run(f"path-{key}.check-rel", ["check", name], [p], cwd=p.parent),
            Run(f"path-{key}.fill", ["fill", str(p), "-o", str(o / ("重算" + name.replace("/", "")))], [p]),
            Run(f"path-{key}.mark", ["check", str(p), "--mark", str(o / ("标注-" + name))], [p]),
            Run(f"path-{key}.batch", ["batch", str(p.parent), "--report", str(o / "报告.xlsx"), "--jobs", "1"], [p]),
        ]
    # a leading dash without --: argparse decides
    p = d / "dash" / "-主表.xlsx"
    rs.append(Run("path-dash.check-no-ddash", ["check", "-主表.xlsx"], [p], cwd=p.parent))
    rs.append(Run("path-dash.fill-out-dash", ["fill", "主表.xlsx", "-o", "-重算.xlsx"], [], cwd=sample_at(base / "dash-out" / "主表.xlsx").parent))
    # symlink loops, dangling links, folders and files swapped
    loop = base / "loop"
    loop.mkdir(exist_ok=True)
    for a, b in (("a.xlsx", "b.xlsx"), ("b.xlsx", "a.xlsx")):
        if not (loop / a).is_symlink():
            (loop / a).symlink_to(loop / b)
    if not (loop / "self").is_symlink():
        (loop / "self").symlink_to(loop / "self")
    if not (loop / "dangling.xlsx").is_symlink():
        (loop / "dangling.xlsx").symlink_to(loop / "nowhere.xlsx")
    good = sample_at(base / "good" / "主表.xlsx")
    filedir = base / "good" / "文件"
    filedir.write_text("x")
    folderx = base / "folder.xlsx"
    folderx.mkdir(exist_ok=True)
    txtdir = base / "folder.txt"
    txtdir.mkdir(exist_ok=True)
    pdfdir = base / "folder.pdf"
    pdfdir.mkdir(exist_ok=True)
    o = base / "out" / "odd"
    o.mkdir(parents=True, exist_ok=True)
    for tag, target in (("loop", loop / "a.xlsx"), ("self", loop / "self"), ("dangling", loop / "dangling.xlsx"),
                        ("folder", folderx), ("file-as-dir", filedir / "主表.xlsx")):
        rs += [
            Run(f"odd-{tag}.check", ["check", str(target)], []),
            Run(f"odd-{tag}.fill", ["fill", str(target), "-o", str(o / f"{tag}.xlsx")], []),
            Run(f"odd-{tag}.import", ["import", str(target), "-o", str(o / f"{tag}-导入.xlsx")], []),
            Run(f"odd-{tag}.review", ["review", str(target), "-o", str(o / f"{tag}-检查.xlsx")], []),
            Run(f"odd-{tag}.narrative", ["narrative", str(target), "-o", str(o / f"{tag}.docx")], []),
            Run(f"odd-{tag}.batch", ["batch", str(target)], []),
            Run(f"odd-{tag}.prior", ["narrative", str(good), "--prior", str(target), "-o", str(o / f"{tag}-p.docx")], [good]),
            Run(f"odd-{tag}.budget", ["check", str(good), "--budget", str(target)], [good]),
            Run(f"odd-{tag}.templates", ["narrative", str(good), "--templates", str(target), "-o", str(o / f"{tag}-t.docx")], [good]),
        ]
    rs += [Run("odd-folder-txt.import", ["import", str(txtdir), "-o", str(o / "t.xlsx")], []),
           Run("odd-folder-pdf.review", ["review", str(pdfdir), "-o", str(o / "r.xlsx")], []),
           Run("odd-loop.batch-folder", ["batch", str(loop)], [])]
    # outputs: missing folder, a file as folder, a folder as output, output == input, links to input
    # (good is watched only where it is the command's input: import, review, new … write over it by design)
    missing = base / "没有的文件夹" / "子"
    link = base / "good" / "链接.xlsx"
    if not link.is_symlink():
        link.symlink_to(good)
    outs = {
        "missing": missing / "x", "file-parent": filedir / "x", "folder": folderx, "input": good, "link": link,
    }
    for tag, target in outs.items():
        rs += [
            Run(f"out-{tag}.fill", ["fill", str(good), "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], [good]),
            Run(f"out-{tag}.mark", ["check", str(good), "--mark", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], [good]),
            Run(f"out-{tag}.summary", ["check", str(good), "--summary", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], [good]),
            Run(f"out-{tag}.narrative", ["narrative", str(good), "-o", str(target) + ".docx"], [good]),
            Run(f"out-{tag}.document", ["document", str(good), "-o", str(target) + ".docx"], [good]),
            Run(f"out-{tag}.import", ["import", str(round_four.SHANGHAI_PDF), "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], []),
            Run(f"out-{tag}.review", ["review", str(round_four.SHANGHAI_PDF), "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], []),
            Run(f"out-{tag}.batch-report", ["batch", str(good.parent), "--report", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx"), "--jobs", "1"], [good]),
            Run(f"out-{tag}.batch-review", ["batch", str(round_four.SHANGHAI_PDF), "--review", str(target), "--jobs", "1"], []),
            Run(f"out-{tag}.new", ["new", "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], []),
            Run(f"out-{tag}.sample", ["sample", "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xlsx")], []),
            Run(f"out-{tag}.synth", ["synth", "--count", "2", "--out", str(target)], []),
            Run(f"out-{tag}.manifest", ["manifest", "-o", str(target) + ("" if tag in ("folder", "input", "link") else ".xml")], []),
            Run(f"out-{tag}.demo", ["demo", "--out", str(target)], [], timeout=180),
        ]
    # argument values out of range
    rs += [
        Run("arg-jobs-0", ["batch", str(good.parent), "--jobs", "0"], [good]),
        Run("arg-jobs-neg", ["batch", str(good.parent), "--jobs", "-3"], [good]),
        Run("arg-jobs-text", ["batch", str(good.parent), "--jobs", "两"], [good]),
        Run("arg-top-neg", ["batch", str(good.parent), "--top", "-1"], [good]),
        Run("arg-synth-count-neg", ["synth", "--count", "-5", "--out", str(o / "s1")], []),
        Run("arg-synth-count-huge", ["synth", "--count", "99999999999999999999", "--out", str(o / "s2")], [], timeout=30),
        Run("arg-synth-rows-0", ["synth", "--count", "1", "--rows", "0", "--out", str(o / "s3")], []),
        Run("arg-synth-rows-huge", ["synth", "--count", "1", "--rows", "100000000", "--out", str(o / "s4")], [], timeout=30),
        Run("arg-synth-errors-huge", ["synth", "--count", "1", "--errors", "100000", "--out", str(o / "s5")], []),
        Run("arg-synth-error-rate", ["synth", "--count", "1", "--error-rate", "7", "--out", str(o / "s6")], []),
        Run("arg-synth-seed-text", ["synth", "--count", "1", "--seed", "abc", "--out", str(o / "s7")], []),
        Run("arg-review-threshold", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "th.xlsx"), "--threshold", "-5"], []),
        Run("arg-review-threshold-nan", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "th2.xlsx"), "--threshold", "nan"], []),
        Run("arg-review-checklist-missing", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "th3.xlsx"), "--checklist", str(o / "no.toml")], []),
        Run("arg-review-checklist-garbage", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "th4.xlsx"), "--checklist", str(good)], [good]),
        Run("arg-port-huge", ["serve", "--port", "99999"], []),
        Run("arg-port-text", ["serve", "--port", "八千"], []),
        Run("arg-host-bad", ["serve", "--host", "999.1.1.1", "--port", "8931"], [], timeout=20),
        Run("arg-workers-0", ["serve", "--workers", "0", "--port", "8932"], [], timeout=20),
        Run("arg-manifest-url-bad", ["manifest", "--url", "ftp://例子 /x", "-o", str(o / "m.xml")], []),
        Run("arg-manifest-url-http", ["manifest", "--url", "not a url", "-o", str(o / "m2.xml")], []),
        Run("arg-import-template-bad", ["import", str(round_four.SHANGHAI_PDF), "--template", "beijing", "-o", str(o / "i.xlsx")], []),
        Run("arg-none", [], []),
        Run("arg-unknown-command", ["frobnicate"], []),
        Run("arg-check-nothing", ["check"], []),
        Run("arg-version", ["--version"], []),
        Run("arg-help-check", ["check", "--help"], []),
        Run("arg-abbrev", ["check", str(good), "--su", str(o / "su.xlsx")], [good]),
        Run("arg-dask-bad", ["batch", str(good.parent), "--dask", "tcp://127.0.0.1:1"], [good], timeout=40),
        Run("arg-users-missing", ["serve", "--users", str(o / "no-users.txt"), "--port", "8933"], [], timeout=20),
        Run("arg-add-user-bad", ["serve", "--add-user", "a b\n", "--users", str(o / "users.txt")], []),
        Run("arg-certs-missing", ["serve", "--certs", str(o / "nocerts"), "--port", "8934"], [], timeout=20),
        Run("arg-certs-garbage", ["serve", "--certs", str(filedir.parent), "--port", "8935"], [], timeout=20),
    ]
    return rs


def env_runs(root: Path) -> list[Run]:
    base = root / "env"
    base.mkdir(exist_ok=True)
    good = base / "主表.xlsx"
    good.write_bytes(sample_bytes())
    bad = base / "截断.xlsx"
    bad.write_bytes(sample_bytes()[:5000])
    wrong = base / "错误.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(good)
    wb["支出总表"]["D7"].value = 3497.31
    wb.save(wrong)
    ro = base / "只读"
    ro.mkdir(exist_ok=True)
    notdir = base / "notdir"
    notdir.write_text("x")
    envs = {
        "lang-c": {"LANG": "C", "LC_ALL": "C"},
        "lang-posix-no-utf8": {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
        "io-gbk": {"PYTHONIOENCODING": "gbk"},
        "io-ascii": {"PYTHONIOENCODING": "ascii"},
        "io-latin1": {"PYTHONIOENCODING": "latin-1"},
        "no-home": {"HOME": None},
        "home-missing": {"HOME": str(base / "没有的家")},
        "tmpdir-missing": {"TMPDIR": str(base / "没有的临时")},
        "tmpdir-file": {"TMPDIR": str(notdir)},
        "columns-1": {"COLUMNS": "1"},
        "columns-0": {"COLUMNS": "0"},
        "columns-text": {"COLUMNS": "wide", "LINES": "-1"},
        "no-color": {"NO_COLOR": "1", "TERM": "dumb"},
        "force-color": {"FORCE_COLOR": "1", "TERM": "xterm-256color"},
        "no-path": {"PATH": ""},
    }
    rs: list[Run] = []
    for tag, env in envs.items():
        o = base / "out" / tag
        o.mkdir(parents=True, exist_ok=True)
        rs += [
            Run(f"env-{tag}.check", ["check", str(wrong)], [wrong], env=env),
            Run(f"env-{tag}.check-bad", ["check", str(bad)], [bad], env=env),
            Run(f"env-{tag}.fill", ["fill", str(wrong), "-o", str(o / "重算.xlsx")], [wrong], env=env),
            Run(f"env-{tag}.dry", ["fill", str(wrong), "--dry-run"], [wrong], env=env),
            Run(f"env-{tag}.mark", ["check", str(wrong), "--mark", str(o / "标注.xlsx")], [wrong], env=env),
            Run(f"env-{tag}.import", ["import", str(round_four.SHANGHAI_PDF), "-o", str(o / "导入.xlsx")], [], env=env),
            Run(f"env-{tag}.help", ["--help"], [], env=env),
        ]
    for tag, mode in (("stdout-closed", "closed"), ("head-1", "head")):
        rs += [
            Run(f"{tag}.check", ["check", str(wrong)], [wrong], stdout=mode),
            Run(f"{tag}.check-json", ["check", str(wrong), "--json"], [wrong], stdout=mode),
            Run(f"{tag}.dry", ["fill", str(wrong), "--dry-run"], [wrong], stdout=mode),
            Run(f"{tag}.help", ["--help"], [], stdout=mode),
            Run(f"{tag}.batch", ["batch", str(base), "--jobs", "1"], [wrong], stdout=mode),
            Run(f"{tag}.show", ["show", str(good)], [good], stdout=mode),
        ]
    rs += [Run("stdin-closed.check", ["check", str(wrong)], [wrong], stdin="closed"),
           Run("stdin-closed.add-user", ["serve", "--add-user", "张三", "--users", str(base / "out" / "u.txt")], [],
               stdin="closed")]
    return rs


# -- round six -----------------------------------------------------------------------------------------
def round_six_runs(root: Path) -> list[Run]:
    """The round-six families (tests/hostile/round_six.py) through every command, then odd outputs, option
    values, environments and the --json combinations."""
    from tests.hostile import round_six

    base = root / "six"
    inputs = base / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for name, build in round_six.all_inputs().items():
        folder = inputs / name
        if folder.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in folder.iterdir()):
            built[name] = next(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            continue
        folder.mkdir(exist_ok=True)
        try:
            built[name] = build(folder)
        except RuntimeError:  # soffice missing
            continue
    out, copy = _run_folders(base)
    rs: list[Run] = []

    books = [n for n in {**round_six.xlsx_inputs(), **round_six.lo_inputs()} if n in built]
    for name in books:
        p = built[name]
        for cmd, argv in {
            "check": lambda o: ["check", str(p)],
            "json": lambda o: ["check", str(p), "--json"],
            "show": lambda o: ["show", str(p)],
            "mark": lambda o: ["check", str(p), "--mark", str(o / "标注.xlsx")],
            "summary": lambda o: ["check", str(p), "--summary", str(o / "汇总.xlsx")],
            "fill": lambda o: ["fill", str(p), "-o", str(o / "重算.xlsx")],
            "dry": lambda o: ["fill", str(p), "--dry-run"],
            "narrative": lambda o: ["narrative", str(p), "-o", str(o / "说明.txt"), "--force"],
            "document": lambda o: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
            "import": lambda o: ["import", str(p), "-o", str(o / "导入.xlsx")],
            "batch": lambda o: ["batch", str(p.parent), "--report", str(o / "报告.xlsx"), "--jobs", "1"],
            "budget": lambda o: ["check", str(round_six.__file__), "--budget", str(p)],
            "prior": lambda o: ["narrative", str(built["lo-xlsx"] if "lo-xlsx" in built else p), "--prior", str(p), "-o", str(o / "说明.txt"), "--force"],
        }.items():
            rid = f"six-{name}.{cmd}"
            o = out(rid)
            rs.append(Run(rid, argv(o), [p], cwd=o, timeout=120 if "300" in name else TIMEOUT))
        rid = f"six-{name}.inplace"
        c = copy(p, rid)
        rs.append(Run(rid, ["fill", str(c), "--in-place"], [], cwd=out(rid)))

    for name in round_six.text_inputs():
        p = built[name]
        prior = {"prior": lambda o, p=p: ["import", str(round_four.SHANGHAI_PDF), "--prior", str(p), "-o", str(o / "导入.xlsx")]}
        rs += _command_runs(out, f"six-{name}", p, {**_text_commands(p), **prior})
    for name in round_six.pdf_inputs():
        p = built[name]
        budget = {"budget": lambda o, p=p: ["check", str(built.get("lo-xlsx", p)), "--budget", str(p)]}
        rs += _command_runs(out, f"six-{name}", p, {**_pdf_commands(p), **budget})

    rs += _six_outputs(base)
    rs += _six_options(base)
    rs += _six_envs(base)
    return rs


def _six_outputs(base: Path) -> list[Run]:
    """Every -o/--out onto its own input, onto another input, too long a name, a name spelled another way."""
    d = base / "outs"
    d.mkdir(exist_ok=True)
    good = d / "主表.xlsx"
    good.write_bytes(sample_bytes())
    pdf = d / "公开.pdf"
    shutil.copy2(round_four.SHANGHAI_PDF, pdf)
    txt = d / "公开.txt"
    txt.write_bytes(round_four.seed_text().encode())
    o = d / "o"
    o.mkdir(exist_ok=True)
    long_name = "长" * 90 + ".xlsx"             # 275 bytes: past the 255 a name may have
    deep = d / ("层" * 40) / ("层" * 40) / ("层" * 40)   # a path of more than 300 characters
    deep.mkdir(parents=True, exist_ok=True)
    deep_good = deep / "主表.xlsx"
    deep_good.write_bytes(sample_bytes())
    victim = d / "被替换" / "主表.xlsx"
    victim.parent.mkdir(exist_ok=True)
    victim.write_bytes(sample_bytes())
    alias = str(d / "o" / ".." / "主表.xlsx")
    linkdir = d / "链接目录"
    if not linkdir.is_symlink():
        linkdir.symlink_to(d)
    via_link = str(linkdir / "主表.xlsx")
    rs = [
        Run("six-out.import-over-source", ["import", str(good), "-o", str(good)], [good]),
        Run("six-out.import-over-prior", ["import", str(pdf), "--prior", str(good), "-o", str(good)], [good, pdf]),
        Run("six-out.import-over-pdf", ["import", str(pdf), "-o", str(pdf)], [pdf]),
        Run("six-out.import-over-txt", ["import", str(txt), "-o", str(txt)], [txt]),
        Run("six-out.review-over-pdf", ["review", str(pdf), "-o", str(pdf)], [pdf]),
        # replaced with a backup by design (test_review_backs_up_an_existing_file_it_replaces): its own copy,
        # so the runs beside it still read the sample
        Run("six-out.review-over-workbook", ["review", str(pdf), "-o", str(victim)], [pdf]),
        Run("six-out.batch-review-over-pdf", ["batch", str(pdf), "--review", str(pdf)], [pdf]),
        Run("six-out.batch-report-over-pdf", ["batch", str(good), "--report", str(pdf)], [pdf, good]),
        Run("six-out.batch-report-over-txt", ["batch", str(txt), "--report", str(txt)], [txt]),
        Run("six-out.narrative-over-txt", ["narrative", str(good), "-o", str(txt)], [good, txt]),
        Run("six-out.narrative-over-prior", ["narrative", str(good), "--prior", str(deep_good), "-o", str(deep_good) + ".docx"], [good, deep_good]),
        Run("six-out.manifest-over-workbook", ["manifest", "-o", str(good)], [good]),
        Run("six-out.manifest-over-pdf", ["manifest", "-o", str(pdf)], [pdf]),
        Run("six-out.excel-setup-over-workbook", ["excel-setup", "-o", str(good)], [good]),
        Run("six-out.excel-setup-over-pdf", ["excel-setup", "-o", str(pdf)], [pdf]),
        Run("six-out.synth-into-file", ["synth", "--count", "1", "--out", str(good)], [good]),
        Run("six-out.demo-into-file", ["demo", "--out", str(good)], [good]),
        Run("six-out.new-over-pdf", ["new", "-o", str(pdf)], [pdf]),
        Run("six-out.sample-over-txt", ["sample", "-o", str(txt)], [txt]),
        Run("six-out.mark-equals-summary", ["check", str(good), "--mark", str(o / "同.xlsx"), "--summary", str(o / "同.xlsx")], [good]),
        Run("six-out.mark-over-budget", ["check", str(good), "--budget", str(deep_good), "--mark", str(deep_good)], [good, deep_good]),
        Run("six-out.fill-alias", ["fill", str(good), "-o", alias], [good]),
        Run("six-out.fill-via-link-dir", ["fill", str(good), "-o", via_link], [good]),
        Run("six-out.mark-via-link-dir", ["check", str(good), "--mark", via_link], [good]),
        Run("six-out.fill-name-too-long", ["fill", str(good), "-o", str(o / long_name)], [good]),
        Run("six-out.mark-name-too-long", ["check", str(good), "--mark", str(o / long_name)], [good]),
        Run("six-out.narrative-name-too-long", ["narrative", str(good), "-o", str(o / ("长" * 90 + ".docx"))], [good]),
        Run("six-out.import-name-too-long", ["import", str(pdf), "-o", str(o / long_name)], [pdf]),
        Run("six-out.review-name-too-long", ["review", str(pdf), "-o", str(o / long_name)], [pdf]),
        Run("six-out.new-name-too-long", ["new", "-o", str(o / long_name)], []),
        Run("six-out.synth-name-too-long", ["synth", "--count", "1", "--out", str(o / ("长" * 90))], []),
        Run("six-out.manifest-name-too-long", ["manifest", "-o", str(o / ("长" * 90 + ".xml"))], []),
        Run("six-out.deep-check", ["check", str(deep_good)], [deep_good]),
        Run("six-out.deep-fill", ["fill", str(deep_good), "-o", str(deep / "重算.xlsx")], [deep_good]),
        Run("six-out.deep-inplace", ["fill", str(deep_good), "--in-place"], []),
        Run("six-out.deep-batch", ["batch", str(d / ("层" * 40)), "--jobs", "1", "--report", str(deep / "报告.xlsx")], []),
        Run("six-out.check-same-twice", ["check", str(good), str(good), "--mark", str(o / "标注")], [good]),
        Run("six-out.check-alias-twice", ["check", str(good), alias, "--summary", str(o / "汇总2.xlsx")], [good]),
        Run("six-out.import-same-pdf-twice", ["import", str(pdf), str(pdf), "-o", str(o / "两次.xlsx")], [pdf]),
        Run("six-out.review-same-pdf-twice", ["review", str(pdf), str(pdf), "-o", str(o / "两次检查.xlsx")], [pdf]),
        Run("six-out.batch-folder-twice", ["batch", str(d), str(d), "--jobs", "1"], [good]),
        Run("six-out.fill-o-twice", ["fill", str(good), "-o", str(o / "一.xlsx"), "-o", str(o / "二.xlsx")], [good]),
        Run("six-out.fill-o-and-inplace", ["fill", str(good), "-o", str(o / "三.xlsx"), "--in-place"], [good]),
        Run("six-out.fill-dry-and-inplace", ["fill", str(good), "--dry-run", "--in-place"], [good]),
        Run("six-out.fill-dry-and-o", ["fill", str(good), "--dry-run", "-o", str(good)], [good]),
    ]
    # check --mark FOLDER with two inputs of the same name in different folders
    a, b = d / "甲" / "主表.xlsx", d / "乙" / "主表.xlsx"
    for p in (a, b):
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(sample_bytes())
    rs.append(Run("six-out.mark-folder-same-names", ["check", str(a), str(b), "--mark", str(o / "标注夹")], [a, b]))
    return rs


def _six_options(base: Path) -> list[Run]:
    d = base / "opts"
    d.mkdir(exist_ok=True)
    good = d / "主表.xlsx"
    good.write_bytes(sample_bytes())
    pdf = round_four.SHANGHAI_PDF
    o = d / "o"
    o.mkdir(exist_ok=True)
    rs: list[Run] = []
    k = 0

    def add(tag: str, argv: list[str], watch=(good,), timeout: int = TIMEOUT):
        nonlocal k
        k += 1
        rs.append(Run(f"six-opt.{tag}", argv, list(watch), cwd=o, timeout=timeout))

    for v in ("1.5", "", "1e9", "99999999999999999999", "-0", "０", "+2", " 1"):
        add(f"batch-jobs[{v}]", ["batch", str(good), "--jobs", v])
        add(f"batch-top[{v}]", ["batch", str(good), "--top", v])
        add(f"synth-count[{v}]", ["synth", "--count", v, "--out", str(o / f"sc{k}")], (), 60)
        add(f"synth-rows[{v}]", ["synth", "--count", "1", "--rows", v, "--out", str(o / f"sr{k}")], (), 60)
        add(f"synth-errors[{v}]", ["synth", "--count", "1", "--errors", v, "--out", str(o / f"se{k}")], (), 60)
        add(f"synth-jobs[{v}]", ["synth", "--count", "2", "--jobs", v, "--out", str(o / f"sj{k}")], (), 60)
        add(f"synth-seed[{v}]", ["synth", "--count", "1", "--seed", v, "--out", str(o / f"ss{k}")], (), 60)
    for v in ("inf", "-inf", "1e400", "", "10%", "１０", "0", "-0", "1e-400", "100000000000000000000000"):
        add(f"review-threshold[{v}]", ["review", str(pdf), "-o", str(o / f"th{k}.xlsx"), "--threshold", v], ())
        add(f"synth-error-rate[{v}]", ["synth", "--count", "1", "--error-rate", v, "--out", str(o / f"er{k}")], (), 60)
    for v in ("0", "-1", "1.5", "", "65536", "٨٠٠٠"):
        add(f"serve-port[{v}]", ["serve", "--port", v], (), 15)
    for v in ("-1", "1.5", "", "100000"):
        add(f"serve-workers[{v}]", ["serve", "--workers", v, "--port", "8941"], (), 15)
    # empty strings for every path or name option
    empty = {
        "fill-o": ["fill", str(good), "-o", ""], "new-o": ["new", "-o", ""], "sample-o": ["sample", "-o", ""],
        "narrative-o": ["narrative", str(good), "-o", ""], "document-o": ["document", str(good), "-o", ""],
        "import-o": ["import", str(pdf), "-o", ""], "review-o": ["review", str(pdf), "-o", ""],
        "manifest-o": ["manifest", "-o", ""], "excel-setup-o": ["excel-setup", "-o", ""],
        "synth-out": ["synth", "--count", "1", "--out", ""], "demo-out": ["demo", "--out", ""],
        "mark": ["check", str(good), "--mark", ""], "summary": ["check", str(good), "--summary", ""],
        "budget": ["check", str(good), "--budget", ""], "prior": ["narrative", str(good), "--prior", "", "-o", str(o / "p.txt")],
        "import-prior": ["import", str(pdf), "--prior", "", "-o", str(o / "ip.xlsx")],
        "templates": ["narrative", str(good), "--templates", "", "-o", str(o / "t.txt")],
        "import-template": ["import", str(pdf), "--template", "", "-o", str(o / "it.xlsx")],
        "new-template": ["new", "-o", str(o / "nt.xlsx"), "--template", ""], "new-kind": ["new", "-o", str(o / "nk.xlsx"), "--kind", ""],
        "synth-template": ["synth", "--count", "1", "--template", "", "--out", str(o / "st")],
        "checklist": ["review", str(pdf), "-o", str(o / "cl.xlsx"), "--checklist", ""],
        "batch-report": ["batch", str(good), "--report", ""], "batch-review": ["batch", str(pdf), "--review", ""],
        "batch-dask": ["batch", str(good), "--dask", ""], "manifest-url": ["manifest", "--url", "", "-o", str(o / "m.xml")],
        "interpreter": ["excel-setup", "--interpreter", "", "-o", str(o / "a.xlam")],
        "serve-host": ["serve", "--host", "", "--port", "8942"], "serve-users": ["serve", "--users", "", "--port", "8943"],
        "serve-certs": ["serve", "--certs", "", "--port", "8944"], "serve-add-user": ["serve", "--add-user", "", "--users", str(o / "u.txt")],
        "serve-header": ["serve", "--trust-user-header", "", "--port", "8945"],
        "serve-proxy": ["serve", "--trust-user-header", "X-User", "--trusted-proxy", "", "--port", "8946"],
        "serve-origin": ["serve", "--allow-origin", "", "--port", "8947"],
        "check-file": ["check", ""], "show-file": ["show", ""], "fill-file": ["fill", "", "--dry-run"],
        "import-file": ["import", "", "-o", str(o / "e.xlsx")], "review-file": ["review", "", "-o", str(o / "e2.xlsx")],
        "batch-file": ["batch", ""],
    }
    for tag, argv in empty.items():
        add(f"empty-{tag}", argv, (good,), 15 if argv[0] == "serve" else TIMEOUT)
    # unknown names of profiles, kinds, templates
    for tag, argv in {
        "new-template-beijing": ["new", "-o", str(o / "b.xlsx"), "--template", "beijing"],
        "new-template-upper": ["new", "-o", str(o / "b2.xlsx"), "--template", "SHANGHAI"],
        "new-template-chinese": ["new", "-o", str(o / "b3.xlsx"), "--template", "上海"],
        "new-kind-other": ["new", "-o", str(o / "b4.xlsx"), "--kind", "其他"],
        "new-kind-english": ["new", "-o", str(o / "b5.xlsx"), "--kind", "final"],
        "new-jiangsu": ["new", "-o", str(o / "b6.xlsx"), "--template", "jiangsu"],
        "new-shanghai-juesuan": ["new", "-o", str(o / "b7.xlsx"), "--template", "shanghai", "--kind", "决算"],
        "synth-template-shanghai": ["synth", "--count", "1", "--template", "shanghai", "--out", str(o / "s-sh")],
        "synth-template-path": ["synth", "--count", "1", "--template", "../../etc/passwd", "--out", str(o / "s-p")],
        "import-template-path": ["import", str(pdf), "--template", "../shanghai", "-o", str(o / "ip2.xlsx")],
        "import-template-shanghai-on-national": ["import", str(good), "--template", "shanghai", "-o", str(o / "ip3.xlsx")],
        "import-template-jiangsu-on-pdf": ["import", str(pdf), "--template", "jiangsu", "-o", str(o / "ip4.xlsx")],
        "checklist-folder": ["review", str(pdf), "-o", str(o / "cl2.xlsx"), "--checklist", str(o)],
        "templates-file": ["narrative", str(good), "--templates", str(good), "-o", str(o / "t2.txt")],
        "narrative-suffix-pdf": ["narrative", str(good), "-o", str(o / "说明.pdf")],
        "narrative-no-suffix": ["narrative", str(good), "-o", str(o / "说明")],
        "document-suffix-txt": ["document", str(good), "-o", str(o / "说明.txt")],
        "fill-o-suffix-docx": ["fill", str(good), "-o", str(o / "重算.docx")],
        "fill-o-suffix-xls": ["fill", str(good), "-o", str(o / "重算.xls")],
        "mark-suffix-xlsm": ["check", str(good), "--mark", str(o / "标注.xlsm")],
        "import-o-suffix-pdf": ["import", str(pdf), "-o", str(o / "导入.pdf")],
        "review-o-suffix-csv": ["review", str(pdf), "-o", str(o / "检查.csv")],
        "manifest-o-suffix-xlsx": ["manifest", "-o", str(o / "清单.xlsx")],
        "excel-setup-o-suffix-xlsx": ["excel-setup", "-o", str(o / "加载项.xlsx")],
        "excel-setup-with-file": ["excel-setup", str(good), "-o", str(o / "带按钮.xlsm")],
        "serve-origin-bad": ["serve", "--allow-origin", "不是网址", "--port", "8948"],
        "serve-proxy-bad": ["serve", "--trust-user-header", "X-User", "--trusted-proxy", "999.0.0.1", "--port", "8949"],
        "serve-header-bad": ["serve", "--trust-user-header", "X User:\n", "--port", "8950"],
        "serve-host-hostname": ["serve", "--host", "不存在的主机.invalid", "--port", "8951"],
        "serve-host-ipv6": ["serve", "--host", "::1", "--port", "8952"],
        "serve-add-user-twice": ["serve", "--add-user", "张三", "--add-user", "李四", "--users", str(o / "u2.txt")],
        "serve-add-user-no-users": ["serve", "--add-user", "张三"],
        "serve-install-cert-file": ["serve", "--install-cert", "--certs", str(good), "--port", "8953"],
        "manifest-url-port-bad": ["manifest", "--url", "https://localhost:99999", "-o", str(o / "m2.xml")],
        "manifest-url-chinese": ["manifest", "--url", "https://预算.例子.中国:8000/路径?a=1#x", "-o", str(o / "m3.xml")],
        "manifest-url-quote": ["manifest", "--url", 'https://a"b<c>.com', "-o", str(o / "m4.xml")],
        "interpreter-quote": ["excel-setup", "--interpreter", 'C:\\a"b\\python.exe', "-o", str(o / "q.xlam")],
        "interpreter-newline": ["excel-setup", "--interpreter", "C:\\a\nb.exe", "-o", str(o / "q2.xlam")],
        # --json with the others
        "json-mark": ["check", str(good), "--json", "--mark", str(o / "jm.xlsx")],
        "json-summary": ["check", str(good), "--json", "--summary", str(o / "js.xlsx")],
        "json-two": ["check", str(good), str(good), "--json", "--detail", "--no-info"],
        "json-budget-pdf": ["check", str(good), "--json", "--budget", str(pdf)],
        "json-batch-report": ["batch", str(good), "--json", "--report", str(o / "jr.xlsx"), "--top", "0"],
        "json-batch-review": ["batch", str(pdf), "--json", "--review", str(o / "jrv")],
        "json-missing": ["check", str(o / "没有.xlsx"), "--json"],
        "json-broken": ["check", str(round_four.SHANGHAI_PDF), "--json"],
        "check-budget-self": ["check", str(good), "--budget", str(good)],
        "import-prior-self": ["import", str(pdf), "--prior", str(pdf), "-o", str(o / "自身.xlsx")],
        "narrative-prior-self": ["narrative", str(good), "--prior", str(good), "-o", str(o / "自身.txt")],
    }.items():
        add(tag, argv, (good,), 15 if argv[0] == "serve" else TIMEOUT)
    return rs


def _six_envs(base: Path) -> list[Run]:
    d = base / "envs"
    d.mkdir(exist_ok=True)
    good = d / "主表.xlsx"
    good.write_bytes(sample_bytes())
    wrong = d / "错误.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(good)
    wb["支出总表"]["D7"].value = 3497.31
    wb.save(wrong)
    ro_tmp = d / "只读临时"
    ro_tmp.mkdir(exist_ok=True)
    os.chmod(ro_tmp, 0o500)
    envs = {
        "lc-all-posix": {"LC_ALL": "POSIX", "LANG": None, "LANGUAGE": None},
        "language-en": {"LANGUAGE": "en_US:en", "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"},
        "locale-missing": {"LC_ALL": "zh_CN.GB18030", "LANG": "zh_CN.GB18030"},
        "tmpdir-readonly": {"TMPDIR": str(ro_tmp)},
        "tmpdir-empty": {"TMPDIR": ""},
        "home-empty": {"HOME": ""},
        "home-file": {"HOME": str(good)},
        "xdg-bad": {"XDG_DATA_HOME": str(good), "XDG_CONFIG_HOME": str(good), "XDG_CACHE_HOME": "/proc/1"},
        "pythonhashseed": {"PYTHONHASHSEED": "12345"},
        "python-warnings": {"PYTHONWARNINGS": "error"},
        "python-dev": {"PYTHONDEVMODE": "1"},
        "python-optimize": {"PYTHONOPTIMIZE": "2"},
        "budget-debug-empty": {"BUDGET_XL_DEBUG": ""},
    }
    rs: list[Run] = []
    for tag, env in envs.items():
        o = d / "out" / tag
        o.mkdir(parents=True, exist_ok=True)
        rs += [
            Run(f"six-env-{tag}.check", ["check", str(wrong)], [wrong], env=env, cwd=o),
            Run(f"six-env-{tag}.fill", ["fill", str(wrong), "-o", str(o / "重算.xlsx")], [wrong], env=env, cwd=o),
            Run(f"six-env-{tag}.mark", ["check", str(wrong), "--mark", str(o / "标注.xlsx")], [wrong], env=env, cwd=o),
            Run(f"six-env-{tag}.narrative", ["narrative", str(good), "-o", str(o / "说明.docx")], [good], env=env, cwd=o),
            Run(f"six-env-{tag}.import", ["import", str(round_four.SHANGHAI_PDF), "-o", str(o / "导入.xlsx")], [], env=env, cwd=o),
            Run(f"six-env-{tag}.review", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "检查.xlsx")], [], env=env, cwd=o),
            Run(f"six-env-{tag}.batch", ["batch", str(d), "--jobs", "2", "--report", str(o / "报告.xlsx")], [good, wrong], env=env, cwd=o),
            Run(f"six-env-{tag}.help", ["check", "--help"], [], env=env),
        ]
    for tag, extra in (("umask-077", {"umask": 0o077}), ("stdout-full", {"stdout": "full"}), ("stdin-closed", {"stdin": "closed"})):
        o = d / "out" / tag
        o.mkdir(parents=True, exist_ok=True)
        rs += [
            Run(f"six-{tag}.check", ["check", str(wrong)], [wrong], cwd=o, **extra),
            Run(f"six-{tag}.json", ["check", str(wrong), "--json"], [wrong], cwd=o, **extra),
            Run(f"six-{tag}.fill", ["fill", str(wrong), "-o", str(o / "重算.xlsx")], [wrong], cwd=o, **extra),
            Run(f"six-{tag}.dry", ["fill", str(wrong), "--dry-run"], [wrong], cwd=o, **extra),
            Run(f"six-{tag}.mark", ["check", str(wrong), "--mark", str(o / "标注.xlsx")], [wrong], cwd=o, **extra),
            Run(f"six-{tag}.show", ["show", str(good)], [good], cwd=o, **extra),
            Run(f"six-{tag}.narrative", ["narrative", str(good), "-o", str(o / "说明.docx")], [good], cwd=o, **extra),
            Run(f"six-{tag}.import", ["import", str(round_four.SHANGHAI_PDF), "-o", str(o / "导入.xlsx")], [], cwd=o, **extra),
            Run(f"six-{tag}.review", ["review", str(round_four.SHANGHAI_PDF), "-o", str(o / "检查.xlsx")], [], cwd=o, **extra),
            Run(f"six-{tag}.batch", ["batch", str(d), "--jobs", "1", "--report", str(o / "报告.xlsx")], [good, wrong], cwd=o, **extra),
            Run(f"six-{tag}.synth", ["synth", "--count", "1", "--out", str(o / "合成")], [], cwd=o, **extra),
            Run(f"six-{tag}.manifest", ["manifest", "-o", str(o / "m.xml")], [], cwd=o, **extra),
            Run(f"six-{tag}.new", ["new", "-o", str(o / "新.xlsx")], [], cwd=o, **extra),
            Run(f"six-{tag}.help", ["--help"], [], cwd=o, **extra),
            Run(f"six-{tag}.add-user", ["serve", "--add-user", "张三", "--users", str(o / "u.txt")], [], cwd=o, **extra),
        ]
    return rs


def _built(inputs: Path, builders: dict) -> list[tuple[str, Path]]:
    """Each builder run in its own fresh folder under ``inputs``: (name, the input it wrote)."""
    out = []
    for name, build in builders.items():
        folder = inputs / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        out.append((name, build(folder)))
    return out


def _workbook_commands(p: Path) -> dict:
    """What rounds seven and eight run on a workbook input (argv by command, given the run's output folder)."""
    return {
        "check": lambda o: ["check", str(p)],
        "mark": lambda o: ["check", str(p), "--mark", str(o / "标注.xlsx")],
        "fill": lambda o: ["fill", str(p), "-o", str(o / "重算.xlsx")],
        "dry": lambda o: ["fill", str(p), "--dry-run"],
        "narrative": lambda o: ["narrative", str(p), "-o", str(o / "说明.docx"), "--force"],
        "batch": lambda o: ["batch", str(p.parent), "--jobs", "1", "--report", str(o / "报告.xlsx")],
    }


# -- round eight ---------------------------------------------------------------------------------------
def round_eight_runs(root: Path) -> list[Run]:
    """The round-eight families (tests/hostile/round_eight.py: Strict Open XML, far cells the extent guard
    could not see) through the workbook commands."""
    from tests.hostile import round_eight

    base = root / "eight"
    out, _copy = _run_folders(base)
    rs: list[Run] = []
    for name, p in _built(base / "inputs", round_eight.xlsx_inputs()):
        rs += _command_runs(out, f"eight-{name}", p, {
            **_workbook_commands(p),
            "document": lambda o, p=p: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
        })
    return rs


# -- round nine ----------------------------------------------------------------------------------------
def round_nine_runs(root: Path) -> list[Run]:
    """The round-nine families (tests/hostile/round_nine.py: other zippers' and exporters' packages, UTF-16
    parts, sideways and huge PDF pages, PDF portfolios, texts typed oddly) through their commands."""
    from tests.hostile import round_nine

    base = root / "nine"
    out, _copy = _run_folders(base)
    rs: list[Run] = []
    every = {**round_nine.xlsx_inputs(), **round_nine.pdf_inputs(), **round_nine.text_inputs()}
    for name, p in _built(base / "inputs", every):
        if p.suffix == ".pdf":
            rs += _command_runs(out, f"nine-{name}", p, _pdf_commands(p))
        elif p.suffix == ".txt":
            rs += _command_runs(out, f"nine-{name}", p, _text_commands(p))
        else:
            rs += _command_runs(out, f"nine-{name}", p, {
                **_workbook_commands(p),
                "document": lambda o, p=p: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
            })
    return rs


# -- round ten -----------------------------------------------------------------------------------------
def round_ten_runs(root: Path) -> list[Run]:
    """The round-ten families (tests/hostile/round_ten.py: other libraries' sheet XML and relationships, hidden
    sheets, defined names pointing nowhere, damaged sectors, scanned pages, joined and Excel-copied texts,
    names typed otherwise than stored) through their commands."""
    from tests.hostile import round_ten

    base = root / "ten"
    out, _copy = _run_folders(base)
    rs: list[Run] = []
    every = {**round_ten.xlsx_inputs(), **round_ten.pdf_inputs(), **round_ten.text_inputs()}
    for name, p in _built(base / "inputs", every):
        if p.suffix == ".pdf":
            rs += _command_runs(out, f"ten-{name}", p, _pdf_commands(p))
        elif p.suffix == ".txt":
            rs += _command_runs(out, f"ten-{name}", p, _text_commands(p))
        else:
            rs += _command_runs(out, f"ten-{name}", p, {
                **_workbook_commands(p),
                "document": lambda o, p=p: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
                "import": lambda o, p=p: ["import", str(p), "-o", str(o / "导入.xlsx")],
            })
    for name, p in _built(base / "paths", round_ten.path_inputs()):
        rs += _command_runs(out, f"ten-{name}", p, {
            "check": lambda o, p=p: ["check", str(p)],
            "fill": lambda o, p=p: ["fill", str(p), "-o", str(o / "重算.xlsx")],
            "import": lambda o, p=p: ["import", str(p), "-o", str(o / "导入.xlsx")],
            "batch": lambda o, p=p: ["batch", str(p)],
        })
    return rs


# -- round eleven: PDFs and texts as published ---------------------------------------------------------
def round_eleven_pdf_runs(root: Path) -> list[Run]:
    """Round eleven's published PDFs and texts (tests/hostile/round_eleven_pdf.py: fake bold, OCR'd scans,
    fonts without ToUnicode, comments and form fields, mixed page sizes, a thousand pages; soft hyphens,
    hard-wrapped, mojibake and HTML texts) through import, review, batch --review, batch --report, check."""
    from tests.hostile import round_eleven_pdf

    base = root / "eleven-pdf"
    out, _copy = _run_folders(base)
    rs: list[Run] = []
    for name, p in _built(base / "inputs", round_eleven_pdf.all_inputs()):
        commands = _pdf_commands(p) if p.suffix == ".pdf" else _text_commands(p)
        commands["batch-report"] = lambda o, p=p: ["batch", str(p), "--report", str(o / "汇总.xlsx"), "--jobs", "1"]
        rs += _command_runs(out, f"eleven-{name}", p, commands, timeout=TIMEOUT * 3 if "1000" in name else TIMEOUT)
    return rs


# -- round eleven: content -----------------------------------------------------------------------------
def round_eleven_content_runs(root: Path) -> list[Run]:
    """The round-eleven content families (tests/hostile/round_eleven_content.py: other programs' workbooks,
    cells spelt otherwise, what cells hold through the exports; LibreOffice's copies when it is installed)."""
    from tests.hostile import round_eleven_content as r11

    base = root / "eleven-content"
    out, _copy = _run_folders(base)
    builders = {**r11.xlsx_inputs(), **r11.other_inputs()}
    if shutil.which("soffice") or shutil.which("libreoffice"):
        builders.update(r11.lo_inputs())
    rs: list[Run] = []
    for name, p in _built(base / "inputs", builders):
        rs += _command_runs(out, f"eleven-{name}", p, {
            **_workbook_commands(p),
            "show": lambda o, p=p: ["show", str(p)],
            "narrative-md": lambda o, p=p: ["narrative", str(p), "-o", str(o / "说明.md"), "--force"],
            "document": lambda o, p=p: ["document", str(p), "-o", str(o / "公开.docx"), "--force"],
        })
    return rs


# -- round eleven: the environment -----------------------------------------------------------------------
def round_eleven_env_runs(root: Path) -> list[Run]:
    """Round eleven's environment (tests/hostile/round_eleven_env.py): every command under each process limit
    and in a deleted current folder, the odd outputs for every command that writes one, inputs named twice."""
    from tests.hostile import round_eleven_env as r11

    base = root / "r11-env"
    base.mkdir(parents=True, exist_ok=True)
    src = r11.workbook(base / "部门")
    pdf, txt = round_four.SHANGHAI_PDF, base / "公开.txt"
    txt.write_bytes(round_four.seed_text().encode())

    def every(o: Path, good: Path = src) -> dict[str, list[str]]:
        return {
            "check": ["check", str(good)], "mark": ["check", str(good), "--mark", str(o / "标注.xlsx")],
            "json": ["check", str(good), "--json"], "summary": ["check", str(good), "--summary", str(o / "汇总.xlsx")],
            "fill": ["fill", str(good), "-o", str(o / "重算.xlsx")], "import": ["import", str(txt), "-o", str(o / "导入.xlsx")],
            "import-pdf": ["import", str(pdf), "-o", str(o / "导入2.xlsx")], "review": ["review", str(pdf), "-o", str(o / "检查.xlsx")],
            "batch": ["batch", str(good.parent), "--jobs", "2", "--report", str(o / "报告.xlsx")],
            "narrative": ["narrative", str(good), "-o", str(o / "说明.docx")], "document": ["document", str(good), "-o", str(o / "公开.docx")],
            "new": ["new", "-o", str(o / "新.xlsx")], "sample": ["sample", "-o", str(o / "样例.xlsx")], "show": ["show", str(good)],
            "synth": ["synth", "--count", "2", "--out", str(o / "合成")], "manifest": ["manifest", "-o", str(o / "m.xml")],
            "excel-setup": ["excel-setup", "-o", str(o / "a.xlam")], "demo": ["demo", "--out", str(o / "演示")],
        }
    rs: list[Run] = []
    for tag in r11.LIMITS:
        o = base / "out" / tag
        o.mkdir(parents=True, exist_ok=True)
        rs += [Run(f"r11-{tag}.{c}", argv, [src], cwd=o, preexec=r11.limits(tag), expect_codes=(0, 1, 2, 152),
                   timeout=180 if c == "demo" else TIMEOUT) for c, argv in every(o).items()]
    for c, argv in every(base / "out" / "gone").items():  # relative names: the folder is gone
        gone = base / "gone" / c
        gone.mkdir(parents=True, exist_ok=True)
        rel = [a.replace(str(base / "out" / "gone") + "/", "") for a in argv]
        rs.append(Run(f"r11-gone-cwd.{c}", rel, [src], cwd=gone, preexec=r11.gone_cwd))
    odd = r11.output_names(base / "odd")
    good = base / "odd" / "主表.xlsx"
    for tag, out in odd.items():
        for c in ("mark", "summary", "fill", "import", "review", "new", "sample"):
            argv = every(base / "odd", good)[c][:-1] + [str(out)]
            rs.append(Run(f"r11-out-{tag}.{c}", argv, [good] if c not in ("import", "review", "new", "sample") else []))
    for kind, args in r11.twice(base / "twice").items():
        rs += [Run(f"r11-twice-{kind}.check", ["check", *args], [Path(a) for a in args]),
               Run(f"r11-twice-{kind}.summary", ["check", *args, "--summary", str(base / "out" / f"t-{kind}.xlsx")], [Path(a) for a in args])]
    rs.append(Run("r11-twice.review", ["review", str(pdf), str(pdf), "-o", str(base / "out" / "两次.xlsx")], []))
    return rs


# -- round seven ---------------------------------------------------------------------------------------
def round_seven_runs(root: Path) -> list[Run]:
    """The round-seven families (tests/hostile/round_seven.py) through the workbook commands, the files named
    like workbooks that are none, odd names, and every path option given an empty string."""
    from tests.hostile import round_seven

    base = root / "seven"
    out, copy = _run_folders(base)
    rs: list[Run] = []
    for name, p in _built(base / "inputs", round_seven.all_inputs()):
        if p.suffix == ".pdf":
            rs += _command_runs(out, f"seven-{name}", p, _pdf_commands(p))
            continue
        rs += _command_runs(out, f"seven-{name}", p, {
            **_workbook_commands(p),
            "import": lambda o, p=p: ["import", str(p), "-o", str(o / "导入.xlsx")],
        }, timeout=120 if "200000" in name else TIMEOUT)
    good = base / "主表.xlsx"
    good.write_bytes(sample_bytes())
    o = out("seven-empty")
    for tag, argv in {
        "batch": ["batch", ""], "check": ["check", ""], "mark": ["check", str(good), "--mark", ""],
        "budget": ["check", str(good), "--budget", ""], "prior": ["narrative", str(good), "--prior", "", "-o", str(o / "p.txt")],
        "synth": ["synth", "--count", "1", "--out", ""], "demo": ["demo", "--out", ""],
        "dask": ["batch", str(good), "--dask", ""], "template": ["import", str(good), "--template", "", "-o", str(o / "i.xlsx")],
    }.items():
        rs.append(Run(f"seven-empty.{tag}", argv, [good], cwd=o))
    return rs


# -- the add-in server ---------------------------------------------------------------------------------
def serve_probe(root: Path) -> list[dict]:
    """Raw HTTP requests to a running ``budget-xl serve``: every answer must be Chinese and not a 500."""
    port = _free_port()
    log = (root / "serve.log").open("wb")
    proc = subprocess.Popen(EXE + ["serve", "--port", str(port)], stdout=log, stderr=log, cwd=root)
    results = []
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        host = f"127.0.0.1:{port}"
        big = b"[" * 100000 + b"]" * 100000
        reqs = {
            "get-root": b"GET / HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-missing": b"GET /nothing-here HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-traversal": b"GET /../../etc/passwd HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-encoded-traversal": b"GET /static/%%2e%%2e/%%2e%%2e/pyproject.toml HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-encoded-slash-traversal": b"GET /static/..%%2f..%%2f..%%2f..%%2f..%%2f..%%2f..%%2f..%%2f..%%2fetc/passwd HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-encoded-slash-source": b"GET /static/js/..%%2f..%%2f..%%2fserver.py HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-nul": b"GET /%%00 HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-bad-utf8": b"GET /%%ff%%fe HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-long-path": b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-taskpane": b"GET /taskpane.html HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-manifest": b"GET /manifest HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-static-missing": b"GET /static/nothing.js HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-xlwings-missing": b"GET /xlwings/nothing HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-meta": b"GET /xlwings/custom-functions-meta HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-code": b"GET /xlwings/custom-functions-code HTTP/1.1\r\nHost: %s\r\n\r\n",
            "get-scripts-call": b"GET /xlwings/custom-scripts-call/validate HTTP/1.1\r\nHost: %s\r\n\r\n",
            "delete-root": b"DELETE / HTTP/1.1\r\nHost: %s\r\n\r\n",
            "put-manifest": b"PUT /manifest HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
            "patch-call": b"PATCH /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
            "options-call": b"OPTIONS /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n",
            "options-call-own": b"OPTIONS /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nOrigin: http://%s\r\nAccess-Control-Request-Method: POST\r\n\r\n",
            "trace": b"TRACE / HTTP/1.1\r\nHost: %s\r\n\r\n",
            "brew": b"BREW / HTTP/1.1\r\nHost: %s\r\n\r\n",
            "head-root": b"HEAD / HTTP/1.1\r\nHost: %s\r\n\r\n",
            "no-host": b"GET / HTTP/1.1\r\n\r\n",
            "http10": b"GET / HTTP/1.0\r\n\r\n",
            "http2-preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 50,
            "huge-header": b"GET / HTTP/1.1\r\nHost: %s\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n",
            "many-headers": b"GET / HTTP/1.1\r\nHost: %s\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(2000)) + b"\r\n",
            "bad-header-line": b"GET / HTTP/1.1\r\nHost: %s\r\nNoColonHere\r\n\r\n",
            "post-no-ctype": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Length: 2\r\n\r\n{}",
            "post-text-plain": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
            "post-bad-json": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{a:1}",
            "post-json-array": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]",
            "post-json-nan": b'POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{"a": NaN }',
            "post-nested": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: " + str(len(big)).encode() + b"\r\n\r\n" + big,
            "post-nested-object": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 200009\r\n\r\n" + b'{"a":' * 40000 + b"1" + b"}" * 40000 + b"    ",
            "post-utf16": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: 6\r\n\r\n\xff\xfe{\x00}\x00",
            "post-latin1": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{\"a\": \"\xe9\xff\"}",
            "post-gzip": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
            "post-short-body": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}",
            "post-cl-negative": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}",
            "post-cl-text": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
            "post-cl-twice": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "post-chunked-bad": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
            "post-chunked-huge": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\n{}",
            "post-cl-huge": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
            "post-unknown-function": b'POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{"func_name":"nope","args":[]}      ',
            "post-wrong-types": b'POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{"func_name":1,"args":"x","caller":[]}',
            "post-script-no-book": b'POST /xlwings/custom-scripts-call/validate HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
            "post-script-missing": b'POST /xlwings/custom-scripts-call/nothing HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
            "post-script-encoded": b'POST /xlwings/custom-scripts-call/%%E6%%A0%%A1 HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
            "post-script-bad-book": b'POST /xlwings/custom-scripts-call/validate HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{"book":{"sheets":"x"},"client":"Office.js","version":"0.33.0"}',
            "post-script-book-strings": b'POST /xlwings/custom-scripts-call/validate HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: AUTO\r\n\r\n{"client":"Office.js","version":"0.33.0","book":{"name":"a","active_sheet_index":0,"selection":1}}',
            "post-evil-origin": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "post-null-origin": b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: %s\r\nOrigin: null\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            "post-root": b"POST / HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
            "websocket": b"GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            "accept-english": b"GET /nothing HTTP/1.1\r\nHost: %s\r\nAccept-Language: en-US\r\nAccept: text/html\r\n\r\n",
        }
        for rid, raw in reqs.items():
            raw = raw.replace(b"%s", host.encode()).replace(b"%%", b"%")
            if b"Content-Length: AUTO" in raw:
                body = raw.partition(b"\r\n\r\n")[2]
                raw = raw.replace(b"AUTO", str(len(body)).encode(), 1)
            results.append(_http(rid, port, raw))
        results.append(_slow_loris(port))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    text = (root / "serve.log").read_text("utf-8", "replace")
    problems = []
    if "Traceback" in text or "Exception" in text:
        problems.append("traceback in server log")
    en = english(text, Run("serve-log", []))
    if en:
        problems.append("english:" + ",".join(en[:20]))
    results.append({"id": "serve.log", "code": None, "problems": problems, "output": text[-3000:]})
    return results


def _http(rid: str, port: int, raw: bytes) -> dict:
    s = socket.create_connection(("127.0.0.1", port), timeout=40)  # the guard answers a body that never ends after 30 s
    data = b""
    try:
        s.sendall(raw)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            s.settimeout(2)  # a kept-alive connection: the answer is what came until it pauses
            if len(data) > 2_000_000:
                break
    except TimeoutError:
        pass
    except OSError as e:
        data += f"<<{type(e).__name__}>>".encode()
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1:2]
    code = int(status[0]) if status and status[0].isdigit() else None
    problems = []
    if code is None:
        problems.append("no status (connection reset or closed)")
    elif code >= 500:
        problems.append(f"status {code}")
    text = body.decode("utf-8", "replace")
    lower_head = head.decode("latin-1").lower()
    is_page = "text/html" in lower_head or "javascript" in lower_head or "text/css" in lower_head or "xml" in lower_head
    if not is_page:
        en = english(_said(text) if "application/json" in lower_head else text, Run(rid, []))
        if en:
            problems.append("english:" + ",".join(en[:12]))
    elif rid in ("get-missing", "accept-english", "get-static-missing"):
        en = english(re.sub(r"<[^>]+>", " ", text), Run(rid, []))
        if en:
            problems.append("english page:" + ",".join(en[:12]))
    return {"id": f"serve.{rid}", "code": code, "problems": problems,
            "output": (head.decode("latin-1")[:400] + "\n\n" + text[:600])}


# what a JSON answer says to a person: Office.js reads the other keys and values (the custom functions'
# metadata: "dimensionality": "matrix", "requiresAddress"…) as protocol, never shows them
_SAID_KEYS = {"description", "message", "detail", "error", "text", "title", "msg"}


def _said(text: str) -> str:
    """The human text of a JSON answer: the values under ``_SAID_KEYS`` (and bare strings), joined."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return text
    out: list[str] = []

    def walk(x, key=None):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, str) and (key is None or key in _SAID_KEYS):
            out.append(x)
    walk(data)
    return "\n".join(out)


def _slow_loris(port: int) -> dict:
    """A client that sends headers and never the body: the server must not block other requests."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 1000\r\n\r\n{")
    t = time.monotonic()
    r = _http("after-slow-client", port, b"GET /manifest HTTP/1.1\r\nHost: x\r\n\r\n")
    r["problems"] += [] if time.monotonic() - t < 10 else ["blocked by a slow client"]
    s.close()
    return r


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument("--round", choices=("all", "4", "6", "7", "8", "9", "10", "11"), default="all",
                    help="the earlier runs, round six's, seven's, eight's, nine's, ten's, eleven's, or all")
    a = ap.parse_args(argv)
    root = Path(a.out).resolve()
    root.mkdir(parents=True, exist_ok=True)
    started = time.time()
    every = ((runs(root) if a.round in ("all", "4") else []) + (round_six_runs(root) if a.round in ("all", "6") else [])
             + (round_seven_runs(root) if a.round in ("all", "7") else [])
             + (round_eight_runs(root) if a.round in ("all", "8") else [])
             + (round_nine_runs(root) if a.round in ("all", "9") else [])
             + (round_ten_runs(root) if a.round in ("all", "10") else [])
             + (round_eleven_pdf_runs(root) if a.round in ("all", "11") else [])
             + (round_eleven_content_runs(root) if a.round in ("all", "11") else [])
             + (round_eleven_env_runs(root) if a.round in ("all", "11") else []))
    selected = [r for r in every if a.only in r.id]
    print(f"{len(selected)} runs", flush=True)
    results = []
    with ThreadPoolExecutor(a.jobs) as pool:
        for r in pool.map(lambda run: execute(run, root / "out"), selected):
            results.append(r)
            if r["problems"]:
                print(f"FAIL {r['id']} [{r['code']}, {r['seconds']}s] {'; '.join(r['problems'])}", flush=True)
    if not a.no_serve and (not a.only or "serve" in a.only):
        for r in serve_probe(root):
            results.append(r)
            if r["problems"]:
                print(f"FAIL {r['id']} [{r['code']}] {'; '.join(r['problems'])}", flush=True)
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    late = leftovers([root]) + [str(p) for p in tmp.glob("budget-xl-*") if p.stat().st_mtime > started]
    if late:
        results.append({"id": "leftovers", "code": None, "problems": ["leftover:" + ",".join(late[:20])], "output": ""})
        print("FAIL leftovers", late[:20])
    (root / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8",
                                      errors="backslashreplace")  # round seven's names that are not UTF-8
    bad = [r for r in results if r["problems"]]
    print(f"{len(results)} runs, {len(bad)} with problems; details in {root / 'results.json'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
