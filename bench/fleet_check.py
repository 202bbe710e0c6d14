"""Check a settled fleet: converged, nothing lost, nothing doubled, in scope, audited once."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.fleet_devices import FleetClient, LoggedMutation, canonical

TABLES = ("models", "meetings")
SQL_TABLES = {"models": "dvk_models", "meetings": "meetings"}
# The field no edit changes, naming the device and step that created the record.
MARKERS = {"models": "collective_name", "meetings": "minutes_no"}
# Stamps of the server's own bookkeeping: a writer is not sent its own write back (§5.5).
SERVER_STAMPS = ("created_at", "updated_at", "created_by_id", "updated_by_id")
REVIEW_ACTIONS = ("submit", "withdraw", "cancel", "approve", "return", "reopen")
VN_OFFSET = timezone(timedelta(hours=7))
KINDS = ("lost", "doubled", "diverged", "scope", "history", "unsettled", "server_error")


@dataclass
class Failure:
    """One broken invariant, about one record where there is one."""

    kind: str
    record_id: str | None
    where: str
    message: str
    tag: str | None = None  # the request that failed, for a server error

    def __str__(self) -> str:
        about = f" {self.record_id}" if self.record_id else ""
        return f"[{self.kind}]{about} @ {self.where}: {self.message}"


@dataclass
class Truth:
    """What the server holds after the fleet settled."""

    records: dict  # table -> id -> record, from the administrator's fresh pull (all scope)
    conflicts: dict  # id -> conflict
    tombstones: dict  # (table, id) -> version
    unit_paths: dict  # unit id -> path
    users: dict  # username -> unit id, or None for the administrator
    audit: list  # rows of audit_events on records
    conflict_rows: list  # rows of conflicts


def load_truth(engine: Engine, admin_fresh: FleetClient, users: dict) -> Truth:
    """Read the server's state: the administrator's fresh pull and the tables behind it."""
    with engine.connect() as conn:
        paths = dict(conn.execute(text("SELECT id, path FROM units")).all())
        audit = [
            SimpleNamespace(**{**row._asdict(), "after": _json(row.after)})
            for row in conn.execute(
                text(
                    "SELECT id, device_id, table_name, record_id, action, version, after"
                    " FROM audit_events WHERE table_name IN ('models', 'meetings') ORDER BY id"
                )
            )
        ]
        conflict_rows = conn.execute(  # lost_value compared as stored, by repr
            text(
                "SELECT id, record_id, field, lost_value, base_version, lost_device_id, reason"
                " FROM conflicts"
            )
        ).all()
        tombstones = {}
        for table, sql_table in SQL_TABLES.items():
            for row in conn.execute(text(f"SELECT id, version FROM {sql_table} WHERE deleted")):  # noqa: S608 - fixed names
                tombstones[(table, row.id)] = row.version
    return Truth(
        records={t: dict(admin_fresh.state.records[t]) for t in TABLES},
        conflicts=dict(admin_fresh.state.conflicts),
        tombstones=tombstones,
        unit_paths=paths,
        users=users,
        audit=list(audit),
        conflict_rows=list(conflict_rows),
    )


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def in_scope(truth: Truth, username: str, unit_id: int | None) -> bool:
    """Tell whether a unit lies in a user's scope (its unit or below) now."""
    home = truth.users[username]
    if home is None:
        return True
    path = truth.unit_paths.get(unit_id)
    return path is not None and path.startswith(truth.unit_paths[home])


# --- convergence and scope -------------------------------------------------------------------


def _record_diff(local: dict, fresh: dict) -> list[str]:
    """List the fields that differ; an absent key and null agree, an absent [] or false not."""
    diffs = []
    for key in sorted(set(local) | set(fresh)):
        if key in SERVER_STAMPS:
            continue
        mine, theirs = local.get(key), fresh.get(key)
        if mine != theirs:
            shown = "<missing>" if key not in local else repr(mine)
            diffs.append(f"{key}: device {shown} != fresh pull {theirs!r}")
    return diffs


def holds(stored, sent) -> bool:
    """Tell whether a stored value keeps everything sent (defaults the server added aside)."""
    if isinstance(stored, dict) and isinstance(sent, dict):
        return all(k in stored and holds(stored[k], v) for k, v in sent.items())
    if isinstance(stored, list) and isinstance(sent, list):
        return len(stored) == len(sent) and all(map(holds, stored, sent))
    return stored == sent


def check_device(client: FleetClient, username: str, fresh: FleetClient, truth: Truth) -> list:
    """Compare a settled device with a fresh device of the same user."""
    failures = []
    where = client.name
    if client.state.outbox:
        failures.append(
            Failure("unsettled", None, where, f"{len(client.state.outbox)} mutations still queued")
        )
    kept = {key.split("/", 1)[1] for key in client.state.errors}
    for table in TABLES:
        mine, theirs = client.state.records[table], fresh.state.records[table]
        seen: dict[str, str] = {}
        for rid in mine:
            key = canonical(rid)
            if key in seen:
                failures.append(
                    Failure("doubled", key, where, f"held twice, as {seen[key]} and {rid}")
                )
            seen[key] = rid
        _check_markers(failures, table, mine, where)
        for rid in sorted(set(mine) | set(theirs)):
            if rid in kept:
                continue  # a rejected write kept locally so nothing typed is lost (§4.6)
            if rid not in theirs:
                failures.append(Failure("diverged", rid, where, "held but not in a fresh pull"))
            elif rid not in mine:
                failures.append(Failure("diverged", rid, where, "in a fresh pull but not held"))
            else:
                diffs = _record_diff(mine[rid], theirs[rid])
                if diffs:
                    failures.append(Failure("diverged", rid, where, "; ".join(diffs)))
            record = mine.get(rid)
            if record is not None and not in_scope(truth, username, record.get("owner_unit_id")):
                failures.append(
                    Failure("scope", rid, where, f"held, owner unit {record.get('owner_unit_id')}")
                )
    failures += _check_units(client, fresh, where)
    mine, theirs = client.state.conflicts, fresh.state.conflicts
    for cid in sorted(set(mine) | set(theirs)):
        record_id = (mine.get(cid) or theirs.get(cid))["record_id"]
        if cid not in theirs:
            failures.append(
                Failure("diverged", record_id, where, f"conflict {cid} held, not in a fresh pull")
            )
        elif cid not in mine:
            failures.append(
                Failure("diverged", record_id, where, f"conflict {cid} in a fresh pull, not held")
            )
        elif mine[cid] != theirs[cid]:
            failures.append(
                Failure(
                    "diverged", record_id, where, f"conflict {cid}: {mine[cid]}\n != {theirs[cid]}"
                )
            )
    return failures


def _check_units(client: FleetClient, fresh: FleetClient, where: str) -> list:
    """Compare a device's units with a fresh pull's: a reset it missed leaves old ones (§5.4)."""
    failures = []
    mine, theirs = client.state.units, fresh.state.units
    for uid in sorted(set(mine) | set(theirs), key=int):
        if uid not in theirs:
            failures.append(Failure("scope", None, where, f"unit {uid} held, not in a fresh pull"))
        elif uid not in mine:
            failures.append(
                Failure("diverged", None, where, f"unit {uid} in a fresh pull, not held")
            )
        elif mine[uid] != theirs[uid]:
            failures.append(
                Failure("diverged", None, where, f"unit {uid}: {mine[uid]}\n != {theirs[uid]}")
            )
    return failures


def _check_markers(failures: list, table: str, records: dict, where: str) -> None:
    by_marker = defaultdict(list)
    for rid, record in records.items():
        marker = record.get(MARKERS[table])
        if marker and str(marker).startswith("fleet "):
            by_marker[marker].append(rid)
    for marker, ids in by_marker.items():
        if len(ids) > 1:
            failures.append(
                Failure("doubled", ids[0], where, f"one create ({marker!r}) held as {ids}")
            )


def check_fresh(username: str, fresh: FleetClient, truth: Truth) -> list:
    """Check a fresh device's pull against the server's records and conflicts in scope."""
    failures = []
    where = f"fresh pull of {username}"
    for table in TABLES:
        expected = {
            rid
            for rid, rec in truth.records[table].items()
            if in_scope(truth, username, rec["owner_unit_id"])
        }
        got = set(fresh.state.records[table])
        for rid in sorted(expected - got):
            failures.append(Failure("scope", rid, where, f"{table} record in scope not pulled"))
        for rid in sorted(got - expected):
            failures.append(Failure("scope", rid, where, f"{table} record out of scope pulled"))
    owners = {rid: rec["owner_unit_id"] for t in TABLES for rid, rec in truth.records[t].items()}
    expected_conflicts = {
        cid
        for cid, c in truth.conflicts.items()
        if c["record_id"] in owners and in_scope(truth, username, owners[c["record_id"]])
    }
    got_conflicts = set(fresh.state.conflicts)
    for cid in sorted(expected_conflicts - got_conflicts):
        rid = truth.conflicts[cid]["record_id"]
        message = f"conflict {cid} of a record in scope missing"
        failures.append(Failure("scope", rid, where, message))
    for cid in sorted(got_conflicts - expected_conflicts):
        rid = fresh.state.conflicts[cid]["record_id"]
        if rid in owners:
            failures.append(
                Failure("scope", rid, where, f"conflict {cid} of a record out of scope pulled")
            )
    return failures


# --- acknowledged values -----------------------------------------------------------------------


def _later_write(writes: dict, table: str, rid: str, name: str, version: int) -> bool:
    return any(
        (row.version or 0) > version and name in (row.after or {})
        for row in writes.get((table, rid), ())
    )


def _instant(value):
    """Return a wall-clock time as a naive datetime in Vietnam, or the value as it is."""
    if not isinstance(value, str) or "T" not in value:
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(VN_OFFSET).replace(tzinfo=None)
    # Meeting times are kept to the minute in Vietnam's wall clock (PROTOCOL.md §3.5).
    return parsed.replace(second=0, microsecond=0)


def _kept_as_conflict(kept: dict, rid: str, name: str, value) -> bool:
    # A conflict keeps the value as the server stores it: the same instant, spelled its way.
    return any(_instant(c["lost_value"]) == _instant(value) for c in kept.get((rid, name), ()))


def _killing_delete(
    logs: list[LoggedMutation], truth: Truth, names: dict, table: str, rid: str, version: int
):
    """Return the logged delete that made a record's tombstone, or None if none is known.

    A delete of a record deleted already is answered `applied` with the tombstone's version
    too (PROTOCOL.md §4.4): only the audit trail tells which device made the tombstone.
    """
    deleters = [
        row.device_id
        for row in truth.audit
        if row.action == "delete" and row.table_name == table and row.record_id == rid
    ]
    deletes = [
        m
        for m in logs
        if m.op == "delete" and m.table == table and canonical(m.record_id) == rid and m.sent
    ]
    by = names.get(deleters[-1]) if deleters else None
    made = [m for m in deletes if m.device == by]
    if made:
        # The device whose delete made the tombstone, even if its answer was lost.
        return made[-1]
    acked = [m for m in deletes if m.ack]
    exact = [m for m in acked if m.ack.get("version") == version]
    return (exact or acked or [None])[-1]


def check_acknowledged(
    logs: list[LoggedMutation], truth: Truth, device_ids: dict | None = None
) -> list:
    """Find each acknowledged value on its record, in a later write, or in a conflict."""
    names = {v: k for k, v in (device_ids or {}).items()}
    failures = []
    writes, kept = defaultdict(list), defaultdict(list)
    for row in truth.audit:
        if row.action in ("create", "update"):
            writes[(row.table_name, row.record_id)].append(row)
    for c in truth.conflicts.values():
        kept[(c["record_id"], c["field"])].append(c)
    for m in logs:
        ack = m.ack
        acknowledged = ack is not None and ack["status"] in ("applied", "conflict")
        if m.op not in ("put", "patch") or not acknowledged:
            continue
        rid = canonical(m.record_id)
        version = ack.get("version") or 0
        record = truth.records[m.table].get(rid)
        for name, value in m.data.items():
            if name == "id" or _kept_as_conflict(kept, rid, name, value):
                continue
            if _later_write(writes, m.table, rid, name, version):
                continue
            if record is not None:
                if not holds(_instant(record.get(name)), _instant(value)):
                    failures.append(
                        Failure(
                            "lost",
                            rid,
                            m.device,
                            f"{m.key} {m.op} {name}={value!r} acknowledged {ack['status']}"
                            f" v{version}; server holds {record.get(name)!r}, no later write,"
                            " no conflict",
                        )
                    )
                continue
            tomb = truth.tombstones.get((m.table, rid))
            if tomb is None:
                failures.append(
                    Failure("lost", rid, m.device, f"{m.key} acknowledged, record not on server")
                )
                continue
            delete = _killing_delete(logs, truth, names, m.table, rid, tomb)
            if delete is None or delete.device == m.device or delete.base >= version:
                continue
            failures.append(
                Failure(
                    "lost",
                    rid,
                    m.device,
                    f"{m.key} {name}={value!r} acknowledged v{version}, destroyed by {delete.key}"
                    f" delete based on v{delete.base} (stale delete), no conflict kept",
                )
            )
    return failures


def check_versions(logs: list[LoggedMutation]) -> list:
    """Find writes acknowledged with the same version of one record: one overwrote the other."""
    made = defaultdict(list)
    for m in logs:
        ack = m.ack
        writes = m.op in ("put", "patch", "review", "delete")
        if writes and ack and ack["status"] == "applied" and ack.get("version") is not None:
            made[(m.table, canonical(m.record_id), ack["version"])].append(m)
    failures = []
    for (_, rid, version), writes in made.items():
        # A delete of a tombstone is answered with the tombstone's version: not a new write.
        if len(writes) > 1 and any(w.op != "delete" for w in writes):
            names = ", ".join(f"{w.key} {w.op} base {w.base}" for w in writes)
            failures.append(
                Failure(
                    "lost",
                    rid,
                    "server",
                    f"{len(writes)} writes all answered applied v{version} ({names}):"
                    " each was merged without seeing the other",
                )
            )
    return failures


# --- nothing twice, history once -------------------------------------------------------------


def check_doubles(engine: Engine, truth: Truth) -> list:
    """Find records created twice from one create, and conflict records stored twice."""
    failures = []
    with engine.connect() as conn:
        for table, sql_table in SQL_TABLES.items():
            marker = MARKERS[table]
            rows = conn.execute(
                text(
                    f"SELECT {marker} AS marker, count(*) AS n, min(id) AS one FROM {sql_table}"  # noqa: S608
                    f" WHERE {marker} LIKE 'fleet %' GROUP BY {marker} HAVING count(*) > 1"
                )
            ).all()
            for row in rows:
                failures.append(
                    Failure("doubled", row.one, "server", f"one create stored {row.n} times")
                )
    seen = Counter(
        (r.record_id, r.field, repr(r.lost_value), r.base_version, r.lost_device_id, r.reason)
        for r in truth.conflict_rows
    )
    for key, count in seen.items():
        if count > 1:
            failures.append(
                Failure(
                    "doubled",
                    key[0],
                    "server",
                    f"conflict on {key[1]} (lost {key[2]}, base {key[3]}) stored {count} times",
                )
            )
    return failures


def _event_class(action: str) -> str:
    return "write" if action in ("create", "update") else action


def expected_events(logs: list[LoggedMutation], device_ids: dict) -> tuple[Counter, Counter]:
    """Return the least and most audit events per (device, record, class) the logs allow."""
    low, high = Counter(), Counter()
    for m in logs:
        device = device_ids[m.device]
        ack, maybe = m.ack, m.hidden or (m.sent and not m.results)
        rid = canonical(m.target_record or m.record_id)
        status = ack["status"] if ack else None
        if m.op in ("put", "patch"):
            key = (device, rid, "write")
            if status == "applied":
                low[key] += 1
                high[key] += 1
            elif status == "conflict":
                high[key] += 1
                low[(device, rid, "conflict")] += len(ack.get("conflicts") or [])
                high[(device, rid, "conflict")] += len(ack.get("conflicts") or [])
            elif maybe:
                high[key] += 1
                high[(device, rid, "conflict")] += len(m.data)
        elif m.op == "delete":
            if status == "applied" or maybe:
                high[(device, rid, "delete")] += 1
            # A stale delete refused as RECORD_CHANGED is audited as one conflict event (§4.4).
            if status == "conflict":
                low[(device, rid, "conflict")] += 1
            if status == "conflict" or maybe:
                high[(device, rid, "conflict")] += 1
        elif m.op == "review":
            key = (device, rid, m.data["action"])
            if status == "applied":
                low[key] += 1
            if status == "applied" or maybe:
                high[key] += 1
        elif m.op == "resolve" and (status == "applied" or maybe):
            high[(device, rid, "resolve")] += 1
            if m.data.get("resolution") == "RESTORE_LOST":
                high[(device, rid, "write")] += 1
    return low, high


def check_history(logs: list[LoggedMutation], device_ids: dict, truth: Truth) -> list:
    """Count audit events per (device, record, action) against the acknowledgements."""
    low, high = expected_events(logs, device_ids)
    names = {v: k for k, v in device_ids.items()}
    actual = Counter(
        (row.device_id, row.record_id, _event_class(row.action))
        for row in truth.audit
        if row.device_id in names
    )
    failures = []
    for key in sorted(set(low) | set(high) | set(actual), key=str):
        device, rid, kind = key
        got = actual[key]
        if got > high[key]:
            failures.append(
                Failure(
                    "doubled",
                    rid,
                    names[device],
                    f"{got} '{kind}' history events for at most {high[key]} mutations sent",
                )
            )
        elif got < low[key]:
            failures.append(
                Failure(
                    "history",
                    rid,
                    names[device],
                    f"{got} '{kind}' history events for {low[key]} acknowledged mutations",
                )
            )
    return failures
