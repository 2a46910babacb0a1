"""The sub-commands ``serve`` and ``excel-setup`` of ``budget-xl``.

Imports nothing of xlwings at module level: a plain install (without the ``excel`` extra) still runs
every other command, and these two say in Chinese what to install.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from budget_xl.errors import InputError

WINDOWS_ONLY = ("excel-setup 需要 Windows 上的 Microsoft Excel 才能把按钮加进工作簿本身（通过 xlwings 操作 Excel），"
                "本机无法运行。不带文件运行 budget-xl excel-setup 可在任何电脑上生成“预算公开助手.xlam”加载项"
                "（选项卡“预算公开”，无需 Excel，也无需“信任对 VBA 工程对象模型的访问”）；"
                "也可以用命令行 budget-xl check / fill / narrative，或 budget-xl serve 启动 Office.js 加载项。")
ADDIN_NAME = "预算公开助手.xlam"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，而不是“{text}”") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，而不是 {port}")
    return port


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name (RFC 9110 token)


def check_serve_options(args) -> None:
    """Options the server would start with and then refuse every request by (a proxy address no peer can have,
    a header no request can carry, an origin no page sends): refused now, with the reason, not at the first call."""
    wanted = {"--users": (args.users, "用户名单文件"), "--certs": (args.certs, "证书文件夹"),
              "--trust-user-header": (args.trust_user_header, "请求头名称（如 X-Remote-User）")}
    for flag, (value, what) in wanted.items():
        if value is not None and not str(value).strip():
            raise InputError(f"{flag} 不能为空：请给出{what}。")
    if args.trust_user_header is not None and not _HEADER_NAME.fullmatch(args.trust_user_header):
        raise InputError("--trust-user-header 给出的不是有效的请求头名称：不能含空格、冒号或换行，只能由英文字母、数字和"
                         "“-”组成，如 X-Remote-User。")
    for proxy in args.trusted_proxy or ():
        try:
            ipaddress.ip_address(proxy.strip())
        except ValueError:
            raise InputError(f"--trusted-proxy “{proxy}”不是有效的 IP 地址（如 127.0.0.1 或 10.0.0.5）："
                             "反向代理按来访地址逐个比对，不接受主机名或网段。") from None
    for origin in args.allow_origin or ():
        u = urlsplit(origin.strip())
        if u.scheme not in ("http", "https") or not u.hostname or u.path or u.query or u.fragment:
            raise InputError(f"--allow-origin “{origin}”不是网页来源：应写成 https://主机名[:端口]（不带路径，"
                             "末尾也不加“/”），如 https://oa.example.gov.cn。")


def cmd_serve(args) -> int:
    from budget_xl.excel.server import serve

    check_serve_options(args)
    if args.add_user:
        from budget_xl.excel.users import add_user

        if not args.users:
            raise InputError("--add-user 需要同时用 --users 指定用户名单文件。")
        token = add_user(args.users, args.add_user)
        print(f"已把“{args.add_user}”加入用户名单 {args.users}。请把访问令牌告诉本人（只显示这一次）：\n{token}")
        return 0
    return serve(host=args.host, port=args.port, certs=args.certs, workers=args.workers, users=args.users,
                 trust_user_header=args.trust_user_header,
                 trusted_proxies=tuple(args.trusted_proxy or ("127.0.0.1", "::1")),
                 install_cert=args.install_cert, allowed_origins=tuple(args.allow_origin or ()))


def cmd_manifest(args) -> int:
    from budget_xl.excel.manifest import write_manifest

    out = write_manifest(args.url, args.output)
    print(f"已写出清单文件：{out}（加载项地址 {args.url}）")
    return 0


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"工作进程数应为 1–64 之间的整数，而不是“{text}”") from None
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"工作进程数应为 1–64 之间的整数，而不是 {n}")
    return n


def cmd_excel_setup(args) -> int:
    if args.file is None:
        return _write_addin(args)
    if sys.platform != "win32":
        raise InputError(WINDOWS_ONLY)
    from budget_xl.read.files import check_workbook_file

    src = check_workbook_file(args.file).resolve()
    out = Path(args.output) if args.output else src.with_suffix(".xlsm")
    if out.suffix.lower() != ".xlsm":
        raise InputError("输出文件应以 .xlsm 结尾（带宏的工作簿）。", file=str(out))
    if out.resolve() == src:
        raise InputError("输出文件与输入文件相同；请用 -o 另选文件名（原文件不会被改动）。", file=str(src))
    try:
        import xlwings  # noqa: F401
    except ImportError:
        raise InputError('缺少 xlwings。请安装：pip install "budget-xl[excel]"') from None
    from budget_xl.excel.setup_desktop import setup_workbook

    setup_workbook(src, out.resolve(), interpreter=args.interpreter)
    print(f"已写出带按钮的工作簿：{out}（按钮在“预算公开助手”工作表；首次打开时请“启用内容”）")
    return 0


def _write_addin(args) -> int:
    out = Path(args.output or ADDIN_NAME)
    if out.suffix.lower() != ".xlam":
        raise InputError("加载项文件应以 .xlam 结尾。", file=str(out))
    if out.exists() and not args.force:
        raise InputError("文件已存在；要替换它请加 --force。", file=str(out))
    try:
        import olefile  # noqa: F401
        import oletools  # noqa: F401
        import xlwings  # noqa: F401
    except ImportError as e:
        from budget_xl.limits import raise_if_out_of_memory

        raise_if_out_of_memory(e)
        raise InputError(f'缺少生成加载项所需的软件包（{e.name}）。请安装：pip install "budget-xl[excel]"') from None
    from budget_xl.excel.xlam import build_addin

    build_addin(out, interpreter=args.interpreter)
    print(f"已生成 Excel 加载项：{out}（选项卡“预算公开”：校验 / 重算汇总 / 导出说明，及单元格函数 ROLLUP 等）。\n"
          "安装：Excel → 文件 → 选项 → 加载项 → 管理“Excel 加载项” → 转到 → 浏览，选中此文件。"
          "该电脑还需装有 Python 和 budget-xl[excel]（见 README“桌面版 Excel”）。")
    return 0


def register(sub) -> None:
    """Add ``serve`` and ``excel-setup`` to the CLI's sub-parsers."""
    s = sub.add_parser("serve", help="启动 Excel 加载项服务（xlwings Server，Office.js 选项卡“预算公开”）")
    s.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1：只有本机能访问）")
    s.add_argument("--port", type=_port, default=8000, metavar="端口", help="端口（默认 8000）")
    s.add_argument("--certs", metavar="文件夹",
                   help="HTTPS 证书所在文件夹（Office.js 要求 HTTPS）：cert.pem 与 key.pem，"
                        "或 mkcert 生成的 localhost+2.pem 与 localhost+2-key.pem")
    s.add_argument("--install-cert", action="store_true",
                   help="生成本机（localhost）证书并让当前用户信任它，然后以 HTTPS 启动（证书放在 --certs 文件夹，"
                        "默认为用户数据目录）")
    s.add_argument("--workers", type=_workers, default=1, metavar="个数",
                   help="工作进程数（单位服务器可设为 CPU 核数，默认 1）")
    s.add_argument("--users", metavar="用户名单",
                   help="单位管理的用户名单（每行“用户名 访问令牌”），启用身份验证")
    s.add_argument("--add-user", metavar="用户名", help="在 --users 名单中加入一位用户并显示其访问令牌，然后退出")
    s.add_argument("--trust-user-header", metavar="请求头",
                   help="由反向代理验证用户，并以此请求头（如 X-Remote-User）转交用户名")
    s.add_argument("--trusted-proxy", action="append", metavar="地址",
                   help="可转交用户的反向代理地址（可重复；默认 127.0.0.1 与 ::1）")
    s.add_argument("--allow-origin", action="append", metavar="网址",
                   help="除本服务自身外，还允许调用的网页来源（可重复；一般不需要）")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("manifest", help="写出 Excel 加载项的清单文件（manifest.xml），供单位统一部署")
    s.add_argument("--url", default="https://localhost:8000", metavar="网址",
                   help="加载项服务的 HTTPS 地址（默认 https://localhost:8000）")
    s.add_argument("-o", "--output", default="manifest.xml", metavar="输出.xml", help="输出文件（默认 manifest.xml）")
    s.set_defaults(func=cmd_manifest)

    s = sub.add_parser("excel-setup", help="生成桌面版 Excel 加载项 预算公开助手.xlam（无需 Excel）；"
                                          "给出主表文件时（仅 Windows）改为把按钮加进该工作簿，另存为 .xlsm")
    s.add_argument("file", nargs="?", metavar="文件",
                   help="（可选，仅 Windows）主表工作簿 .xlsx：把按钮加进它，另存为 .xlsm")
    s.add_argument("-o", "--output", metavar="输出",
                   help="输出文件（默认：预算公开助手.xlam；给出主表时为同名 .xlsm，原文件不变）")
    s.add_argument("--interpreter", metavar="python路径",
                   help="按钮启动的 Python（可用环境变量，如 %%LOCALAPPDATA%%\\budget-xl\\Scripts\\pythonw.exe）；"
                        "默认不写：用 PATH 上的 python 或用户的 %%USERPROFILE%%\\.budget_xl\\budget_xl.conf")
    s.add_argument("--force", action="store_true", help="替换已有的 .xlam 文件")
    s.set_defaults(func=cmd_excel_setup)
