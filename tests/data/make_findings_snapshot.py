"""Writes ``findings_snapshot.json``: every finding ``check`` reports (after localization) and the coverage of the
sample and of synthetic departments with planted errors. Made once from main's code (commit 34866c5) before the
read-path speed work of issue 19, so that ``tests/test_findings_snapshot.py`` proves that work changed no output.

    .venv/bin/python tests/data/make_findings_snapshot.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

# (seed, leaves, planted errors): small and large departments, each with slips of every kind in turn
SYNTH = ((1, 40, 12), (2, 300, 12), (5, None, 6))


def synth_path(folder: Path, seed: int, leaves: int | None, errors: int) -> Path:
    from budget_xl.synth import Job, make_one

    folder.mkdir(parents=True, exist_ok=True)
    name, _ = make_one(Job(index=1, seed=seed, out=str(folder), template="national", errors=errors, leaves=leaves))
    return folder / name


def outputs(path: Path) -> dict:
    from budget_xl.localize.fold import locate_findings
    from budget_xl.read import read_workbook
    from budget_xl.rules import check_budget

    r = read_workbook(path)
    checked = check_budget(r.budget, r.notes)
    located = locate_findings(r.budget, checked.findings)
    return {"findings": [f.to_json() for f in located], "coverage": checked.coverage.to_json()}


def snapshot() -> dict:
    from budget_xl.sample import write_sample

    out = {}
    with tempfile.TemporaryDirectory() as d:
        out["sample"] = outputs(write_sample(Path(d) / "sample.xlsx"))
        for seed, leaves, errors in SYNTH:
            out[f"synth-{seed}-{leaves}-{errors}"] = outputs(synth_path(Path(d) / str(seed), seed, leaves, errors))
    return out


if __name__ == "__main__":
    target = Path(__file__).with_name("findings_snapshot.json")
    target.write_text(json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(target, file=sys.stderr)
