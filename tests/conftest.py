import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "budget_xl" / "sample" / "chengde_sfj_2024.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory) -> Path:
    from budget_xl.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("sample") / "sample.xlsx")


@pytest.fixture(scope="session")
def blank_file(tmp_path_factory) -> Path:
    from budget_xl.model import empty_budget
    from budget_xl.write import write_workbook

    return write_workbook(empty_budget(), tmp_path_factory.mktemp("blank") / "blank.xlsx")


@pytest.fixture
def sample_copy(sample_file, tmp_path) -> Path:
    p = tmp_path / "样例副本.xlsx"
    shutil.copy(sample_file, p)
    return p


@pytest.fixture(scope="session")
def cli_import(tmp_path_factory):
    """``budget-xl import PDF -o …`` run once per PDF in a session: ``get(pdf)`` → (the run, the workbook).
    Several tests import the same shared PDF (each takes seconds); a test that writes copies the workbook."""
    root = tmp_path_factory.mktemp("cli_import")
    done: dict[Path, tuple[subprocess.CompletedProcess, Path]] = {}

    def get(pdf: Path) -> tuple[subprocess.CompletedProcess, Path]:
        pdf = Path(pdf).resolve()
        if pdf not in done:
            out = root / str(len(done)) / f"{pdf.stem}.xlsx"
            out.parent.mkdir()
            done[pdf] = (run_cli("import", pdf, "-o", out), out)
        return done[pdf]
    return get


@pytest.fixture(scope="session")
def pdf_import():
    """``importers.pdf.import_pdf(pdf)`` once per PDF in a session: (budget, report), to be read, not changed."""
    done: dict[Path, tuple] = {}

    def get(pdf: Path):
        from budget_xl.importers.pdf import import_pdf

        pdf = Path(pdf).resolve()
        if pdf not in done:
            done[pdf] = import_pdf(pdf)
        return done[pdf]
    return get


@pytest.fixture(scope="session")
def sample_document_pdf(sample_file, tmp_path_factory) -> Path:
    """The sample → ``budget-xl document`` → LibreOffice Writer PDF, printed once a session (a conversion takes
    seconds): read by the import round trip, the document's print test and the review. Read it, don't write it."""
    exe = soffice("writer", "cjk")  # a .docx printed, its Chinese text read back
    d = tmp_path_factory.mktemp("sample_document")
    docx = d / "document.docx"
    r = run_cli("document", sample_file, "-o", docx)
    assert r.returncode == 0, r.stderr
    subprocess.run([exe, f"-env:UserInstallation=file://{d}/lo-profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(d), str(docx)], check=True, capture_output=True, timeout=240)
    return d / "document.pdf"


# commands whose test is about the running process (a server that would not return), always run as one
PROCESS_COMMANDS = {"serve"}


def run_cli(*args, cwd=None, process: bool = False) -> subprocess.CompletedProcess:
    """Run the command line as a user would: ``budget_xl.cli.main`` with this argv, its exit code,
    stdout and stderr as a process would give them (``process=True``: in a real ``python -m budget_xl``,
    for tests about the process itself; about a second of interpreter start-up and imports each).

    In-process, what ``main`` prints is captured both from ``sys.stdout``/``sys.stderr`` and from file
    descriptors 1 and 2 (what a C library writes there is output too), warnings are printed to stderr as
    Python prints them, ``BUDGET_XL_DEBUG`` is unset, and an exception escaping ``main`` is a traceback on
    stderr with exit code 1 — as the process would end."""
    argv = [str(a) for a in args]
    if process or (argv and argv[0] in PROCESS_COMMANDS):
        env = dict(os.environ)
        env.pop("BUDGET_XL_DEBUG", None)
        return subprocess.run([sys.executable, "-m", "budget_xl", *argv], capture_output=True,
                              text=True, cwd=cwd, env=env, timeout=300)
    return _run_in_process(argv, cwd)


def _run_in_process(argv: list[str], cwd) -> subprocess.CompletedProcess:
    import io
    import tempfile
    import traceback
    import warnings
    from contextlib import redirect_stderr, redirect_stdout

    from budget_xl.cli import main

    out, err = io.StringIO(), io.StringIO()
    debug = os.environ.pop("BUDGET_XL_DEBUG", None)
    here = os.getcwd()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    raw = {fd: tempfile.TemporaryFile() for fd in (1, 2)}
    try:
        for fd, f in raw.items():
            os.dup2(f.fileno(), fd)
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err), warnings.catch_warnings():
            warnings.resetwarnings()  # the interpreter's defaults, not pytest's filters
            for action, category in (("ignore", DeprecationWarning), ("ignore", PendingDeprecationWarning),
                                     ("ignore", ImportWarning), ("ignore", ResourceWarning)):
                warnings.simplefilter(action, category)
            warnings.showwarning = warnings._showwarning_orig  # printed to (the captured) stderr
            try:
                code = main(argv)
            except SystemExit as e:  # argparse, --help, --version
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                if e.code is not None and not isinstance(e.code, int):
                    print(e.code, file=sys.stderr)
            except BaseException:  # what would end the process with a traceback
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(here)
        if debug is not None:
            os.environ["BUDGET_XL_DEBUG"] = debug
        for fd in (1, 2):
            os.dup2(saved[fd], fd)
            os.close(saved[fd])
    texts = []
    for fd, text in ((1, out.getvalue()), (2, err.getvalue())):
        raw[fd].seek(0)
        text += raw[fd].read().decode("utf-8", "replace")
        raw[fd].close()
        texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))  # as text=True reads a pipe
    return subprocess.CompletedProcess(["budget-xl", *argv], code, texts[0], texts[1])


# what each part of an office install is called, and the package .ci/run installs for it
OFFICE_PARTS = {
    "calc": ("LibreOffice Calc", "libreoffice-calc-nogui", ("libsclo.so", "sclo.dll", "libsclo.dylib")),
    "writer": ("LibreOffice Writer", "libreoffice-writer-nogui", ("libswlo.so", "swlo.dll", "libswlo.dylib")),
}


def office_missing(exe: str, needs: tuple[str, ...]) -> list[str]:
    """The parts of ``needs`` ("calc", "writer", "cjk") this LibreOffice lacks, as the packages that bring them.

    A Debian install can hold soffice with calc and without writer (or without any CJK font, when a PDF's
    Chinese text would come out empty): the test is then skipped naming the package, not failed."""
    missing = []
    program = Path(os.path.realpath(exe)).parent
    libs = {f.name for f in program.iterdir()} if program.is_dir() else set()
    frameworks = program.parent / "Frameworks"  # macOS: LibreOffice.app/Contents/{MacOS,Frameworks}
    if frameworks.is_dir():
        libs |= {f.name for f in frameworks.iterdir()}
    known = any(lib in libs for _, _, names in OFFICE_PARTS.values() for lib in names)
    for part in needs:
        if part in OFFICE_PARTS and known:
            what, package, names = OFFICE_PARTS[part]
            if not any(n in libs for n in names):
                missing.append(f"{what}（{package}）")
        elif part == "cjk" and shutil.which("fc-list"):
            fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
            if not fonts.stdout.strip():
                missing.append("中文字体（fonts-noto-cjk）")
    return missing


def soffice(*needs: str) -> str | None:
    """LibreOffice with the parts a test needs ("calc", "writer", "cjk"); required when
    BUDGET_XL_REQUIRE_SOFFICE=1 (set by .ci/run), else the test is skipped naming what is missing."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    missing = ["LibreOffice (soffice)"] if exe is None else office_missing(exe, needs)
    if missing:
        text = f"{'、'.join(missing)} 未安装"
        if os.environ.get("BUDGET_XL_REQUIRE_SOFFICE") == "1":
            pytest.fail(f"{text}，但 BUDGET_XL_REQUIRE_SOFFICE=1 要求运行此测试")
        pytest.skip(text)
    return exe


@pytest.fixture(scope="module")
def sample_findings(tmp_path_factory):
    """What ``check --json`` finds in the embedded sample (``tests.hostile.test_corpus.findings``): what a hostile
    input that should read as the sample must give."""
    from tests.hostile.make_corpus import sample_bytes
    from tests.hostile.test_corpus import findings

    p = tmp_path_factory.mktemp("sample") / "主表.xlsx"
    p.write_bytes(sample_bytes())
    return findings(p)
