"""The filled 公开情况检查表 as the bureau's reviewers lay it out (title, 部门名称, items with 符合要求 是/否 and
the problems in 问题截图), a picture of the page region for every problem below the table, and a 问题明细 sheet
listing each problem with its rule, severity, page and cells. Also the 汇总 of a batch."""

from __future__ import annotations

import io
from pathlib import Path

from budget_xl.findings import SEVERITY_ZH
from budget_xl.review.pages import render_region

PICTURE_WIDTH = 900  # px in the sheet
ROW_PX = 20          # a default row is 15 pt = 20 px
MAX_PICTURES = 200   # pictures a checklist carries: a 1,000-page PDF had 5,000 problems, each rendered and
                     # encoded (minutes, a workbook of hundreds of MB); the rest are listed in 问题明细


def write_checklist(review, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    subject = "单位" if review.kind == "单位预算" else "部门"
    fill = {"year": review.year or "", "主体": subject, "地区": review.region}
    ws.title = review.checklist.sheet.format(**fill)[:31]
    thin = Side(style="thin")
    frame = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells("A1:E1")
    ws["A1"] = review.checklist.title.format(**fill)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = centre
    ws.merge_cells("A3:D3")
    ws["A3"] = f"部门名称: {review.dept}"
    ws.merge_cells("A4:E4")
    ws["A4"] = "公开文件：" + "、".join(Path(p).name for p in review.path.split("、"))
    ws.merge_cells("A5:C5")
    ws["A5"] = review.checklist.head.format(**fill)
    ws["D5"], ws["E5"] = "符合要求", "问题截图"
    for c in ("A5", "D5", "E5"):
        ws[c].font = Font(bold=True)
        ws[c].alignment = centre
    for col, width in zip("ABCDE", (11.8, 18.7, 60.8, 10.3, 61.2)):
        ws.column_dimensions[col].width = width
    r = 6
    group_start: dict[str, int] = {}
    group_end: dict[str, int] = {}
    for row in review.rows:
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        ws.cell(r, 1, row.item.group)
        ws.cell(r, 2, row.label).alignment = wrap
        ws.cell(r, 4, row.mark).alignment = centre
        lines = [] if row.found or not row.item.required else [f"文件中找不到“{row.label}”"]
        if not row.found and not row.item.required:
            lines.append("文件中没有这一部分（目录也未列出）；如有项目经费须公开，请补充")
        lines += [p.text for p in row.problems]
        text = "\n".join(f"{i}.{t}" for i, t in enumerate(lines, 1)) if len(lines) > 1 else "".join(lines)
        if row.item.manual:
            text = row.item.note
        ws.cell(r, 5, text).alignment = wrap
        if len(text) > 30:
            ws.row_dimensions[r].height = min(409, 14 * (1 + len(text) // 30 + text.count("\n")))
        for c in range(1, 6):
            ws.cell(r, c).border = frame
        group_start.setdefault(row.item.group, r)
        group_end[row.item.group] = r
        r += 1
    for g, a in group_start.items():
        b = group_end[g]
        if b > a:
            ws.merge_cells(start_row=a, start_column=1, end_row=b, end_column=1)
        ws.cell(a, 1).alignment = centre
    if review.doc.limit_note:  # a long document's later pages were checked by their text only: said, not skipped
        r += 1
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        ws.cell(r, 1, "说明：" + review.doc.limit_note).alignment = wrap
        ws.row_dimensions[r].height = 45
    r += 2
    ws.cell(r, 1, "问题截图").font = Font(bold=True)
    r += 1
    shown = left = 0
    kept: dict = {}  # the page last rendered
    for row in review.rows:
        for i, p in enumerate(row.problems, 1):
            if p.page is None:
                continue
            if shown >= MAX_PICTURES:
                left += 1
                continue
            shown += 1
            ws.cell(r, 2, f"{row.label} {i}：第{p.page}页").font = Font(bold=True)
            r += 1
            pic = picture(review.doc, p, kept)
            img = XlImage(pic)
            scale = min(1.0, PICTURE_WIDTH / img.width)
            img.width, img.height = int(img.width * scale), int(img.height * scale)
            ws.add_image(img, f"B{r}")
            r += img.height // ROW_PX + 2
    if left:
        ws.cell(r, 2, f"另有 {left} 处问题未附截图（截图只附前 {MAX_PICTURES} 处），各处问题见“问题明细”工作表。")
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed one page wide, as the bureau files it
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_setup.orientation = "landscape"
    _details(wb, review)
    wb.save(out)


def picture(doc, problem, kept: dict | None = None) -> io.BytesIO:
    """The PNG of the page region the problem is printed in, framed in red (``kept``: see ``render_region``)."""
    page = doc.page(problem.page)
    box = problem.box
    whole = box is None or (box[2] - box[0]) * (box[3] - box[1]) > 0.8 * page.width * page.height
    im = render_region(page.source, page.local, None if whole else box, marks=() if whole else (box,),
                       scale=1.0 if whole else 2.0, turn=page.turn, kept=kept)
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=1)  # the same picture, encoded in a third of the time
    buf.seek(0)
    return buf


def _details(wb, review) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("问题明细")
    ws.append(["检查项目", "规则", "级别", "页", "问题", "单元格"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in review.rows:
        for p in row.problems:
            f = p.finding
            ws.append([row.label, f.rule, SEVERITY_ZH.get(f.severity, f.severity), p.page, f.message, "，".join(f.cells)])
    for col, width in zip("ABCDEF", (28, 18, 8, 6, 100, 30)):
        ws.column_dimensions[col].width = width


def write_summary(reviews, out: Path) -> None:
    """汇总: one line per document and, per checklist item, 是/否 — what a bureau collects from its districts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    items: dict[str, str] = {}  # item id → its label without 部门/单位: 部门预算 and 单位预算 share the columns
    for rv in reviews:
        for row in getattr(rv, "rows", []):
            items.setdefault(row.item.id, row.item.label.replace("{主体}", ""))
    ws.append(["文件", "部门名称", "年度", "类型", "不符合项", "问题数", *items.values(), "说明"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for rv in reviews:
        if isinstance(rv, tuple):  # (file, why it could not be reviewed)
            name = "、".join(Path(p).name for p in rv[0].split("、"))
            ws.append([name, "", "", "", "", "", *[""] * len(items), rv[1]])
            continue
        marks = {row.item.id: row.mark for row in rv.rows}
        name = "、".join(Path(p).name for p in rv.path.split("、"))
        ws.append([name, rv.dept, rv.year, rv.kind, sum(not row.ok for row in rv.rows), rv.problems,
                   *[marks.get(i, "") for i in items], "；".join(n for n in (rv.note, getattr(rv.doc, "limit_note", "")) if n)])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 24
    wb.save(out)
