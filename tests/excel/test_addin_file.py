"""`budget-xl excel-setup` writes 预算公开助手.xlam here, on Linux, without Excel and without VBA-object-model
trust; the tests open it the way other programs do: olefile reads the compound file, olevba lists the
modules and their RunPython calls, the ribbon XML is checked against the callbacks and images, and
LibreOffice opens it, imports every VBA module and prints it to PDF."""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from budget_xl.excel.vba import BUTTONS, UDF_MODULE
from budget_xl.excel.vba_project import Module, compress, parse_records, write_cfb
from budget_xl.excel.xlam import CONF_SHEET, CUSTOMUI_NS, ICONS, PROJECT_NAME, VBA_PROJECT, build_addin, ribbon_callback
from tests.conftest import run_cli, soffice

UI = f"{{{CUSTOMUI_NS}}}"
RIBBON_ELEMENTS = {"customUI", "ribbon", "tabs", "tab", "group", "button"}
BUTTON_ATTRS = {"id", "label", "size", "image", "screentip", "supertip", "onAction"}


@pytest.fixture(scope="module")
def addin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("addin")
    r = run_cli("excel-setup", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert "已生成 Excel 加载项" in r.stdout
    return folder / "预算公开助手.xlam"


@pytest.fixture(scope="module")
def macros(addin):
    parser = VBA_Parser(str(addin))
    found = {name: code for _f, _stream, name, code in parser.extract_macros()}
    parser.close()
    return found


def test_olevba_lists_the_modules_of_the_addin(macros):
    assert set(macros) == {"ThisWorkbook.cls", "Sheet2.cls", "Dictionary.cls", "xlwings.bas", "BudgetXl.bas",
                           "xlwings_udfs.bas"}


def test_each_ribbon_button_runs_its_python_function_through_runpython(macros):
    code = macros["BudgetXl.bas"].replace("\r\n", "\n")
    for b in BUTTONS:
        body = code.split(f"Sub {b.macro}()\n")[1].split("End Sub")[0]
        assert f'RunPython "import budget_xl.excel.desktop as m; m.{b.function}()"' in body
        callback = code.split(f"Sub {ribbon_callback(b.macro)}(control As IRibbonControl)\n")[1].split("End Sub")[0]
        assert callback.strip().splitlines()[-1].strip() == b.macro


def test_the_udf_wrappers_call_the_four_desktop_functions(macros):
    code = macros["xlwings_udfs.bas"]
    calls = re.findall(r'XLPy\.CallUDF\("([\w.]+)", "(\w+)", Array\(([\w, ]*)\), ActiveWorkbook', code)
    assert calls == [(UDF_MODULE, "DAXIE", "amount, unit"), (UDF_MODULE, "ROLLUP", "codes, amounts, code"),
                     (UDF_MODULE, "WANYUAN", "amount_in_yuan"), (UDF_MODULE, "ZENGJIAN", "this_year, last_year")]
    assert "Function DAXIE(amount, Optional unit)" in code


def test_xlwings_vba_is_the_pinned_version_under_our_project_name(macros):
    import xlwings

    code = macros["xlwings.bas"]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in code
    assert f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"' in code
    assert f'Public Const BUDGET_XL_XLWINGS_VERSION As String = "{xlwings.__version__}"' in macros["BudgetXl.bas"]


def test_the_vba_project_is_written_as_source_only_for_office_to_compile(addin):
    with zipfile.ZipFile(addin) as z:
        data = z.read("xl/vbaProject.bin")
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
        project = ole.openstream("PROJECT").read().decode("cp1252")
        records = parse_records(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert f'Name="{VBA_PROJECT}"' in project
    assert re.findall(r"^(Module|Class|Document)=(\w+)", project, flags=re.M) == [
        ("Document", "ThisWorkbook"), ("Document", "Sheet2"), ("Class", "Dictionary"), ("Module", "xlwings"),
        ("Module", "BudgetXl"), ("Module", "xlwings_udfs")]
    offsets = [int.from_bytes(d, "little") for rid, d in records if rid == 0x0031]
    assert offsets == [0] * 6
    refs = [d.decode("cp1252") for rid, d in records if rid == 0x0016]
    assert "Office" in refs  # IRibbonControl comes from the Office library


def test_the_ribbon_xml_is_well_formed_and_every_reference_resolves(addin, macros):
    with zipfile.ZipFile(addin) as z:
        root = ET.fromstring(z.read("customUI/customUI.xml"))
        rels = ET.fromstring(z.read("customUI/_rels/customUI.xml.rels"))
        names = set(z.namelist())
        package_rels = z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert root.tag == f"{UI}customUI"
    assert {el.tag.removeprefix(UI) for el in root.iter()} == RIBBON_ELEMENTS
    (tab,) = root.iter(f"{UI}tab")
    assert tab.get("label") == "预算公开"
    buttons = list(root.iter(f"{UI}button"))
    assert [b.get("label") for b in buttons] == ["校验", "重算汇总", "导出说明"]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids)
    images = {r.get("Id"): r.get("Target") for r in rels}
    subs = set(re.findall(r"^Sub (\w+)\(control As IRibbonControl\)", macros["BudgetXl.bas"], flags=re.M))
    for b in buttons:
        assert set(b.attrib) <= BUTTON_ATTRS
        module, sub = b.get("onAction").split(".")  # module-qualified, as in xlwings' template
        assert module == "BudgetXl" and sub in subs
        assert f"customUI/{images[b.get('image')]}" in names
    assert set(images) == set(ICONS.values())
    assert 'Target="customUI/customUI.xml"' in package_rels and 'Extension="png"' in types


def test_the_addin_carries_no_interpreter_unless_asked_and_then_keeps_variables(addin, tmp_path):
    with zipfile.ZipFile(addin) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert f'<sheet name="{CONF_SHEET}"' in workbook and "felix" not in workbook
    assert "Interpreter" not in sheet and UDF_MODULE in sheet
    out = build_addin(tmp_path / "a.xlam", interpreter=r"%LOCALAPPDATA%\budget-xl\Scripts\pythonw.exe")
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert r"<t>Interpreter_Win</t></is></c><c r=\"B1\"" .replace("\\", "") in sheet
    assert r"%LOCALAPPDATA%\budget-xl\Scripts\pythonw.exe" in sheet


def test_excel_setup_does_not_replace_an_existing_addin_without_force(addin):
    before = addin.read_bytes()
    r = run_cli("excel-setup", "-o", addin)
    assert r.returncode == 2 and "--force" in r.stderr and addin.read_bytes() == before
    r = run_cli("excel-setup", "-o", addin.with_suffix(".xlsx"))
    assert r.returncode == 2 and ".xlam" in r.stderr


def test_libreoffice_opens_the_addin_imports_every_module_and_prints_it(addin, tmp_path):
    exe = soffice("calc")  # the module name it prints is ASCII
    src = tmp_path / "addin.xlam"
    shutil.copy(addin, src)
    base = [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--infilter=Calc MS Excel 2007 VBA XML"]  # LibreOffice does not guess an .xlam by its name
    out = ["--outdir", str(tmp_path), str(src)]
    done = subprocess.run([*base, "--convert-to", "pdf", *out], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and (tmp_path / "addin.pdf").stat().st_size > 1000, done.stderr
    import pdfplumber

    with pdfplumber.open(tmp_path / "addin.pdf") as pdf:
        assert UDF_MODULE in "".join(page.extract_text() for page in pdf.pages)
    done = subprocess.run([*base, "--convert-to", "ods", *out], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "addin.ods") as z:
        basic = {n.split("/")[-1] for n in z.namelist() if n.startswith(f"Basic/{VBA_PROJECT}/")}
        budget = z.read(f"Basic/{VBA_PROJECT}/BudgetXl.xml").decode()
    assert {"BudgetXl.xml", "xlwings.xml", "xlwings_udfs.xml", "Dictionary.xml"} <= basic
    assert "m.validate_caller()" in budget


def test_compression_round_trips_through_oletools():
    import random

    rng = random.Random(7)
    for n in (0, 1, 3, 4095, 4096, 4097, 30000):
        data = bytes(rng.choice(b"Sub End If RunPython \r\n\"") for _ in range(n))
        assert bytes(decompress_stream(bytearray(compress(data)))) == data, n


def test_the_compound_file_writer_round_trips_through_olefile():
    streams = {"PROJECT": b"ID=1\r\n", "VBA/dir": b"d" * 5000, "VBA/small": b"x" * 70, "VBA/empty": b"",
               "Other/deep": bytes(range(256)) * 40}
    with olefile.OleFileIO(io.BytesIO(write_cfb(streams))) as ole:
        assert {"/".join(p) for p in ole.listdir()} == set(streams)
        for path, data in streams.items():
            assert ole.openstream(path).read() == data


def test_module_names_must_be_ascii_identifiers():
    with pytest.raises(ValueError):
        Module("按钮", "")


def test_building_the_addin_leaves_no_pywin32_stand_ins_behind(tmp_path):
    import sys

    import xlwings

    build_addin(tmp_path / "b.xlam")
    assert "pythoncom" not in sys.modules and "xlwings.udfs" not in sys.modules
    assert not hasattr(xlwings, "udfs")


def test_the_functions_get_chinese_descriptions_in_the_function_wizard_when_the_addin_opens(macros):
    from budget_xl.excel.functions_core import ARG_DOCS, ARG_NAMES, DOCS
    from budget_xl.excel.xlam import DESCRIBE_MACRO, FUNCTION_ARGS

    from .test_desktop import vba_text

    assert f"Private Sub Workbook_Open()\r\n    BudgetXl.{DESCRIBE_MACRO}" in macros["ThisWorkbook.cls"]
    body = macros["BudgetXl.bas"].split(f"Sub {DESCRIBE_MACRO}()")[1].split("End Sub")[0]
    values, described = {}, {}
    for line in body.splitlines():  # run the assignments as VBA would
        line = line.strip()
        if m := re.fullmatch(r"(\w+) = (?:\1 & )?(.+)", line):
            values[m[1]] = (values.get(m[1], "") if f"{m[1]} & " in line else "") + vba_text(m[2])
        elif m := re.fullmatch(r'Application\.MacroOptions Macro:="(\w+)", Description:=d, Category:=c, '
                               r"ArgumentDescriptions:=Array\(([\w, ]+)\)", line):
            described[m[1]] = (values["d"], values["c"], [values[a] for a in m[2].split(", ")])
        assert len(line) < 1023
    assert described == {name: (DOCS[name.lower()], "预算公开助手", [f"{ARG_NAMES[a]}：{ARG_DOCS[a]}" for a in args])
                         for name, args in FUNCTION_ARGS.items()}


def test_the_described_arguments_are_the_desktop_functions_own():
    import inspect

    from budget_xl.excel import udfs
    from budget_xl.excel.xlam import FUNCTION_ARGS

    assert {n: tuple(inspect.signature(getattr(udfs, n)).parameters) for n in FUNCTION_ARGS} == FUNCTION_ARGS
