"""Fixtures of the Excel add-in tests: workbook payloads built from the sample, the xlwings Server app.

xlwings picks its engines and decorators when first imported, so the environment is set here, before
any test module imports it: the remote engine needs a licence key (PolyForm Noncommercial), the server
decorators XLWINGS_ON_SERVER, and xlwings Server finds our project folder through XLWINGS_PROJECT_DIR.
"""

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ["XLWINGS_ON_SERVER"] = "true"
from budget_xl.excel.server import project_dir  # noqa: E402 - imports nothing of xlwings

os.environ["XLWINGS_PROJECT_DIR"] = str(project_dir())

import pytest  # noqa: E402

from .fake_excel import sample_grids_from_file  # noqa: E402


@pytest.fixture(scope="session")
def grids(sample_file):
    """The sample workbook's sheets as the add-in would send them (values from A1)."""
    return sample_grids_from_file(sample_file)


@pytest.fixture(scope="session")
def client():
    import warnings

    with warnings.catch_warnings():  # starlette's note about httpx2, not ours to act on
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient
    from budget_xl.excel.asgi import app  # xlwings Server behind the guard, as `budget-xl serve` runs it

    return TestClient(app)
