"""The dashboard's numbers, for the PWA to draw: models, meetings, review backlog, devices.

Each section has one entry per row (the direct children of the viewer's unit, as in the
reports) and the same numbers for the whole subtree.
"""

from collections import Counter, defaultdict

from sqlalchemy.orm import Session

from server import enums
from server.reports import queries
from server.reports.rollup import RowPlan
from server.reports.service import ReportArgs, plan_for, row_name, shown_rows

TREND_YEARS = 5  # the models-by-year chart shows the period's last year and the four before
AGES = ("lt_7", "d7_30", "gt_30")


def _total(counters: dict[int, Counter]) -> Counter:
    return sum(counters.values(), Counter())


def _models(session: Session, plan: RowPlan, args: ReportArgs) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for part in queries.model_summary(session, plan, args.period, args.records):
        for code, key in queries.FIELD_KEYS.items():
            counts[part["row_id"]][code] += part[key]
    return counts


def _trend(session: Session, plan: RowPlan, args: ReportArgs) -> list[dict]:
    last = args.period.end.year
    first = last - TREND_YEARS + 1
    years: dict[int, Counter] = {year: Counter() for year in range(first, last + 1)}
    for year, field, count in queries.models_by_year(session, plan, first, last, args.records):
        years[year][field] += count
    return [
        {"year": year, "total": c.total(), "by_field": _by_field(c)} for year, c in years.items()
    ]


def _meetings(session: Session, plan: RowPlan, args: ReportArgs) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for part in queries.meeting_counts(session, plan, args.period, args.records):
        counts[part["row_id"]][part["type"]] += part["meetings"]
        counts[part["row_id"]]["_attendance"] += part["attendance"]
    return counts


def _backlog(session: Session, plan: RowPlan, args: ReportArgs) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for row_id, table, age, count in queries.backlog(session, plan, args.now):
        counts[row_id][age] += count
        counts[row_id][table] += count
    return counts


def _devices(session: Session, plan: RowPlan) -> dict[int, dict]:
    found: dict[int, dict] = defaultdict(
        lambda: {"devices": 0, "pending": 0, "last_sync_at": None, "versions": Counter()}
    )
    for row_id, devices, pending, last_sync in queries.device_summary(session, plan):
        found[row_id] |= {"devices": devices, "pending": pending, "last_sync_at": last_sync}
    for row_id, version, count in queries.app_versions(session, plan):
        found[row_id]["versions"][version] += count
    return found


def _by_field(counter: Counter) -> dict[str, int]:
    return {code: counter[code] for code in enums.FIELD}


def _by_type(counter: Counter) -> dict[str, int]:
    return {code: counter[code] for code in enums.MEETING_TYPE}


def _meeting_numbers(counter: Counter) -> dict:
    by_type = _by_type(counter)
    return {
        "total": sum(by_type.values()),
        "attendance": counter["_attendance"],
        "by_type": by_type,
    }


def _backlog_numbers(counter: Counter) -> dict:
    ages = {age: counter[age] for age in AGES}
    return {"total": sum(ages.values()), "ages": ages}


def _version_list(counter: Counter) -> list[dict]:
    ordered = sorted(counter.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [{"version": version, "devices": count} for version, count in ordered]


def _device_numbers(found: dict) -> dict:
    return {
        "devices": found["devices"],
        "pending": found["pending"],
        "last_sync_at": found["last_sync_at"],
        "app_versions": _version_list(found["versions"]),
    }


def build(session: Session, args: ReportArgs) -> dict:
    """Aggregate everything the dashboard shows for a unit's subtree and a period."""
    plan = plan_for(session, args)
    models = _models(session, plan, args)
    meetings = _meetings(session, plan, args)
    backlog = _backlog(session, plan, args)
    devices = _devices(session, plan)
    shown = shown_rows(plan, models.keys() | meetings.keys() | backlog.keys() | devices.keys())
    all_devices = list(devices.values())
    syncs = [d["last_sync_at"] for d in all_devices if d["last_sync_at"] is not None]
    all_backlog = _total(backlog)
    return {
        "unit": args.unit,
        "period": args.period,
        "records": args.records,
        "boundaries": args.resolved_boundaries,
        "generated_at": args.now,
        "rows": [
            {"unit_id": row.id, "unit_name": row_name(row, shown), "is_self": row.is_self}
            for row in shown
        ],
        "models": {
            "by_row": [
                {"unit_id": row.id, "total": models[row.id].total()}
                | {"by_field": _by_field(models[row.id])}
                for row in shown
            ],
            "total": _total(models).total(),
            "by_field": _by_field(_total(models)),
            "by_year": _trend(session, plan, args),
        },
        "meetings": {
            "by_row": [{"unit_id": row.id} | _meeting_numbers(meetings[row.id]) for row in shown],
            **_meeting_numbers(_total(meetings)),
        },
        "backlog": {
            "by_row": [{"unit_id": row.id} | _backlog_numbers(backlog[row.id]) for row in shown],
            **_backlog_numbers(all_backlog),
            "by_table": {"models": all_backlog["models"], "meetings": all_backlog["meetings"]},
        },
        "devices": {
            "by_row": [{"unit_id": row.id} | _device_numbers(devices[row.id]) for row in shown],
            "devices": sum(d["devices"] for d in all_devices),
            "pending": sum(d["pending"] for d in all_devices),
            "last_sync_at": max(syncs, default=None),
            "app_versions": _version_list(sum((d["versions"] for d in all_devices), Counter())),
        },
    }
