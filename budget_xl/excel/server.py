"""``budget-xl serve``: the Office.js add-in, run by xlwings Server from the project folder ``addin/``.

xlwings-server finds its customisations through XLWINGS_PROJECT_DIR (custom_functions/,
custom_scripts/, templates/manifest.xml, static/js/ribbon.js, pyproject.toml), so the package ships
that folder and starts ``xlwings_server.main:main_app`` under uvicorn with the variable set. Nothing
of xlwings is imported before the environment is set: xlwings picks its decorators at first import.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from budget_xl.errors import InputError

APP = "xlwings_server.main:main_app"
INSTALL_HINT = '缺少 Excel 加载项所需的软件包（{missing}）。请安装：pip install "budget-xl[excel]"'
# (certificate, key) file names looked for in --certs: mkcert's, then generic ones
CERT_FILES = (("localhost+2.pem", "localhost+2-key.pem"), ("localhost.pem", "localhost-key.pem"),
              ("cert.pem", "key.pem"))
LICENCE_NOTE = ("许可：xlwings Server 及其 remote 引擎按 PolyForm Noncommercial 1.0.0 许可使用"
                "（非商业用途，明确包括政府机关，免费）；商业用途须另购 xlwings 商业许可，"
                "并设置环境变量 XLWINGS_LICENSE_KEY。")


def project_dir() -> Path:
    """The xlwings Server project folder shipped inside the package."""
    return Path(__file__).resolve().with_name("addin")


def server_environment(environ: dict | None = None) -> dict[str, str]:
    """The variables xlwings Server needs; an XLWINGS_LICENSE_KEY already set is kept."""
    environ = os.environ if environ is None else environ
    return {
        "XLWINGS_PROJECT_DIR": str(project_dir()),
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_LICENSE_KEY": environ.get("XLWINGS_LICENSE_KEY") or "noncommercial",
    }


def find_certs(folder: str | Path) -> tuple[Path, Path]:
    """(certificate, key) in ``folder``, as mkcert names them or as cert.pem / key.pem."""
    d = Path(folder)
    if not d.is_dir():
        raise InputError("证书文件夹不存在。", file=str(folder))
    for cert, key in CERT_FILES:
        if (d / cert).is_file() and (d / key).is_file():
            return d / cert, d / key
    wanted = "，或 ".join(f"{c} 和 {k}" for c, k in CERT_FILES)
    raise InputError(f"证书文件夹中找不到证书和私钥：应为 {wanted}。", file=str(folder))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, certs: str | Path | None = None) -> int:
    """Run the add-in server until Ctrl+C."""
    tls = find_certs(certs) if certs else None
    os.environ.update(server_environment())
    try:
        import uvicorn
        import xlwings  # noqa: F401
        import xlwings_server  # noqa: F401
    except ImportError as e:
        raise InputError(INSTALL_HINT.format(missing=e.name or "xlwings")) from None
    scheme = "https" if tls else "http"
    shown = "localhost" if is_loopback(host) else host
    print(f"预算公开助手加载项服务：{scheme}://{shown}:{port}（清单文件：{scheme}://{shown}:{port}/manifest）")
    print(LICENCE_NOTE)
    if not tls:
        print("注意：未提供证书，服务以 HTTP 运行。Excel 加载项（Office.js）要求 HTTPS："
              "请用 --certs 指定证书文件夹（见 README“在 Excel 里使用”一节）。")
    if not is_loopback(host):
        print(f"注意：服务监听 {host}，局域网内的其他计算机也能访问，且没有身份验证。")
    print("按 Ctrl+C 停止。")
    uvicorn.run(APP, host=host, port=port, log_level="warning",
                ssl_certfile=str(tls[0]) if tls else None, ssl_keyfile=str(tls[1]) if tls else None)
    return 0
