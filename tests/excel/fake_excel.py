"""A workbook as xlwings Server's Office.js client sends it, and a small stand-in for Excel that
applies the returned actions, so that a second run sees what the first one wrote.

Only what the handlers use is modelled: values, sheets, visibility, notes (which cells have one, and
their text on the side) and fills (on the side: Office.js does not send fills).
"""

from __future__ import annotations

import copy
import json
import re

import xlwings as xw

from budget_xl.excel.ranges import a1, parse_a1
from budget_xl.read.files import load_grids_calamine

BOOK_NAME = "预算公开主表.xlsx"
# formatting and UI: accepted, not modelled; any other action this stand-in does not know fails the test
NOT_MODELLED = {"setColumnWidth", "setFontProperty", "setNumberFormat", "setWrapText", "activateSheet", "alert"}


def sample_grids_from_file(path) -> dict[str, list[list]]:
    return load_grids_calamine(path)


def _json_value(v):
    if v is None:
        return ""
    if isinstance(v, (int, float, str, bool)):
        return v
    return str(v)


class FakeExcel:
    """Sheets in order: name → values (rows from A1), notes {A1: text}, fills {A1: '#RRGGBB'}, visible."""

    def __init__(self, grids: dict[str, list[list]], notes: dict[str, dict[str, str]] | None = None):
        self.sheets = []
        for name, grid in grids.items():
            self.sheets.append({"name": name, "values": [list(r) for r in grid],
                                "notes": dict((notes or {}).get(name, {})), "fills": {}, "visible": True})

    def sheet(self, name):
        return next(s for s in self.sheets if s["name"] == name)

    # -- what the client sends --------------------------------------------------------------------------
    def payload(self) -> dict:
        sheets = []
        for s in self.sheets:
            rows = s["values"]
            width = max((len(r) for r in rows), default=0)
            values = [[_json_value(v) for v in r] + [""] * (width - len(r)) for r in rows]
            last = None
            for i in range(len(values) - 1, -1, -1):
                if any(v != "" for v in values[i]):
                    last = i
                    break
            used = None
            if last is not None:
                values = values[: last + 1]
                ncols = max(j + 1 for r in values for j, v in enumerate(r) if v != "")
                values = [r[:ncols] for r in values]
                used = f"A1:{a1(last, ncols - 1)}"
            else:
                values = [[]]
            sheets.append({"name": s["name"], "values": values, "used_range_address": used,
                           "visibility": "Visible" if s["visible"] else "Hidden",
                           "pictures": [], "tables": [], "shapes": [], "charts": [],
                           "notes": [{"address": addr} for addr in s["notes"]]})
        return {"client": "Office.js", "version": xw.__version__,
                "book": {"name": BOOK_NAME, "active_sheet_index": 0, "selection": "A1"},
                "names": [], "sheets": sheets}

    def book(self):
        return xw.Book(json=json.loads(json.dumps(self.payload())))

    # -- what Excel does with the actions ------------------------------------------------------------------
    def apply(self, actions: list[dict]) -> None:
        for a in actions:
            if a["func"] in NOT_MODELLED:
                continue
            method = getattr(self, "_" + re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), a["func"]))
            method(a)

    def _at(self, a):
        return self.sheets[a["sheet_position"]]

    def _set_values(self, a):
        s, r0, c0 = self._at(a), a["start_row"], a["start_column"]
        for i, row in enumerate(a["values"]):
            while len(s["values"]) <= r0 + i:
                s["values"].append([])
            line = s["values"][r0 + i]
            for j, v in enumerate(row):
                while len(line) <= c0 + j:
                    line.append("")
                if isinstance(v, str) and v.startswith("=HYPERLINK("):
                    v = "转到"  # the formula's value
                elif isinstance(v, str) and v.startswith("'"):
                    v = v[1:]  # Excel's text prefix is not part of the value
                line[c0 + j] = v

    def _add_sheet(self, a):
        ix, name = a["args"]
        self.sheets.insert(ix, {"name": name, "values": [], "notes": {}, "fills": {}, "visible": True})

    def _sheet_clear(self, a):
        s = self._at(a)
        s["values"], s["fills"] = [], {}

    def _sheet_clear_contents(self, a):
        self._at(a)["values"] = []

    def _set_sheet_visibility(self, a):
        self._at(a)["visible"] = a["args"][0] == "Visible"

    def _cells(self, a):
        return [a1(r, c) for r in range(a["start_row"], a["start_row"] + a["row_count"])
                for c in range(a["start_column"], a["start_column"] + a["column_count"])]

    def _set_range_color(self, a):
        s = self._at(a)
        for cell in self._cells(a):
            if a["args"][0] is None:
                s["fills"].pop(cell, None)
            else:
                s["fills"][cell] = a["args"][0]

    @staticmethod
    def _addr(address: str) -> str:
        return a1(*parse_a1(address))

    def _add_note(self, a):
        address, text = a["args"]
        notes = self._at(a)["notes"]
        assert self._addr(address) not in notes, f"Excel refuses a second note on {address}"
        notes[self._addr(address)] = text

    def _set_note_text(self, a):
        address, text = a["args"]
        self._at(a)["notes"][self._addr(address)] = text

    def _delete_note(self, a):
        self._at(a)["notes"].pop(self._addr(a["args"][0]))


def actions_of(book) -> list[dict]:
    actions = book.json()["actions"]
    json.dumps(actions)  # what the server sends must be JSON (no Decimal)
    return actions


def sheet_names(payload: dict) -> list[str]:
    return [s["name"] for s in payload["sheets"]]


def covered(actions: list[dict], sheets: list[str], func: str, arg=None) -> set[str]:
    """Every 'sheet!A1' the actions named ``func`` (with first argument ``arg``) touch; ``sheets`` is
    the sheet order the positions refer to (no sheets added before these actions)."""
    out = set()
    for a in actions:
        if a["func"] != func or (arg is not None and a["args"][0] != arg):
            continue
        name = sheets[a["sheet_position"]]
        for r in range(a["start_row"], a["start_row"] + a["row_count"]):
            for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                out.add(f"{name}!{a1(r, c)}")
    return out


def with_value(grids: dict, ref: str, value) -> dict:
    """A copy of the grids with one cell changed."""
    g = copy.deepcopy(grids)
    sheet, cell = ref.split("!")
    r, c = parse_a1(cell)
    row = g[sheet][r]
    while len(row) <= c:
        row.append("")
    row[c] = value
    return g


def _pad(i: int, n: int) -> list[float]:
    return [float(i * 7 + j) for j in range(n)]


def padded(grids: dict, factor: int = 3) -> dict:
    """The same workbook with many unrelated values: ``factor``× as many columns right of each table
    (after a blank column), twice as many rows below holding values only there, and a sheet of its own."""
    out = {}
    for name, grid in grids.items():
        w = max((len(r) for r in grid), default=0)
        rows = [list(r) + [""] * (w - len(r)) + [""] + _pad(i, w * factor) for i, r in enumerate(grid)]
        rows += [[""] * (w + 1) + _pad(i, w * factor) for i in range(2 * len(grid))]
        out[name] = rows
    out["附表（无关数据）"] = [[float(i * j) for j in range(20)] for i in range(500)]
    return out


def cell_count(grids: dict) -> int:
    return sum(len(r) for g in grids.values() for r in g)
