"""Write the periodic report as an editable Word document (python-docx).

Portrait A4 for the narrative, landscape for the appendix of tables; Times New Roman 13 as in
Vietnamese administrative documents; numbers and dates written the Vietnamese way. Everything
is plain paragraphs, headings and tables, so officers edit it like any report they type.
"""

from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from server.reports.formats import export_text, vn_datetime, vn_day, vn_number, vn_percent
from server.reports.periodic import OWN_TEXT, PeriodicReport, Section
from server.reports.tables import Column, Report

FONT = "Times New Roman"
HINT = RGBColor(0x59, 0x59, 0x59)  # the grey of "(Phần này do đơn vị viết.)"
# Party bodies head their documents with the Party's name (Quy định 66-QĐ/TW).
PARTY_TYPES = {"BAN_DAN_VAN", "BAN_TG_DV", "CAP_UY", "BCD_DVK"}


def cell_text(column: Column, value: Any) -> str:
    """Write a table cell the Vietnamese way."""
    if value is None:
        return ""
    if column.kind in ("int", "stt"):
        return vn_number(value)
    if column.kind == "signed":
        return vn_number(value, signed=True)
    if column.kind == "percent":
        return vn_percent(value)
    if column.kind == "date":
        return vn_day(value)
    if column.kind == "datetime":
        return vn_datetime(value)
    return export_text(str(value))


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    for name, size in (("Heading 1", 13), ("Heading 2", 13), ("Title", 14)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Heading 2"].font.italic = False


def _paragraph(doc: DocumentObject, text: str = "", **kw: Any) -> None:
    para = doc.add_paragraph()
    if kw.get("centre"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(export_text(text))
    run.bold = kw.get("bold", False)
    run.italic = kw.get("italic", False)
    if kw.get("hint"):
        run.font.color.rgb = HINT
    if kw.get("size"):
        run.font.size = Pt(kw["size"])


def _plain_table(doc: DocumentObject, cells: list[list[tuple[str, dict]]]) -> None:
    """Lay lines out side by side in a borderless table (letterhead, signatures)."""
    table = doc.add_table(rows=1, cols=len(cells))
    for index, lines in enumerate(cells):
        cell = table.rows[0].cells[index]
        cell.paragraphs[0].text = ""
        for number, (text, style) in enumerate(lines):
            para = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(export_text(text))
            run.bold = style.get("bold", False)
            run.italic = style.get("italic", False)
            run.underline = style.get("underline", False)


def _letterhead(doc: DocumentObject, report: PeriodicReport) -> None:
    unit, today = report.args.unit, report.args.today
    parent = unit.parent.name.upper() if unit.parent and unit.parent.parent_id else ""
    left = [(parent, {}), (unit.name.upper(), {"bold": True}), ("Số:      -BC/", {})]
    right = [
        ("ĐẢNG CỘNG SẢN VIỆT NAM" if unit.type in PARTY_TYPES else "", {"bold": True}),
        (
            f"…, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
            {"italic": True},
        ),
    ]
    _plain_table(doc, [[line for line in left if line[0]], [line for line in right if line[0]]])


def _header(doc: DocumentObject, report: PeriodicReport) -> None:
    _letterhead(doc, report)
    _paragraph(doc)
    doc.add_paragraph(report.title, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, report.subtitle, bold=True, centre=True)
    args = report.args
    _paragraph(doc, f"Kỳ báo cáo: {args.period.label}")
    _paragraph(doc, f"Đơn vị báo cáo: {args.unit.name}")
    _paragraph(doc, f"Tính đến ngày: {vn_day(args.today)}")
    _paragraph(doc, report.tables[0].scope_line, italic=True, size=12)


def _section(doc: DocumentObject, section: Section) -> None:
    doc.add_heading(f"{section.number}. {section.title}", level=section.level)
    if section.number == "II":
        return  # its subsections hold the text
    for text in section.paragraphs:
        _paragraph(doc, text)
    for text in section.bullets:
        doc.add_paragraph(export_text(text), style="List Bullet")
    if not section.paragraphs:
        _paragraph(doc, OWN_TEXT, italic=True, hint=True)
    cites = [f"Biểu {code}" for code in section.tables]
    if cites:
        _paragraph(doc, f"(Số liệu: {', '.join(cites)} phần Phụ lục.)", italic=True, hint=True)
    for pending in section.pending:
        _paragraph(doc, f"({pending}: hệ thống chưa có số liệu.)", italic=True, hint=True)


def _signatures(doc: DocumentObject) -> None:
    _paragraph(doc)
    _plain_table(
        doc,
        [
            [("NGƯỜI LẬP BIỂU", {"bold": True}), ("(Ký, ghi rõ họ tên)", {"italic": True})],
            [("LÃNH ĐẠO ĐƠN VỊ", {"bold": True}), ("(Ký, ghi rõ họ tên)", {"italic": True})],
        ],
    )


def _landscape(doc: DocumentObject) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def _data_table(doc: DocumentObject, report: Report) -> Table:
    columns = report.columns
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(table.rows[0].cells, columns, strict=True):
        cell.text = column.label
        cell.paragraphs[0].runs[0].bold = True
    rows = [(row, False) for row in report.rows]
    if report.totals is not None:
        rows.append((report.totals, True))
    for values, bold in rows:
        cells = table.add_row().cells
        for cell, column in zip(cells, columns, strict=True):
            cell.text = cell_text(column, values.get(column.key))
            if bold and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
            if column.kind in ("int", "stt", "signed", "percent"):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(10)
    return table


def _appendix(doc: DocumentObject, report: PeriodicReport) -> None:
    _landscape(doc)
    doc.add_heading("PHỤ LỤC BIỂU SỐ LIỆU", level=1)
    _paragraph(
        doc, f"(Kèm theo báo cáo {report.args.period.label.lower()} của {report.args.unit.name})"
    )
    for table in report.tables:
        doc.add_heading(f"Biểu {table.code}. {table.title}", level=2)
        _paragraph(doc, f"Kỳ báo cáo: {table.period.label}. {table.scope_line}", size=11)
        if table.rows:
            _data_table(doc, table)
        else:
            _paragraph(doc, "Không có số liệu trong kỳ.", italic=True)
        for note in table.notes:
            _paragraph(doc, f"Ghi chú: {note}", italic=True, size=10)


def write_docx(report: PeriodicReport) -> bytes:
    """Return the periodic report as the bytes of a .docx file."""
    doc = Document()
    _styles(doc)
    body = doc.sections[0]
    body.page_height, body.page_width = Cm(29.7), Cm(21)
    body.left_margin, body.right_margin = Cm(3), Cm(2)
    doc.core_properties.title = f"{report.title} {report.subtitle}"
    doc.core_properties.language = "vi-VN"
    _header(doc, report)
    for section in report.sections:
        _section(doc, section)
    _signatures(doc)
    _appendix(doc, report)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
