"""Worker processes forked from a warmed-up parent (issue 19): the same results as checking in this process, and
the parent's garbage collection is left as it was."""

import gc
import multiprocessing
import shutil

import pytest

from budget_xl.batch import run_local


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers are spawned here, not forked")
def test_forked_workers_find_what_one_process_finds(sample_file, tmp_path):
    files = [shutil.copy(sample_file, tmp_path / f"{i}.xlsx") for i in range(3)]
    frozen = gc.get_freeze_count()
    two = run_local(files, 2)
    assert gc.get_freeze_count() == frozen  # frozen for the fork only
    one = run_local(files, 1)
    assert [r.findings for r in two] == [r.findings for r in one] and [r.coverage for r in two] == [r.coverage for r in one]
    assert all(r.problem is None and r.dept == "承德市司法局" for r in two)
