"""R2, models registered versus models carried out effectively, by period.

A model counts as registered ("đăng ký xây dựng") in every period it counts in, whatever its
status; as effective ("triển khai hiệu quả") when it is maintained or replicated
(``queries.EFFECTIVE_STATUSES``). The rule and its reasons are in docs/REPORTS.md.
"""

from datetime import date

from sqlalchemy.orm import Session

from server.reports import queries
from server.reports.periods import Period
from server.reports.service import ReportArgs, new_report, plan_for
from server.reports.summaries import counted_by_note
from server.reports.tables import TOTAL_LABEL, Column, Report

R2_COLUMNS = [
    Column("ky", "Kỳ", "text", 26),
    Column("dang_ky", "Số mô hình đăng ký xây dựng", width=16),
    Column("hieu_qua", "Số mô hình triển khai hiệu quả", width=16),
    Column("ty_le", "Tỷ lệ (%)", "percent", 10),
    Column("tang", "Tăng so với năm trước", "signed", 14),
]


def ratio(effective: int, registered: int) -> float | None:
    """Return effective models as a percentage of registered ones, to one decimal."""
    return round(100 * effective / registered, 1) if registered else None


def _change(now: int, before: int) -> int | None:
    # Nothing registered the year before is no baseline: "+2.071" would read as growth.
    return None if before == 0 and now else now - before


def _line(label: str, registered: int, effective: int, before: int) -> dict:
    return {
        "ky": label,
        "dang_ky": registered,
        "hieu_qua": effective,
        "ty_le": ratio(effective, registered),
        "tang": _change(registered, before),
    }


def _years(first: int, last: int) -> Period:
    # Built directly: the span (a phase and the one before it) may exceed a phase's limit.
    return Period("GIAI_DOAN", date(first, 1, 1), date(last, 12, 31))


def registered_vs_effective(session: Session, args: ReportArgs) -> Report:
    """Build R2, "Mô hình đăng ký xây dựng và triển khai hiệu quả"."""
    period, previous = args.period, args.period.previous()
    plan = plan_for(session, args)
    report = new_report(
        args,
        "R2",
        "Mô hình đăng ký xây dựng và mô hình triển khai hiệu quả",
        R2_COLUMNS,
        previous_period=previous,
        counted_by=queries.counted_by(period),
    )
    if period.whole_years:
        span = _years(previous.start.year, period.end.year)
        counts = {
            year: (registered, effective)
            for year, registered, effective in queries.registered_vs_effective(
                session, plan, span, args.records
            )
        }
        for year in range(period.start.year, period.end.year + 1):
            registered, effective = counts.get(year, (0, 0))
            before = counts.get(year - 1, (0, 0))[0]
            report.rows.append(_line(f"Năm {year}", registered, effective, before))
        if len(report.rows) > 1:
            registered = sum(row["dang_ky"] for row in report.rows)
            effective = sum(row["hieu_qua"] for row in report.rows)
            before = sum(
                counts.get(year, (0, 0))[0]
                for year in range(previous.start.year, previous.end.year + 1)
            )
            report.totals = _line(TOTAL_LABEL, registered, effective, before)
    else:
        now = queries.registered_vs_effective(session, plan, period, args.records)
        then = queries.registered_vs_effective(session, plan, previous, args.records)
        registered, effective = now[0][1:] if now else (0, 0)
        before = then[0][1] if then else 0
        report.rows.append(_line(period.label, registered, effective, before))
    report.notes += [
        f"Số liệu của toàn {args.unit.name} (gồm các đơn vị trực thuộc).",
        counted_by_note(report),
        "Số mô hình đăng ký xây dựng: mọi mô hình, điển hình được tính trong kỳ, bất kể trạng "
        "thái. Số mô hình triển khai hiệu quả: mô hình đang duy trì hoặc đã nhân rộng (trạng "
        "thái hiện tại); mô hình mới đăng ký, đang xây dựng hoặc tạm dừng, không còn hiệu quả "
        "không tính.",
        "Tỷ lệ (%) = số mô hình triển khai hiệu quả / số mô hình đăng ký xây dựng.",
        "Tăng so với năm trước: số mô hình đăng ký xây dựng so với "
        + ("năm trước" if period.whole_years else previous.label[0].lower() + previous.label[1:])
        + (
            f" (dòng Tổng cộng: so với {previous.label[0].lower()}{previous.label[1:]})"
            if report.totals
            else ""
        )
        + "; để trống khi kỳ trước không có số liệu để so sánh.",
    ]
    return report
