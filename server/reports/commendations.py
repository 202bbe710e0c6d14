"""Recognition in the reports: R6 commendations, the two-stage funnel, R1's and R3's columns."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from server import enums
from server.models import Recognition
from server.reports import recog_queries
from server.reports.periods import vn_date
from server.reports.service import ReportArgs, new_report, plan_for
from server.reports.tables import TOTAL_LABEL, Column, Report

STAGE_RANK = {stage: rank for rank, stage in enumerate(recog_queries.STAGES)}
LEVEL_RANK = {"XA": 0, "HUYEN": 1, "TINH": 2, "TOAN_QUOC": 3}

R6_COLUMNS = [
    Column("stt", "STT", "stt", 5),
    Column("buoc", "Bước", "text", 14),
    Column("cap_khen", "Cấp khen", "text", 12),
    Column("hinh_thuc", "Hình thức", "text", 14),
    Column("co_quan_khen", "Cơ quan khen", "text", 26),
    Column("so_tap_the", "Số tập thể"),
    Column("so_ca_nhan", "Số cá nhân"),
    Column("so_ngay_quyet_dinh", "Số, ngày quyết định", "text", 22),
    Column("giai_doan", "Giai đoạn", "text", 12),
]
R6_SUMMED = ("so_tap_the", "so_ca_nhan")


def label(enum: dict, code: str | None) -> str:
    """Return a code's Vietnamese label ('' for none)."""
    return enum[code][0] if code in enum else (code or "")


def period_label(code: str | None) -> str:
    """Write a period code GD_2016_2020 as 2016–2020."""
    if not code:
        return ""
    parts = code.split("_")
    return f"{parts[1]}–{parts[2]}" if len(parts) == 3 else code


def decision_text(number: str | None, day: date | None) -> str:
    """Write a decision as "số …, ngày dd/mm/yyyy"."""
    when = vn_date(day) if day is not None else ""
    parts = [f"Số {number}" if number else "", f"ngày {when}" if when else ""]
    return ", ".join(p for p in parts if p)


def highest(recognitions: Iterable[Recognition]) -> Recognition | None:
    """Return a model's highest recognition: the furthest stage, then level, then the latest."""
    return max(
        recognitions,
        key=lambda r: (STAGE_RANK.get(r.stage, -1), LEVEL_RANK.get(r.level, -1), r.decision_date),
        default=None,
    )


def r3_columns(recognitions: list[Recognition]) -> tuple[str | None, str | None]:
    """Return R3's "Cấp công nhận" and "Hình thức khen thưởng" for one model."""
    if not recognitions:
        return None, None
    top_level = max(recognitions, key=lambda r: LEVEL_RANK.get(r.level, -1))
    commended = [r for r in recognitions if r.stage == "KHEN"]
    forms = "; ".join(
        f"{label(enums.RECOGNITION_FORM, r.form)} ({label(enums.RECOGNITION_LEVEL, r.level)}"
        f"{', ' + r.decision_no if r.decision_no else ''})"
        for r in commended
    )
    return label(enums.RECOGNITION_LEVEL, top_level.level), forms or None


def funnel_lines(funnel: dict[str, dict[str, int]]) -> list[str]:
    """Write the two-stage counts as note lines: recognised → exemplary → proposed → commended."""
    steps = [
        f"{label(enums.RECOGNITION_STAGE, stage)}: {counts['total']} "
        f"({counts['tap_the']} tập thể, {counts['ca_nhan']} cá nhân)"
        for stage, counts in funnel.items()
    ]
    return ["Số mô hình, điển hình theo từng bước trong kỳ: " + " → ".join(steps) + "."]


def funnel_items(funnel: dict[str, dict[str, int]]) -> list[dict]:
    """Return the funnel as JSON rows."""
    return [
        {"stage": stage, "label": label(enums.RECOGNITION_STAGE, stage), **counts}
        for stage, counts in funnel.items()
    ]


def commendation_report(session: Session, args: ReportArgs) -> Report:
    """Build R6, "Công nhận, biểu dương, khen thưởng", grouped by decision."""
    plan = plan_for(session, args)
    groups = recog_queries.commendation_groups(
        session, plan, args.period, args.records, scope=args.scope
    )
    groups.sort(
        key=lambda g: (
            -STAGE_RANK.get(g["stage"], -1),
            -LEVEL_RANK.get(g["level"], -1),
            g["decision_date"],
            g["issuer"],
            g["decision_no"] or "",
            g["form"],
        )
    )
    funnel = recog_queries.funnel(session, plan, args.period, args.records)
    report = new_report(args, "R6", "Công nhận, biểu dương, khen thưởng", R6_COLUMNS)
    for index, group in enumerate(groups, start=1):
        report.rows.append(
            {
                "stt": index,
                "stage": group["stage"],
                "buoc": label(enums.RECOGNITION_STAGE, group["stage"]),
                "cap_khen": label(enums.RECOGNITION_LEVEL, group["level"]),
                "hinh_thuc": label(enums.RECOGNITION_FORM, group["form"]),
                "co_quan_khen": group["issuer"],
                "so_tap_the": group["tap_the"],
                "so_ca_nhan": group["ca_nhan"],
                "so_ngay_quyet_dinh": decision_text(group["decision_no"], group["decision_date"]),
                "giai_doan": period_label(group["period"]),
            }
        )
    totals: Counter = Counter()
    for row in report.rows:
        totals.update({key: row[key] for key in R6_SUMMED})
    report.totals = {"stt": None, "buoc": TOTAL_LABEL, **{k: totals[k] for k in R6_SUMMED}}
    report.funnel = funnel_items(funnel)
    report.notes += [
        *funnel_lines(funnel),
        "Mỗi dòng là một quyết định (hoặc một đợt công nhận, đề nghị): số tập thể, cá nhân là "
        "số mô hình, điển hình được ghi nhận; một mô hình có thể ở nhiều dòng, nên dòng Tổng "
        "cộng là số lượt.",
        "Tính theo ngày quyết định và đơn vị quản lý mô hình, điển hình.",
    ]
    return report
