"""budget-xl batch: a folder of workbooks (and a text, a PDF, a broken file) → one report, worst first."""

import json
import shutil
from collections import Counter

import openpyxl
import pytest

from budget_xl.batch import work
from budget_xl.batch.report import FORMULA_START
from budget_xl.cli import main
from budget_xl.synth import generate


def report_values(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, sample_file):
    """4 generated departments with planted errors, the sample as “=1+2.xlsx”, a seed text, a PDF, a broken file."""
    d = tmp_path_factory.mktemp("batch") / "in"
    plants = generate(4, d / "sub", seed=21, errors=3)
    shutil.copy(sample_file, d / "=1+2.xlsx")
    shutil.copy(work.Path(__file__).parents[1] / "budget_xl" / "sample" / "chengde_sfj_2024.txt", d / "seed.txt")
    (d / "report.pdf").write_bytes(b"%PDF-1.4\n")
    (d / "broken.xlsx").write_bytes(b"not a workbook")
    (d / "~$open.xlsx").write_bytes(b"lock file")
    (d / "notes.docx").write_bytes(b"ignored")
    return d, plants


@pytest.fixture(scope="module")
def local_report(folder, tmp_path_factory):
    d, _ = folder
    out = tmp_path_factory.mktemp("rep") / "报告.xlsx"
    code = main(["batch", str(d), "--report", str(out), "--jobs", "1"])
    return code, out


def test_batch_exits_1_when_any_file_has_errors(local_report):
    assert local_report[0] == 1


def test_summary_has_one_row_per_file_worst_first(local_report):
    sheets = report_values(local_report[1])
    assert list(sheets) == ["汇总", "明细", "规则统计", "图表"]
    head, *rows = sheets["汇总"]
    assert head == ["文件", "部门", "年度", "模板", "状态", "错误", "警告", "提示", "检查关系", "不适用", "因空白未能检查",
                    "首要问题"]
    # 4 generated + sample + text + pdf + broken; the lock file and the .docx are not inputs
    assert len(rows) == 8
    assert [r[4] for r in rows[:2]] == ["无法读取", "无法读取"]  # the broken workbook and the truncated PDF
    errors = [r[5] for r in rows[2:]]
    assert errors == sorted(errors, reverse=True) and errors[0] > 0
    pdf = next(r for r in rows if r[0] == "report.pdf")
    assert pdf[4] == "无法读取" and "PDF 文件已损坏" in pdf[11] and pdf[8:11] == [None, None, None]
    assert all(isinstance(r[8], int) and r[8] > 0 for r in rows if r[4] != "无法读取")  # relations were checked
    text = next(r for r in rows if r[0] == "seed.txt")
    assert text[1:4] == ["承德市司法局", "2024", "national（文本导入）·部门预算"]  # 模板·类型: a batch may mix 预算 and 决算


def test_a_file_named_like_a_formula_is_written_as_text(local_report):
    wb = openpyxl.load_workbook(local_report[1])
    cell = next(r[0] for r in wb["汇总"].iter_rows(min_row=2) if r[0].value.startswith("="))
    assert cell.value == "=1+2.xlsx" and cell.data_type == "s"
    assert cell.hyperlink.target.endswith("=1+2.xlsx")
    assert not any(isinstance(c.value, str) and c.value.startswith(FORMULA_START) and c.data_type == "f"
                   for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_details_are_a_filterable_table_and_rule_counts_add_up(local_report):
    wb = openpyxl.load_workbook(local_report[1])
    det = wb["明细"]
    assert det.tables["Findings"].ref == f"A1:F{det.max_row}"
    per_rule = Counter(r[2] for r in det.iter_rows(min_row=2, values_only=True))
    stats = {r[0]: r[2] for r in wb["规则统计"].iter_rows(min_row=2, values_only=True)}
    assert stats == dict(per_rule)
    assert len(wb["图表"]._charts) == 1


def test_every_planted_error_appears_in_the_details_at_its_cell(folder, local_report):
    _, plants = folder
    det = report_values(local_report[1])["明细"][1:]
    cells = {(r[0], c) for r in det if r[3] == "错误" for c in r[4].split("、")}
    assert plants and all((p.file, p.cell) in cells for p in plants)


def test_two_worker_processes_give_the_same_report(folder, local_report, tmp_path):
    d, _ = folder
    out = tmp_path / "r2.xlsx"
    assert main(["batch", str(d), "--report", str(out), "--jobs", "2"]) == 1
    assert report_values(out) == report_values(local_report[1])
    assert not list(tmp_path.glob(".budget-xl-*"))  # the temporary file was moved into place


def test_json_for_scripts(folder, capsys):
    d, _ = folder
    assert main(["batch", str(d / "sub"), "--json", "--jobs", "1"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 4 and all(x["summary"]["error"] > 0 for x in out)
    assert {"file", "dept", "year", "error_reading", "findings"} <= set(out[0])


def test_the_report_never_replaces_an_input(folder, tmp_path, capsys):
    d, _ = folder
    target = d / "sub" / sorted(p.name for p in (d / "sub").glob("*.xlsx"))[0]
    before = target.read_bytes()
    assert main(["batch", str(target), "--report", str(target)]) == 2
    assert target.read_bytes() == before
    assert "与输入文件相同" in capsys.readouterr().err  # one guard for every output (outputs.prepare)


def test_nothing_to_check_is_a_clear_error(tmp_path, capsys):
    assert main(["batch", str(tmp_path)]) == 2
    assert "没有找到可校验的文件" in capsys.readouterr().err


def test_findings_beyond_excel_row_limit_go_on_to_a_second_detail_sheet(folder, monkeypatch, tmp_path):
    from budget_xl.batch import report

    monkeypatch.setattr(report, "MAX_DETAIL_ROWS", 5)
    d, _ = folder
    out = tmp_path / "r.xlsx"
    main(["batch", str(d / "sub"), "--report", str(out), "--jobs", "1"])
    wb = openpyxl.load_workbook(out)
    parts = [ws for ws in wb.worksheets if ws.title.startswith("明细")]
    assert [ws.title for ws in parts[:2]] == ["明细", "明细2"]
    assert all(ws.max_row <= 6 and len(ws.tables) == 1 for ws in parts)
    total = sum(ws.max_row - 1 for ws in parts)
    assert total == sum(r[5] + r[6] + r[7] for r in wb["汇总"].iter_rows(min_row=2, values_only=True))


def test_a_text_that_is_not_a_disclosure_is_a_row_with_its_reason(tmp_path):
    f = tmp_path / "会议纪要.txt"
    f.write_text("这不是预算公开文件。", encoding="utf-8")
    res = work.check_file(str(f))
    assert "文本无法按部门预算公开文本导入" in res.problem and res.findings == []


def test_libreoffice_opens_the_report_and_keeps_the_formula_like_name_as_text(local_report, tmp_path):
    import subprocess

    from tests.conftest import soffice

    exe = soffice("calc")  # to CSV: no font involved
    every_sheet_utf8 = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    every_sheet_utf8, "--outdir", str(tmp_path), str(local_report[1])], capture_output=True,
                   timeout=180, check=True)
    summary = (tmp_path / "报告-汇总.csv").read_text(encoding="utf-8").splitlines()
    assert summary[0].startswith("文件,部门,年度,模板,状态,错误")
    assert any(line.startswith("=1+2.xlsx,承德市司法局,2024,") for line in summary)
    assert len((tmp_path / "报告-明细.csv").read_text(encoding="utf-8").splitlines()) > 1


def test_a_published_pdf_in_batch_gets_the_findings_of_import_then_check():
    """One path: batch on the 单位预算 PDF must not report what import + check of the same PDF does not
    (it once gave a C-ROWS error for the 三公 table's standard rows that the imported workbook has)."""
    import pytest

    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks
    from tests.shanghai_fixtures import sample_pdfs, shanghai_workbook

    pdfs = [p for p in sample_pdfs() if "单位预算" in p.stem]
    if not pdfs:
        pytest.skip("上海样例 PDF 不在此机器上")
    res = work.check_file(str(pdfs[0]))
    by_import = run_checks(read_workbook(shanghai_workbook(pdfs[0])).budget)
    assert res.problem is None
    assert res.count("error") == sum(f.severity == "error" for f in by_import) == 0


def test_a_said_and_its_tables_published_apart_are_one_document():
    """Pure grouping: “…_说明.pdf” and “…_公开表.pdf” of one folder and name are one document, its 说明 first;
    other files keep their place; the same name in another folder is another document; a whole “A.pdf” beside
    a copy of its tables, or two 说明, are not joined; a department's folder of 说明.pdf and 公开表.pdf is."""
    from pathlib import Path

    from budget_xl.batch.inputs import document_name, documents

    a, b = Path("省/2019_政协_部门预算_公开表.pdf"), Path("省/2019_政协_部门预算_说明.pdf")
    other = Path("市/2019_政协_部门预算_说明.pdf")
    book, alone = Path("省/主表.xlsx"), Path("省/2026_司法局_部门预算.pdf")
    docs = documents([book, a, alone, b, other])
    assert docs == [book, (b, a), alone, other]
    assert document_name(docs[1]) == "省/2019_政协_部门预算_说明.pdf、省/2019_政协_部门预算_公开表.pdf"
    whole, tables = Path("d/X.pdf"), Path("d/X_公开表.pdf")
    assert documents([whole, tables]) == [whole, tables]
    two_said = [Path("d/Y_说明.pdf"), Path("d/Y_情况说明.pdf")]
    assert documents(two_said) == sorted(two_said, key=lambda p: p.name)
    folder = [Path("司法局/公开表.pdf"), Path("司法局/说明.pdf")]
    assert documents(folder) == [tuple(reversed(folder))]


def test_batch_over_a_jiangsu_folder_imports_each_pair_together(tmp_path, capsys):
    """The four Jiangsu disclosures (说明 and 公开表 apart): four documents, each read and checked — no longer
    four “无法读取：只有情况说明” rows beside 公开表 checked without their text."""
    import pytest

    from tests.test_jiangsu import PAIRS

    if len(PAIRS) < 4:
        pytest.skip("../shared/samples/jiangsu 不在本机")
    folder = tmp_path / "江苏"
    folder.mkdir()
    for said, tables in PAIRS[:2]:
        shutil.copy(said, folder)
        shutil.copy(tables, folder)
    assert main(["batch", str(folder), "--json", "--jobs", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 2 and all(x["error_reading"] is None for x in out)
    assert [x["file"].count("、") for x in out] == [1, 1] and all("说明.pdf、" in x["file"] for x in out)
    assert [x["dept"] for x in out] == [p[1].name.split("_")[1] for p in PAIRS[:2]]
    assert all(x["summary"]["error"] == 0 and x["coverage"]["checked"] > 50 for x in out)


def test_a_pair_whose_said_is_damaged_checks_its_tables_and_names_the_loss(tmp_path):
    """A 说明 cut short does not take its 公开表 with it: the tables are checked and the row has an error naming
    the unreadable part (the whole pair was “无法读取：PDF 文件已损坏”). The report names both PDFs."""
    import pytest

    from budget_xl.batch.report import write_report
    from tests.test_jiangsu import PAIRS

    if len(PAIRS) < 4:
        pytest.skip("../shared/samples/jiangsu 不在本机")
    said, tables = PAIRS[0]
    cut = tmp_path / said.name
    cut.write_bytes(said.read_bytes()[:200_000])
    shutil.copy(tables, tmp_path)
    res = work.check_file((str(cut), str(tmp_path / tables.name)))
    assert res.problem is None and res.dept == tables.name.split("_")[1]
    lost = [f for f in res.findings if f["rule"] == "READ-PART-UNREADABLE"]
    assert len(lost) == 1 and f"“{said.name}”无法读取" in lost[0]["message"] and "已损坏" in lost[0]["message"]
    assert res.count("error") == 1 and res.coverage["checked"] > 50
    write_report([res], tmp_path / "报告.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "报告.xlsx")["汇总"]["A2"]
    assert cell.value == f"{said.name}、{tables.name}" and cell.hyperlink.target == said.name
    # the tables lost instead: nothing left to check, the row says why
    res = work.check_file((str(said), str(cut.with_name("坏" + tables.name))))
    assert res.problem is not None and "“" in res.problem and "('" not in res.problem


def test_the_closing_line_counts_documents_and_the_files_they_came_in():
    """Two PDFs of one department are one document (one result row): “共 2 份（3 个文件…）”, not “共 2 个文件”
    beside a folder of three."""
    from budget_xl.batch.cli import counted

    assert counted(["a.xlsx", "b.pdf"]) == "2 个文件"
    assert counted([("说明.pdf", "公开表.pdf"), "b.xlsx"]) == \
        "2 份（3 个文件，其中 1 份分成说明与公开表等几个 PDF 公开，各按一份校验）"
