"""Finding the templates and the sandboxed Jinja2 environment that renders them.

Templates ship in the wheel as ``budget_xl/templates`` (pyproject force-include); in a source checkout they
are ``<repo>/templates``. An office's own folder (``--templates``) comes first; any section it lacks falls
back to the shipped one, so an office copies only the sections it rewords.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

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


def template_dirs(office_dir: str | Path | None = None) -> tuple[str, ...]:
    """Search path: the office's folder (if any), then the shipped templates."""
    dirs = []
    if office_dir:
        p = Path(office_dir)
        if not p.exists():
            raise InputError("模板文件夹不存在。", file=str(office_dir))
        if not p.is_dir():
            raise InputError("--templates 应指定一个文件夹（其中放 .md.j2 模板），而不是文件。", file=str(office_dir))
        dirs.append(str(p.resolve()))
    dirs.append(str(default_template_dir()))
    return tuple(dirs)


@lru_cache(maxsize=8)
def environment(dirs: tuple[str, ...]) -> SandboxedEnvironment:
    """One sandboxed environment per search path; it caches the compiled templates."""
    env = SandboxedEnvironment(
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
    return env
