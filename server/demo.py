"""Load demo data: Nghệ An communes, demo accounts and records written like the seed articles."""

# Everything is keyed by fixed identifiers (user names, UUIDs derived from stable keys), so a
# second run finds what the first made and creates nothing. Records go through the same service
# functions as real ones, so they carry change sequences, search text and audit events, and
# their review steps are real workflow steps.

import json
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.auth.passwords import hash_password
from server.demo_cycle import ensure_cycle
from server.enums import FIELD, REVIEW_STATUS
from server.models import Unit, User
from server.records import service
from server.records.tables import MEETINGS, MODELS, RecordTable
from server.units.official import import_official_units
from server.units.service import ensure_root, update_unit

# Printed on the console on purpose: these accounts exist only to try the app out.
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, not a secret
PROVINCE_CODE = "40"  # Nghệ An
NEIGHBOUR_CODES = {"thanh_hoa": "38", "ha_tinh": "42"}  # co-organizers of seed S0
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://so-tay-dan-van/demo")

# (key, name looked up among the province's communes, border commune)
COMMUNES = (
    ("nam_can", "Nậm Cắn", True),
    ("muong_xen", "Mường Xén", True),
    ("tam_quang", "Tam Quang", False),
    ("nam_dan", "Nam Đàn", False),
    ("thai_hoa", "Thái Hòa", False),
    ("tay_hieu", "Tây Hiếu", False),
)

# (user name, full name, position, role, unit key, how the console describes the account)
USERS = (
    (
        "canbo.demo",
        "Lữ Văn Hùng",
        "Phó Bí thư Đảng ủy xã",
        "CAN_BO_NHAP",
        "nam_can",
        "cán bộ xã nhập liệu",
    ),
    (
        "canbo2.demo",
        "Nguyễn Thị Thanh Hương",
        "Chuyên viên Ban Xây dựng Đảng, Đảng ủy phường",
        "CAN_BO_NHAP",
        "thai_hoa",
        "cán bộ phường nhập liệu",
    ),
    (
        "lanhdao.demo",
        "Trần Văn Quang",
        "Phó Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy",
        "LANH_DAO_DUYET",
        "province",
        "lãnh đạo tỉnh duyệt hồ sơ",
    ),
    (
        "xem.demo",
        "Hoàng Thị Minh Ngọc",
        "Chuyên viên Phòng Dân vận, Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "XEM",
        "province",
        "chuyên viên tỉnh chỉ xem, báo cáo",
    ),
    (
        "quantri.demo",
        "Phạm Đức Long",
        "Quản trị hệ thống",
        "QUAN_TRI",
        "root",
        "quản trị hệ thống",
    ),
)

# Officers enter their own commune's records; the administrator types in the rest, as a
# province does with paper registers from communes that have no officer on the app yet.
AUTHORS = {"nam_can": "canbo.demo", "thai_hoa": "canbo2.demo"}
AUTHOR_FALLBACK = "quantri.demo"
REVIEWER = "lanhdao.demo"

RETURN_MISSING_RESULTS = "Đề nghị bổ sung số liệu kết quả và hình ảnh minh họa."

# The records written like the seed articles (DOMAIN.md §2.3–2.5), kept as data: "models"
# name a commune key of COMMUNES and a "flow" the record goes through — null (draft), "submit",
# "approve" or "return"; metrics are [metric, value, unit]. "meetings" name owner and organizer
# unit keys; attendees are [role, full name, position, organization, extra fields?]; sites are
# [name, unit key, chair]; "models" are keys of the models a meeting discussed.
_DATA = json.loads((Path(__file__).with_name("demo_records.json")).read_text(encoding="utf-8"))
DEMO_MODELS: tuple[dict, ...] = tuple(_DATA["models"])
DEMO_MEETINGS: tuple[dict, ...] = tuple(_DATA["meetings"])

# Keys that steer the loader and are not fields of the record.
MODEL_META = ("key", "commune", "flow", "comment", "replicated_from")
MEETING_META = ("key", "owner", "organizer", "co_organizers", "flow", "comment", "models")


@dataclass
class Tally:
    """What one run did, for the console summary."""

    lines: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)


def record_id(kind: str, key: str) -> str:
    """Return the fixed UUID of a demo record."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _number(value: int) -> str:
    """Format a count the Vietnamese way: 3.321."""
    return f"{value:,}".replace(",", ".")


def _ensure_units(session: Session, tally: Tally) -> Unit:
    """Import the official units if Nghệ An is missing; return the province."""
    province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
    if province is None:
        result = import_official_units(session)
        tally.lines.append(
            f"Đơn vị hành chính: đã nạp {result.provinces} tỉnh/thành và "
            f"{_number(result.communes)} xã/phường/đặc khu (dữ liệu {result.data_version})."
        )
        province = session.scalar(select(Unit).where(Unit.code == PROVINCE_CODE))
        if province is None:
            raise LookupError(f"the official units hold no province {PROVINCE_CODE}")
    else:
        tally.lines.append("Đơn vị hành chính: đã có sẵn, không nạp lại.")
    return province


def _pick_communes(session: Session, province: Unit, tally: Tally) -> dict[str, Unit]:
    """Find the demo communes by name, falling back to the province's first communes."""
    communes = list(
        session.scalars(
            select(Unit)
            .where(Unit.parent_id == province.id, Unit.level == "XA")
            .order_by(Unit.code)
        )
    )
    if not communes:
        raise RuntimeError(f"{province.name} chưa có xã, phường nào: hãy chạy `flask units import`")
    picked: dict[str, Unit] = {}
    missing = []
    for key, wanted, _border in COMMUNES:
        match = next((u for u in communes if u.name.endswith(" " + wanted)), None)
        if match is None:
            missing.append((key, wanted))
        else:
            picked[key] = match
    # A unit tree without these names still gets demo data, on whatever communes it has.
    spare = [u for u in communes if u not in picked.values()] or communes
    for index, (key, wanted) in enumerate(missing):
        picked[key] = spare[index % len(spare)]
        tally.lines.append(f"Không thấy xã/phường “{wanted}”; dùng {picked[key].name} thay thế.")
    found = ", ".join(
        f"{picked[key].name} ({picked[key].code}{', biên giới' if border else ''})"
        for key, _wanted, border in COMMUNES
    )
    tally.lines.append(f"Tỉnh: {province.name} (mã {province.code}); xã/phường demo: {found}.")
    return picked


def _mark_border(session: Session, communes: dict[str, Unit]) -> None:
    """Flag the border communes, through the unit service so phones pull the change."""
    for key, _wanted, border in COMMUNES:
        unit = communes[key]
        if border and not unit.is_border:
            update_unit(session, unit, actor=None, data={"is_border": True})


def _ensure_users(session: Session, units: dict[str, Unit], tally: Tally) -> dict[str, User]:
    """Create the demo accounts that do not exist yet; return all of them by user name."""
    users: dict[str, User] = {}
    tally.lines.append(f"Tài khoản demo (mật khẩu: {DEMO_PASSWORD}):")
    for username, full_name, position, role, unit_key, described in USERS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                position=position,
                unit=units[unit_key],
                roles=[role],
                active=True,
                password_hash=hash_password(DEMO_PASSWORD),
            )
            session.add(user)
            tally.created["users"] += 1
            state = "tạo mới"
        else:
            tally.existing["users"] += 1
            state = "đã có, giữ nguyên mật khẩu"
        users[username] = user
        tally.lines.append(
            f"  {username} — {described}: {user.full_name} ({user.position or '—'}), "
            f"{user.unit.name} [{state}]"
        )
    session.commit()
    return users


def _metrics(rows: list[tuple[str, Any, str]]) -> list[dict[str, Any]]:
    return [{"metric": name, "value": value, "unit": unit} for name, value, unit in rows]


def _model_payload(item: dict, units: dict[str, Unit]) -> dict:
    """Turn a DEMO_MODELS entry into the payload a phone would send."""
    commune = units[item["commune"]]
    body = {k: v for k, v in item.items() if k not in MODEL_META}
    body.update(
        id=record_id("model", item["key"]),
        owner_unit_id=commune.id,
        commune_unit_id=commune.id,
        metrics=_metrics(item["metrics"]),
    )
    if item.get("replicated_from"):
        body["replicated_from_id"] = record_id("model", item["replicated_from"])
    return body


def _attendee(row: tuple) -> dict:
    role, full_name, position, org_name, *extra = row
    person = {"role": role, "full_name": full_name, "position": position, "org_name": org_name}
    for more in extra:
        person.update(more)
    return {k: v for k, v in person.items() if v is not None}


def _meeting_payload(item: dict, units: dict[str, Unit]) -> dict:
    """Turn a DEMO_MEETINGS entry into the payload a phone would send."""
    body = {k: v for k, v in item.items() if k not in MEETING_META}
    body.update(
        id=record_id("meeting", item["key"]),
        owner_unit_id=units[item["owner"]].id,
        organizer_unit_id=units[item["organizer"]].id,
        co_organizer_ids=[units[k].id for k in item.get("co_organizers", ()) if k in units],
        attendees=[_attendee(row) for row in item["attendees"]],
        linked_model_ids=[record_id("model", k) for k in item.get("models", ())],
    )
    if "sites" in item:
        body["sites"] = [
            {"name": name, "unit_id": units[key].id, "chair": chair}
            for name, key, chair in item["sites"]
        ]
    return body


def _author(users: dict[str, User], unit_key: str) -> User:
    return users[AUTHORS.get(unit_key, AUTHOR_FALLBACK)]


def _run_flow(
    session: Session,
    table: RecordTable,
    record: Any,
    item: dict[str, Any],
    author: User,
    reviewer: User,
) -> None:
    """Take the record through its workflow: submit, then approve or return."""
    flow = item.get("flow")
    if flow is None:
        return
    service.review(
        session,
        table,
        record,
        action="submit",
        based_on=record.version,
        comment=None,
        actor=Actor.signed_in(author),
    )
    if flow in ("approve", "return"):
        # A reviewer decides on the version they read, so the step names the current one.
        service.review(
            session,
            table,
            record,
            action=flow,
            based_on=record.version,
            comment=item.get("comment"),
            actor=Actor.signed_in(reviewer),
        )


def _ensure_records(
    session: Session,
    table: RecordTable,
    items: Sequence[dict[str, Any]],
    payload: Callable[[dict[str, Any]], dict[str, Any]],
    unit_key: str,
    users: dict[str, User],
    tally: Tally,
) -> list[Any]:
    """Create the records that do not exist yet and run their workflow; return all of them."""
    records = []
    for item in items:
        body = payload(item)
        record = service.find(session, table, body["id"])
        if record is None:
            author = _author(users, item[unit_key])
            record = service.create(session, table, body, actor=Actor.signed_in(author)).record
            _run_flow(session, table, record, item, author, users[REVIEWER])
            tally.created[table.name] += 1
        else:
            tally.existing[table.name] += 1
        records.append(record)
    return records


def _summarize(models: list, meetings: list, tally: Tally) -> None:
    """Append the record counts by field and by review status."""
    by_field = Counter(m.field for m in models)
    fields = ", ".join(f"{FIELD[code][0]} {by_field[code]}" for code in FIELD)
    tally.lines.append(
        f"Mô hình, điển hình: tạo mới {tally.created['models']}, đã có "
        f"{tally.existing['models']} — {fields}."
    )
    tally.lines.append(
        f"Hội nghị, hoạt động: tạo mới {tally.created['meetings']}, đã có "
        f"{tally.existing['meetings']}."
    )
    by_status = Counter(r.review_status for r in (*models, *meetings))
    statuses = ", ".join(
        f"{label} {by_status[code]}"
        for code, (label, _en) in REVIEW_STATUS.items()
        if by_status[code]
    )
    tally.lines.append(f"Trạng thái duyệt: {statuses}.")
    if not sum(tally.created.values()):
        tally.lines.append("Không tạo thêm gì: dữ liệu demo đã có đủ từ lần chạy trước.")
    tally.lines.append(
        f"Đăng nhập bằng một tài khoản ở trên; {REVIEWER} có {by_status['CHO_DUYET']} bản ghi "
        "chờ duyệt."
    )


def load_demo(session: Session) -> list[str]:
    """Create demo units, accounts and records once; return the console summary."""
    tally = Tally()
    province = _ensure_units(session, tally)
    communes = _pick_communes(session, province, tally)
    _mark_border(session, communes)
    units = {
        "root": ensure_root(session),
        "province": province,
        **communes,
    }
    for key, code in NEIGHBOUR_CODES.items():
        neighbour = session.scalar(select(Unit).where(Unit.code == code))
        if neighbour is not None:
            units[key] = neighbour
    users = _ensure_users(session, units, tally)
    models = _ensure_records(
        session,
        MODELS,
        DEMO_MODELS,
        lambda item: _model_payload(item, units),
        "commune",
        users,
        tally,
    )
    meetings = _ensure_records(
        session,
        MEETINGS,
        DEMO_MEETINGS,
        lambda item: _meeting_payload(item, units),
        "owner",
        users,
        tally,
    )
    cycle = ensure_cycle(
        session,
        _DATA,
        units,
        record_id,
        lambda table, items, payload: _ensure_records(
            session, table, items, payload, "owner", users, tally
        ),
        users[REVIEWER],
    )
    session.commit()
    _summarize(models, meetings, tally)
    tally.lines[-1:-1] = cycle
    return tally.lines
