"""Rendering the section templates into blocks (title, headings, paragraphs, table places), self-checked.

The templates write a small Markdown-like markup (templates/README.md): ``#``/``##``/``###`` headings,
paragraphs separated by a blank line (lines of one paragraph are joined without a space, as Chinese is
written), and ``[[机构设置表]]``-style lines where a table goes. The "# " heading of each numbered section
gets 一、二、… in order.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError, TemplateError

from budget_xl.errors import InputError
from budget_xl.model import Budget
from budget_xl.narrative import marks, selfcheck
from budget_xl.narrative.amounts import CellIndex
from budget_xl.narrative.context import build_context
from budget_xl.narrative.prior import Prior
from budget_xl.narrative.templates import MAX_OUTPUT_CHARS, SECTIONS, TemplateBudgetExceeded, environment, template_dirs
from budget_xl.narrative.wording import ordinal
from budget_xl.read.values import strip_control_chars

TITLE, HEADING, PARA, TABLE = "title", "heading", "para", "table"
TABLES = ("机构设置表", "固定资产表", "政府采购表", "绩效目标表")
_HEADING = re.compile(r"^(#{1,3})(?!#)\s*(.*)$")
_TABLE = re.compile(r"^\[\[\s*([^\s\]]+)(?:\s+([^\]]+?))?\s*\]\]$")


@dataclass
class Block:
    kind: str
    text: str = ""
    level: int = 0
    arg: str | None = None  # for TABLE: the project code of a 绩效目标表
    section: str = ""


@dataclass
class Narrative:
    title: str
    blocks: list[Block]
    notes: list[str]
    budget: Budget
    context: dict = field(default_factory=dict)

    def section_headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == HEADING and b.level == 1]


def render_narrative(budget: Budget, prior: Prior, *, templates: str | Path | None = None,
                     whole_document: bool = False) -> Narrative:
    """The 情况说明 of ``budget``: context → each section's template → checked blocks."""
    dirs = template_dirs(templates)
    env = environment(dirs)
    ctx, notes = build_context(budget, prior, whole_document=whole_document)
    index = CellIndex.from_budget(budget)
    index.values.update(prior.index.values)
    index.texts.update(prior.index.texts)
    blocks: list[Block] = []
    number = 0
    for section in SECTIONS:
        raw = _render(env, section.template, ctx)
        for block in _blocks(raw.text, raw.entries, index, section.template):
            block.section = section.key
            if block.kind == HEADING and block.level == 1:
                if section.numbered:
                    number += 1
                    block.text = f"{ordinal(number)}、{block.text}"
                else:
                    block.kind = TITLE
            blocks.append(block)
    title = next((b.text for b in blocks if b.kind == TITLE), f"{budget.dept_name}{budget.year}年{budget.budget_type}信息公开情况说明")
    return Narrative(title=title, blocks=blocks, notes=notes, budget=budget, context=ctx)


@dataclass
class _Rendered:
    text: str
    entries: list


def _render(env, name: str, ctx: dict) -> _Rendered:
    with marks.Recording() as entries:
        try:
            template = env.get_template(name)
            if hasattr(env, "start"):
                env.start()
            parts, size = [], 0
            for chunk in template.generate(ctx):  # streamed, so an endless output stops at the budget
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateBudgetExceeded(f"生成的文字超过 {MAX_OUTPUT_CHARS} 个字符")
                parts.append(chunk)
            text = strip_control_chars("".join(parts))  # a template's stray control character never reaches Word
        except TemplateBudgetExceeded as e:
            raise InputError(f"情况说明模板{_where(e, name)}超出限制：{e}。情况说明没有生成。") from None
        except RecursionError as e:
            raise InputError(f"情况说明模板{_where(e, name)}：宏或模板自己调用自己，递归没有终点。"
                             "情况说明没有生成。") from None
        except MemoryError:
            raise InputError(f"情况说明模板“{name}”生成的内容过大，内存不足。情况说明没有生成。") from None
        except TemplateSyntaxError as e:
            raise InputError(f"情况说明模板“{_short(e.filename or e.name or name)}”第{e.lineno}行有语法错误："
                             f"{_syntax_zh(e.message or '')}。情况说明没有生成。") from None
        except TemplateNotFound as e:
            raise InputError(f"找不到情况说明模板“{e.name}”。情况说明没有生成。") from None
        except UndefinedError as e:
            raise InputError(f"情况说明模板{_where(e, name)}：{_undefined_zh(str(e), _source_line(e))}"
                             "（可用的变量见模板文件夹中的 README.md）。情况说明没有生成。") from None
        except SecurityError as e:
            raise InputError(f"情况说明模板{_where(e, name)}：模板中不允许这样的操作（{e}）。情况说明没有生成。") from None
        except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError) as e:
            raise InputError(f"情况说明模板{_where(e, name)}出错：{e}。情况说明没有生成。") from None
    return _Rendered(text, list(entries))


def _template_frame(e: BaseException):
    """The innermost template frame of the traceback Jinja rewrote (file and line of the template)."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.endswith(".j2")]
    return frames[-1] if frames else None


def _where(e: BaseException, name: str) -> str:
    f = _template_frame(e)
    return f"“{_short(f.filename)}”第{f.lineno}行" if f else f"“{name}”"


def _source_line(e: BaseException) -> str:
    f = _template_frame(e)
    try:
        return Path(f.filename).read_text(encoding="utf-8").splitlines()[f.lineno - 1] if f else ""
    except (OSError, IndexError):
        return ""


def _short(path: str) -> str:
    return Path(path).name


def _undefined_zh(message: str, line: str = "") -> str:
    m = re.match(r"'(.+?)' is undefined", message)
    if m:
        return f"未知的变量“{m.group(1)}”"
    m = re.match(r"'(.+?)' has no attribute '(.+?)'", message)
    if m:
        attr = m.group(2)
        path = re.search(r"([A-Za-z_][\w.]*)\." + re.escape(attr) + r"\b", line)
        return f"未知的变量“{path.group(1)}.{attr}”" if path else f"未知的变量“{attr}”"
    return f"未定义的值（{message}）"


_SYNTAX = (
    (r"unexpected end of template.*?'(end\w+)'", r"模板意外结束：缺少 {% \1 %}"),
    (r"unexpected end of template", "模板意外结束（可能缺少 {% endif %} 或 {% endfor %}）"),
    (r"unexpected '(.+?)'", r"出现了意外的“\1”"),
    (r"expected token '(.+?)', got '(.+?)'", r"这里应为“\1”，却是“\2”"),
    (r"Encountered unknown tag '(.+?)'", r"不认识的标签“\1”（可能缺少对应的 {% if %} / {% for %}，或拼写有误）"),
    (r"unexpected char (.+?) at", r"出现了意外的字符 \1"),
)


def _syntax_zh(message: str) -> str:
    for pattern, zh in _SYNTAX:
        m = re.search(pattern, message, re.IGNORECASE | re.DOTALL)
        if m:
            return m.expand(zh)
    return f"无法解析（{message}）"


def _lines(raw: str) -> list[str]:
    """The rendered lines, a sheet text's own line breaks (marks.LINE_BREAK) resolved: dropped in a heading or
    the title (one line), a paragraph break anywhere else."""
    out: list[str] = []
    for line in raw.splitlines():
        if marks.LINE_BREAK not in line:
            out.append(line)
        elif _HEADING.match(line.strip()):
            out.append(line.replace(marks.LINE_BREAK, ""))
        else:
            out += line.replace(marks.LINE_BREAK, "\n\n").splitlines()
    return out


def _blocks(raw: str, entries: list, index: CellIndex, template: str) -> list[Block]:
    """Split a rendered section into blocks; check every block's amounts against the cells."""
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(_checked(Block(PARA), "".join(para), entries, index, template))
            para.clear()

    for line in _lines(raw):
        s = line.strip()
        if not marks.strip_marks(s).strip():
            flush()
            continue
        h = _HEADING.match(s)
        if h:
            flush()
            out.append(_checked(Block(HEADING, level=len(h.group(1))), h.group(2).strip(), entries, index, template))
            continue
        # a table is the template's own [[…]]: a sheet text that reads “[[…]]” (printed marked) stays text
        t = _TABLE.match(marks.strip_marks(s)) if s.startswith("[[") and s.endswith("]]") else None
        if t:
            flush()
            name, arg = t.group(1), t.group(2)
            if name not in TABLES:
                raise InputError(f"情况说明模板“{template}”中有不认识的表格“[[{name}]]”；可用的有："
                                 + "、".join(f"[[{n}]]" for n in TABLES) + "。情况说明没有生成。")
            out.append(Block(TABLE, text=name, arg=arg))
            continue
        para.append(s)
    flush()
    return out


def _checked(block: Block, marked: str, entries: list, index: CellIndex, template: str) -> Block:
    plain, spans = marks.unmark(marked, entries)
    selfcheck.check(plain, spans, index, template)
    block.text = literal_asterisks(plain, spans)
    return block


# A block's text marks bold as the template does, **…**. An asterisk a sheet text holds (“**承德市**” typed in
# 部门名称) is kept as ASTERISK there, so that it prints as typed: it printed bold in Word and lost its
# asterisks in .txt. The writers put it back (``shown``; Markdown escapes it).
ASTERISK = "\ue005"


def literal_asterisks(text: str, spans) -> str:
    """``text`` with each asterisk inside a traced span (a sheet text, printed marked) as ASTERISK."""
    if "*" not in text:
        return text
    chars = list(text)
    for s in spans:
        for i in range(s.start, s.end):
            if chars[i] == "*":
                chars[i] = ASTERISK
    return "".join(chars)


def shown(text: str, asterisk: str = "*") -> str:
    """A block's text (or part of it) as printed: its sheet texts' asterisks as ``asterisk``."""
    return text.replace(ASTERISK, asterisk)
