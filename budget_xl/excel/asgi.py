"""The application ``budget-xl serve`` runs (in each worker): xlwings Server behind ``guard.Guard``.

Imported by uvicorn as ``budget_xl.excel.asgi:app`` after ``server.server_environment`` has set
XLWINGS_PROJECT_DIR and friends. Adds what xlwings Server's templates cannot know: the package version
for the manifest (Office replaces a cached ribbon only when it changes) and Chinese parameter names in
the custom-function metadata.
"""

from __future__ import annotations

import logging
import os
from importlib import metadata

from jinja2 import BaseLoader
from xlwings_server.main import main_app  # noqa: E402 - reads the environment set by server.py
from xlwings_server.routers.xlwings import custom_functions, custom_scripts
from xlwings_server.templates import templates

from budget_xl.excel.chinese import TEMPLATES_ZH, ConsoleFilter
from budget_xl.excel.functions_core import ARG_NAMES
from budget_xl.excel.guard import MAX_BYTES, Guard

logging.getLogger("budget_xl.server").setLevel(logging.WARNING)
for _level, _zh in ((logging.DEBUG, "调试"), (logging.INFO, "信息"), (logging.WARNING, "警告"),
                    (logging.ERROR, "错误"), (logging.CRITICAL, "严重错误")):
    logging.addLevelName(_level, _zh)  # the console's "WARNING:" prefix, in this server process only


def _console_handler() -> logging.Handler:
    h = logging.StreamHandler()
    h.setFormatter(logging.Formatter("%(levelname)s：%(message)s"))
    return h


_server_log = logging.getLogger("budget_xl.server")
if not _server_log.handlers:
    _server_log.addHandler(_console_handler())
    _server_log.propagate = False


def package_version() -> str:
    try:
        return metadata.version("budget-xl")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        from budget_xl import __version__

        return __version__


def manifest_version(version: str | None = None) -> str:
    """Office wants four numeric parts: 0.1.0 → 0.1.0.0 (a suffix such as .dev1 is dropped)."""
    version = version or package_version()
    parts = []
    for p in version.split(".")[:4]:
        digits = "".join(c for c in p if c.isdigit()) if p[:1].isdigit() else ""
        if not digits:
            break
        parts.append(str(int(digits)))
    return ".".join((parts + ["0"] * 4)[:4])


def functions_meta() -> dict:
    """xlwings' metadata with each parameter named in Chinese (what Excel's formula tooltip shows)."""
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(custom_functions)
    for f in meta["functions"]:
        for p in f.get("parameters", []):
            p["name"] = ARG_NAMES.get(p["name"], p["name"])
    return meta


def _env_list(name: str) -> list[str]:
    return [x.strip() for x in os.environ.get(name, "").split(",") if x.strip()]


templates.env.globals["budget_xl_manifest_version"] = manifest_version()


class _ChineseTemplates(BaseLoader):
    """xlwings Server's base.html with what a user sees in Chinese (title, the load-error banner), and its
    message box's buttons (xlwings_alert.html)."""

    def __init__(self, inner):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        for en, zh in TEMPLATES_ZH.get(template, ()):
            source = source.replace(en, zh)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


templates.env.loader = _ChineseTemplates(templates.env.loader)
templates.env.cache = {} if templates.env.cache is not None else None
logging.getLogger("uvicorn.error").addFilter(ConsoleFilter())

app = Guard(
    main_app,
    scripts=custom_scripts,
    functions=custom_functions,
    max_bytes=int(os.environ.get("BUDGET_XL_MAX_REQUEST_MB", "0") or 0) * 1024 * 1024 or MAX_BYTES,
    allowed_origins=_env_list("BUDGET_XL_ALLOWED_ORIGINS"),
    trusted_user_header=os.environ.get("BUDGET_XL_TRUSTED_USER_HEADER") or None,
    trusted_proxies=_env_list("BUDGET_XL_TRUSTED_PROXIES") or ["127.0.0.1", "::1"],
    functions_meta=functions_meta,
)
