"""The office-managed user list of a departmental add-in server: one user a line, name and token.

A plain UTF-8 text file that IT keeps (``budget-xl serve --users 文件``)::

    # 用户名    令牌
    张三    mZ2f…（budget-xl serve --add-user 张三 --users 文件 生成）

Each user types the token once into the task pane (说明面板); the add-in sends it as the Authorization
header and xlwings Server's auth hook (``addin/auth/custom``) asks :func:`user_for_token`. The file is
read again when it changes, so IT adds or removes a user without restarting the server.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from budget_xl.errors import InputError

USERS_ENV = "BUDGET_XL_USERS_FILE"
MIN_TOKEN = 16
_cache: dict[str, tuple[float, dict[str, str]]] = {}


def read_users(path: str | Path) -> dict[str, str]:
    """token → user name; a malformed line is refused with its line number."""
    p = Path(path)
    from budget_xl.inputs import MAX_SMALL_BYTES, read_bounded

    try:
        text = read_bounded(p, MAX_SMALL_BYTES, "用户名单").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("用户名单应为 UTF-8 编码的文本文件。", file=str(p)) from None
    users: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.replace(",", " ").replace("，", " ").split()
        if len(parts) != 2:
            raise InputError(f"用户名单第 {n} 行应为“用户名 令牌”两项。", file=str(p))
        name, token = parts
        if len(token) < MIN_TOKEN:
            raise InputError(f"用户名单第 {n} 行（{name}）的令牌太短：至少 {MIN_TOKEN} 个字符。", file=str(p))
        if token in users:
            raise InputError(f"用户名单第 {n} 行：令牌与“{users[token]}”的相同。", file=str(p))
        users[token] = name
    if not users:
        raise InputError("用户名单中没有用户。", file=str(p))
    return users


def bare_token(header: str) -> str:
    """The token of an Authorization header: the scheme "Bearer" is case-insensitive (RFC 9110, and some
    proxies and clients send "bearer"), and spaces or a tab may follow it."""
    header = header.strip()
    scheme, _, rest = header.partition(" ") if " " in header else header.partition("\t")
    return rest.strip() if rest and scheme.lower() == "bearer" else header


def user_for_token(token: str, path: str | Path | None = None) -> str | None:
    """The user name the token belongs to, or None; compared in constant time."""
    path = path or os.environ.get(USERS_ENV)
    if not path or not token:
        return None
    token = bare_token(token)
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:  # the list was removed: nobody gets in
        return None
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        try:
            cached = (mtime, read_users(path))
        except InputError:  # a list being edited or broken: keep the last good one, if any
            if cached is None:
                return None
        _cache[str(path)] = cached
    found = None
    for known, name in cached[1].items():
        if secrets.compare_digest(known.encode(), token.encode()):
            found = name
    return found


def add_user(path: str | Path, name: str) -> str:
    """Append a user with a fresh token to the list (created if absent); returns the token."""
    p = Path(path)
    if any(c.isspace() or c in ",，" for c in name) or not name:
        raise InputError(f"用户名“{name}”不能为空，也不能含空格或逗号。")
    if p.exists() and name in read_users(p).values():
        raise InputError(f"用户名单中已有“{name}”。", file=str(p))
    token = secrets.token_urlsafe(24)
    head = "" if p.exists() else "# 预算公开助手加载项服务的用户名单：每行“用户名 令牌”。删除一行即停用该用户。\n"
    with p.open("a", encoding="utf-8") as f:
        f.write(f"{head}{name}\t{token}\n")
    return token
