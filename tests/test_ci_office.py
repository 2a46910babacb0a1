"""The LibreOffice tests' preconditions are precise (issue 19): a machine with calc but no writer, or
without a CJK font, skips exactly the tests that need them (naming the package), and .ci/run installs
the office packages whenever any part is missing, not only when soffice is absent."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, office_missing

CI = ROOT / ".ci" / "run"


def _office(tmp_path: Path, *libs: str) -> Path:
    program = tmp_path / "lib" / "libreoffice" / "program"
    program.mkdir(parents=True)
    exe = program / "soffice"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    for lib in libs:
        (program / lib).write_bytes(b"")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").symlink_to(exe)
    return bin_dir / "soffice"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links to a fake install")
@pytest.mark.parametrize("libs,needs,missing", [
    (("libsclo.so",), ("calc",), []),
    (("libsclo.so",), ("writer",), ["LibreOffice Writer（libreoffice-writer-nogui）"]),
    (("libswlo.so",), ("calc",), ["LibreOffice Calc（libreoffice-calc-nogui）"]),
    (("libsclo.so", "libswlo.so"), ("calc", "writer"), []),
])
def test_a_partial_install_is_told_apart_part_by_part(tmp_path, libs, needs, missing):
    assert office_missing(str(_office(tmp_path, *libs)), needs) == missing


def _ci_missing(tmp_path: Path, path: str) -> list[str]:
    function = subprocess.run(["sed", "-n", "/^office_missing()/,/^}/p", str(CI)], capture_output=True, text=True,
                              check=True).stdout
    assert function.strip(), ".ci/run defines office_missing"
    done = subprocess.run(["bash", "-c", f"{function}\noffice_missing"], capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, timeout=60)
    return done.stdout.split()


@pytest.mark.skipif(os.name != "posix" or not Path("/bin/bash").exists(), reason=".ci/run is a bash script")
def test_ci_sees_calc_without_writer_and_no_cjk_font_as_missing(tmp_path):
    soffice = _office(tmp_path, "libsclo.so")
    tools = tmp_path / "tools"
    tools.mkdir()
    for name, script in {"fc-list": "#!/bin/sh\nexit 0\n", "pdftotext": "#!/bin/sh\nexit 0\n"}.items():
        (tools / name).write_text(script)
        (tools / name).chmod(0o755)
    base = "/usr/bin:/bin"
    assert _ci_missing(tmp_path, f"{soffice.parent}:{tools}:{base}") == ["writer", "cjk-fonts"]
    (tools / "fc-list").write_text("#!/bin/sh\necho 'Noto Sans CJK SC'\n")
    (soffice.resolve().parent / "libswlo.so").write_bytes(b"")
    assert _ci_missing(tmp_path, f"{soffice.parent}:{tools}:{base}") == []


@pytest.mark.skipif(os.name != "posix" or not Path("/bin/bash").exists(), reason=".ci/run is a bash script")
def test_ci_installs_when_any_part_is_missing_not_only_soffice():
    text = CI.read_text(encoding="utf-8")
    assert 'if [ -n "${missing// /}" ]' in text and "! command -v soffice" not in text
    for package in ("libreoffice-calc-nogui", "libreoffice-writer-nogui", "fonts-noto-cjk", "poppler-utils"):
        assert package in text
