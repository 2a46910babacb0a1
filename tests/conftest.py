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


def soffice() -> str | None:
    """LibreOffice, required when BUDGET_XL_REQUIRE_SOFFICE=1 (set by .ci/run)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("BUDGET_XL_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) 未安装，但 BUDGET_XL_REQUIRE_SOFFICE=1 要求运行此测试")
        pytest.skip("LibreOffice (soffice) 未安装")
    return exe
