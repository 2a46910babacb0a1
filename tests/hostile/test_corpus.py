"""Every hostile case through every command it concerns: exit 0/1/2 only, no traceback, input bytes
unchanged, and the finding or refusal the case expects. Commands run in-process (budget_xl.cli.main)."""

from __future__ import annotations

import hashlib
import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from budget_xl.cli import main
from tests.hostile.make_corpus import COMMANDS, Case, cases

CASES = cases()
PAIRS = [(case, command) for case in CASES for command in case.commands]


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
    return code, out.getvalue() + err.getvalue()


def findings(path: Path) -> list[tuple]:
    """What ``check --json`` finds in ``path``, as (rule, cells, severity), sorted: two inputs that should read
    alike compare equal."""
    import json

    code, text = run(["check", "--json", str(path)])
    assert code in (0, 1), text
    return sorted((f["rule"], tuple(f["cells"]), f["severity"]) for f in json.loads(text)["findings"])


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Each case's input built once; tests copy it (FIFOs, folders and links are built fresh)."""
    root = tmp_path_factory.mktemp("hostile")
    cache: dict[str, Path] = {}

    def get(case: Case, folder: Path) -> Path:
        if case.name not in cache:
            d = root / case.name
            d.mkdir()
            cache[case.name] = case.build(d)
        p = cache[case.name]
        if p.is_file() and not p.is_symlink():
            return Path(shutil.copy2(p, folder / p.name))
        return case.build(folder)
    return get


def test_the_corpus_has_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case,command", PAIRS, ids=[f"{c.name}-{cmd}" for c, cmd in PAIRS])
def test_hostile_input(case: Case, command: str, built, tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    src = built(case, folder)
    before = digests(folder)
    code, output = run(COMMANDS[command](src, out))
    assert code in (0, 1, 2), output
    assert "Traceback" not in output and "内部错误" not in output, output
    after = digests(folder)
    if command == "inplace" and code == 0:
        real = src.resolve().name  # a link: the file it points to is the one rewritten
        changed = {n for n in before if after.get(n) != before[n]}
        assert changed <= {real}
        backups = [n for n in after if n not in before and ".备份-" in n]
        assert len(backups) == 1 and after[backups[0]] == before[real]  # the original kept byte for byte
    else:
        assert {n: after.get(n) for n in before} == before, "the input was changed"
    want_code, want_text = case.expect.get(command, (None, None))
    if want_code is not None:
        assert code in want_code if isinstance(want_code, tuple) else code == want_code, output
    text = want_text if command in case.expect else case.text
    if text:
        assert text in output, output


def test_one_batch_over_the_whole_corpus_reports_every_file(built, tmp_path):
    """A reviewer's ``check *.xlsx --summary``: every file gets its line, the unusable ones are named and
    skipped, nothing is changed; a marked batch survives a file whose marking fails."""
    import json

    import openpyxl

    files = []
    for case in CASES:
        folder = tmp_path / case.name
        folder.mkdir()
        p = built(case, folder)
        if p.is_file() and not p.is_symlink():
            files.append(p)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    code, output = run(["check", *map(str, files), "--summary", str(tmp_path / "汇总.xlsx"), "--json"])
    assert code == 2 and "Traceback" not in output
    report = json.loads(output[output.index("["):output.rindex("]") + 1])
    assert len(report) == len(files)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx")["校验汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(files)

    some = [p for p in files if p.parent.name in ("merged-code", "wrong-total", "odd-output-paths",
                                                   "hostile-templates", "damaged-mark-state")]
    code, output = run(["check", *map(str, some), "--mark", str(tmp_path / "标注")])
    assert code in (1, 2) and "Traceback" not in output
    marked = sorted(p.name for p in (tmp_path / "标注").iterdir())
    assert "主表_标注.xlsx" in marked and "主表_标注_2.xlsx" in marked  # two 主表.xlsx, two marked copies
