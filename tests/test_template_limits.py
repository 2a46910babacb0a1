"""An office's templates cannot hang the tool, exhaust memory or slip in an amount not traced to a cell."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("template, message", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "循环或调用次数过多"),
    ('{{ "x" * 1000000000 }}', "重复生成的文字或列表过长"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "递归没有终点"),
    ('{{ "{:>999999999}".format(1) }}', "宽度或精度过大"),
    ("总计{{ income.total|num }}元。", "单位写错了"),
    ("总计{{ income.total|num }}亿元。", "单位写错了"),
    ("总计四千一百四十八万元。", "即 4148万元"),
    ("总计4千万元。", "即 4000万元"),
    ("总计{{ income.total|num }}5。", "“4148.235”"),
])
def test_a_hostile_template_is_refused_in_chinese(sample_file, tmp_path, template, message):
    from tests.test_outputs import run

    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "02_overall.md.j2").write_text(template, encoding="utf-8")
    code, out = run("narrative", sample_file, "-o", tmp_path / "n.txt", "--templates", folder)
    assert code == 2 and message in out and "情况说明没有生成" in out, out
    assert not (tmp_path / "n.txt").exists()


def test_a_fifo_in_the_template_folder_is_refused_not_waited_for(sample_file, tmp_path):
    import os

    from tests.test_outputs import run

    folder = tmp_path / "模板"
    folder.mkdir()
    os.mkfifo(folder / "02_overall.md.j2")
    code, out = run("narrative", sample_file, "-o", tmp_path / "n.txt", "--templates", folder)
    assert code == 2 and "不是普通文件" in out


def test_a_control_character_typed_into_a_template_never_reaches_the_docx(sample_file, tmp_path):
    from docx import Document

    from tests.test_outputs import run

    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "02_overall.md.j2").write_text("# 收支预算\n\n总计\x01{{ income.total|wan }}。\x0b", encoding="utf-8")
    code, out = run("narrative", sample_file, "-o", tmp_path / "n.docx", "--templates", folder)
    assert code == 0, out
    text = "\n".join(p.text for p in Document(tmp_path / "n.docx").paragraphs)
    assert "总计4148.23万元。" in text and "\x01" not in text
