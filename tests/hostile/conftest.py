"""Fixtures the hostile rounds share."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def sample_findings(tmp_path_factory):
    """``findings`` of the embedded sample: what an input that should read as the sample must give."""
    from tests.hostile.make_corpus import sample_bytes
    from tests.hostile.test_corpus import findings

    p = tmp_path_factory.mktemp("sample") / "主表.xlsx"
    p.write_bytes(sample_bytes())
    return findings(p)
