"""``budget-xl manifest``: the add-in's manifest file for a given public URL, for central deployment.

IT pushes one manifest to everyone (Microsoft 365 admin center → 集成应用, or a shared-folder
catalog); every URL in it must point at the office's HTTPS address of ``budget-xl serve``. The file is
rendered from the same template the running server answers ``/manifest`` with, so both always agree;
its <Version> follows the package version, so Office replaces a cached ribbon after an upgrade.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from budget_xl.errors import InputError


def public_base(url: str) -> str:
    """``https://host[:port]``; refuses what Office would refuse or what the server cannot serve."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise InputError(f"网址“{url}”应以 https:// 开头并含主机名：Excel 加载项只从 HTTPS 地址加载。")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"网址“{url}”应只含主机名（和端口），如 https://budget.example.org："
                         "请为加载项服务分配独立的主机名或端口，不要放在子路径下。")
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"网址“{url}”中的端口无效。") from None
    if parts.username is not None or parts.password is not None:  # dropped silently, and echoed back in full
        raise InputError(f"网址“{parts.scheme}://{parts.hostname}…”中不能含用户名或密码：清单文件会分发给每位用户，"
                         "Excel 也不会用它们登录。请只写 https://主机名[:端口]，身份验证用 serve --users。")
    host = parts.hostname.lower()
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")


def render_manifest(url: str) -> str:
    from budget_xl.excel.server import server_environment

    base = public_base(url)
    os.environ.update(server_environment())  # before xlwings_server is first imported: it reads them once
    try:
        from budget_xl.excel import asgi  # noqa: F401 - registers the manifest version with the templates
    except ImportError as e:
        from budget_xl.limits import raise_if_out_of_memory

        raise_if_out_of_memory(e)
        raise InputError(f'缺少 Excel 加载项所需的软件包（{e.name}）。请安装：pip install "budget-xl[excel]"') from None
    from xlwings_server.config import settings
    from xlwings_server.templates import templates

    return templates.env.get_template("manifest.xml").render(
        settings=settings, base_url=base, base_url_with_app_path=f"{base}{settings.app_path}",
        manifest_id=settings.manifest_id_prod)


def write_manifest(url: str, out: str | Path) -> Path:
    text = render_manifest(url)
    from budget_xl import outputs

    p = outputs.prepare(out, suffixes=(".xml",), what="清单文件", parent_must_exist=True)
    outputs.write_bytes(p, text.encode("utf-8"), force=True)  # regenerated from the URL: nothing to back up
    return p
