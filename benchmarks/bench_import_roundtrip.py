"""Time `import` of our own document printed by LibreOffice (sample → document → PDF), against reading its text
layer with pdfium alone, in the same run.

Prints seconds for the whole import (PDF → Budget) and for the pdfium read (PDF → printed lines), and their
ratio; also how many of the sample's amounts came back equal. Run: python benchmarks/bench_import_roundtrip.py [ROUNDS]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from timing import best  # noqa: E402

from budget_xl.importers.pdf import _open_lines, import_pdf
from budget_xl.read import read_workbook
from budget_xl.sample import write_sample


def amounts(table) -> dict:
    return {(r.key, r.side, c): v for r in table.rows for c, v in r.values.items() if isinstance(v, Decimal)}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("需要 LibreOffice（soffice）")
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        sample = write_sample(d / "sample.xlsx")
        subprocess.run([sys.executable, "-m", "budget_xl", "document", str(sample), "-o", str(d / "doc.docx")],
                       check=True, capture_output=True)
        subprocess.run([exe, f"-env:UserInstallation=file://{d}/lo", "--headless", "--convert-to", "pdf",
                        "--outdir", str(d), str(d / "doc.docx")], check=True, capture_output=True, timeout=240)
        pdf = d / "doc.pdf"
        budget, _ = import_pdf(pdf)
        want = read_workbook(sample).budget
        keys = [f"T{i}" for i in range(1, 10)]
        n = sum(len(amounts(want.tables[k])) for k in keys)
        same = sum(len(amounts(want.tables[k]).items() & amounts(budget.tables[k]).items()) for k in keys)
        lines = len(_open_lines(pdf))
        t_read = best(lambda: _open_lines(pdf), rounds)
        t_import = best(lambda: import_pdf(pdf), rounds)
    print(f"PDF：{lines} 行；导入 {t_import:.3f} s，pdfium 读文字层 {t_read:.3f} s，倍数 {t_import / t_read:.1f}；"
          f"金额相同 {same}/{n}")


if __name__ == "__main__":
    main()
