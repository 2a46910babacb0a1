"""ROLLUP / WANYUAN / ZENGJIAN / DAXIE as Office.js custom functions (=YUSUAN.WANYUAN(B5) in Excel).

One line each around ``budget_xl.excel.functions_core``, which the desktop functions (``udfs.py``)
wrap the same way. Results never carry a traceback: a wrong argument is Chinese text in the cell.
"""

from xlwings.server import arg, func

from budget_xl.excel import functions_core as core
from budget_xl.excel.functions_core import ARG_DOCS, described


@func
@arg("codes", ndim=2, doc=ARG_DOCS["codes"])
@arg("amounts", ndim=2, doc=ARG_DOCS["amounts"])
@arg("code", doc=ARG_DOCS["code"])
@described
def rollup(codes, amounts, code):
    return core.cell_result(core.rollup, codes, amounts, code)


@func
@arg("amount_in_yuan", doc=ARG_DOCS["amount_in_yuan"])
@described
def wanyuan(amount_in_yuan):
    return core.cell_result(core.wanyuan, amount_in_yuan)


@func
@arg("this_year", doc=ARG_DOCS["this_year"])
@arg("last_year", doc=ARG_DOCS["last_year"])
@described
def zengjian(this_year, last_year):
    return core.cell_result(core.zengjian, this_year, last_year)


@func
@arg("amount", doc=ARG_DOCS["amount"])
@arg("unit", doc=ARG_DOCS["unit"])
@described
def daxie(amount, unit=None):
    return core.cell_result(core.daxie, amount, unit)

