"""Marking a workbook with its findings: red error cells, yellow warnings, a note on each, and a
校验结果 sheet with a hyperlink per finding and a 说明 column for the user.

The work is in ``budget_xl.marking``: the engine-neutral plan (``plan_marks``), the hidden record
(``state``) and the openpyxl writer (``mark_workbook``); this module keeps the names older code imports.
"""

from budget_xl.marking.plan import (  # noqa: F401
    AMOUNT_COLS,
    EXPLAIN_COL,
    FILL,
    FONT_COLOR,
    GONE_TITLE,
    HEADER,
    MONEY_FORMAT,
    RESULT_SHEET,
    CellMark,
    CellNow,
    MarkPlan,
    finding_key,
    plan_marks,
    read_explanations,
)
from budget_xl.marking.state import (  # noqa: F401
    NOTE_KEPT,
    NOTE_PREFIX,
    OUR_AUTHOR,
    STATE_HEADER,
    STATE_SHEET,
    SavedCell,
    read_state,
    state_rows,
)
from budget_xl.marking.xlsx import mark_workbook  # noqa: F401
