"""The four published Shanghai documents (../shared/samples/shanghai/) as workbooks, built from the PDFs.

``shanghai_workbooks()`` imports each PDF with pdfplumber (budget_xl.importers.pdf, engine="pdfplumber") and writes the workbook
into a cache folder in tmp, rebuilt when the PDF or the importer is newer. ``printed_amounts`` reads the same
tables from ``pdftotext -layout`` output, independently of the importer, for the tests that compare them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def samples_dir() -> Path | None:
    for p in (Path("/work/shared/samples/shanghai"), ROOT.parent / "shared" / "samples" / "shanghai",
              ROOT.parent.parent / "shared" / "samples" / "shanghai"):
        if p.is_dir() and any(p.glob("*.pdf")):
            return p
    return None


def pdf_key(pdf: Path) -> str:
    """'2025' for a year's 部门预算, '2025单位' for a 单位预算 of the same year (the samples hold both)."""
    return pdf.stem[:4] + ("单位" if "单位预算" in pdf.stem else "")


def sample_pdfs() -> list[Path]:
    d = samples_dir()
    return sorted(d.glob("*.pdf")) if d else []


CACHE = Path(tempfile.gettempdir()) / "budget-xl-shanghai-fixtures"


def shanghai_workbook(pdf: Path) -> Path:
    """The workbook imported from one PDF (cached in tmp)."""
    from budget_xl.importers import pdf as importer
    from budget_xl.importers.cli import write_imported

    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / (pdf.stem + ".xlsx")
    newest = max(pdf.stat().st_mtime, Path(importer.__file__).stat().st_mtime)
    if not out.exists() or out.stat().st_mtime < newest:
        budget, report = importer.import_pdf(pdf, engine="pdfplumber")  # the reference reader; import uses pdfium
        tmp = out.with_suffix(f".{os.getpid()}.xlsx")
        write_imported(budget, report, tmp)
        shutil.move(tmp, out)
    return out


def shanghai_workbooks() -> dict[str, Path]:
    return {p.stem: shanghai_workbook(p) for p in sample_pdfs()}


# -- the independent reading: pdftotext -layout ------------------------------------------------------
TITLES = {
    "T1": "财务收支预算总表", "T2": "收入预算总表", "T3": "支出预算总表", "T4": "财政拨款收支预算总表",
    "T5": "一般公共预算支出功能分类预算表", "T7": "政府性基金预算支出功能分类预算表",
    "T8": "国有资本经营预算支出功能分类预算表", "T6": "一般公共预算基本支出部门预算经济分类预算表",
    "T9": "“三公”经费和机关运行经费预算表",
}
_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")
_END = re.compile(r"^\s*(其他相关情况说明|项目经费情况说明)\s*$")


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None


def printed_amounts(pdf: Path) -> dict[str, Counter]:
    """Table key → the multiset of amounts printed in that table, as pdftotext -layout shows them."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    out: dict[str, Counter] = {}
    current = None
    for line in text.splitlines():
        s = line.strip()
        if "…" in s:
            continue
        title = re.sub(r"^\d{4}年", "", re.sub(r"\s+", "", s))
        hit = next((k for k, t in TITLES.items() if title in ("部门" + t, "单位" + t, "预算单位" + t)), None)
        if hit:
            current = hit
            out.setdefault(current, Counter())
            continue
        if current is None:
            continue
        if _END.match(s) or s.startswith("注"):
            if _END.match(s):
                current = None
            continue
        tokens = s.split()
        if current not in ("T1", "T4", "T9"):  # strip the 科目编码 printed in the 类/款/项 columns
            while tokens and re.fullmatch(r"\d{1,3}", tokens[0]) and not tokens[0] == "0":
                tokens.pop(0)
        for t in tokens:
            if _NUMBER.match(t) and not re.search(r"年", t):
                out[current][Decimal(t.replace(",", ""))] += 1
    return out


def imported_amounts(budget) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for key in TITLES:
        table = budget.tables[key]
        c = Counter()
        for row in table.rows:
            for col in table.layout.amount_columns:
                v = row.amount(col)
                if v is not None:
                    c[v] += 1
        out[key] = c
    return out


# -- the real defects of the four documents (for the closing note and the tests) ----------------------------
# (year, rule id, severity, a piece of the message that pins it down)
KNOWN_DEFECTS = [
    ("2023", "TXT-DIRECTION", "error", "政府性基金拨款支出为0.00万元，却说比上年增加1421.25万元"),
    ("2023", "TXT-PCT", "error", "说增加314.82%，11.67→45.41万元实为增加289.12%"),
    ("2023", "TXT-AMOUNT", "error", "先说220.63万元，又说2023年预算安排441.25万元"),
    ("2023", "TXT-PCT", "error", "说增加60.54%，132.59→220.63万元实为增加66.40%"),
    ("2024", "C-EMPTY-NOTE", "error", "本表为空表"),
    ("2024", "TXT-AMOUNT", "error", "先说350.35万元，又说2024年预算安排352.67万元"),
    ("2024", "TXT-DIRECTION", "warning", "原因却写“宣传事务一般行政管理事务经费增加”"),
    # one defect seen from every side: 21201 城乡社区管理事务 printed 94,995,790 元 in T2, T3, T5, while its 项 add up
    # to 94,995,789 and 基本 77,381,546 + 项目 17,614,243 = 94,995,789; 类 212 (154,369,326) agrees with the 项.
    *[("2025", rule, "error", f"{row}”的") for rule, row in (
        ("T2-TREE-SUM", "21201 城乡社区管理事务"), ("T2-TREE-SUM", "212 城乡社区支出"),
        ("T3-ROW-SUM", "21201 城乡社区管理事务"), ("T3-TREE-SUM", "21201 城乡社区管理事务"),
        ("T3-TREE-SUM", "212 城乡社区支出"), ("T5-ROW-SUM", "21201 城乡社区管理事务"),
        ("T5-TREE-SUM", "21201 城乡社区管理事务"), ("T5-TREE-SUM", "212 城乡社区支出"))],
    ("2025", "TXT-AMOUNT", "warning", "卫生健康支出（类）卫生健康支出（款）计划生育事务（项）"),
    ("2026", "TXT-DIRECTION", "error", "43269.30→3845.49万元实为减少91.11%"),
    ("2026", "TXT-PCT", "error", "说增加17.66%，77.99→91.97万元实为增加17.93%"),
    ("2026", "TXT-AMOUNT", "error", "先说208.8万元，又说2026年预算安排201.50万元"),
    ("2026", "TXT-YEAR", "warning", "财政拨款收入与“2026年预算”比较"),
    ("2026", "TXT-OLD-NAME", "warning", "“医疗卫生与计划生育支出”自2019年起已更名为“卫生健康支出”"),
    ("2026", "TXT-LEFTOVER", "warning", "重复的句号"),
]
# Errors a check raises on a Shanghai workbook though the document is right: none since the relations are declared
# per profile (the national balance rule read 本年收入合计 + 上年结转, rows Shanghai does not print).
FALSE_UNDER_CURRENT_RULES: set[str] = set()
