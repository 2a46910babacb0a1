"""Sub-commands added by later parts of the pipeline (check, fill, narrative, serve…)."""

from __future__ import annotations


def register(sub) -> None:
    """Add the pipeline's sub-commands to the parser's sub-parsers."""
