"""The summary reports: R1 models by unit and field, R4 meetings by unit and type, R7 status."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from server import enums
from server.reports import queries, recog_queries
from server.reports.formats import vn_day
from server.reports.rollup import moved_notes
from server.reports.service import ReportArgs, new_report, plan_for, row_name, shown_rows
from server.reports.tables import GROUPED_NOTE, TOTAL_LABEL, Column, Report

HEAD = [Column("stt", "STT", "stt", 5), Column("unit_name", "Đơn vị", "text", 34)]
NOTE = Column("ghi_chu", "Ghi chú", "text", 40)
RECOGNISED = ("cong_nhan", "khen_thuong")

R1_COLUMNS = [
    *HEAD,
    Column("total", "Tổng số mô hình, điển hình", width=13),
    Column("tap_the", "Tập thể"),
    Column("ca_nhan", "Cá nhân"),
    *(Column(key, enums.FIELD[code][0], width=13) for code, key in queries.FIELD_KEYS.items()),
    Column("xay_dung_moi", "Xây dựng mới trong kỳ", width=12),
    Column("duy_tri", "Duy trì"),
    Column("nhan_rong", "Nhân rộng"),
    Column("cong_nhan", "Được công nhận", width=12),
    Column("khen_thuong", "Được biểu dương, khen thưởng", width=14),
    Column("tang_giam", "Tăng/giảm so với cùng kỳ", "signed", 12),
    NOTE,
]
R1_SUMMED = ("total", "tap_the", "ca_nhan", *queries.FIELD_KEYS.values())
R1_SUMMED += ("xay_dung_moi", "duy_tri", "nhan_rong", "tam_dung", "previous")
# R1's unit column names what its rows count by, so even a bare CSV says it.
R1_UNIT_HEADING = {
    "owner": "Đơn vị (tính theo đơn vị quản lý)",
    "commune": "Đơn vị (tính theo địa bàn thực hiện)",
}

# R4's pivot columns (DOMAIN.md §4); every other meeting type counts as "Khác".
PIVOT = {
    "TOA_DAM": ("toa_dam", "Tọa đàm"),
    "TAP_HUAN": ("tap_huan", "Tập huấn"),
    "SO_KET": ("so_ket", "Sơ kết"),
    "TONG_KET": ("tong_ket", "Tổng kết"),
    "DOI_THOAI": ("doi_thoai", "Đối thoại"),
    "GIAO_BAN": ("giao_ban", "Giao ban"),
}
R4_COLUMNS = [
    *HEAD,
    *(Column(key, label) for key, label in PIVOT.values()),
    Column("khac", "Khác"),
    Column("tong_so_cuoc", "Tổng số cuộc", width=12),
    Column("tong_luot_tham_du", "Tổng lượt người tham dự", width=14),
    NOTE,
]
R4_SUMMED = (*(key for key, _ in PIVOT.values()), "khac", "tong_so_cuoc", "tong_luot_tham_du")

R7_COLUMNS = [
    *HEAD,
    Column("so_thiet_bi", "Số thiết bị"),
    Column("cho_dong_bo", "Bản ghi chờ đồng bộ", width=12),
    Column("cho_duyet", "Chờ duyệt"),
    Column("tra_lai", "Trả lại"),
    Column("da_duyet", "Đã duyệt"),
    Column("lan_dong_bo_gan_nhat", "Lần đồng bộ gần nhất", "datetime", 17),
    Column("phien_ban", "Phiên bản ứng dụng", "text", 26),
]
R7_SUMMED = ("so_thiet_bi", "cho_dong_bo", "cho_duyet", "tra_lai", "da_duyet")
R7_STATUS = {"CHO_DUYET": "cho_duyet", "TRA_LAI": "tra_lai", "DA_DUYET": "da_duyet"}


def _number_rows(rows: list[dict]) -> None:
    for index, row in enumerate(rows, start=1):
        row["stt"] = index


def _totals(rows: list[dict[str, Any]], keys: Iterable[str]) -> dict[str, Any]:
    totals = {"stt": None, "unit_id": None, "unit_name": TOTAL_LABEL, "ghi_chu": ""}
    totals |= {key: sum(row[key] for row in rows) for key in keys}
    return totals


def counted_by_note(report: Report) -> str:
    """Return the note that says which column put a model in the period."""
    period = report.period
    if report.counted_by == "year_registered":
        years = str(period.start.year)
        if period.end.year != period.start.year:
            years += f"–{period.end.year}"
        return f"Mô hình, điển hình được tính theo năm đăng ký ({years})."
    return (
        "Mô hình, điển hình được tính theo thời gian bắt đầu thực hiện "
        f"({vn_day(period.start)}–{vn_day(period.end)})."
    )


def _r1_columns(by: str) -> list[Column]:
    unit = HEAD[1]
    heading = Column(unit.key, R1_UNIT_HEADING[by], unit.kind, unit.width)
    return [heading if column is unit else column for column in R1_COLUMNS]


def _change(total: int, previous: int) -> int | None:
    """Return the change on the same period before; None when that period had nothing."""
    # A row with nothing the year before has no baseline: "+3" would read as growth.
    if previous == 0 and total:
        return None
    return total - previous


def model_summary(session: Session, args: ReportArgs) -> Report:
    """Build R1, "Tổng hợp mô hình, điển hình Dân vận khéo"."""
    plan = plan_for(session, args, by=args.by)
    counts: dict[int, Counter] = defaultdict(Counter)
    moved: Counter = Counter()
    parts = queries.model_summary(
        session, plan, args.period, args.records, by=args.by, scope=args.scope
    )
    for part in parts:
        row_id, origin = part.pop("row_id"), part.pop("moved_from")
        counts[row_id].update(part)
        if origin:
            moved[origin] += part["total"]
    notes = moved_notes(plan, moved, "mô hình")
    recognised = {
        part.pop("row_id"): part
        for part in recog_queries.recognition_counts(
            session, plan, args.period, args.records, by=args.by, scope=args.scope
        )
    }
    previous = args.period.previous()
    report = new_report(
        args,
        "R1",
        "Tổng hợp mô hình, điển hình “Dân vận khéo”",
        _r1_columns(args.by),
        previous_period=previous,
        counted_by=queries.counted_by(args.period),
        grouped_by=args.by,
    )
    shown = shown_rows(plan, counts.keys() | recognised.keys())
    for row in shown:
        count = counts[row.id]
        values: dict[str, int | None] = {key: count[key] for key in R1_SUMMED}
        values |= {key: recognised.get(row.id, {}).get(key, 0) for key in RECOGNISED}
        values["tang_giam"] = _change(count["total"], count["previous"])
        remarks = [*row.notes, *notes.get(row.id, [])]
        if count["tam_dung"]:
            remarks.append(f"{count['tam_dung']} mô hình tạm dừng")
        by_field = sum(count[key] for key in queries.FIELD_KEYS.values())
        if by_field != count["total"]:
            remarks.append("Tổng theo lĩnh vực không khớp tổng số")
        report.rows.append(
            {
                "unit_id": row.id,
                "unit_name": row_name(row, shown),
                **values,
                "ghi_chu": "; ".join(remarks),
            }
        )
    _number_rows(report.rows)
    report.totals = _totals(report.rows, (*R1_SUMMED, *RECOGNISED))
    report.totals["tang_giam"] = _change(report.totals["total"], report.totals["previous"])
    report.notes += [
        GROUPED_NOTE[args.by],
        counted_by_note(report),
        "Xây dựng mới trong kỳ: mô hình đăng ký xây dựng hoặc đang xây dựng; Duy trì: đang duy "
        "trì; Nhân rộng: đã nhân rộng. Mô hình tạm dừng chỉ tính vào tổng số (xem Ghi chú).",
        "Được công nhận: số mô hình, điển hình có quyết định công nhận (hoặc được chọn tiêu "
        "biểu, đề nghị khen, khen thưởng) trong kỳ, theo ngày quyết định, dù đăng ký năm nào; "
        "Được biểu dương, khen thưởng: số mô hình, điển hình được khen (bước Khen thưởng) "
        "trong kỳ.",
        f"Tăng/giảm so với cùng kỳ: so với {previous.label[0].lower()}"
        f"{previous.label[1:]}; để trống khi cùng kỳ không có số liệu để so sánh.",
    ]
    return report


def meeting_summary(session: Session, args: ReportArgs) -> Report:
    """Build R4's pivot: meetings by unit and type, with attendance."""
    plan = plan_for(session, args)
    counts: dict[int, Counter] = defaultdict(Counter)
    moved: Counter = Counter()
    for part in queries.meeting_counts(session, plan, args.period, args.records):
        key = PIVOT.get(part["type"], ("khac",))[0]
        count = counts[part["row_id"]]
        count[key] += part["meetings"]
        count["tong_so_cuoc"] += part["meetings"]
        count["tong_luot_tham_du"] += part["attendance"]
        count["uncounted"] += part["uncounted"]
        if part["moved_from"]:
            moved[part["moved_from"]] += part["meetings"]
    notes = moved_notes(plan, moved, "cuộc")
    report = new_report(args, "R4", "Tổng hợp hội nghị, hoạt động", R4_COLUMNS)
    shown = shown_rows(plan, counts)
    for row in shown:
        count = counts[row.id]
        remarks = [*row.notes, *notes.get(row.id, [])]
        if count["uncounted"]:
            remarks.append(f"{count['uncounted']} cuộc chưa nhập số đại biểu")
        report.rows.append(
            {
                "unit_id": row.id,
                "unit_name": row_name(row, shown),
                **{key: count[key] for key in R4_SUMMED},
                "ghi_chu": "; ".join(remarks),
            }
        )
    _number_rows(report.rows)
    report.totals = _totals(report.rows, R4_SUMMED)
    others = [label for code, (label, _) in enums.MEETING_TYPE.items() if code not in PIVOT]
    report.notes += [
        "Hội nghị, hoạt động được tính theo ngày bắt đầu.",
        f"Khác gồm: {', '.join(others)}.",
        "Tổng lượt người tham dự: tổng số đại biểu thực tế của các cuộc; cuộc chưa nhập số đại "
        "biểu tính là 0 (xem Ghi chú).",
    ]
    return report


def _versions(counter: Counter) -> str:
    ordered = sorted(counter.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return "; ".join(f"{version or 'chưa rõ'} ({n} máy)" for version, n in ordered)


def sync_status(session: Session, args: ReportArgs) -> Report:
    """Build R7: devices, pending changes and review status by unit."""
    plan = plan_for(session, args)
    statuses: dict[int, Counter] = defaultdict(Counter)
    for row_id, status, count in queries.status_counts(session, plan, args.period):
        statuses[row_id][status] += count
    devices = {row[0]: row[1:] for row in queries.device_summary(session, plan)}
    versions: dict[int, Counter] = defaultdict(Counter)
    for row_id, version, count in queries.app_versions(session, plan):
        versions[row_id][version] += count
    report = new_report(
        args,
        "R7",
        "Tình hình đồng bộ và duyệt dữ liệu",
        R7_COLUMNS,
        counted_by=queries.counted_by(args.period),
    )
    report.records = "all"
    shown = shown_rows(plan, statuses.keys() | devices.keys())
    for row in shown:
        device_count, pending, last_sync = devices.get(row.id, (0, 0, None))
        report.rows.append(
            {
                "unit_id": row.id,
                "unit_name": row_name(row, shown),
                "so_thiet_bi": device_count,
                "cho_dong_bo": pending,
                **{key: statuses[row.id][status] for status, key in R7_STATUS.items()},
                "lan_dong_bo_gan_nhat": last_sync,
                "phien_ban": _versions(versions[row.id]),
            }
        )
    _number_rows(report.rows)
    report.totals = _totals(report.rows, R7_SUMMED)
    syncs = [row["lan_dong_bo_gan_nhat"] for row in report.rows if row["lan_dong_bo_gan_nhat"]]
    report.totals["lan_dong_bo_gan_nhat"] = max(syncs, default=None)
    report.totals["phien_ban"] = _versions(sum(versions.values(), Counter()))
    report.totals.pop("ghi_chu")
    report.notes += [
        "Bản ghi chờ đồng bộ: số thay đổi còn trên thiết bị, do thiết bị báo ở lần đồng bộ gần "
        "nhất; chỉ tính thiết bị chưa bị thu hồi.",
        f"Chờ duyệt, Trả lại, Đã duyệt: mô hình, điển hình và hội nghị của kỳ báo cáo. "
        f"{counted_by_note(report)} Hội nghị tính theo ngày bắt đầu.",
        "Cột “Đã nộp báo cáo kỳ” chưa có: hệ thống chưa quản lý việc nộp báo cáo.",
    ]
    return report
