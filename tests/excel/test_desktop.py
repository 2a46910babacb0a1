"""The desktop side, as far as Linux can check it: the VBA module as text, the xlwings.conf sheet, the
entry points the buttons name, and the commands' refusals."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from budget_xl.excel import desktop, udfs
from budget_xl.excel.vba import (
    BUTTONS,
    CONF_SHEET,
    IMPORT_FUNCTIONS_MACRO,
    MODULE_NAME,
    VERSION_CONSTANT,
    add_conf_sheet,
    conf_rows,
    vba_module,
)
from budget_xl.read import read_workbook
from tests.conftest import ROOT, run_cli

CHRW = re.compile(r'ChrW\(&H([0-9A-F]{4})\)|"((?:[^"]|"")*)"')


def vba_text(expr: str) -> str:
    """Evaluate a VBA string expression made of quoted ASCII and ChrW(&H…) parts."""
    return "".join(chr(int(h, 16)) if h else q.replace('""', '"') for h, q in CHRW.findall(expr))


def pinned_xlwings() -> set[str]:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    return {dep.split("==")[1] for deps in extras.values() for dep in deps if dep.startswith("xlwings==")}


def test_the_vba_names_the_pinned_xlwings_version():
    text = vba_module()
    assert pinned_xlwings() == {xw.__version__} == {"0.37.8"}
    assert f'Public Const {VERSION_CONSTANT} As String = "{xw.__version__}"' in text
    assert f"for xlwings {xw.__version__}" in text


def test_the_vba_module_is_ascii_with_crlf_and_one_sub_per_button():
    raw = vba_module()
    raw.encode("ascii")
    assert "\n" not in raw.replace("\r\n", "")
    assert raw.splitlines()[0] == f'Attribute VB_Name = "{MODULE_NAME}"'
    subs = re.findall(r"^Sub (\w+)\(\)\r$", raw, flags=re.M)
    assert subs == [b.macro for b in BUTTONS] + [IMPORT_FUNCTIONS_MACRO]
    for b in BUTTONS:
        body = raw.split(f"Sub {b.macro}()")[1].split("End Sub")[0]
        assert f'RunPython "import budget_xl.excel.desktop as m; m.{b.function}()"' in body
        assert "If BudgetXlReady() Then" in body


def test_every_button_runs_a_function_of_the_desktop_module():
    assert [b.caption for b in BUTTONS] == ["校验", "重算汇总", "导出说明"]
    for b in BUTTONS:
        assert callable(getattr(desktop, b.function))
        assert b.function.isascii() and b.macro.isascii()


def test_the_version_warning_reads_in_chinese():
    raw = vba_module()
    body = raw.split("Private Function BudgetXlReady() As Boolean")[1].split("End Function")[0]
    parts = [line.split("=", 1)[1] for line in body.splitlines() if line.strip().startswith("msg =")]
    pieces = [p.replace("msg &", "", 1).strip() for p in parts]
    text = "".join("{found}" if p == "XLWINGS_VERSION" else vba_text(p) for p in pieces)
    assert text == (f"工作簿中的 xlwings VBA 模块版本为 {{found}}，按钮需要 {xw.__version__}。"
                    "请重新运行 budget-xl excel-setup。")
    title = next(line for line in body.splitlines() if line.strip().startswith("title ="))
    assert vba_text(title.split("=", 1)[1]) == "预算公开助手"


def test_the_conf_sheet_points_udfs_at_an_importable_module_with_the_four_functions():
    conf = dict(conf_rows(r"C:\Python311\pythonw.exe"))
    assert conf["UDF Modules"] == "budget_xl.excel.udfs"
    assert conf["Interpreter_Win"] == r"C:\Python311\pythonw.exe"
    __import__(conf["UDF Modules"])
    assert all(callable(getattr(udfs, n)) for n in ("ROLLUP", "WANYUAN", "ZENGJIAN", "DAXIE"))


def test_the_conf_sheet_can_be_added_to_the_master_workbook_without_changing_what_it_reads(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    add_conf_sheet(wb, interpreter="pythonw.exe")
    add_conf_sheet(wb, interpreter="pythonw.exe")  # again: replaced, not doubled
    out = tmp_path / "带配置.xlsx"
    wb.save(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.count(CONF_SHEET) == 1
    ws = wb[CONF_SHEET]
    assert ws.sheet_state == "hidden"
    assert [[c.value or "" for c in r] for r in ws.iter_rows()] == conf_rows("pythonw.exe")
    before, after = read_workbook(sample_copy), read_workbook(out)
    assert after.budget.tables.keys() == before.budget.tables.keys()
    assert [r.values for r in after.budget["T2"].rows] == [r.values for r in before.budget["T2"].rows]


def test_excel_setup_refuses_on_linux_in_chinese(sample_file):
    r = run_cli("excel-setup", sample_file)
    assert r.returncode == 2
    assert "excel-setup 需要 Windows 上的 Microsoft Excel" in r.stderr
    assert not Path(sample_file).with_suffix(".xlsm").exists()


def test_serve_without_xlwings_says_what_to_install():
    code = ("import sys; sys.modules['xlwings'] = None; sys.modules['xlwings_server'] = None\n"
            "from budget_xl.cli import main; sys.exit(main(['serve']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert 'pip install "budget-xl[excel]"' in r.stderr


def test_the_cli_module_imports_no_xlwings():
    code = "import sys, budget_xl.cli, budget_xl.excel.cli; print('xlwings' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "False", r.stderr


def test_serve_refuses_a_bad_port_and_a_certificate_folder_without_certificates(tmp_path):
    r = run_cli("serve", "--port", "70000")
    assert r.returncode == 2 and "端口应为 1–65535 之间的整数" in r.stderr
    r = run_cli("serve", "--certs", tmp_path)
    assert r.returncode == 2 and "证书文件夹中找不到证书和私钥" in r.stderr


def test_the_master_workbook_carries_no_interpreter_row_so_it_works_on_any_computer(blank_file):
    """A key in the xlwings.conf sheet wins over the xlwings add-in's and the user's own settings even when
    blank; so neither the written master workbook nor the committed ones name (or blank) an interpreter."""
    assert [k for k, _v in conf_rows()] == ["UDF Modules", "Use UDF Server", "Show Console", "Debug UDFs"]
    for path in (blank_file, ROOT / "workbook" / "预算公开主表_空白模板.xlsx", ROOT / "workbook" / "样例_承德市司法局2024.xlsx"):
        keys = [r[0].value for r in openpyxl.load_workbook(path)[CONF_SHEET].iter_rows()]
        assert "Interpreter_Win" not in keys and "Interpreter_Mac" not in keys and "UDF Modules" in keys


@pytest.mark.parametrize("argv, said", [
    (["--users", ""], "--users 不能为空：请给出用户名单文件"),
    (["--certs", " "], "--certs 不能为空：请给出证书文件夹"),
    (["--trust-user-header", ""], "--trust-user-header 不能为空"),
    (["--trust-user-header", "X User:\n"], "不是有效的请求头名称"),
    (["--trust-user-header", "X-User", "--trusted-proxy", "999.0.0.1"], "“999.0.0.1”不是有效的 IP 地址"),
    (["--trust-user-header", "X-User", "--trusted-proxy", "proxy.local"], "不接受主机名或网段"),
    (["--allow-origin", "不是网址"], "“不是网址”不是网页来源"),
    (["--allow-origin", "https://oa.example.gov.cn/"], "末尾也不加“/”"),
])
def test_serve_refuses_at_start_an_option_that_would_refuse_every_request(argv, said):
    """Rather than starting and then answering every request 401/403: exit 2 with the reason, in Chinese."""
    r = run_cli("serve", *argv, "--port", "8959")
    assert r.returncode == 2 and said in r.stderr, r.stderr


def test_serve_options_that_are_well_formed_pass_the_start_check():
    from types import SimpleNamespace

    from budget_xl.excel.cli import check_serve_options

    check_serve_options(SimpleNamespace(users=None, certs=None, trust_user_header="X-Remote-User",
                                        trusted_proxy=["10.0.0.5", "::1"], allow_origin=["https://oa.example.gov.cn:8443"]))
