"""The Shanghai profile's relations.toml: every reference is declared, and every relation holds on the four
published documents (a small reference evaluator here; the rule engine generates the real checks from the file)."""

from __future__ import annotations

import re
import sys
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from budget_xl.schema import load_schema
from budget_xl.units import to_wan

sys.path.insert(0, str(Path(__file__).parent))
from shanghai_fixtures import pdf_key, sample_pdfs  # noqa: E402

SELECTORS = ("classes", "coded", "合计")


def relations() -> list[dict]:
    text = resources.files("budget_xl.schema").joinpath("profiles", "shanghai", "relations.toml").read_text("utf-8")
    return tomllib.loads(text)["relation"]


def _refs(rel: dict) -> list[dict]:
    out = []
    for k in ("a", "b", "total", "big"):
        if k in rel:
            out.append(rel[k])
    for k in ("parts", "small"):
        out += rel.get(k, [])
    return out


def test_every_relation_names_declared_tables_rows_and_columns():
    schema = load_schema("shanghai")
    ids = [r["id"] for r in relations()]
    assert len(ids) == len(set(ids))
    for rel in relations():
        assert rel["kind"] in ("copy", "sum", "at_most") and rel["severity"] in ("error", "warning", "info")
        assert rel["description"]
        for ref in _refs(rel):
            lay = schema[ref["table"]]
            assert ref["column"] in lay.column_map, (rel["id"], ref)
            rows = ref["rows"] if isinstance(ref["rows"], list) else [ref["rows"]]
            for row in rows:
                if row in SELECTORS or re.fullmatch(r"\d{3,7}", row):
                    assert row not in ("classes", "coded") or lay.kind in ("coded", "two_sided"), (rel["id"], row)
                    continue
                lay.fixed_row(row)  # raises KeyError when the row is not declared


# -- a reference evaluator (figures in 万元; each printed figure within half its last digit) ------------------
def _value(budget, table: str, row: str, col: str):
    t = budget.tables[table]
    r = t.get(row)
    v = r.amount(col) if r is not None else None
    if v is None:
        return None
    half = Decimal("0.5") if t.unit == "元" else Decimal("0.005")
    return to_wan(v, t.unit), to_wan(half, t.unit)


def _keys(budget, ref: dict) -> list[str]:
    rows = ref["rows"]
    t = budget.tables[ref["table"]]
    if rows == "classes":
        return sorted({r.key for r in t.rows if re.fullmatch(r"\d{3}", r.key)})
    if rows == "coded":
        return sorted({r.key for r in t.rows if r.code or r.key == "合计"})
    return rows if isinstance(rows, list) else [rows]


def evaluate(budget, rel: dict) -> list[str]:
    """Failures of one relation, as messages; blank sides are not tested."""
    bad = []
    if rel["kind"] == "copy":
        a, b = rel["a"], rel["b"]
        ka, kb = _keys(budget, a), _keys(budget, b)
        if a["rows"] in ("classes", "coded"):
            ka = kb = sorted(set(ka) | set(kb))
        for x, y in zip(ka, kb):
            va, vb = _value(budget, a["table"], x, a["column"]), _value(budget, b["table"], y, b["column"])
            if va is None or vb is None:
                continue
            tol = Decimal(0) if va[1] == vb[1] else max(va[1], vb[1])  # a copy is identical, up to the coarser unit
            if abs(va[0] - vb[0]) > tol:
                bad.append(f"{rel['id']} {x}: {va[0]} ≠ {vb[0]}")
    elif rel["kind"] == "sum":
        total = _value(budget, rel["total"]["table"], rel["total"]["rows"], rel["total"]["column"])
        parts = [_value(budget, p["table"], k, p["column"]) for p in rel["parts"] for k in _keys(budget, p)]
        parts = [p for p in parts if p is not None]
        if total is not None and parts:
            s, tol = sum(p[0] for p in parts), total[1] + sum(p[1] for p in parts)
            if abs(total[0] - s) > tol:
                bad.append(f"{rel['id']}: {total[0]} ≠ Σ {s}")
    else:
        big_ref = rel["big"]
        for k in _keys(budget, big_ref) if big_ref["rows"] == "coded" else [big_ref["rows"]]:
            big = _value(budget, big_ref["table"], k, big_ref["column"])
            small = [_value(budget, p["table"], k if p["rows"] == "coded" else p["rows"], p["column"]) for p in rel["small"]]
            small = [p for p in small if p is not None]
            if big is None or not small:
                continue
            s = sum(p[0] for p in small)
            if s > big[0] + big[1] + sum(p[1] for p in small):
                bad.append(f"{rel['id']} {k}: {s} > {big[0]}")
    return bad


@pytest.mark.skipif(not sample_pdfs(), reason="../shared/samples/shanghai 不在本机")
def test_every_relation_holds_on_the_published_documents():
    from budget_xl.importers.pdf import import_pdf

    failures = []
    for pdf in sample_pdfs():
        budget, _ = import_pdf(pdf)
        for rel in relations():
            failures += [f"{pdf_key(pdf)} {m}" for m in evaluate(budget, rel)]
    assert failures == []


def test_a_planted_difference_breaks_the_copy_it_belongs_to():
    from budget_xl.model import Row, empty_budget

    b = empty_budget(profile="shanghai")
    b["T1"].rows = [Row("fin", {"in_amount": Decimal("1000000")}, side="in")]
    b["T2"].rows = [Row("合计", {"name": "合计", "fin": Decimal("1000001")})]
    for t in (b["T1"], b["T2"]):
        t.reindex()
    rel = next(r for r in relations() if r["id"] == "X-T1-T2-FIN")
    assert evaluate(b, rel) == ["X-T1-T2-FIN fin: 100 ≠ 100.0001"]
    b["T2"].get("合计").values["fin"] = Decimal("1000000")
    assert evaluate(b, rel) == []
