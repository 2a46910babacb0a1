"""The command line: ``budget-xl new | sample | demo | check | fill | narrative | document | serve``.

Works on files, without Excel. Exit codes: 0 fine, 1 the workbook has errors, 2 the input cannot be used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from budget_xl import __version__
from budget_xl.errors import InputError

# argparse's own words, in Chinese (it looks them up through gettext at call time)
_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数值",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "show program's version number and exit": "显示版本号并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
}
argparse._ = lambda s: _ZH.get(s, s)  # type: ignore[attr-defined]


_ARGV: list[str] = []  # the arguments being parsed (for _dash_names)


def _dash_names(argv: list[str]) -> str:
    """A file whose name starts with “-” is taken for an option (“-2024预算.xlsx”): said, with the way to
    name it, after argparse's own complaint."""
    names = [a for a in argv if a.startswith("-") and a != "-" and not a.startswith("--") and os.path.lexists(a)]
    if not names:
        return ""
    first = names[0]
    return (f"提示：文件名“{first}”以“-”开头，被当成了选项。请写成 ./{first}（或写成 -- {first}，"
            "即在它前面加一个单独的 -- ）。\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n{_dash_names(_ARGV)}")

    def _get_formatter(self):
        """Help as wide as the terminal, but never narrower than the console's ``MIN_WIDTH`` (COLUMNS=5 broke
        every word of the help over lines: “bu / dget-xl-演示”)."""
        import shutil

        from budget_xl.terminal import FALLBACK_WIDTH, MIN_WIDTH

        columns = shutil.get_terminal_size().columns
        return self.formatter_class(prog=self.prog, width=(columns if columns >= MIN_WIDTH else FALLBACK_WIDTH) - 2)

    def _get_value(self, action, arg_string):
        """``type=int`` / ``type=float`` refused in Chinese: argparse names the type by its Python name
        (“无效的float值”)."""
        if action.type in (int, float):
            try:
                return action.type(arg_string)
            except (TypeError, ValueError):
                kind = "整数" if action.type is int else "数字"
                raise argparse.ArgumentError(action, f"应为{kind}，而不是“{arg_string}”") from None
        return super()._get_value(action, arg_string)


def _console():
    from budget_xl.terminal import make_console

    return make_console()


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# -- commands ---------------------------------------------------------------------------------------
def cmd_new(args) -> int:
    from budget_xl import outputs
    from budget_xl.model import empty_budget
    from budget_xl.schema import PROFILE_LABELS, profile_for
    from budget_xl.write import write_workbook

    out = _safe_output(args.output)
    profile = profile_for(args.template, args.kind)
    outputs.write_with(out, lambda tmp: write_workbook(empty_budget(profile=profile), tmp), args.force)
    print(f"已生成空白主表工作簿（{PROFILE_LABELS[profile]}表式）：{out}")
    return 0


def cmd_sample(args) -> int:
    from budget_xl import outputs
    from budget_xl.sample import write_sample

    out = _safe_output(args.output)
    outputs.write_with(out, write_sample, args.force)
    print(f"已生成样例工作簿（承德市司法局 2024 年部门预算）：{out}")
    return 0


def cmd_demo(args) -> int:
    from budget_xl.demo import run_demo

    return run_demo(Path(args.out), _console())


def cmd_show(args) -> int:
    from budget_xl.demo import overview
    from budget_xl.read import read_workbook

    result = read_workbook(args.file)
    con = _console()
    con.print(overview(result.budget))
    from rich.markup import escape

    from budget_xl.findings import SEVERITY_ZH

    for n in result.notes:
        con.print(f"{SEVERITY_ZH.get(n.severity, n.severity)}：{escape(n.message)}", soft_wrap=True)
    return 0


def _safe_output(path: str) -> Path:
    """new / sample never replace a workbook that holds data (not even with --force)."""
    from budget_xl import outputs

    return outputs.prepare(path, suffixes=(".xlsx",), protect_data=True)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="budget-xl", description="预算公开助手：部门预算信息公开主表工作簿的生成、校验、重算汇总和情况说明导出。")
    p.add_argument("--version", action="version", version=f"budget-xl {__version__}", help="显示版本号并退出")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    s = sub.add_parser("new", help="生成空白主表工作簿")
    s.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    s.add_argument("--template", choices=("national", "shanghai"), default="national", metavar="表式",
                   help="表式：national（全国/河北，默认）或 shanghai（上海区级部门预算）")
    s.add_argument("--kind", choices=("预算", "决算"), default="预算", metavar="类型",
                   help="公开类型：预算（部门预算，默认）或 决算（部门决算，全国通行的九张决算表）")
    s.add_argument("--force", action="store_true", help="替换已有的空白文件时不备份（有数据的工作簿从不替换）")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("sample", help="生成样例工作簿（承德市司法局 2024）")
    s.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    s.add_argument("--force", action="store_true", help="替换已有的空白文件时不备份（有数据的工作簿从不替换）")
    s.set_defaults(func=cmd_sample)

    s = sub.add_parser("demo", help="演示：用内置样例走一遍全部流程")
    s.add_argument("--out", default="budget-xl-演示", metavar="文件夹", help="输出文件夹（默认：budget-xl-演示）")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("show", help="读取工作簿，列出各表的行数和合计")
    s.add_argument("file", metavar="文件", help="主表工作簿 .xlsx")
    s.set_defaults(func=cmd_show)

    from budget_xl import commands  # later issues' commands register themselves here

    commands.register(sub)
    from budget_xl.batch.cli import register as batch_command  # issue 13: review at scale
    from budget_xl.review.cli import register as review_command  # issue 21: the 公开情况检查表
    from budget_xl.synth.cli import register as synth_command

    batch_command(sub)
    review_command(sub)
    synth_command(sub)
    return p


def _unusable_argument(parser: argparse.ArgumentParser, args, argv: list[str]) -> str | None:
    """One guard for every command, before it starts: an argument given as an empty string, or holding bytes
    that are not UTF-8, or a NUL (``main(["check", "a\\0.xlsx"])`` from a script ended in ValueError
    “embedded null byte”, exit 3, in check/batch/synth/demo/serve). ``batch ""`` (an unset variable in a
    script) checked the whole current folder, ``--mark ""`` / ``--budget ""`` / ``--prior ""`` were silently
    ignored (exit 0 with nothing marked or compared), ``synth --out ""`` wrote into the current folder,
    ``check ""`` spoke of a file “.”.
    ``serve`` checks each of its options itself, with its own reasons."""
    from budget_xl.errors import visible
    from budget_xl.inputs import non_utf8_name

    for a in argv:
        if isinstance(a, str) and "\x00" in a:  # only through main([...]): no shell can pass one
            return (f"参数“{visible(a, names=True)}”中有空字符（NUL），不能用作文件名或选项值："
                    "请检查调用本程序的脚本。")
        why = non_utf8_name(a) if isinstance(a, str) else None
        if why:
            return f"参数“{visible(a, names=True)}”的{why}，无法使用。请换一个名字（或先给文件改名）再试。"
    name = getattr(args, "command", None)
    if name == "serve":
        return None
    sub = next((a for a in getattr(parser, "_actions", ()) if isinstance(a, argparse._SubParsersAction)), None)
    command = sub.choices.get(name) if sub else None
    for action in (command._actions if command else ()):
        value = getattr(args, action.dest, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values) and action.default not in values:
            option = "/".join(action.option_strings) or action.metavar or action.dest
            return f"参数 {option} 的值是空的，请给出“{action.metavar or '参数值'}”。"
    return None


def _usable_streams() -> None:
    """A closed stdout (``>&-``) is a null device, not ``None``; a console or file whose encoding cannot
    hold Chinese (``LANG=C`` without UTF-8 mode, ``PYTHONIOENCODING=ascii``) is written in UTF-8; a
    character a GBK console cannot show (a file name's emoji) is replaced, never an exit 3."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
            continue
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue  # an in-memory stream (tests, an embedding program)
        try:
            "预算公开".encode(encoding)
            stream.reconfigure(errors="replace")
        except (LookupError, UnicodeEncodeError):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
        except (ValueError, OSError):
            pass


def _inputs_named(args) -> list[str]:
    """The input files a command was given (its positional arguments), to name them in a message."""
    out: list[str] = []
    for dest in ("file", "files", "paths", "source"):
        value = getattr(args, dest, None)
        out += [str(v) for v in (value if isinstance(value, list) else [value]) if v]
    return out


def _silence_stdout() -> None:
    """Point stdout at the null device so that the interpreter's last flush does not fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    from budget_xl import lifecycle

    _usable_streams()
    try:
        with lifecycle.guarded():
            return _main(argv)
    except KeyboardInterrupt:  # before a command started (argparse, imports)
        _err(lifecycle.INTERRUPTED)
        return 130
    except BrokenPipeError:  # ``budget-xl --help | head -1``
        _silence_stdout()
        return 141
    except lifecycle.Terminated as e:
        _err(e.message)
        return e.code


def run() -> None:
    """The command line's entry point (``budget-xl``, ``python -m budget_xl``): ``main``, then the exit.

    After Ctrl+C the process leaves with ``os._exit(130)`` once its temporary files are removed and its
    output flushed: a KeyboardInterrupt that passed through code run by a C extension leaves the interpreter
    marked to kill itself with SIGINT at exit (returncode −2), although ``main`` answered it in Chinese."""
    from budget_xl import lifecycle

    lifecycle.quiet_libraries()
    code = main()
    lifecycle.finishing()
    if code == 130:
        lifecycle.remove_temps()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed console: the exit code says it
                pass
        os._exit(130)
    raise SystemExit(code)


def _main(argv: list[str] | None) -> int:
    from budget_xl import lifecycle

    parser = build_parser()
    _ARGV[:] = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    unusable = _unusable_argument(parser, args, sys.argv[1:] if argv is None else argv)
    if unusable:
        _err(f"错误：{unusable}")
        return 2
    from budget_xl import limits

    refused = limits.folder_gone() or limits.too_few_files() or limits.too_small()
    if refused:
        _err(f"错误：{refused}")
        return 2
    try:
        return int(args.func(args) or 0)
    except lifecycle.Terminated as e:
        _err(e.message)
        return e.code
    except InputError as e:
        _err(f"错误：{e.text}")
        return 2
    except BrokenPipeError:  # ``budget-xl check … | head -1``: the reader has gone, as with any Unix tool
        _silence_stdout()
        return 141
    except OSError as e:  # writing where one cannot: a folder, a missing folder, a file open in Excel
        from budget_xl.outputs import os_reason

        name = e.filename or ""
        where = f"“{name}”" if name and ".tmp" not in Path(str(name)).name else ""
        _err(f"错误：无法读写文件{where}：{os_reason(e)}。输入文件没有被修改。")
        return 2
    except KeyboardInterrupt:
        _err(lifecycle.INTERRUPTED)
        return 130
    except Exception as e:  # never show a traceback to a user
        if limits.out_of_memory(e):  # a large input under a memory limit (``ulimit -v``), or a full machine
            lifecycle.remove_temps()
            _err(f"错误：{limits.memory_message(_inputs_named(args))}")
            return 2
        if isinstance(e, UnicodeEncodeError) and "surrogate" in str(e):
            # a Chinese file name under LANG=C without UTF-8 mode: Python keeps its bytes undecoded
            _err("错误：系统的区域设置（LANG/LC_ALL）不支持中文，文件名中的中文无法写入输出文件。"
                 "请设置环境变量 PYTHONUTF8=1（或 LANG=zh_CN.UTF-8）后再试。输入文件没有被修改。")
            return 2
        if os.environ.get("BUDGET_XL_DEBUG"):
            raise
        from budget_xl.errors import internal_error

        _err(internal_error(e))
        return 3
