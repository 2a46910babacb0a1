"""`budget-xl serve` for a whole office and per user: refuses a LAN bind without authentication, answers
a busy port and bad certificates in Chinese, makes its own localhost certificate, checks the user list,
runs several workers; `budget-xl manifest --url` points every URL at the public host. Real processes on
127.0.0.1 only."""

import datetime as dt
import socket
import ssl
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import httpx
import pytest

from budget_xl.errors import InputError
from budget_xl.excel.asgi import manifest_version, package_version
from budget_xl.excel.certs import CA_FILE, CERT_FILE, KEY_FILE, check_pair, make_localhost_cert, still_good
from budget_xl.excel.manifest import public_base
from budget_xl.excel.server import ServeOptions, auth_environment
from budget_xl.excel.users import add_user, read_users, user_for_token
from tests.conftest import run_cli

from .fake_excel import FakeExcel
from .test_server import RED, _serve, _stop, _wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_file(path, proc):
    import time

    deadline = time.monotonic() + 60
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            out, err = _stop(proc)
            pytest.fail(f"no certificate made: {out}\n{err}")
        time.sleep(0.2)


def test_a_lan_bind_without_authentication_refuses_to_start():
    r = run_cli("serve", "--host", "0.0.0.0", "--port", str(free_port()))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "服务监听 0.0.0.0" in r.stderr and "必须先设置身份验证" in r.stderr and "--users" in r.stderr


def test_a_lan_bind_is_allowed_with_a_user_list_a_proxy_header_or_entra_id(tmp_path):
    users = tmp_path / "users.txt"
    add_user(users, "张三")
    assert auth_environment(ServeOptions(host="0.0.0.0", users=users), {})["XLWINGS_AUTH_PROVIDERS"] == '["custom"]'
    env = auth_environment(ServeOptions(host="10.1.2.3", trust_user_header="X-Remote-User"), {})
    assert env["BUDGET_XL_TRUSTED_USER_HEADER"] == "X-Remote-User"
    assert auth_environment(ServeOptions(host="0.0.0.0"), {"XLWINGS_AUTH_PROVIDERS": '["entraid"]'}) == {}
    with pytest.raises(InputError):
        auth_environment(ServeOptions(host="0.0.0.0"), {"XLWINGS_AUTH_PROVIDERS": "[]"})


def test_a_busy_port_is_answered_in_chinese():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run_cli("serve", "--port", str(port))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"端口 {port} 已被占用" in r.stderr and "--port" in r.stderr


def test_bad_certificates_are_named_in_chinese(tmp_path):
    (tmp_path / "cert.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("not a key")
    r = run_cli("serve", "--port", str(free_port()), "--certs", tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "证书和私钥无法使用" in r.stderr and str(tmp_path / "cert.pem") in r.stderr
    a, b = tmp_path / "a", tmp_path / "b"
    make_localhost_cert(a)
    make_localhost_cert(b)
    with pytest.raises(InputError, match="证书和私钥无法使用"):  # a key that is not the certificate's
        check_pair(a / CERT_FILE, b / KEY_FILE)
    old = tmp_path / "old"
    make_localhost_cert(old, now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(InputError, match="证书已于 2022-04-05 过期"):
        check_pair(old / CERT_FILE, old / KEY_FILE)


def test_the_made_certificate_serves_localhost_and_is_kept_while_valid(tmp_path):
    from cryptography import x509

    ca, cert, key = make_localhost_cert(tmp_path)
    check_pair(cert, key)
    leaf = x509.load_pem_x509_certificate(cert.read_bytes())
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert leaf.issuer == x509.load_pem_x509_certificate(ca.read_bytes()).subject
    assert still_good(tmp_path)
    assert not still_good(tmp_path, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=800))


def test_serve_install_cert_makes_a_certificate_that_a_client_trusting_its_authority_accepts(tmp_path):
    port = free_port()
    proc = _serve("--port", str(port), "--install-cert", "--certs", str(tmp_path))
    try:
        _wait_for_file(tmp_path / KEY_FILE, proc)
        r = _wait_for(f"https://localhost:{port}/manifest", proc, verify=ssl.create_default_context(
            cafile=str(tmp_path / CA_FILE)))
        assert r.status_code == 200 and f"https://localhost:{port}/taskpane.html" in r.text
    finally:
        out, _ = _stop(proc)
    assert "已生成本机证书" in out
    if sys.platform.startswith("linux"):  # nothing system-wide is changed here: the command says how to trust it
        assert "本程序不改动系统证书库" in out and str(tmp_path / CA_FILE) in out
    assert {p.name for p in tmp_path.iterdir()} == {CA_FILE, CERT_FILE, KEY_FILE}


def test_an_office_server_with_a_user_list_and_two_workers(tmp_path, grids):
    """As documented for a department: a user list, two workers, on loopback. Known tokens get in, others
    do not; malformed requests get Chinese 4xx and no traceback; 20 concurrent 校验 requests all succeed and
    each answer names its own workbook's wrong figure (收入总表!D8) and no other's."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from .fake_excel import with_value

    users = tmp_path / "用户名单.txt"
    r = run_cli("serve", "--users", users, "--add-user", "张三")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip().splitlines()[-1]
    assert read_users(users) == {token: "张三"} and user_for_token(token, users) == "张三"
    assert user_for_token("x" * 32, users) is None
    wrong = [round(1400.11 + i, 2) for i in range(20)]
    payloads = [FakeExcel(with_value(grids, "收入总表!D8", w)).payload() for w in wrong]
    port = free_port()
    proc = _serve("--port", str(port), "--users", str(users), "--workers", "2")
    try:
        url = f"http://127.0.0.1:{port}/xlwings/custom-scripts-call/validate"
        _wait_for(f"http://127.0.0.1:{port}/xlwings/custom-scripts-meta", proc)
        denied = httpx.post(url, json=payloads[0], headers={"Authorization": "wrong-token-wrong-token"}, timeout=60)
        assert denied.status_code == 401 and "访问令牌无效" in denied.json()["detail"]
        bad = httpx.post(url, content=b"{oops", headers={"Authorization": token, "content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["detail"] == "请求内容不是有效的 JSON，无法处理。"
        unknown = httpx.post(url.replace("validate", "nope"), json=payloads[0], headers={"Authorization": token})
        assert unknown.status_code == 404

        def one(payload):
            return httpx.post(url, json=payload, headers={"Authorization": token}, timeout=120)

        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(one, payloads))
    finally:
        out, err = _stop(proc)
    assert "工作进程：2 个" in out
    assert "Traceback" not in err and "An error occurred" not in err
    assert "拒绝请求 /xlwings/custom-scripts-call/validate：请求内容不是有效的 JSON" in err  # one line, in Chinese
    assert [a.status_code for a in answers] == [200] * 20
    for i, a in enumerate(answers):
        assert {j for j, w in enumerate(wrong) if json.dumps(w) in a.text} == {i}
        assert [x for x in a.json()["actions"] if x["func"] == "setRangeColor" and x["args"] == [RED]]


def test_a_broken_user_list_is_refused_with_the_line_number(tmp_path):
    users = tmp_path / "u.txt"
    users.write_text("张三 abcdefghijklmnopqrstu\n李四\n", encoding="utf-8")
    r = run_cli("serve", "--host", "0.0.0.0", "--users", users, "--port", str(free_port()))
    assert r.returncode == 2 and "用户名单第 2 行应为“用户名 令牌”两项" in r.stderr


def test_budget_xl_manifest_points_every_url_at_the_public_host(tmp_path):
    out = tmp_path / "manifest.xml"
    r = run_cli("manifest", "--url", "https://budget.example.org", "-o", out)
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()
    urls = [v for el in root.iter() for k, v in el.attrib.items() if v.startswith("http") and k != "xmlns"]
    urls += [el.text for el in root.iter() if el.text and el.text.strip().startswith("http")]
    assert len(urls) >= 15
    assert {urlsplit(u).netloc for u in urls} == {"budget.example.org"}
    assert all(u.startswith("https://") for u in urls)
    ns = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
    assert root.find(f"{ns}Version").text == manifest_version() == ".".join(
        (package_version().split(".") + ["0"] * 4)[:4])
    icons = [u for u in urls if "/images/icons/" in u]
    assert icons and all("budget-xl-" in u for u in icons)


def test_manifest_urls_must_be_https_hosts():
    assert public_base("https://Budget.Example.org:443/") == "https://budget.example.org"
    assert public_base("https://10.0.0.5:8443") == "https://10.0.0.5:8443"
    for bad in ("http://budget.example.org", "https://budget.example.org/sub", "budget.example.org"):
        with pytest.raises(InputError):
            public_base(bad)


def test_manifest_version_has_four_numeric_parts():
    assert manifest_version("0.1.0") == "0.1.0.0"
    assert manifest_version("1.2.3.dev4") == "1.2.3.0"
    assert manifest_version("2.0") == "2.0.0.0"


def test_the_user_list_is_reread_when_it_changes_and_a_removed_list_lets_nobody_in(tmp_path):
    import os

    users = tmp_path / "u.txt"
    first = add_user(users, "张三")
    assert user_for_token(first, users) == "张三"
    second = add_user(users, "李四")
    os.utime(users, (1, 1))  # a different modification time, whatever the clock's resolution
    assert user_for_token(second, users) == "李四"
    users.write_text("张三 短\n", encoding="utf-8")  # broken while being edited: the last good list holds
    os.utime(users, (2, 2))
    assert user_for_token(first, users) == "张三"
    users.unlink()
    assert user_for_token(first, users) is None
