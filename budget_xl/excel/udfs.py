"""ROLLUP / WANYUAN / ZENGJIAN / DAXIE for desktop Excel.

Loaded by xlwings' "Import Functions" (add-in ribbon, or the workbook's BudgetXlImportFunctions macro)
from the module named under ``UDF Modules`` in the workbook's xlwings.conf sheet. One line each around
``functions_core``, like the Office.js functions in ``addin/custom_functions``. The Python names are
upper case because desktop Excel shows a function as it is spelt.
"""

import xlwings as xw

from budget_xl.excel import functions_core as core
from budget_xl.excel.functions_core import ARG_DOCS, described


@xw.func
@xw.arg("codes", ndim=2, err_to_str=True, doc=ARG_DOCS["codes"])
@xw.arg("amounts", ndim=2, err_to_str=True, doc=ARG_DOCS["amounts"])
@xw.arg("code", err_to_str=True, doc=ARG_DOCS["code"])
@described
def ROLLUP(codes, amounts, code):  # noqa: N802 - the name Excel shows
    return core.cell_result(core.rollup, codes, amounts, code)


@xw.func
@xw.arg("amount_in_yuan", err_to_str=True, doc=ARG_DOCS["amount_in_yuan"])
@described
def WANYUAN(amount_in_yuan):  # noqa: N802
    return core.cell_result(core.wanyuan, amount_in_yuan)


@xw.func
@xw.arg("this_year", err_to_str=True, doc=ARG_DOCS["this_year"])
@xw.arg("last_year", err_to_str=True, doc=ARG_DOCS["last_year"])
@described
def ZENGJIAN(this_year, last_year):  # noqa: N802
    return core.cell_result(core.zengjian, this_year, last_year)


@xw.func
@xw.arg("amount", err_to_str=True, doc=ARG_DOCS["amount"])
@xw.arg("unit", err_to_str=True, doc=ARG_DOCS["unit"])
@described
def DAXIE(amount, unit=None):  # noqa: N802
    return core.cell_result(core.daxie, amount, unit)
