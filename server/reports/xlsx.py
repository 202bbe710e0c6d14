"""Write a report as an Excel workbook laid out like the paper form supervisors send up.

Numbers are written as numbers with the format code ``#,##0``: the file stores the code, and
Excel draws the separators of the reader's locale, so a Vietnamese Excel shows 1.554 and an
English one 1,554 (the ``,`` in a format code means "group thousands", not a literal comma).
Dates are real dates formatted ``dd/mm/yyyy``, so they sort and filter as dates.
"""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from server.reports.formats import export_text, local_time, vn_day
from server.reports.tables import Column, Report

NUMBER_FORMATS = {
    "stt": "0",
    "int": "#,##0",
    "signed": "+#,##0;-#,##0;0",
    "percent": "0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}
FONT = "Times New Roman"  # the typeface of Vietnamese administrative documents
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Text a spreadsheet would read as a formula: officers' free text must stay text.
FORMULA_STARTS = ("=", "+", "-", "@")


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT, size=kwargs.pop("size", 12), **kwargs)


def _merged_line(ws: Worksheet, row: int, text: str, width: int, **font: Any) -> None:
    ws.cell(row=row, column=1, value=export_text(text)).font = _font(**font)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "datetime":
        return local_time(value)
    if isinstance(value, str):
        # openpyxl refuses most control characters outright: one stored in a name made every
        # export including it fail.
        return export_text(value)
    return value


def _add_cell_styles(wb: Workbook) -> None:
    """Register one named style per kind of cell, plain and bold (for the totals row).

    A named style is set on a cell by name; building a Font and an Alignment per cell instead
    made a province's sheet take half a second.
    """
    for kind in (*NUMBER_FORMATS, "text"):
        for bold in (False, True):
            style = NamedStyle(name=_style_name(kind, bold=bold))
            style.font = _font(bold=bold, size=11)
            style.border = BORDER
            if kind in NUMBER_FORMATS:
                style.number_format = NUMBER_FORMATS[kind]
                centred = kind in ("stt", "date", "datetime")
                style.alignment = Alignment(horizontal="center" if centred else "right")
            else:
                style.alignment = WRAP
            wb.add_named_style(style)


def _style_name(kind: str, *, bold: bool) -> str:
    return f"bao_cao_{kind if kind in NUMBER_FORMATS else 'text'}{'_dam' if bold else ''}"


def _write_row(
    ws: Worksheet, row: int, columns: list[Column], values: dict[str, Any], *, bold: bool = False
) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=index)
        cell.value = _value(column, values.get(column.key))
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        cell.style = _style_name(column.kind, bold=bold)


def write_xlsx(report: Report) -> bytes:
    """Return the report as the bytes of an .xlsx file."""
    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # a new workbook starts with one worksheet
        raise TypeError("a new workbook has no worksheet")
    ws.title = report.code
    wb.properties.language = "vi-VN"
    wb.properties.title = report.title
    _add_cell_styles(wb)
    width = len(report.columns)

    issuer = export_text(f"Đơn vị báo cáo: {report.unit.name}")
    ws.cell(row=1, column=1, value=issuer).font = _font(bold=True)
    _merged_line(ws, 2, report.title.upper(), width, bold=True, size=14)
    _merged_line(ws, 3, f"Kỳ báo cáo: {report.period.label}", width, bold=True)
    _merged_line(ws, 4, f"Tính đến ngày: {vn_day(report.as_of)}", width, italic=True)
    _merged_line(ws, 5, report.scope_line, width, italic=True, size=11)

    header = 7
    for index, column in enumerate(report.columns, start=1):
        cell = ws.cell(row=header, column=index, value=column.label)
        cell.font = _font(bold=True, size=11)
        cell.alignment = CENTRE
        cell.border = BORDER
        cell.fill = HEADING_FILL
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.row_dimensions[header].height = 48

    row = header + 1
    for values in report.rows:
        _write_row(ws, row, report.columns, values)
        row += 1
    if report.totals is not None:
        _write_row(ws, row, report.columns, report.totals, bold=True)
        row += 1

    row += 1
    for note in report.notes:
        note_cell = ws.cell(row=row, column=1, value=export_text(f"Ghi chú: {note}"))
        note_cell.font = _font(italic=True, size=11)
        row += 1

    row += 1
    signer = max(width - 3, 3)
    for at, text in ((2, "Người lập biểu"), (signer, "Lãnh đạo đơn vị")):
        ws.cell(row=row, column=at, value=text).font = _font(bold=True)
        ws.cell(row=row + 1, column=at, value="(Ký, ghi rõ họ tên)").font = _font(italic=True)

    ws.freeze_panes = ws.cell(row=header + 1, column=3 if width > 2 else 1).coordinate
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    out = BytesIO()
    wb.save(out)
    return out.getvalue()
