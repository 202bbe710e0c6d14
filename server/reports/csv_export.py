"""Write a report's table as CSV that Excel opens correctly in a Vietnamese Windows.

UTF-8 with a byte-order mark: without it Excel reads the file as the ANSI code page and the
diacritics turn to mojibake. Fields are separated by ``;``: Excel splits a double-clicked CSV on
the locale's list separator, which is ``;`` wherever the decimal mark is a comma, as in vi-VN.
(A ``sep=;`` first line would force it everywhere, but Excel then ignores the byte-order mark.)
Numbers are plain digits and dates dd/mm/yyyy, both of which vi-VN Excel parses as values.
"""

import csv
from io import StringIO
from typing import Any

from server.reports.formats import export_text, vn_datetime, vn_day, vn_percent
from server.reports.tables import Column, Report

BOM = "\ufeff"
SEPARATOR = ";"
# Text a spreadsheet would run as a formula gets a leading apostrophe, as Excel itself does;
# spreadsheets skip blanks before the sign, and OWASP adds cells opening with a tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@")
BLANKS = " \t\r\n"


def _neutral(text: str) -> str:
    if text.startswith(("\t", "\r")) or text.lstrip(BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "percent":
        # vi-VN Excel reads "87,3" as a number and "87.3" as text or a date.
        return vn_percent(value)
    if column.kind == "date":
        return vn_day(value)
    if column.kind == "datetime":
        return vn_datetime(value)
    if isinstance(value, str):
        return _neutral(export_text(value))
    return str(value)


def write_csv(report: Report) -> bytes:
    """Return the report's heading row, rows and totals row as CSV bytes."""
    out = StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([column.label for column in report.columns])
    rows = [*report.rows, *([report.totals] if report.totals is not None else [])]
    for row in rows:
        writer.writerow([_cell(column, row.get(column.key)) for column in report.columns])
    return (BOM + out.getvalue()).encode("utf-8")
