"""Generated departments for testing at scale: ``budget-xl synth``.

Each workbook is consistent by construction (see department.py); with ``errors`` each gets that many
planted slips, every one recorded in ``manifest.json`` / ``manifest.csv`` (file, cell, old, new, kind).
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from budget_xl.errors import InputError
from budget_xl.synth.plant import KINDS, Plant

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"


GENERATED = ("national",)  # the generator builds these profiles' tables


def check_template(template: str) -> str:
    """The disclosure template (schema profile) to generate; unknown → a Chinese error naming the choices."""
    from budget_xl.schema import PROFILES

    if template not in PROFILES:
        raise InputError(f"未知的模板“{template}”。可用的模板：{'、'.join(PROFILES)}。")
    if template not in GENERATED:
        raise InputError(f"模板“{template}”暂不能生成模拟部门：目前只能生成{'、'.join(GENERATED)}表式。")
    return template


@dataclass(frozen=True)
class Job:
    index: int
    seed: int
    out: str
    template: str
    errors: int
    leaves: int | None = None
    max_projects: int = 100


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)[:40]


def make_one(job: Job) -> tuple[str, list[Plant]]:
    """Generate, write and (optionally) spoil one workbook; returns its file name and the planted errors."""
    from decimal import Decimal

    from budget_xl.read import read_grids
    from budget_xl.schema import load_schema
    from budget_xl.synth.department import make_department, to_budget
    from budget_xl.synth.plant import choose
    from budget_xl.write.workbook import build_workbook

    schema = load_schema(job.template)
    rng = random.Random(f"{job.seed}:{job.index}")
    dept = make_department(rng, schema, leaves_wanted=job.leaves, max_projects=job.max_projects)
    budget = to_budget(dept, schema)
    name = f"{job.index:04d}_{_safe_name(dept.name)}_{dept.year}.xlsx"
    path = Path(job.out) / name
    wb = build_workbook(budget)
    plants: list[Plant] = []
    if job.errors > 0:
        # the cells as the reader will name them: read the workbook we are about to save, from memory
        grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        plants = choose(read_grids(grids, source=name).budget, job.errors, rng, name)
        for p in plants:
            sheet, _, coord = p.cell.rpartition("!")
            wb[sheet][coord].value = Decimal(p.new)
    tmp = path.with_name(f".budget-xl-{name}")
    wb.save(tmp)
    tmp.replace(path)
    return name, plants


def generate(count: int, out: str | Path, seed: int = 0, template: str = "national", errors: int = 0,
             error_rate: float = 1.0, jobs: int = 1, leaves: int | None = None, progress=None) -> list[Plant]:
    """Write ``count`` workbooks into ``out``; a share ``error_rate`` of them get ``errors`` planted slips each."""
    check_template(template)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("输出路径已存在且不是文件夹。", file=str(out))
    out.mkdir(parents=True, exist_ok=True)
    picker = random.Random(f"{seed}:files")
    work = [Job(i, seed, str(out), template, errors if picker.random() < error_rate else 0, leaves)
            for i in range(1, count + 1)]
    plants: list[Plant] = []
    if jobs <= 1:
        for job in work:
            plants += make_one(job)[1]
            if progress:
                progress()
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for _name, ps in pool.map(make_one, work, chunksize=4):
                plants += ps
                if progress:
                    progress()
    write_manifest(out, plants)
    return plants


def write_manifest(out: Path, plants: list[Plant]) -> None:
    rows = [p.to_json() for p in plants]
    (out / MANIFEST_JSON).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    with (out / MANIFEST_CSV).open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "cell", "old", "new", "kind", "table", "row", "column"])
        w.writeheader()
        w.writerows(rows)


def read_manifest(folder: str | Path) -> list[dict]:
    return json.loads((Path(folder) / MANIFEST_JSON).read_text(encoding="utf-8"))


__all__ = ["KINDS", "Plant", "check_template", "generate", "make_one", "read_manifest"]
