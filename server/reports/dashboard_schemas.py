"""Output schemas of the dashboard: one entry per row unit, and the subtree's totals."""

from marshmallow import Schema, fields

from server.reports.schemas import ReportPeriodOut, ReportUnitOut


def count_by_code() -> fields.Dict:
    """Return a field of counts keyed by enum code."""
    return fields.Dict(keys=fields.String(), values=fields.Integer())


class DashboardRowOut(Schema):
    """A unit the dashboard breaks numbers down by."""

    unit_id = fields.Integer()
    unit_name = fields.String()
    is_self = fields.Boolean()


class DashboardModelRowOut(Schema):
    """Models of one row by field."""

    unit_id = fields.Integer()
    total = fields.Integer()
    by_field = count_by_code()


class DashboardYearOut(Schema):
    """Models registered in one year, by field."""

    year = fields.Integer()
    total = fields.Integer()
    by_field = count_by_code()


class DashboardModelsOut(Schema):
    """Models of the period by row and field, and by year over the last five years."""

    by_row = fields.List(fields.Nested(DashboardModelRowOut))
    total = fields.Integer()
    by_field = count_by_code()
    by_year = fields.List(fields.Nested(DashboardYearOut))


class DashboardMeetingRowOut(Schema):
    """Meetings of one row by type, and their attendance."""

    unit_id = fields.Integer()
    total = fields.Integer()
    attendance = fields.Integer()
    by_type = count_by_code()


class DashboardMeetingsOut(Schema):
    """Meetings of the period by row and type; attendance is the sum of actual_count."""

    by_row = fields.List(fields.Nested(DashboardMeetingRowOut))
    total = fields.Integer()
    attendance = fields.Integer()
    by_type = count_by_code()


class BacklogAgesOut(Schema):
    """Submitted records by days waiting: under 7, 7 to 30, over 30."""

    lt_7 = fields.Integer()
    d7_30 = fields.Integer()
    gt_30 = fields.Integer()


class BacklogRowOut(Schema):
    """Records of one row waiting for review."""

    unit_id = fields.Integer()
    total = fields.Integer()
    ages = fields.Nested(BacklogAgesOut)


class BacklogOut(Schema):
    """Records waiting for review (Chờ duyệt) now, whatever the period."""

    by_row = fields.List(fields.Nested(BacklogRowOut))
    total = fields.Integer()
    ages = fields.Nested(BacklogAgesOut)
    by_table = count_by_code()


class AppVersionOut(Schema):
    """How many devices run one app version (null: not reported)."""

    version = fields.String(allow_none=True)
    devices = fields.Integer()


class DeviceStatusRowOut(Schema):
    """Signed-in devices of one row's users."""

    unit_id = fields.Integer()
    devices = fields.Integer()
    pending = fields.Integer()
    last_sync_at = fields.DateTime(allow_none=True)
    app_versions = fields.List(fields.Nested(AppVersionOut))


class DeviceStatusOut(Schema):
    """Signed-in devices: changes still on them, last sync, app versions."""

    by_row = fields.List(fields.Nested(DeviceStatusRowOut))
    devices = fields.Integer()
    pending = fields.Integer()
    last_sync_at = fields.DateTime(allow_none=True)
    app_versions = fields.List(fields.Nested(AppVersionOut))


class DashboardOut(Schema):
    """The dashboard of a unit's subtree for a period."""

    unit = fields.Nested(ReportUnitOut)
    period = fields.Nested(ReportPeriodOut)
    records = fields.String()
    boundaries = fields.String()
    generated_at = fields.DateTime()
    rows = fields.List(fields.Nested(DashboardRowOut))
    models = fields.Nested(DashboardModelsOut)
    meetings = fields.Nested(DashboardMeetingsOut)
    backlog = fields.Nested(BacklogOut)
    devices = fields.Nested(DeviceStatusOut)
