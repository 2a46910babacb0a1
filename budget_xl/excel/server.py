"""``budget-xl serve``: the Office.js add-in, run by xlwings Server from the project folder ``addin/``.

xlwings-server finds its customisations through XLWINGS_PROJECT_DIR (custom_functions/,
custom_scripts/, templates/manifest.xml, static/js/ribbon.js, pyproject.toml), so the package ships
that folder and starts ``asgi:app`` (xlwings Server behind ``guard``) under uvicorn, in one or several
worker processes, with the variables set. Nothing of xlwings is imported before the environment is set:
xlwings picks its decorators at first import. A bind beyond loopback needs authentication (``users``, a
trusted reverse-proxy header, or xlwings' Entra ID).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from budget_xl.errors import InputError

APP = "budget_xl.excel.asgi:app"
INSTALL_HINT = '缺少 Excel 加载项所需的软件包（{missing}）。请安装：pip install "budget-xl[excel]"'
# (certificate, key) file names looked for in --certs: mkcert's, then generic ones
CERT_FILES = (("cert.pem", "key.pem"), ("localhost+2.pem", "localhost+2-key.pem"),
              ("localhost.pem", "localhost-key.pem"))
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


NO_AUTH = ("服务监听 {host}，局域网内的其他计算机也能访问，必须先设置身份验证，否则不启动：\n"
           "  --users 用户名单.txt（单位管理的用户与访问令牌，用 --add-user 姓名 生成），或\n"
           "  --trust-user-header 请求头名（由单位的 HTTPS 反向代理验证用户并加上此请求头），或\n"
           "  环境变量 XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' 等（Microsoft Entra ID，见 docs/excel-server.md）。")
PORT_BUSY = "端口 {port} 已被占用（可能已有一个加载项服务在运行）：请先关闭它，或用 --port 另选端口。"


@dataclass
class ServeOptions:
    """What ``budget-xl serve`` was asked for (see ``cli.register``)."""

    host: str = "127.0.0.1"
    port: int = 8000
    certs: str | Path | None = None
    workers: int = 1
    users: str | Path | None = None
    trust_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    install_cert: bool = False
    allowed_origins: tuple[str, ...] = ()


def check_port_free(host: str, port: int) -> None:
    """A busy port answered in Chinese before uvicorn would answer it in English."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if sys.platform != "win32":  # as uvicorn does: a port in TIME_WAIT is not busy
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except PermissionError:
            raise InputError(f"没有权限使用端口 {port}：1024 以下的端口需要管理员权限，请改用 --port 8000 等。") from None
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), 10013):
                raise InputError(PORT_BUSY.format(port=port)) from None
            raise InputError(f"无法在 {host}:{port} 上监听（{e.strerror or e}）：请检查 --host。") from None


def auth_environment(opts: ServeOptions, environ: dict | None = None) -> dict[str, str]:
    """The variables that switch on authentication; refuses a non-loopback bind without any."""
    from budget_xl.excel.users import USERS_ENV, read_users

    environ = os.environ if environ is None else environ
    env: dict[str, str] = {}
    if opts.users:
        users = Path(opts.users).resolve()
        read_users(users)  # a broken list is refused now, not at the first request
        env[USERS_ENV] = str(users)
        env["XLWINGS_AUTH_PROVIDERS"] = '["custom"]'
    if opts.trust_user_header:
        env["BUDGET_XL_TRUSTED_USER_HEADER"] = opts.trust_user_header
        env["BUDGET_XL_TRUSTED_PROXIES"] = ",".join(opts.trusted_proxies)
    if opts.allowed_origins:
        env["BUDGET_XL_ALLOWED_ORIGINS"] = ",".join(opts.allowed_origins)
    external = environ.get("XLWINGS_AUTH_PROVIDERS", "").strip() not in ("", "[]")
    if not is_loopback(opts.host) and not (opts.users or opts.trust_user_header or external):
        raise InputError(NO_AUTH.format(host=opts.host))
    return env


def serve(host: str = "127.0.0.1", port: int = 8000, certs: str | Path | None = None, **more) -> int:
    """Run the add-in server until Ctrl+C."""
    opts = ServeOptions(host=host, port=port, certs=certs, **more)
    env = auth_environment(opts)
    if opts.install_cert:
        from budget_xl.excel.certs import install_cert

        opts.certs = install_cert(Path(opts.certs) if opts.certs else None)
    tls = find_certs(opts.certs) if opts.certs else None
    if tls:
        from budget_xl.excel.certs import check_pair

        check_pair(*tls)
    check_port_free(host, port)
    os.environ.update(server_environment())
    os.environ.update(env)
    try:
        import uvicorn
        import xlwings  # noqa: F401
        import xlwings_server  # noqa: F401
    except ImportError as e:
        from budget_xl.limits import raise_if_out_of_memory

        raise_if_out_of_memory(e)
        raise InputError(INSTALL_HINT.format(missing=e.name or "xlwings")) from None
    scheme = "https" if tls else "http"
    shown = "localhost" if is_loopback(host) else host
    print(f"预算公开助手加载项服务：{scheme}://{shown}:{port}（清单文件：{scheme}://{shown}:{port}/manifest）")
    print(LICENCE_NOTE)
    if not tls and is_loopback(host) and not opts.trust_user_header:
        print("注意：未提供证书，服务以 HTTP 运行。Excel 加载项（Office.js）要求 HTTPS："
              "请用 --install-cert 生成本机证书，或用 --certs 指定证书文件夹（见 README“在 Excel 里使用”一节）。")
    if opts.users:
        print(f"身份验证：用户名单 {env['BUDGET_XL_USERS_FILE']}（每位用户在“说明面板”中填写自己的访问令牌）。")
    if opts.trust_user_header:
        print(f"身份验证：由反向代理（{'、'.join(opts.trusted_proxies)}）验证用户，并以请求头 {opts.trust_user_header} 转交。")
    if opts.workers > 1:
        print(f"工作进程：{opts.workers} 个。")
    print("按 Ctrl+C 停止。")
    uvicorn.run(APP, host=host, port=port, log_level="warning", workers=opts.workers,
                http="budget_xl.excel.chinese:ChineseHTTPProtocol",  # garbage gets a Chinese 400
                proxy_headers=False,  # guard reads X-Forwarded-* itself and checks the proxy's own address
                ssl_certfile=str(tls[0]) if tls else None, ssl_keyfile=str(tls[1]) if tls else None)
    return 0
