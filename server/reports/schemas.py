"""Wire schemas of the reports and the dashboard: query arguments in, report JSON out."""

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from server import enums
from server.models import Unit
from server.reports import periods
from server.reports.rollup import BOUNDARIES
from server.schemas import InputSchema, id_arg, page_arg

FORMATS = ("json", "xlsx", "csv", "html")
RECORDS = ("approved", "all")
# R1 and R3 count a model for its managing unit (owner) or its commune; owner by default.
GROUPINGS = ("owner", "commune")
DATES = validate.Range(min=date(periods.MIN_YEAR, 1, 1), max=date(periods.MAX_YEAR, 12, 31))

# Messages are English here and translated in one place (server.errors) for each caller.
UNKNOWN_PERIOD = "Unknown report period."
ONE_PERIOD = "Give either a period or dates, not both."
BOTH_DATES = "Give both date_from and date_to."
END_BEFORE_START = "The end date must not be before the start date."


class PeriodCode(fields.String):
    """A report period code (NAM_2024, 6THANG_DAU_2024, 6THANG_CUOI_2024, GD_2021_2025)."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        try:
            return periods.parse(code)
        except periods.PeriodError as exc:
            raise ValidationError(UNKNOWN_PERIOD) from exc


class ReportQuery(InputSchema):
    """What every report is asked for: a unit subtree, a period, which records, which map."""

    unit_id = id_arg(metadata={"description": "Reported unit; default: the caller's own"})
    period = PeriodCode(
        metadata={"description": "NAM_yyyy, 6THANG_DAU_yyyy, 6THANG_CUOI_yyyy or GD_yyyy_yyyy"}
    )
    date_from = fields.Date(validate=DATES)
    date_to = fields.Date(validate=DATES)
    records = fields.String(load_default="approved", validate=validate.OneOf(RECORDS))
    boundaries = fields.String(validate=validate.OneOf(BOUNDARIES))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))

    @validates_schema
    def _one_period(self, data, **kwargs):
        dates = [key for key in ("date_from", "date_to") if key in data]
        if "period" in data and dates:
            raise ValidationError(ONE_PERIOD, "period")
        if len(dates) == 1:
            raise ValidationError(BOTH_DATES, "date_to" if dates == ["date_from"] else "date_from")
        if dates and data["date_from"] > data["date_to"]:
            raise ValidationError(END_BEFORE_START, "date_to")

    @post_load
    def _dates_to_period(self, data, **kwargs):
        if "date_from" in data:
            data["period"] = periods.between(data.pop("date_from"), data.pop("date_to"))
        return data


def by_arg() -> fields.String:
    """Return the argument that says which unit a model counts for in R1 and R3."""
    return fields.String(
        load_default="owner",
        validate=validate.OneOf(GROUPINGS),
        metadata={"description": "owner: the managing unit (default); commune: where it is done"},
    )


class ModelSummaryQuery(ReportQuery):
    """R1's arguments: a report's, and whether models count by owner or by commune."""

    by = by_arg()


class ModelListQuery(ReportQuery):
    """R3's arguments: a report's, owner or commune, a field filter and a page."""

    by = by_arg()
    field = fields.String(validate=validate.OneOf(list(enums.FIELD)))
    page = page_arg()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class MeetingListQuery(ReportQuery):
    """R4 list's arguments: a report's, a meeting type filter and a page."""

    type = fields.String(validate=validate.OneOf(list(enums.MEETING_TYPE)))
    page = page_arg()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class StatusQuery(ReportQuery):
    """R7's arguments: every review status is counted, so there is no records filter."""

    class Meta:
        exclude = ("records",)


class DashboardQuery(ReportQuery):
    """The dashboard's arguments: a report's, always answered as JSON."""

    class Meta:
        exclude = ("format",)


# --- output -----------------------------------------------------------------------------------


class ReportSuccessorOut(Schema):
    """A unit that took over an abolished one."""

    id = fields.Integer()
    name = fields.String()


class ReportUnitOut(Schema):
    """The unit a report is about; an abolished one says when it ended and who took over."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    valid_to = fields.Date(allow_none=True)
    successors = fields.Method("_successors")

    def _successors(self, unit: Unit) -> list[dict[str, Any]]:
        return [{"id": s.id, "name": s.name} for s in sorted(unit.successors, key=lambda s: s.id)]


class ReportPeriodOut(Schema):
    """A report period."""

    code = fields.String(allow_none=True)
    kind = fields.String()
    label = fields.String()
    date_from = fields.Date(attribute="start")
    date_to = fields.Date(attribute="end")


class PeriodChoicesOut(Schema):
    """The periods a report picker offers, and the one reports use when none is given."""

    items = fields.List(fields.Nested(ReportPeriodOut))
    default = fields.String()


class ReportColumnOut(Schema):
    """One column of a report table, with its Vietnamese heading."""

    key = fields.String()
    label = fields.String()
    kind = fields.String()


class ReportOut(Schema):
    """The header every report carries."""

    code = fields.String()
    title = fields.String()
    unit = fields.Nested(ReportUnitOut)
    period = fields.Nested(ReportPeriodOut)
    records = fields.String()
    boundaries = fields.String()
    scope_line = fields.String()
    as_of = fields.Date()
    generated_at = fields.DateTime()
    columns = fields.List(fields.Nested(ReportColumnOut))
    notes = fields.List(fields.String())


class ReportRowOut(Schema):
    """What every row of a summary has."""

    stt = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String()


class R1RowOut(ReportRowOut):
    """A row of R1."""

    total = fields.Integer()
    tap_the = fields.Integer()
    ca_nhan = fields.Integer()
    kinh_te = fields.Integer()
    van_hoa_xa_hoi = fields.Integer()
    qp_an = fields.Integer()
    xd_htct = fields.Integer()
    xay_dung_moi = fields.Integer()
    duy_tri = fields.Integer()
    nhan_rong = fields.Integer()
    tam_dung = fields.Integer()
    cong_nhan = fields.Integer(allow_none=True)
    khen_thuong = fields.Integer(allow_none=True)
    previous = fields.Integer()
    # None when the same period before had nothing to compare with.
    tang_giam = fields.Integer(allow_none=True)
    ghi_chu = fields.String()


class R1Out(ReportOut):
    """R1, models and exemplars by unit and field."""

    previous_period = fields.Nested(ReportPeriodOut)
    counted_by = fields.String()
    grouped_by = fields.String()
    rows = fields.List(fields.Nested(R1RowOut))
    totals = fields.Nested(R1RowOut)


class R3RowOut(Schema):
    """A row of R3."""

    stt = fields.Integer()
    id = fields.String()
    unit_id = fields.Integer()
    ten = fields.String()
    tap_the_ca_nhan = fields.String()
    linh_vuc = fields.String()
    dia_ban = fields.String()
    don_vi_chu_tri = fields.String()
    thoi_gian_bat_dau = fields.Date()
    cach_lam = fields.String()
    ket_qua = fields.String()
    cap_cong_nhan = fields.String(allow_none=True)
    hinh_thuc_khen_thuong = fields.String(allow_none=True)
    trang_thai = fields.String()
    tep = fields.String()
    tep_dinh_kem = fields.String()
    review_status = fields.String()


class ReportListOut(ReportOut):
    """A page of a detailed list."""

    total = fields.Integer(attribute="total_rows")
    page = fields.Integer()
    per_page = fields.Integer()


class R3Out(ReportListOut):
    """R3, the detailed list of models and exemplars."""

    counted_by = fields.String()
    grouped_by = fields.String()
    rows = fields.List(fields.Nested(R3RowOut))


class R4RowOut(ReportRowOut):
    """A row of R4's pivot."""

    toa_dam = fields.Integer()
    tap_huan = fields.Integer()
    so_ket = fields.Integer()
    tong_ket = fields.Integer()
    doi_thoai = fields.Integer()
    giao_ban = fields.Integer()
    khac = fields.Integer()
    tong_so_cuoc = fields.Integer()
    tong_luot_tham_du = fields.Integer()
    ghi_chu = fields.String()


class R4Out(ReportOut):
    """R4's pivot: meetings by unit and type."""

    rows = fields.List(fields.Nested(R4RowOut))
    totals = fields.Nested(R4RowOut)


class R4ListRowOut(Schema):
    """A row of R4's detailed list; thoi_gian is Vietnam's wall-clock time."""

    stt = fields.Integer()
    id = fields.String()
    unit_id = fields.Integer()
    loai = fields.String()
    ten = fields.String()
    thoi_gian = fields.Function(lambda row: row["thoi_gian"].isoformat(timespec="minutes"))
    dia_diem = fields.String()
    hinh_thuc = fields.String()
    don_vi_to_chuc = fields.String()
    chu_tri = fields.String()
    so_dai_bieu = fields.Integer(allow_none=True)
    count_is_approx = fields.Boolean()
    so_y_kien = fields.Integer(allow_none=True)
    ket_qua = fields.String()
    review_status = fields.String()


class R4ListOut(ReportListOut):
    """R4's detailed list of meetings and activities."""

    rows = fields.List(fields.Nested(R4ListRowOut))


class R7RowOut(ReportRowOut):
    """A row of R7."""

    so_thiet_bi = fields.Integer()
    cho_dong_bo = fields.Integer()
    cho_duyet = fields.Integer()
    tra_lai = fields.Integer()
    da_duyet = fields.Integer()
    lan_dong_bo_gan_nhat = fields.DateTime(allow_none=True)
    phien_ban = fields.String()


class R7Out(ReportOut):
    """R7, sync and review status by unit."""

    counted_by = fields.String()
    rows = fields.List(fields.Nested(R7RowOut))
    totals = fields.Nested(R7RowOut)
