"""The Excel add-in: buttons 校验 / 重算汇总 / 导出说明 and worksheet functions, through xlwings.

The only package that imports xlwings, and only in the modules that talk to Excel; importing
``budget_xl.excel`` or ``budget_xl.excel.cli`` works on a plain install without xlwings.

- ``handlers``: validate / recompute / export_narrative on an ``xw.Book`` — the same code for desktop
  Excel (COM), xlwings Server (Office.js, remote engine) and tests (``xw.Book(json=...)``);
  ``book_io`` reads and writes a book in bulk, ``ranges`` groups cells into blocks.
- ``functions_core``: ROLLUP / WANYUAN / ZENGJIAN / DAXIE, pure; ``udfs`` (desktop) and
  ``addin/custom_functions`` (Office.js) wrap it a line each.
- ``addin/``: the xlwings Server project folder (ribbon, manifest, task pane, scripts, functions, auth hook);
  ``server`` runs it for ``budget-xl serve`` (``asgi``: the app, behind ``guard``'s request checks;
  ``users``: the office's user list; ``certs``: the localhost certificate of ``--install-cert``);
  ``manifest`` writes the manifest for a public URL (``budget-xl manifest``); ``icons`` draws the ribbon icons.
- ``vba``: the desktop VBA module and xlwings.conf sheet; ``xlam`` builds the desktop add-in
  预算公开助手.xlam from xlwings' shipped template without Excel (``vba_project`` writes its VBA project);
  ``setup_desktop`` puts the buttons into a workbook on Windows; ``desktop``: what the buttons call.
"""
