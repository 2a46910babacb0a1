"""budget-xl synth: generated departments pass the checks; every planted slip is found at its cell."""

import json
from collections import Counter
from decimal import Decimal

import pytest

from budget_xl.errors import InputError
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
from budget_xl.synth import KINDS, check_template, generate, read_manifest
from budget_xl.synth.department import printed, split
from budget_xl.synth.plant import _swap
from budget_xl.units import WAN, YUAN
from tests.conftest import run_cli


def findings_of(path):
    r = read_workbook(path)
    return run_checks(r.budget, r.notes)


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    generate(3, out, seed=7)
    return out


@pytest.fixture(scope="module")
def spoiled_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("spoiled")
    plants = generate(2, out, seed=11, errors=6)
    return out, plants


def test_split_shares_a_total_exactly():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(split(123_456_789, [0.3, 2.5, 1.1, 7])) == 123_456_789


def test_printed_rounds_wan_half_up_and_keeps_yuan_to_the_fen():
    assert printed(1_234_567, YUAN) == Decimal("12345.67")
    assert printed(1_235_000, WAN) == Decimal("1.24")  # 12350.00 元 = 1.235 万元 → 1.24 (四舍五入)
    assert printed(0, WAN) is None  # zero is printed blank, as in the published tables


def test_three_clean_departments_have_no_errors(clean_dir):
    files = sorted(clean_dir.glob("*.xlsx"))
    assert len(files) == 3
    for f in files:
        errors = [x for x in findings_of(f) if x.severity == "error"]
        assert errors == [], (f.name, errors[:3])


def test_clean_departments_carry_rounding_differences_reported_as_info_only(clean_dir):
    # totals in 万元 are derived from 分 and rounded on their own: some differ from the sum of printed parts
    infos = Counter(x.rule for f in clean_dir.glob("*.xlsx") for x in findings_of(f) if x.severity == "info")
    assert sum(n for rule, n in infos.items() if "SUM" in rule) > 0


def test_every_planted_error_is_found_at_its_cell(spoiled_dir):
    out, plants = spoiled_dir
    assert {p.kind for p in plants} == set(KINDS)
    assert len(plants) == 12
    by_file = {}
    for p in plants:
        fs = by_file.setdefault(p.file, findings_of(out / p.file))
        cells = {c for f in fs if f.severity == "error" for c in f.cells}
        assert p.cell in cells, p


def test_manifest_records_file_cell_old_new_and_kind(spoiled_dir):
    out, plants = spoiled_dir
    rows = read_manifest(out)
    assert rows == [p.to_json() for p in plants]
    assert {"file", "cell", "old", "new", "kind"} <= set(rows[0])
    assert (out / "manifest.csv").read_text(encoding="utf-8-sig").splitlines()[0].startswith("file,cell,old,new,kind")
    sign = next(r for r in rows if r["kind"] == "sign")
    assert Decimal(sign["new"]) == -Decimal(sign["old"])


def test_swap_transposes_two_digits_of_the_integer_part():
    import random

    new = _swap(Decimal("1234.56"), random.Random(0))
    assert sorted(str(new)) == sorted("1234.56") and new != Decimal("1234.56") and str(new).endswith(".56")


def test_unknown_template_is_refused_in_chinese(tmp_path):
    with pytest.raises(InputError, match="模板“shanghai”暂不能生成"):
        check_template("shanghai")  # a known profile the generator does not build yet
    r = run_cli("synth", "--count", "1", "--out", tmp_path / "d", "--template", "guangdong")
    assert r.returncode == 2 and "未知的模板" in r.stderr


def test_synth_cli_writes_workbooks_and_manifest(tmp_path):
    r = run_cli("synth", "--count", "2", "--out", tmp_path / "d", "--seed", "3", "--errors", "2")
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "d").glob("*.xlsx"))) == 2
    assert len(json.loads((tmp_path / "d" / "manifest.json").read_text(encoding="utf-8"))) == 4


def test_departments_vary_in_size_units_and_funds_within_the_bounds():
    import random

    from budget_xl.schema import load_schema
    from budget_xl.synth.department import make_department

    schema = load_schema()
    depts = [make_department(random.Random(i), schema) for i in range(40)]
    rows = [len(d.leaves) + len({x.code[:5] for x in d.leaves}) + len({x.code[:3] for x in d.leaves}) for d in depts]
    assert min(rows) < 30 and max(rows) > 100 and max(rows) <= 320
    assert max(len(d.projects) for d in depts) <= 100
    assert {u for d in depts for u in d.units.values()} == {WAN, YUAN}
    assert any(x.kind == "fund" for d in depts for x in d.leaves)
    for d in depts:  # income by source covers spending exactly, in 分
        assert sum(x.total for x in d.leaves) == sum(
            x.basic_fiscal + x.project_fiscal + x.carry_other + sum(x.income.values()) for x in d.leaves)
