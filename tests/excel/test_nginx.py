"""docs/nginx/budget-xl.conf, run as written (only host, ports and file paths replaced) by a real nginx on
127.0.0.1 in front of `budget-xl serve --trust-user-header X-Remote-User`. Skipped when nginx is absent."""

import base64
import re
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from budget_xl.excel.certs import CA_FILE, CERT_FILE, KEY_FILE, make_localhost_cert
from tests.conftest import ROOT

from .fake_excel import FakeExcel
from .test_serve_office import free_port
from .test_server import _serve, _stop, _wait_for

EXAMPLE = ROOT / "docs" / "nginx" / "budget-xl.conf"


def nginx() -> str:
    exe = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()),
                                        None)
    if exe is None:
        pytest.skip("nginx 未安装")
    return exe


def concrete(tmp: Path, listen: int, backend: int) -> Path:
    """The example with this machine's values: what an administrator edits, and nothing else."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{backend};")
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen} ssl;")
    text = text.replace("server_name budget.example.org;", "server_name localhost;")
    text = text.replace("/etc/ssl/budget-xl/fullchain.pem", str(tmp / CERT_FILE))
    text = text.replace("/etc/ssl/budget-xl/privkey.pem", str(tmp / KEY_FILE))
    text = text.replace("/etc/nginx/budget-xl.htpasswd", str(tmp / "htpasswd"))
    assert "<改>" in text and "/etc/" not in re.sub(r"#.*", "", text)  # every path replaced
    conf = tmp / "nginx.conf"
    conf.write_text(
        "daemon off;\nmaster_process off;\nworker_processes 1;\n"
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fcgi;\n  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n"
        f"{text}\n}}\n", encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    exe = nginx()
    tmp_path = tmp_path_factory.mktemp("nginx")
    make_localhost_cert(tmp_path)
    (tmp_path / "htpasswd").write_text("zhangsan:{PLAIN}mima-123456\n", encoding="utf-8")
    listen, backend = free_port(), free_port()
    conf = concrete(tmp_path, listen, backend)
    check = subprocess.run([exe, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    server = _serve("--port", str(backend), "--trust-user-header", "X-Remote-User")
    proxy = subprocess.Popen([exe, "-p", str(tmp_path), "-c", str(conf)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    verify = ssl.create_default_context(cafile=str(tmp_path / CA_FILE))
    try:
        _wait_for(f"http://127.0.0.1:{backend}/xlwings/custom-scripts-meta", server)
        _wait_for(f"https://localhost:{listen}/manifest", proxy, verify=verify)
        yield {"https": f"https://localhost:{listen}", "backend": f"http://127.0.0.1:{backend}", "verify": verify}
    finally:
        _stop(proxy)
        _stop(server)


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_the_example_proxy_serves_the_manifest_with_its_own_https_address(site):
    r = httpx.get(f"{site['https']}/manifest", verify=site["verify"])
    assert r.status_code == 200
    assert f"{site['https']}/taskpane.html" in r.text and "http://" not in re.sub(r'xmlns(:\w+)?="[^"]+"', "", r.text)


def test_the_example_proxy_lets_a_signed_in_user_validate_and_keeps_others_out(site, grids):
    url = f"{site['https']}/xlwings/custom-scripts-call/validate"
    payload = FakeExcel(grids).payload()
    origin = {"origin": site["https"]}
    assert httpx.post(url, json=payload, verify=site["verify"], headers=origin).status_code == 401
    wrong = httpx.post(url, json=payload, verify=site["verify"], headers={**origin, **basic("zhangsan", "x")})
    assert wrong.status_code == 401
    ok = httpx.post(url, json=payload, verify=site["verify"], headers={**origin, **basic("zhangsan", "mima-123456")})
    assert ok.status_code == 200 and ok.json()["actions"]
    forged = httpx.post(url, json=payload, verify=site["verify"], headers={**origin, "X-Remote-User": "admin"})
    assert forged.status_code == 401  # nginx asks for a password whatever the client claims


def test_behind_the_proxy_the_service_refuses_requests_that_bypass_it(site, grids):
    url = f"{site['backend']}/xlwings/custom-scripts-call/validate"
    r = httpx.post(url, json=FakeExcel(grids).payload())
    assert r.status_code == 401 and "反向代理" in r.json()["detail"]


def test_a_page_elsewhere_cannot_use_a_signed_in_users_browser(site, grids):
    url = f"{site['https']}/xlwings/custom-scripts-call/validate"
    r = httpx.post(url, content=b"{}", verify=site["verify"],
                   headers={"origin": "https://evil.example", "content-type": "text/plain",
                            **basic("zhangsan", "mima-123456")})
    assert r.status_code == 403
