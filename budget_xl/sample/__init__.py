"""The embedded sample: 承德市司法局 2024 部门预算信息公开, built from the published text.

The text and the few extras it lacks ship inside the package, so ``budget-xl sample`` works after a plain
install. The sample is read through the same reader as any workbook.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from budget_xl.importers.seed_text import import_seed_text
from budget_xl.model import Budget
from budget_xl.read.grid import read_grids

SEED_FILE = "chengde_sfj_2024.txt"
EXTRAS_FILE = "chengde_extras.toml"


def seed_text() -> str:
    return resources.files(__package__).joinpath(SEED_FILE).read_text(encoding="utf-8")


def sample_extras() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(EXTRAS_FILE).read_text(encoding="utf-8"))


@cache
def sample_grids() -> dict:
    return import_seed_text(seed_text(), sample_extras()).grids


def sample_budget() -> Budget:
    """A fresh model of the sample (callers may change it)."""
    return read_grids(sample_grids(), source="样例：承德市司法局2024").budget


def write_sample(path: str | Path) -> Path:
    from budget_xl.write import write_workbook

    return write_workbook(sample_budget(), path)
