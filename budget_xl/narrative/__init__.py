"""The 情况说明 and the whole disclosure document, generated from the workbook (Jinja2 templates → Word).

Pipeline: ``context`` (model → Amounts and CellTexts, each traced to its cells) → ``render`` (sandboxed
section templates → blocks, every amount checked by ``selfcheck``) → ``text_out`` / ``docx_out`` /
``document`` (writers). ``cli.register`` adds ``narrative`` and ``document``; ``demo_step`` adds the demo's
step.
"""

from __future__ import annotations

from budget_xl.narrative.demo import demo_step

__all__ = ["demo_step"]
