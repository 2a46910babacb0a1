"""The read-path speed work (issue 19) changes no output: every finding (rule, severity, message, cells, expected,
actual, difference, identity) and the coverage of the sample and of synthetic departments with planted errors
equal the snapshot made from main's code before that work (tests/data/make_findings_snapshot.py says how)."""

from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SNAPSHOT = json.loads((DATA / "findings_snapshot.json").read_text(encoding="utf-8"))
_spec = importlib.util.spec_from_file_location("make_findings_snapshot", DATA / "make_findings_snapshot.py")
maker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)


def test_sample_findings_unchanged():
    from budget_xl.sample import write_sample

    with tempfile.TemporaryDirectory() as d:
        got = maker.outputs(write_sample(Path(d) / "sample.xlsx"))
    assert got == SNAPSHOT["sample"]


@pytest.mark.parametrize("seed,leaves,errors", maker.SYNTH)
def test_synthetic_findings_with_planted_errors_unchanged(seed, leaves, errors):
    with tempfile.TemporaryDirectory() as d:
        got = maker.outputs(maker.synth_path(Path(d), seed, leaves, errors))
    want = SNAPSHOT[f"synth-{seed}-{leaves}-{errors}"]
    assert any(f["severity"] == "error" for f in want["findings"])  # the planted slips are found
    assert got["findings"] == want["findings"]
    assert got["coverage"] == want["coverage"]
