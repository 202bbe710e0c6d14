"""The detailed lists: R3 models and exemplars, R4 meetings and activities."""

from sqlalchemy.orm import Session

from server import enums
from server.models import Meeting, ModelRecord
from server.reports import queries
from server.reports.formats import vn_number
from server.reports.service import (
    EXPORT_LIMIT,
    ReportArgs,
    check_size,
    new_report,
    page_window,
    plan_for,
)
from server.reports.tables import GROUPED_NOTE, Column, Report

R3_COLUMNS = [
    Column("stt", "STT", "stt", 5),
    Column("ten", "Tên mô hình/điển hình", "text", 40),
    Column("tap_the_ca_nhan", "Tập thể/Cá nhân", "text", 10),
    Column("linh_vuc", "Lĩnh vực", "text", 16),
    Column("dia_ban", "Địa bàn (thôn/xã)", "text", 26),
    Column("don_vi_chu_tri", "Đơn vị chủ trì", "text", 20),
    Column("thoi_gian_bat_dau", "Thời gian bắt đầu", "date", 12),
    Column("cach_lam", "Cách làm", "text", 40),
    Column("ket_qua", "Kết quả nổi bật (chỉ số)", "text", 40),
    Column("cap_cong_nhan", "Cấp công nhận", "text", 12),
    Column("hinh_thuc_khen_thuong", "Hình thức khen thưởng", "text", 14),
    Column("trang_thai", "Trạng thái", "text", 14),
    # Received of declared files, "2/3"; and the files themselves (PROTOCOL.md §12).
    Column("tep", "Tệp (đã nhận/khai báo)", "text", 10),
    Column("tep_dinh_kem", "Tệp đính kèm", "text", 50),
]

R4_LIST_COLUMNS = [
    Column("stt", "STT", "stt", 5),
    Column("loai", "Loại hoạt động", "text", 14),
    Column("ten", "Tên hội nghị", "text", 40),
    Column("thoi_gian", "Thời gian", "datetime", 17),
    Column("dia_diem", "Địa điểm", "text", 24),
    Column("hinh_thuc", "Hình thức", "text", 12),
    Column("don_vi_to_chuc", "Đơn vị tổ chức", "text", 26),
    Column("chu_tri", "Người chủ trì", "text", 28),
    Column("so_dai_bieu", "Số đại biểu"),
    Column("so_y_kien", "Số ý kiến/tham luận", width=12),
    Column("ket_qua", "Kết quả/Kết luận", "text", 40),
]


def _label(enum: dict, code: str | None) -> str:
    return enum[code][0] if code in enum else (code or "")


def _model_title(model: ModelRecord) -> str:
    if model.subject_type != "CA_NHAN" or not model.person_name:
        return model.name
    person = ", ".join(filter(None, [model.person_name, model.person_position]))
    return f"{model.name} ({person})"


def _results(model: ModelRecord) -> str:
    metrics = [
        f"{m['metric']}: {vn_number(m['value'])}{' ' + m['unit'] if m.get('unit') else ''}"
        for m in model.metrics or []
    ]
    return "; ".join(filter(None, [model.results, *metrics]))


def files_count(record: ModelRecord | Meeting) -> str:
    """Return "received/declared", with a missing-files marker; empty when none is declared."""
    declared = record.attachments or []
    if not declared:
        return ""
    received = set(record.files_received or [])
    done = sum(1 for a in declared if a["sha256"] in received)
    mark = "" if done == len(declared) else f" {MISSING_FILES}"
    return f"{done}/{len(declared)}{mark}"


MISSING_FILES = "(thiếu tệp)"


def files_listing(table: str, record: ModelRecord | Meeting) -> str:
    """Return one line per declared file: its kind, caption and link, or that it is missing."""
    received = set(record.files_received or [])
    lines = []
    for item in record.attachments or []:
        label = _label(enums.ATTACHMENT_KIND, item.get("kind"))
        caption = item.get("caption") or item.get("file_name") or ""
        where = (
            f"/api/v1/files/{item['sha256']}?table={table}&record_id={record.id}"
            if item["sha256"] in received
            else "chưa nhận"
        )
        lines.append(" — ".join(filter(None, [label, caption, where])))
    return "\n".join(lines)


def model_list(session: Session, args: ReportArgs) -> Report:
    """Build R3, "Danh sách mô hình, điển hình", one page of it or, for an export, all of it."""
    plan = plan_for(session, args, by=args.by)
    limit, offset = page_window(args)
    count, found = queries.model_list(
        session,
        plan,
        args.period,
        args.records,
        field=args.field,
        limit=limit,
        offset=offset,
        max_total=EXPORT_LIMIT if args.export else None,
        by=args.by,
        scope=args.scope,
    )
    check_size(args, count)
    report = new_report(
        args,
        "R3",
        "Danh sách mô hình, điển hình “Dân vận khéo”",
        R3_COLUMNS,
        counted_by=queries.counted_by(args.period),
        grouped_by=args.by,
        total_rows=count,
        page=args.page,
        per_page=limit,
    )
    for index, (model, row_id, commune) in enumerate(found, start=offset + 1):
        report.rows.append(
            {
                "stt": index,
                "id": model.id,
                "unit_id": row_id,
                "ten": _model_title(model),
                "tap_the_ca_nhan": _label(enums.SUBJECT_TYPE, model.subject_type),
                "linh_vuc": _label(enums.FIELD, model.field),
                "dia_ban": ", ".join(filter(None, [model.locality, commune])),
                "don_vi_chu_tri": model.lead_org or "",
                "thoi_gian_bat_dau": model.start_date,
                "cach_lam": model.method,
                "ket_qua": _results(model),
                "cap_cong_nhan": None,
                "hinh_thuc_khen_thuong": None,
                "trang_thai": _label(enums.MODEL_STATUS, model.status),
                "tep": files_count(model),
                "tep_dinh_kem": files_listing("models", model),
                "review_status": model.review_status,
            }
        )
    report.notes += [
        GROUPED_NOTE[args.by],
        "Cột “Tệp” ghi số tệp đã nhận trên số tệp khai báo; bản ghi còn thiếu tệp được đánh "
        f"dấu “{MISSING_FILES}” và chưa được coi là đầy đủ.",
        "Cột “Cấp công nhận” và “Hình thức khen thưởng” để trống: hệ thống chưa quản lý dữ "
        "liệu công nhận, khen thưởng.",
    ]
    return report


def _chairs(meeting: Meeting) -> str:
    return "; ".join(
        ", ".join(filter(None, [a.get("full_name"), a.get("position")]))
        for a in meeting.attendees or []
        if a.get("role") in enums.CHAIR_ROLES and a.get("full_name")
    )


def meeting_list(session: Session, args: ReportArgs) -> Report:
    """Build R4's detailed list of meetings and activities."""
    plan = plan_for(session, args)
    limit, offset = page_window(args)
    count, found = queries.meeting_list(
        session,
        plan,
        args.period,
        args.records,
        kind=args.kind,
        limit=limit,
        offset=offset,
        max_total=EXPORT_LIMIT if args.export else None,
    )
    check_size(args, count)
    meetings = [meeting for meeting, _ in found]
    ids = {m.organizer_unit_id for m in meetings}
    ids |= {i for m in meetings for i in m.co_organizer_ids or []}
    names = queries.unit_names(session, ids)
    report = new_report(
        args,
        "R4_DS",
        "Danh sách hội nghị, hoạt động",
        R4_LIST_COLUMNS,
        total_rows=count,
        page=args.page,
        per_page=limit,
    )
    for index, (meeting, row_id) in enumerate(found, start=offset + 1):
        organizers = [meeting.organizer_unit_id, *(meeting.co_organizer_ids or [])]
        report.rows.append(
            {
                "stt": index,
                "id": meeting.id,
                "unit_id": row_id,
                "loai": _label(enums.MEETING_TYPE, meeting.type),
                "ten": meeting.title,
                "thoi_gian": meeting.start_at,
                "dia_diem": meeting.location,
                "hinh_thuc": _label(enums.MEETING_FORMAT, meeting.format),
                "don_vi_to_chuc": "; ".join(names[i] for i in organizers if i in names),
                "chu_tri": _chairs(meeting),
                "so_dai_bieu": meeting.actual_count,
                "so_y_kien": meeting.speeches_count,
                "ket_qua": " ".join(filter(None, [meeting.conclusion, meeting.outcomes])),
                "count_is_approx": meeting.count_is_approx,
                "review_status": meeting.review_status,
            }
        )
    report.notes += ["Hội nghị, hoạt động được tính theo ngày bắt đầu."]
    if any(row["count_is_approx"] for row in report.rows):
        report.notes.append("Một số cuộc có số đại biểu ước tính (“khoảng”, “gần”).")
    return report
