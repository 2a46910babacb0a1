"""Finding the templates and the sandboxed Jinja2 environment that renders them.

Templates ship in the wheel as ``budget_xl/templates`` (pyproject force-include); in a source checkout they
are ``<repo>/templates``. An office's own folder (``--templates``) comes first; any section it lacks falls
back to the shipped one, so an office copies only the sections it rewords.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment, safe_range

from budget_xl.errors import InputError
from budget_xl.narrative import marks


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    numbered: bool = True  # its "# " heading gets 一、二、…


# The 情况说明 of the seed, in order: the opening (title and first paragraph), then 一 … 十一.
SECTIONS = (
    Section("opening", "00_opening.md.j2", numbered=False),
    Section("duties", "01_duties.md.j2"),
    Section("overall", "02_overall.md.j2"),
    Section("opex", "03_opex.md.j2"),
    Section("sangong", "04_sangong.md.j2"),
    Section("performance", "05_performance.md.j2"),
    Section("special_funds", "06_special_funds.md.j2"),
    Section("projects", "07_projects.md.j2"),
    Section("procurement", "08_procurement.md.j2"),
    Section("assets", "09_assets.md.j2"),
    Section("glossary", "10_glossary.md.j2"),
    Section("other", "11_other.md.j2"),
)


def default_template_dir() -> Path:
    """The shipped templates: the package copy first, then the source checkout's folder."""
    try:
        pkg = resources.files("budget_xl").joinpath("templates")
        if pkg.is_dir() and pkg.joinpath(SECTIONS[0].template).is_file():
            return Path(str(pkg))
    except (ModuleNotFoundError, NotADirectoryError, TypeError):
        pass
    repo = Path(__file__).resolve().parents[2] / "templates"
    if (repo / SECTIONS[0].template).is_file():
        return repo
    raise InputError("找不到情况说明的内置模板（budget_xl/templates 或源码目录下的 templates）。请重新安装本工具。")


def folder_environment(templates: str | Path | None, folder: str) -> SandboxedEnvironment:
    """The Jinja2 environment of one template family (``shanghai``, ``juesuan``): the user's folder first
    (its ``folder`` subfolder if it has one), then the shipped copy."""
    import cn2an

    dirs = []
    if templates:
        dirs.append(str(Path(templates) / folder) if (Path(templates) / folder).is_dir() else str(templates))
    dirs.append(str(default_template_dir() / folder))
    env = SandboxedEnvironment(loader=FileSystemLoader(dirs, encoding="utf-8"), undefined=StrictUndefined,
                               autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn"] = lambda n: cn2an.an2cn(int(n))
    return env


def template_dirs(office_dir: str | Path | None = None) -> tuple[str, ...]:
    """Search path: the office's folder (if any), then the shipped templates."""
    dirs = []
    if office_dir:
        p = Path(office_dir)
        if not p.exists():
            raise InputError("模板文件夹不存在。", file=str(office_dir))
        if not p.is_dir():
            raise InputError("--templates 应指定一个文件夹（其中放 .md.j2 模板），而不是文件。", file=str(office_dir))
        _check_template_files(p)
        dirs.append(str(p.resolve()))
    dirs.append(str(default_template_dir()))
    return tuple(dirs)


# A render's budget: an office's template must not hang the tool nor fill the disk.
RENDER_SECONDS = 10.0
MAX_OUTPUT_CHARS = 2_000_000   # one section's text; the whole 情况说明 of the sample is ~20,000
MAX_LOOP_STEPS = 2_000_000     # iterations of range() loops and calls, all together
MAX_INT_ARGUMENT = 100_000     # widths, counts and repetitions given to functions and filters


class TemplateBudgetExceeded(Exception):
    """A template went beyond its render-time, size or loop budget (the message is Chinese)."""


class BudgetedEnvironment(SandboxedEnvironment):
    """The sandbox, plus limits: time and steps per render, size of repeated strings, powers and arguments."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def start(self) -> None:
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.steps = 0

    def tick(self) -> None:
        self.steps = getattr(self, "steps", 0) + 1
        if self.steps > MAX_LOOP_STEPS:
            raise TemplateBudgetExceeded("循环或调用次数过多（超过 %d 次），可能是嵌套循环写错了" % MAX_LOOP_STEPS)
        if self.steps % 1024 == 0 and time.monotonic() > getattr(self, "deadline", float("inf")):
            raise TemplateBudgetExceeded(f"渲染超过 {RENDER_SECONDS:.0f} 秒仍未完成，可能是循环写错了")

    def call_binop(self, context, operator, left, right):
        self.tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and not isinstance(n, bool):
                    if len(seq) * max(n, 0) > MAX_OUTPUT_CHARS:
                        raise TemplateBudgetExceeded("重复生成的文字或列表过长（字符串或列表乘以很大的数）")
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise TemplateBudgetExceeded("乘方的指数过大")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            _check_format(owner)
        return super().wrap_str_format(value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja's signature
        __self.tick()
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _check_arguments(args, kwargs) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_INT_ARGUMENT:
            raise TemplateBudgetExceeded(f"参数 {a} 过大（上限 {MAX_INT_ARGUMENT}）")


_BIG_WIDTH = re.compile(r"\d{6,}")


def _check_format(fmt: str) -> None:
    """“{:>999999999}” or “%999999999d” would build a gigabyte string."""
    if _BIG_WIDTH.search(fmt):
        raise TemplateBudgetExceeded("格式中的宽度或精度过大")


def _budgeted_filter(env: BudgetedEnvironment, f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        env.tick()
        _check_arguments(args[1:] if args and not isinstance(args[0], int) else args, kwargs)
        out = f(*args, **kwargs)
        if isinstance(out, str) and len(out) > MAX_OUTPUT_CHARS:
            raise TemplateBudgetExceeded("生成的文字过长")
        return out
    for attr in ("jinja_pass_arg",):
        if hasattr(f, attr):
            setattr(wrapper, attr, getattr(f, attr))
    return wrapper


def _budgeted_range(env: BudgetedEnvironment):
    def budgeted(*args):
        for i in safe_range(*args):
            env.tick()
            yield i
    return budgeted


MAX_TEMPLATE_BYTES = 1024 * 1024


def _check_template_files(folder: Path) -> None:
    """An office's templates must be ordinary, modest files: a FIFO would hang the loader, a huge file
    would only be a mistake."""
    import os
    import stat

    for f in folder.iterdir():  # sections and anything they {% include %}
        if f.name.startswith("."):
            continue
        try:
            st = os.stat(f)
        except FileNotFoundError:
            continue
        except OSError:
            raise InputError("模板文件无法读取。", file=str(f)) from None
        if stat.S_ISDIR(st.st_mode):
            continue
        if not stat.S_ISREG(st.st_mode):
            raise InputError("这不是普通文件（可能是管道或设备），不能作为模板读取。", file=str(f))
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise InputError(f"模板文件过大（{st.st_size // 1024} KB，上限 {MAX_TEMPLATE_BYTES // 1024} KB）。", file=str(f))


@lru_cache(maxsize=8)
def environment(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    """One sandboxed environment per search path; it caches the compiled templates."""
    env = BudgetedEnvironment(
        loader=FileSystemLoader(list(dirs), encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=marks.finalize,
        auto_reload=True,
    )
    env.filters.update(marks.FILTERS)
    for name, f in list(env.filters.items()):
        env.filters[name] = _budgeted_filter(env, f)
    env.globals["range"] = _budgeted_range(env)
    return env
