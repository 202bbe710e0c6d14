"""Render a report as a printable HTML page: no script, no inline style, one stylesheet."""

from pathlib import Path
from typing import Any

from flask import render_template, url_for

from server.reports.formats import export_text, vn_datetime, vn_day, vn_number, vn_percent
from server.reports.tables import Column, Report

STYLESHEET = Path(__file__).resolve().parent / "static" / "print.css"


def _text(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind in ("int", "stt"):
        return vn_number(value)
    if column.kind == "percent":
        return vn_percent(value)
    if column.kind == "signed":
        return vn_number(value, signed=True)
    if column.kind == "date":
        return vn_day(value)
    if column.kind == "datetime":
        return vn_datetime(value)
    return export_text(str(value))


def _cells(report: Report, row: dict) -> list[dict]:
    return [
        {"kind": column.kind, "text": _text(column, row.get(column.key))}
        for column in report.columns
    ]


def render_print(report: Report) -> str:
    """Return the report as an HTML document that prints like the paper form."""
    return render_template(
        "reports/print.html",
        report=report,
        as_of=vn_day(report.as_of),
        rows=[_cells(report, row) for row in report.rows],
        totals=_cells(report, report.totals) if report.totals is not None else None,
        unit_name=export_text(report.unit.name),
        notes=[export_text(note) for note in report.notes],
        # Never from the Host header, which the caller chooses; the PWA, opening the page as a
        # blob: URL, makes this absolute with its own origin.
        stylesheet=url_for("reports.print_css"),
    )


def stylesheet() -> bytes:
    """Return the print stylesheet."""
    return STYLESHEET.read_bytes()
