"""HTTP routes of the reports (R1–R4, R7, the periodic report) and the dashboard.

Each report answers as JSON by default; ``format=xlsx|csv|html`` downloads the same report as an
Excel workbook, a CSV file or a printable page.
"""

from collections.abc import Callable

from flask import Blueprint, Response, g
from flask.typing import ResponseReturnValue
from marshmallow import Schema
from sqlalchemy.orm import Session

from server.apidoc import doc
from server.auth.guard import auth_required
from server.errors import ApiError
from server.extensions import db
from server.http import load_args, respond
from server.models import Unit
from server.models.types import utcnow
from server.reports import (
    commendations,
    dashboard,
    effectiveness,
    followup,
    inspections,
    lists,
    periodic,
    periods,
    summaries,
)
from server.reports.csv_export import write_csv
from server.reports.dashboard_schemas import DashboardOut
from server.reports.printview import render_print, stylesheet
from server.reports.schemas import (
    DashboardQuery,
    MeetingListQuery,
    ModelListQuery,
    ModelSummaryQuery,
    OverdueOut,
    OverdueQuery,
    PeriodChoicesOut,
    PeriodicQuery,
    R1Out,
    R2Out,
    R3Out,
    R4ListOut,
    R4Out,
    R5Out,
    R6Out,
    R7Out,
    ReportQuery,
    StatusQuery,
)
from server.reports.service import ReportArgs
from server.reports.tables import Report
from server.schemas import MAX_ID
from server.scope import sees_unit

bp = Blueprint("reports", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMAT_HELP = "; format=xlsx|csv|html downloads it as Excel, CSV (UTF-8, ';') or a print page"


def _unit(unit_id: int | None) -> Unit:
    """Return the reported unit: the caller's own, or one in their scope (else NOT_FOUND)."""
    if unit_id is None:
        return g.user.unit
    unit = db.session.get(Unit, unit_id) if 0 < unit_id <= MAX_ID else None
    if unit is None or not sees_unit(g.user, unit):
        raise ApiError("NOT_FOUND")
    return unit


def _args(schema: ReportQuery) -> tuple[ReportArgs, str]:
    """Parse a report's query string and load the unit it is about."""
    data = load_args(schema)
    return _report_args(data), data.get("format", "json")


def _report_args(data: dict) -> ReportArgs:
    """Turn a report's parsed arguments into what the report builders take."""
    today = periods.vn_today()
    fmt = data.get("format", "json")
    return ReportArgs(
        unit=_unit(data.get("unit_id")),
        period=data.get("period") or periods.year(today.year),
        today=today,
        now=utcnow(),
        scope=None if g.user.is_admin else g.user.unit.path,
        # R7 counts every review status, so its query has no records filter.
        records=data.get("records", "all"),
        boundaries=data.get("boundaries"),
        field=data.get("field"),
        kind=data.get("type"),
        page=data.get("page", 1),
        per_page=data.get("per_page", 50),
        export=fmt != "json",
        by=data.get("by", "owner"),
    )


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _answer(report: Report, fmt: str, out_schema: type[Schema]) -> ResponseReturnValue:
    """Send a report in the format asked for."""
    if fmt == "xlsx":
        # openpyxl costs every server process ~0.06 s to import: load it with the first workbook.
        from server.reports.xlsx import write_xlsx

        return _download(write_xlsx(report), XLSX, report.filename("xlsx"))
    if fmt == "csv":
        return _download(write_csv(report), "text/csv", report.filename("csv"))
    if fmt == "html":
        return Response(render_print(report), mimetype="text/html")
    return respond(out_schema(), report)


def _report_view(
    name: str,
    build: Callable[[Session, ReportArgs], Report],
    query: type[ReportQuery],
    out_schema: type[Schema],
) -> Callable[[], ResponseReturnValue]:
    def view() -> ResponseReturnValue:
        args, fmt = _args(query())
        return _answer(build(db.session, args), fmt, out_schema)

    view.__name__ = name
    return view


REPORTS = [
    (
        "/r1",
        "report_r1",
        summaries.model_summary,
        ModelSummaryQuery,
        R1Out,
        "R1: models and exemplars by unit and field",
    ),
    (
        "/r2",
        "report_r2",
        effectiveness.registered_vs_effective,
        ReportQuery,
        R2Out,
        "R2: models registered versus carried out effectively, by period",
    ),
    ("/r3", "report_r3", lists.model_list, ModelListQuery, R3Out, "R3: list of models, paged"),
    (
        "/r4",
        "report_r4",
        summaries.meeting_summary,
        ReportQuery,
        R4Out,
        "R4: meetings by unit and type, with attendance",
    ),
    (
        "/r4/list",
        "report_r4_list",
        lists.meeting_list,
        MeetingListQuery,
        R4ListOut,
        "R4: list of meetings and activities, paged",
    ),
    (
        "/r5",
        "report_r5",
        inspections.inspection_report,
        ReportQuery,
        R5Out,
        "R5: inspections and supervision by conducting unit",
    ),
    (
        "/r6",
        "report_r6",
        commendations.commendation_report,
        ReportQuery,
        R6Out,
        "R6: recognition and commendations by decision, with the stage funnel",
    ),
    (
        "/r7",
        "report_r7",
        summaries.sync_status,
        StatusQuery,
        R7Out,
        "R7: devices, pending changes and review status by unit",
    ),
]

for rule, name, build, query, out_schema, summary in REPORTS:
    view = _report_view(name, build, query, out_schema)
    described = doc(summary + FORMAT_HELP, query=query, response=out_schema)
    bp.add_url_rule(f"/api/v1/reports{rule}", view_func=described(auth_required()(view)))


@bp.get("/api/v1/reports/periodic")
@doc(
    "The periodic report (6 months, year, sơ kết/tổng kết) as an editable Word file: header, "
    "outline, a draft of section II.3 and the appendix of tables",
    query=PeriodicQuery,
    response={"type": "string", "format": "binary"},
    mimetype=DOCX,
)
@auth_required()
def report_periodic():
    data = load_args(PeriodicQuery())
    document = periodic.build(db.session, _report_args(data), data.get("stage"))
    # python-docx costs every server process ~0.15 s to import: load it with the first document.
    from server.reports.docx_writer import write_docx

    return _download(write_docx(document), DOCX, document.filename())


@bp.get("/api/v1/reports/periods")
@doc("Report periods to choose from, newest first", response=PeriodChoicesOut)
@auth_required()
def report_periods():
    today = periods.vn_today()
    choices = {"items": periods.choices(today), "default": periods.year(today.year).code}
    return respond(PeriodChoicesOut(), choices)


@bp.get("/api/v1/dashboard")
@doc(
    "Dashboard of the caller's subtree: models, meetings, review backlog, devices",
    query=DashboardQuery,
    response=DashboardOut,
)
@auth_required()
def dashboard_view():
    args, _ = _args(DashboardQuery())
    return respond(DashboardOut(), dashboard.build(db.session, args))


@bp.get("/api/v1/inspections/overdue")
@doc(
    "Inspections whose follow-up is overdue, in the caller's scope, oldest due first",
    query=OverdueQuery,
    response=OverdueOut,
)
@auth_required()
def overdue_view():
    data = load_args(OverdueQuery())
    unit = _unit(data.get("unit_id"))
    as_of = data.get("as_of") or periods.vn_today()
    scope = None if g.user.is_admin else g.user.unit.path
    items = followup.overdue(db.session, unit, as_of, scope)
    return respond(OverdueOut(), {"as_of": as_of, "items": items})


@bp.get("/reports/print.css")
def print_css():
    # Public like the PWA's own files: it holds no data, and a printed page must find it.
    response = Response(stylesheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
