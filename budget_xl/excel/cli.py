"""The sub-commands ``serve`` and ``excel-setup`` of ``budget-xl``.

Imports nothing of xlwings at module level: a plain install (without the ``excel`` extra) still runs
every other command, and these two say in Chinese what to install.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budget_xl.errors import InputError

WINDOWS_ONLY = ("excel-setup 需要 Windows 上的 Microsoft Excel（通过 xlwings 操作 Excel 加入按钮和宏），"
                "本机无法运行。可以改用：命令行 budget-xl check / fill / narrative，"
                "或用 budget-xl serve 启动 Excel 加载项（Office.js）。")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，而不是“{text}”") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，而不是 {port}")
    return port


def cmd_serve(args) -> int:
    from budget_xl.excel.server import serve

    return serve(host=args.host, port=args.port, certs=args.certs)


def cmd_excel_setup(args) -> int:
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

    setup_workbook(src, out.resolve())
    print(f"已写出带按钮的工作簿：{out}（按钮在“预算公开助手”工作表；首次打开时请“启用内容”）")
    return 0


def register(sub) -> None:
    """Add ``serve`` and ``excel-setup`` to the CLI's sub-parsers."""
    s = sub.add_parser("serve", help="启动 Excel 加载项服务（xlwings Server，Office.js 选项卡“预算公开”）")
    s.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1：只有本机能访问）")
    s.add_argument("--port", type=_port, default=8000, metavar="端口", help="端口（默认 8000）")
    s.add_argument("--certs", metavar="文件夹",
                   help="HTTPS 证书所在文件夹（Office.js 要求 HTTPS）：localhost+2.pem 与 localhost+2-key.pem"
                        "（mkcert 生成），或 cert.pem 与 key.pem")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("excel-setup", help="（仅 Windows）给主表工作簿加上按钮和单元格函数，另存为 .xlsm")
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.add_argument("-o", "--output", metavar="输出.xlsm", help="输出文件（默认：同名 .xlsm；原文件不变）")
    s.set_defaults(func=cmd_excel_setup)
