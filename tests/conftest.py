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


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a user would."""
    env = dict(os.environ)
    env.pop("BUDGET_XL_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "budget_xl", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


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
