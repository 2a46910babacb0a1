"""ROLLUP / WANYUAN / ZENGJIAN / DAXIE as Office.js custom functions (=YUSUAN.WANYUAN(B5) in Excel).

One line each around ``budget_xl.excel.functions_core``, which the desktop functions (``udfs.py``)
wrap the same way. Results never carry a traceback: a wrong argument, or an Excel error value in one
(``err_to_str``: "#DIV/0!" arrives as text instead of blank), is Chinese text in the cell. Each call
runs in a worker thread, so one large ROLLUP does not hold up the other users of a shared server.
"""

import asyncio

from xlwings.server import arg, func

from budget_xl.excel import functions_core as core
from budget_xl.excel.functions_core import ARG_DOCS, described


async def _off_loop(fn, *args):
    return await asyncio.to_thread(core.cell_result, fn, *args)


@func
@arg("codes", ndim=2, err_to_str=True, doc=ARG_DOCS["codes"])
@arg("amounts", ndim=2, err_to_str=True, doc=ARG_DOCS["amounts"])
@arg("code", err_to_str=True, doc=ARG_DOCS["code"])
@described
async def rollup(codes, amounts, code):
    return await _off_loop(core.rollup, codes, amounts, code)


@func
@arg("amount_in_yuan", err_to_str=True, doc=ARG_DOCS["amount_in_yuan"])
@described
async def wanyuan(amount_in_yuan):
    return await _off_loop(core.wanyuan, amount_in_yuan)


@func
@arg("this_year", err_to_str=True, doc=ARG_DOCS["this_year"])
@arg("last_year", err_to_str=True, doc=ARG_DOCS["last_year"])
@described
async def zengjian(this_year, last_year):
    return await _off_loop(core.zengjian, this_year, last_year)


@func
@arg("amount", err_to_str=True, doc=ARG_DOCS["amount"])
@arg("unit", err_to_str=True, doc=ARG_DOCS["unit"])
@described
async def daxie(amount, unit=None):
    return await _off_loop(core.daxie, amount, unit)
