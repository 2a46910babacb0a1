"""The Office.js add-in as xlwings Server serves it: scripts, functions, manifest and ribbon, through
FastAPI's TestClient, and ``budget-xl serve`` as a real process on 127.0.0.1."""

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
import xlwings as xw

from budget_xl.excel.server import project_dir
from budget_xl.findings import ERROR, WARNING
from budget_xl.mark import FILL, HEADER, RESULT_SHEET
from budget_xl.marking.plan import LOCATE_FILL

from .fake_excel import FakeExcel, covered, sheet_names, with_value
from .test_handlers import CHANGED, cells_of, findings_of

SCRIPTS = {"validate", "recompute", "export_narrative"}  # the ribbon's three buttons
PANE_SCRIPTS = SCRIPTS | {"recompute_preview"}  # the task pane also previews 重算汇总 (issue 17)
RED, YELLOW = f"#{FILL[ERROR][-6:]}", f"#{FILL[WARNING][-6:]}"
OFFICE = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"


def call(client, func_name, *args):
    r = client.post("/xlwings/custom-functions-call", json={
        "func_name": func_name, "args": list(args), "caller_address": "Sheet1!B2", "version": xw.__version__,
        "client": "Office.js", "runtime": "1.4", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"})
    assert r.status_code == 200, r.text
    return r.json()["result"]


def test_the_scripts_meta_lists_the_three_buttons_and_the_preview(client):
    r = client.get("/xlwings/custom-scripts-meta")
    assert r.status_code == 200
    assert {m["function_name"] for m in r.json()} == PANE_SCRIPTS


def test_validate_over_http_reddens_exactly_the_failed_relations_and_writes_the_result_sheet(client, grids):
    broken = with_value(grids, CHANGED, 1465.88)
    payload = FakeExcel(broken).payload()
    r = client.post("/xlwings/custom-scripts-call/validate", json=payload)
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    sheets = sheet_names(payload)
    errors = cells_of(findings_of(broken), ERROR)
    assert CHANGED in errors
    # the cell to fix first in its own colour (issue 17), the cells it explains red
    assert covered(actions, sheets, "setRangeColor", f"#{LOCATE_FILL[-6:]}") == {CHANGED}
    assert covered(actions, sheets, "setRangeColor", RED) == errors - {CHANGED}
    result = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert result and result[0]["values"][1][:len(HEADER)] == HEADER
    assert ["addSheet", 0, RESULT_SHEET] == ["addSheet", *next(a["args"] for a in actions if a["func"] == "addSheet")]


def test_validate_over_http_of_the_unchanged_sample_has_no_red(client, grids):
    payload = FakeExcel(grids).payload()
    actions = client.post("/xlwings/custom-scripts-call/validate", json=payload).json()["actions"]
    assert not [a for a in actions if a["func"] == "setRangeColor" and a["args"] == [RED]]
    assert covered(actions, sheet_names(payload), "setRangeColor", YELLOW) == cells_of(findings_of(grids), WARNING)


def test_recompute_and_export_narrative_answer_over_http(client, grids):
    payload = FakeExcel(with_value(grids, CHANGED, "")).payload()
    actions = client.post("/xlwings/custom-scripts-call/recompute", json=payload).json()["actions"]
    assert [a["values"] for a in actions if a["func"] == "setValues"][0] == [[1365.88]]
    actions = client.post("/xlwings/custom-scripts-call/export_narrative",
                          json=FakeExcel(grids).payload()).json()["actions"]
    assert actions[0]["args"][1] == "情况说明"


def test_a_refused_workbook_gets_a_chinese_alert_not_a_server_error(client, grids):
    payload = FakeExcel({k: v for k, v in grids.items() if k != "收支总表"}).payload()
    r = client.post("/xlwings/custom-scripts-call/validate", json=payload)
    assert r.status_code == 200
    (alert,) = r.json()["actions"]
    assert alert["func"] == "alert" and "缺少工作表“收支总表”" in alert["args"][0]


def test_custom_functions_answer_through_the_server(client, grids):
    assert call(client, "wanyuan", [[12345]]) == [[1.23]]
    assert call(client, "wanyuan", [[12250]]) == [[1.23]]
    assert call(client, "daxie", [[4148.23]]) == [["肆仟壹佰肆拾捌元贰角叁分"]]
    assert call(client, "daxie", [[4148.23]], [["万元"]]) == [["肆仟壹佰肆拾捌万贰仟叁佰元整"]]
    assert call(client, "zengjian", [[4148.23]], [[4000]]) == [["增加148.23万元"]]
    assert call(client, "zengjian", [[3060.9]], [[3100.25]]) == [["减少39.35万元"]]
    assert call(client, "zengjian", [[348.81]], [[348.81]]) == [["持平"]]
    t2 = grids["收入总表"][5:]
    codes, amounts = [[r[1]] for r in t2], [[r[3]] for r in t2]
    assert call(client, "rollup", codes, amounts, [["204"]]) == [[3397.31]]
    # 1275.90 + 307.50 + 55.00 + 249.37 + 143.67; the printed 20408 total is 2031.43 (尾差)
    assert call(client, "rollup", codes, amounts, [[20408]]) == [[2031.44]]


def test_custom_functions_put_wrong_arguments_into_the_cell_in_chinese(client):
    assert call(client, "wanyuan", [["一万"]]) == [["错误：金额“一万”不是数字。"]]
    assert call(client, "rollup", [["204"]], [[1]], [["2040601"]]) == [[
        "错误：“2040601”是项级科目，ROLLUP 只汇总类（3位）或款（5位）科目的下级。"]]


def test_custom_functions_meta_describes_the_four_functions_in_chinese(client):
    meta = client.get("/xlwings/custom-functions-meta").json()["functions"]
    by_id = {f["id"]: f for f in meta}
    assert set(by_id) == {"ROLLUP", "WANYUAN", "ZENGJIAN", "DAXIE"}
    assert by_id["WANYUAN"]["description"] == "元换算为万元，保留两位小数，四舍五入"
    assert [p["description"] for p in by_id["ZENGJIAN"]["parameters"]] == ["本年数（万元）", "上年数（万元）"]
    assert by_id["DAXIE"]["parameters"][1].get("optional") is True


def test_the_manifest_has_a_yusuan_tab_whose_buttons_run_the_scripts(client):
    r = client.get("/manifest")
    assert r.status_code == 200
    root = ET.fromstring(r.text.encode("utf-8"))
    strings = {s.get("id"): s.get("DefaultValue") for s in root.iter("{http://schemas.microsoft.com/office/officeappbasictypes/1.0}String")}
    assert strings["BudgetXlTab.Label"] == "预算公开"
    buttons = {}
    for control in root.iter(f"{OFFICE}Control"):
        label = strings[control.find(f"{OFFICE}Label").get("resid")]
        fn = control.find(f"{OFFICE}Action/{OFFICE}FunctionName")
        if fn is not None:
            buttons[label] = fn.text
    assert buttons == {"校验": "validate", "重算汇总": "recompute", "导出说明": "export_narrative"}
    assert strings["Functions.Namespace"] == "YUSUAN"
    assert root.find("{http://schemas.microsoft.com/office/appforoffice/1.1}Id").text == \
        "bdc2f4c4-eb8e-400d-9599-e69de711ef81"


def test_the_ribbon_script_binds_every_manifest_button_to_its_custom_script(client):
    js = client.get("/static/js/ribbon.js").text
    bound = dict(re.findall(r'Office\.actions\.associate\("(\w+)",.*?runBudgetScript\(event, "(\w+)"\)', js))
    assert bound == {name: name for name in SCRIPTS}
    assert "event.completed()" in js


def test_the_task_pane_offers_the_three_buttons_and_the_preview(client):
    html = client.get("/taskpane.html").text
    assert set(re.findall(r'xw-click="(\w+)"', html)) == PANE_SCRIPTS


def _wait_for(url, proc, **kw):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"budget-xl serve stopped: {out}\n{err}")
        try:
            return httpx.get(url, timeout=2, **kw)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"no answer from {url}")


def _serve(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}  # as a user starts it
    return subprocess.Popen([sys.executable, "-m", "budget_xl", "serve", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(proc):
    proc.terminate()
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def test_budget_xl_serve_answers_on_loopback_port_8765():
    proc = _serve("--port", "8765")
    try:
        r = _wait_for("http://127.0.0.1:8765/xlwings/custom-scripts-meta", proc)
        assert r.status_code == 200
        assert {m["function_name"] for m in r.json()} == PANE_SCRIPTS
    finally:
        out, _err = _stop(proc)
    assert "http://localhost:8765" in out
    assert "PolyForm Noncommercial" in out and "政府机关" in out


def _self_signed(folder):
    x509 = pytest.importorskip("cryptography.x509")
    import ipaddress

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))


def test_budget_xl_serve_speaks_https_with_the_given_certificates(tmp_path):
    _self_signed(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _serve("--port", str(port), "--certs", str(tmp_path))
    try:
        r = _wait_for(f"https://127.0.0.1:{port}/manifest", proc, verify=False)
        assert r.status_code == 200
        assert f"https://127.0.0.1:{port}/taskpane.html" in r.text
    finally:
        _stop(proc)


def test_the_project_folder_is_package_data_beside_the_code():
    d = project_dir()
    for rel in ("custom_functions/__init__.py", "custom_scripts/__init__.py", "templates/manifest.xml",
                "templates/taskpane.html", "static/js/ribbon.js", "pyproject.toml"):
        assert (d / rel).is_file(), rel
    assert d.parent.name == "excel" and d.parent.parent.name == "budget_xl"


def test_every_manifest_resource_resolves_and_every_icon_is_ours_at_its_declared_size(client):
    import io

    from PIL import Image

    root = ET.fromstring(client.get("/manifest").text.encode("utf-8"))
    bt = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
    defined = {el.get("id") for el in root.iter() if el.tag.startswith(bt) and el.get("id")}
    used = {el.get("resid") for el in root.iter() if el.get("resid")}
    assert used <= defined
    images = {el.get("id"): el.get("DefaultValue") for el in root.iter(f"{bt}Image") if el.get("id")}
    assert len(images) == 12
    for rid, url in images.items():
        size = int(rid.split(".")[1].split("x")[0])
        r = client.get(url.replace("http://testserver", ""))
        assert r.status_code == 200, url
        assert Image.open(io.BytesIO(r.content)).size == (size, size) and "/budget-xl-" in url
