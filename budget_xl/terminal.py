"""The one way the commands make a rich ``Console``: a reader that goes away is a broken pipe, not an error.

rich answers a ``BrokenPipeError`` on its own (``Console.on_broken_pipe``) with ``SystemExit(1)``: ``budget-xl
check 主表.xlsx | head -1`` on a workbook without errors ended with exit code 1, which is what ``check`` and
``batch`` return for “有错误”. Raised again here as the ``BrokenPipeError`` it is, it reaches the command
line's one handler (``cli._main``), which silences stdout and returns 141 as any Unix tool does.
"""

from __future__ import annotations

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The pipe's reader has gone: say nothing more, and let the command line's handler give 141."""
        self.quiet = True
        raise BrokenPipeError


MIN_WIDTH = 40  # narrower, a table's columns are squeezed to nothing
FALLBACK_WIDTH = 80


def make_console(**options) -> Console:
    """A rich Console (``highlight=False`` unless given) whose broken pipe is a ``BrokenPipeError``, and never
    narrower than ``MIN_WIDTH``: with COLUMNS=5 (a CI log, a tiny pane) ``show`` printed a table of empty
    columns (┏┳┳┳┳) and every name and total was lost; such a width is taken as 80, and the terminal wraps."""
    options.setdefault("highlight", False)
    console = _Console(**options)
    if "width" not in options and console.width < MIN_WIDTH:
        console.width = FALLBACK_WIDTH
    return console
