"""R5, inspection and supervision by conducting unit, in the shape of seed 003's figures."""

from collections import Counter, defaultdict

from sqlalchemy.orm import Session

from server.reports import recog_queries
from server.reports.rollup import moved_notes
from server.reports.service import ReportArgs, new_report, plan_for, row_name, shown_rows
from server.reports.tables import TOTAL_LABEL, Column, Report

R5_COLUMNS = [
    Column("stt", "STT", "stt", 5),
    Column("unit_name", "Đơn vị tiến hành", "text", 34),
    Column("so_cuoc_kiem_tra", "Số cuộc kiểm tra", width=12),
    Column("so_don_vi_kiem_tra", "Số tổ chức, đơn vị được kiểm tra", width=14),
    Column("so_cuoc_giam_sat", "Số cuộc giám sát", width=12),
    Column("so_don_vi_giam_sat", "Số tổ chức, đơn vị được giám sát", width=14),
    Column("so_cuoc_khao_sat", "Số cuộc khảo sát", width=12),
    Column("kien_nghi", "Số cuộc có kiến nghị", width=12),
    Column("can_khac_phuc", "Chưa đạt, cần khắc phục", width=13),
    Column("qua_han", "Quá hạn khắc phục", width=12),
    Column("ghi_chu", "Ghi chú", "text", 30),
]
R5_SUMMED = (
    "so_cuoc_kiem_tra",
    "so_don_vi_kiem_tra",
    "so_cuoc_giam_sat",
    "so_don_vi_giam_sat",
    "so_cuoc_khao_sat",
    "kien_nghi",
    "can_khac_phuc",
    "qua_han",
)
SESSIONS = {"KIEM_TRA": "so_cuoc_kiem_tra", "GIAM_SAT": "so_cuoc_giam_sat"}
TARGETS = {"KIEM_TRA": "so_don_vi_kiem_tra", "GIAM_SAT": "so_don_vi_giam_sat"}


def targets(item: dict) -> int:
    """Count the organisations one inspection covered: units of the tree and others named."""
    return len(item["target_unit_ids"] or []) + len(item["other_targets"] or [])


def inspection_report(session: Session, args: ReportArgs) -> Report:
    """Build R5, "Kết quả kiểm tra, giám sát"."""
    plan = plan_for(session, args)
    counts: dict[int, Counter] = defaultdict(Counter)
    moved: Counter = Counter()
    for item in recog_queries.inspections(session, plan, args.period, args.records):
        count = counts[item["row_id"]]
        kind = item["kind"]
        if kind in SESSIONS:
            count[SESSIONS[kind]] += 1
            count[TARGETS[kind]] += targets(item)
        else:
            count["so_cuoc_khao_sat"] += 1
        if (item["recommendations"] or "").strip():
            count["kien_nghi"] += 1
        if item["result"] in ("CHUA_DAT", "CAN_KHAC_PHUC"):
            count["can_khac_phuc"] += 1
        due = item["follow_up_due"]
        if due is not None and not item["follow_up_done"] and due < args.today:
            count["qua_han"] += 1
        if item["moved_from"]:
            moved[item["moved_from"]] += 1
    notes = moved_notes(plan, moved, "cuộc")
    report = new_report(args, "R5", "Kết quả kiểm tra, giám sát", R5_COLUMNS)
    shown = shown_rows(plan, counts)
    for index, row in enumerate(shown, start=1):
        count = counts[row.id]
        report.rows.append(
            {
                "stt": index,
                "unit_id": row.id,
                "unit_name": row_name(row, shown),
                **{key: count[key] for key in R5_SUMMED},
                "ghi_chu": "; ".join([*row.notes, *notes.get(row.id, [])]),
            }
        )
    report.totals = {
        "stt": None,
        "unit_id": None,
        "unit_name": TOTAL_LABEL,
        **{key: sum(row[key] for row in report.rows) for key in R5_SUMMED},
        "ghi_chu": "",
    }
    report.notes += [
        "Tính theo đơn vị tiến hành và ngày bắt đầu của cuộc kiểm tra, giám sát, khảo sát.",
        "Số tổ chức, đơn vị: mỗi cuộc tính các đơn vị được kiểm tra, giám sát và các tổ chức "
        "khác được nêu tên; một đơn vị được kiểm tra hai cuộc tính hai lượt.",
        f"Quá hạn khắc phục: hạn khắc phục trước ngày {args.today:%d/%m/%Y} mà chưa đánh dấu "
        "đã khắc phục.",
    ]
    return report
