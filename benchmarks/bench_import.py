"""Time `budget-xl import` (PDF → model → workbook) on each Shanghai sample, against pdftotext on the same file.

Prints seconds per document and the ratio import / pdftotext (both measured in this run).
Target: under 2 s per document. Run: python benchmarks/bench_import.py [FOLDER] [ROUNDS]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best  # noqa: E402

from budget_xl.importers.cli import write_imported
from budget_xl.importers.pdf import import_pdf

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "samples" / "shanghai"




def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else (DEFAULT if DEFAULT.is_dir() else Path("/work/shared/samples/shanghai"))
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"没有 PDF：{folder}")
    has_pdftotext = shutil.which("pdftotext") is not None
    total_import = total_base = 0.0
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "out.xlsx"
        print(f"{'文件':<32}{'页/表':>8}{'导入(s)':>10}{'pdftotext(s)':>14}{'倍数':>8}")
        for pdf in pdfs:
            def run(pdf=pdf):
                budget, report = import_pdf(pdf)
                write_imported(budget, report, out)
                return report

            report = run()
            t_import = best(run, rounds)
            t_base = best(lambda pdf=pdf: subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                                         check=True), rounds) if has_pdftotext else float("nan")
            total_import += t_import
            total_base += t_base
            print(f"{pdf.stem:<32}{len(report.tables):>8}{t_import:>10.3f}{t_base:>14.3f}{t_import / t_base:>8.1f}")
    n = len(pdfs)
    print(f"平均每份：导入 {total_import / n:.3f} s，pdftotext {total_base / n:.3f} s，倍数 {total_import / total_base:.1f}"
          f"（目标：每份 < 2 s）")


if __name__ == "__main__":
    main()
