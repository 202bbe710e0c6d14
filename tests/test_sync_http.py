"""The sync endpoint end to end through the real client (PROTOCOL.md §2–§8)."""

import gzip
import json

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Conflict, Device, ModelRecord, MutationResult
from server.sync_api import store as sync_store
from tests.conftest import meeting_payload, model_payload
from tests.sync_helpers import SPELLINGS, device


def count_models() -> int:
    """Count model rows, tombstones included."""
    return db.session.scalar(select(func.count(ModelRecord.id)))


def test_small_two_way_sync_is_one_request(client, phone, desk, tree):
    """§1: one change up and one change down in a single request."""
    other = device(client, "canbo", name="Máy thứ hai")
    other.create("models", model_payload(tree["commune"], name="Mô hình nuôi ong"))
    other.sync()
    phone.create("meetings", meeting_payload(tree["commune"]))
    before = phone.transport.traffic.requests
    report = phone.sync()
    assert phone.transport.traffic.requests - before == 1
    assert [r["status"] for r in report.results] == ["applied"]
    assert len(phone.state.records["models"]) == 1


def test_nothing_to_sync_is_one_small_request(phone):
    """§1: a sync with nothing to do is one small request."""
    traffic = phone.transport.traffic
    before = (traffic.requests, traffic.bytes_up, traffic.bytes_down)
    phone.sync()
    assert traffic.requests - before[0] == 1
    assert traffic.bytes_up - before[1] < 200
    assert traffic.bytes_down - before[2] < 200


def test_replayed_batch_changes_nothing(phone, tree):
    """§4.2: a batch whose response was lost is answered on retry with its first results."""
    phone.create("models", model_payload(tree["commune"]))
    phone.transport.drop_next_response = True
    with pytest.raises(ConnectionResetError):
        phone.sync()
    report = phone.sync()
    assert [(r["status"], r["version"], r["duplicate"]) for r in report.results] == [
        ("applied", 1, True)
    ]
    assert count_models() == 1
    creates = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "create", AuditEvent.table_name == "models"
        )
    )
    assert creates == 1
    assert phone.state.outbox == []


def test_gap_in_sequence_is_refused_then_renumbered(phone, tree):
    """§4.2, §4.5: a hole answers SEQ_GAP; the client renumbers and succeeds."""
    phone.create("models", model_payload(tree["commune"]))
    phone.state.outbox[0]["seq"] = 5
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"]
    assert db.session.get(Device, phone.user and _device_id(phone)).last_seq == 1


def _device_id(phone) -> str:
    return db.session.scalar(select(Device.id).where(Device.name == "Điện thoại Nậm Cắn"))


def test_bad_mutation_does_not_block_the_queue(phone, tree):
    """§4.3: a rejected mutation is reported and the ones after it still apply."""
    phone.create("models", model_payload(tree["commune"], field="NONG_NGHIEP"))
    good = model_payload(tree["commune"])
    phone.create("models", good)
    report = phone.sync()
    statuses = [(r["status"], r.get("code")) for r in report.results]
    assert statuses == [("rejected", "VALIDATION_FAILED"), ("applied", None)]
    assert "field" in report.results[0]["details"]["fields"]
    assert phone.state.outbox == []
    assert db.session.get(ModelRecord, good["id"]) is not None
    assert any(e["code"] == "VALIDATION_FAILED" for e in phone.state.errors.values())


def test_rejected_create_keeps_the_users_values(phone, tree):
    """§4.6: the phone keeps what the user typed when the server refuses it."""
    bad = model_payload(tree["commune"], year_registered=1800)
    phone.create("models", bad)
    phone.sync()
    assert phone.record("models", bad["id"])["year_registered"] == 1800


def test_create_of_existing_is_an_update(client, phone, tree):
    """§4.4: a put of an id the server has is merged as an edit based on version 0."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    second = device(client, "canbo", name="Máy thứ hai")
    second.create("models", {**body, "results": "Thu nhập tăng 20%"})
    report = second.sync()
    assert report.results[0]["status"] == "conflict"
    assert count_models() == 1
    assert db.session.get(ModelRecord, body["id"]).results == body["results"]
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.field, conflict.lost_value) == ("results", "Thu nhập tăng 20%")


def test_delete_of_missing_is_acknowledged(phone):
    """§4.4: deleting what the server never had is fine."""
    phone.state.records["models"]["00000000-0000-4000-8000-000000000000"] = {"version": 0}
    phone.delete("models", "00000000-0000-4000-8000-000000000000")
    report = phone.sync()
    assert report.results[0]["status"] == "applied"


def test_delete_reaches_other_devices_as_a_tombstone(client, phone, tree):
    """§3.3: a deleted record is pulled as a tombstone and dropped."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    assert other.record("models", body["id"]) is not None
    phone.delete("models", body["id"])
    phone.sync()
    other.sync()
    assert other.record("models", body["id"]) is None
    assert db.session.get(ModelRecord, body["id"]).deleted is True


def test_different_fields_merge(client, phone, tree):
    """§6.1: concurrent edits of different fields both survive."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    phone.edit("models", body["id"], {"name": "Tên do máy một sửa"})
    other.edit("models", body["id"], {"locality": "Bản Xốp Phe"})
    phone.sync()
    other.sync()
    phone.sync()
    record = db.session.get(ModelRecord, body["id"])
    assert (record.name, record.locality) == ("Tên do máy một sửa", "Bản Xốp Phe")
    assert phone.record("models", body["id"])["locality"] == "Bản Xốp Phe"
    assert other.record("models", body["id"])["name"] == "Tên do máy một sửa"
    assert db.session.scalar(select(func.count(Conflict.id))) == 0


def test_same_field_keeps_the_losing_value(client, phone, desk, tree):
    """§6.1–6.2: the first value wins; the other is a conflict both sides can see."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    phone.edit("models", body["id"], {"name": "Giá trị thắng"})
    other.edit("models", body["id"], {"name": "Giá trị thua"})
    phone.sync()
    report = other.sync()
    assert report.results[0]["status"] == "conflict"
    assert db.session.get(ModelRecord, body["id"]).name == "Giá trị thắng"
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.kept_value, conflict.lost_value) == ("Giá trị thắng", "Giá trị thua")
    assert other.record("models", body["id"])["name"] == "Giá trị thắng"
    phone.sync()
    desk.sync()
    for d in (phone, other, desk):
        assert conflict.id in d.state.conflicts


@pytest.mark.parametrize("resolution", ["KEEP_KEPT", "RESTORE_LOST"])
def test_resolve_after_a_step_in_one_batch_keeps_the_step(client, phone, tree, resolution):
    """§4.2, §6.3: a resolve never undoes what earlier mutations of its batch did."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    phone.edit("models", body["id"], {"name": "Giá trị thắng"})
    other.edit("models", body["id"], {"name": "Giá trị thua"})
    phone.sync()
    other.sync()
    (conflict_id,) = other.state.conflicts
    other.review("models", body["id"], "submit")
    other.resolve(conflict_id, resolution)
    report = other.sync()
    submitted, resolved = report.results
    assert submitted["status"] == "applied"
    record = db.session.get(ModelRecord, body["id"])
    db.session.refresh(record)
    assert record.review_status == "CHO_DUYET"
    expected = submitted["version"] + (1 if resolution == "RESTORE_LOST" else 0)
    assert record.version == expected == resolved["version"]
    if resolution == "RESTORE_LOST":
        assert record.name == "Giá trị thua"


def test_restoring_the_lost_value(client, phone, tree):
    """§6.3: RESTORE_LOST writes the lost value back and closes the conflict."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    phone.edit("models", body["id"], {"name": "A"})
    other.edit("models", body["id"], {"name": "B"})
    phone.sync()
    other.sync()
    conflict_id = next(iter(other.state.conflicts))
    other.resolve(conflict_id, "RESTORE_LOST")
    other.sync()
    phone.sync()
    assert db.session.get(ModelRecord, body["id"]).name == "B"
    assert phone.record("models", body["id"])["name"] == "B"
    assert phone.state.conflicts[conflict_id]["resolution"] == "RESTORE_LOST"


def test_own_edits_in_one_batch_never_conflict(phone, tree):
    """§6.1: create, submit and edit again before any sync: all apply, no conflict."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.review("models", body["id"], "submit")
    phone.edit("models", body["id"], {"name": "Đổi tên sau khi gửi"})
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"] * 3
    record = db.session.get(ModelRecord, body["id"])
    assert (record.name, record.review_status) == ("Đổi tên sau khi gửi", "CHO_DUYET")


def test_review_loop_reaches_the_phone(phone, desk, tree):
    """§7: submit, return with a comment, rework, resubmit, approve — all through sync."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.review("models", body["id"], "submit")
    phone.sync()
    desk.sync()
    assert desk.record("models", body["id"])["review_status"] == "CHO_DUYET"
    desk.review("models", body["id"], "return", "Đề nghị bổ sung số liệu kết quả")
    desk.sync()
    phone.sync()
    returned = phone.record("models", body["id"])
    assert returned["review_status"] == "TRA_LAI"
    assert returned["review_comment"] == "Đề nghị bổ sung số liệu kết quả"
    assert returned["reviewed_by_name"] == "Nguyễn Thị Hoa"
    phone.edit("models", body["id"], {"results": "Thu nhập bình quân 45 triệu đồng/hộ/năm"})
    phone.review("models", body["id"], "submit")
    phone.sync()
    desk.sync()
    desk.review("models", body["id"], "approve")
    report = desk.sync()
    assert report.results[-1]["status"] == "applied"
    phone.sync()
    assert phone.record("models", body["id"])["review_status"] == "DA_DUYET"
    actions = list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.record_id == body["id"])
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]


def test_edit_of_approved_record_is_kept_aside(phone, desk, tree):
    """§6.2, §7: an approved record refuses edits; the values become LOCKED conflicts."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.review("models", body["id"], "submit")
    phone.sync()
    desk.sync()
    desk.review("models", body["id"], "approve")
    desk.sync()
    phone.edit("models", body["id"], {"name": "Sửa sau khi duyệt"})
    report = phone.sync()
    assert (report.results[0]["status"], report.results[0]["code"]) == ("conflict", "RECORD_LOCKED")
    assert db.session.get(ModelRecord, body["id"]).name == body["name"]
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.reason, conflict.lost_value) == ("LOCKED", "Sửa sau khi duyệt")
    assert phone.record("models", body["id"])["name"] == body["name"]


def test_stale_approval_is_rejected(client, phone, desk, tree):
    """§7: a reviewer cannot approve a version they never saw."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.review("models", body["id"], "submit")
    phone.sync()
    desk.sync()
    phone.edit("models", body["id"], {"results": "Số liệu mới"})
    phone.sync()
    desk.review("models", body["id"], "approve")
    report = desk.sync()
    assert (report.results[0]["status"], report.results[0]["code"]) == (
        "rejected",
        "VERSION_MISMATCH",
    )
    assert db.session.get(ModelRecord, body["id"]).review_status == "CHO_DUYET"
    assert desk.record("models", body["id"])["results"] == "Số liệu mới"


def test_pages_deliver_everything_once(client, tree, officer):
    """§5.3: a pull in pages ends with every record, each exactly once."""
    writer = device(client, "canbo", name="Máy nhập")
    for i in range(25):
        writer.create("models", model_payload(tree["commune"], name=f"Mô hình số {i}"))
    writer.sync()
    reader = device(client, "canbo", name="Máy đọc", page_limit=10)
    report = reader.sync()
    assert report.pages >= 3
    assert report.pulled == 25
    assert len(reader.state.records["models"]) == 25


def test_scope_keeps_foreign_records_out(client, tree, officer, create_user):
    """§5.4: a device never receives records outside its user's subtree."""
    create_user("canbo.hatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    foreign = device(client, "canbo.hatinh")
    foreign.create("models", model_payload(tree["foreign_commune"]))
    foreign.sync()
    mine = device(client, "canbo")
    mine.sync()
    assert mine.state.records["models"] == {}
    unit_ids = {int(u) for u in mine.state.units}
    assert tree["foreign_commune"].id not in unit_ids
    assert tree["commune"].id in unit_ids or not unit_ids


def test_writes_outside_scope_are_rejected(client, phone, tree):
    """§10: a record placed in a foreign unit is refused NOT_FOUND, the fields named."""
    phone.create("models", model_payload(tree["foreign_commune"]))
    report = phone.sync()
    assert (report.results[0]["status"], report.results[0]["code"]) == ("rejected", "NOT_FOUND")
    assert set(report.results[0]["details"]["fields"]) == {"owner_unit_id", "commune_unit_id"}
    assert count_models() == 0


def test_record_moved_out_of_scope_is_removed(client, tree, officer, create_user):
    """§5.4: when a record moves to a unit outside a device's scope, the device drops it."""
    create_user("canbo.tinh", tree["province"], ["CAN_BO_NHAP"])
    province_device = device(client, "canbo.tinh")
    body = model_payload(tree["commune"])
    province_device.create("models", body)
    province_device.sync()
    commune_device = device(client, "canbo")
    commune_device.sync()
    assert commune_device.record("models", body["id"]) is not None
    province_device.edit(
        "models",
        body["id"],
        {"owner_unit_id": tree["sibling"].id, "commune_unit_id": tree["sibling"].id},
    )
    province_device.sync()
    commune_device.sync()
    assert commune_device.record("models", body["id"]) is None


def test_moving_the_user_resets_the_device(client, phone, tree, officer):
    """§5.4: a user moved to another unit gets reset=true and only the new scope."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    officer.unit_id = tree["sibling"].id
    db.session.commit()
    report = phone.sync()
    assert report.reset is True
    assert phone.record("models", body["id"]) is None


def test_reset_in_the_same_exchange_keeps_the_devices_own_write(phone, tree, officer):
    """§5.4, §5.5: a reset answered with a push must not leave out the record just written."""
    phone.sync()
    officer.unit_id = tree["province"].id  # the commune stays in scope
    db.session.commit()
    body = model_payload(tree["commune"])
    phone.create("models", body)
    report = phone.sync()
    assert report.reset is True
    assert phone.record("models", body["id"]) is not None


def test_unknown_table_and_field_are_rejected(phone, tree):
    """§3.2, §10: tables and fields come from an allow-list."""
    phone.state.outbox.append(
        {
            "seq": phone.state.next_seq,
            "op": "put",
            "table": "users",
            "base": 0,
            "data": {"id": "u1", "roles": ["QUAN_TRI"]},
        }
    )
    phone.state.next_seq += 1
    phone.create("models", {**model_payload(tree["commune"]), "is_admin": True})
    report = phone.sync()
    assert [r.get("code") for r in report.results] == ["UNKNOWN_TABLE", "VALIDATION_FAILED"]


def test_device_status_is_recorded(phone, tree):
    """§8: app version, last sync and pending count are stored for supervisors."""
    phone.app_version = "2026.11.1"
    phone.create("models", model_payload(tree["commune"]))
    phone.sync()
    row = db.session.get(Device, _device_id(phone))
    assert (row.app_version, row.pending_count) == ("2026.11.1", 0)
    assert row.last_sync_at is not None


def post_sync(client, headers, raw: bytes, encoding: str | None = "gzip"):
    """Post raw bytes to the sync endpoint."""
    extra = {"Content-Type": "application/json"}
    if encoding:
        extra["Content-Encoding"] = encoding
    return client.post("/api/v1/sync", data=raw, headers={**headers, **extra})


def test_gzip_request_body_is_accepted(client, officer, login):
    """§2: a gzip body is inflated."""
    body = json.dumps({"protocol": 1, "schema": 1, "cursor": 0, "mutations": []}).encode()
    response = post_sync(client, login("canbo"), gzip.compress(body))
    assert response.status_code == 200


def test_gzip_bomb_is_refused(client, officer, login, app):
    """§2: an inflated size over the limit is refused without inflating it all."""
    app.config["MAX_INFLATED_LENGTH"] = 1024 * 1024
    bomb = gzip.compress(b'{"protocol":1,' + b" " * (8 * 1024 * 1024) + b"}")
    response = post_sync(client, login("canbo"), bomb)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("raw", "encoding", "status", "code"),
    [
        (b"\x1f\x8b not gzip", "gzip", 400, "MALFORMED_BODY"),
        (b"{}", "br", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"{not json", None, 400, "MALFORMED_JSON"),
        (
            b'{"protocol": 9, "schema": 1, "cursor": 0, "mutations": []}',
            None,
            400,
            "PROTOCOL_UNSUPPORTED",
        ),
    ],
)
def test_bad_bodies_get_coded_answers(client, officer, login, raw, encoding, status, code):
    """§10: request-level errors."""
    response = post_sync(client, login("canbo"), raw, encoding)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_revoked_device_cannot_sync(client, phone):
    """§8: a revoked token answers 401 TOKEN_INVALID."""
    headers = {"Authorization": f"Bearer {phone.token}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = post_sync(
        client,
        headers,
        json.dumps({"protocol": 1, "schema": 1, "cursor": 0, "mutations": []}).encode(),
        None,
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "TOKEN_INVALID"


NASTY = [
    ("huge cursor", {"cursor": 2**64}),
    ("huge pending", {"pending": 2**40}),
    ("NUL in app_version", {"app_version": "1.0\x00"}),
    ("lone surrogate in app_version", {"app_version": "1.0\ud800"}),
    (
        "huge base",
        {
            "mutations": [
                {
                    "seq": 1,
                    "op": "put",
                    "table": "models",
                    "base": 2**63,
                    "data": {"id": "00000000-0000-4000-8000-000000000001"},
                }
            ]
        },
    ),
    (
        "huge seq",
        {
            "mutations": [
                {
                    "seq": 2**64,
                    "op": "delete",
                    "table": "models",
                    "base": 0,
                    "data": {"id": "00000000-0000-4000-8000-000000000001"},
                }
            ]
        },
    ),
]


@pytest.mark.parametrize("extra", [c[1] for c in NASTY], ids=[c[0] for c in NASTY])
def test_out_of_range_envelopes_are_422_not_500(client, officer, login, extra):
    """§10: numbers and text the server cannot store are refused whole with a code."""
    body = {"protocol": 1, "schema": 1, "cursor": 0, "mutations": [], **extra}
    raw = json.dumps(body).encode()
    response = post_sync(client, login("canbo"), raw, None)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("op", ["delete", "review", "resolve"])
@pytest.mark.parametrize("bad_id", ["abc\x00", "not-a-uuid"])
def test_bad_ids_are_refused_one_by_one(phone, tree, op, bad_id):
    """§4.3: a mutation naming no valid id is rejected; the next one still applies."""
    table = "conflicts" if op == "resolve" else "models"
    data = {"id": bad_id, "action": "submit"} if op == "review" else {"id": bad_id}
    if op == "resolve":
        data["resolution"] = "KEEP_KEPT"
    phone.state.outbox.append(
        {"seq": phone.state.next_seq, "op": op, "table": table, "base": 0, "data": data}
    )
    phone.state.next_seq += 1
    phone.create("models", model_payload(tree["commune"]))
    report = phone.sync()
    assert [(r["status"], r.get("code")) for r in report.results] == [
        ("rejected", "VALIDATION_FAILED"),
        ("applied", None),
    ]


def test_nul_in_review_comment_is_rejected(phone, tree):
    """§4.3: text PostgreSQL cannot store is a field error of that mutation."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.review("models", body["id"], "submit", "ghi chú\x00")
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied", "rejected"]
    assert report.results[1]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("op", ["create", "edit", "delete", "review"])
@pytest.mark.parametrize("spelling", list(SPELLINGS.values()), ids=list(SPELLINGS))
def test_other_spellings_of_an_id_are_rejected(phone, tree, op, spelling):
    """§4.4: an id in any spelling but lower-case 8-4-4-4-12, or nil, is refused one by one."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    record_id = spelling(body["id"] if op != "create" else model_payload(tree["commune"])["id"])
    data = {
        "create": {**model_payload(tree["commune"]), "id": record_id},
        "edit": {"id": record_id, "name": "Tên mới"},
        "delete": {"id": record_id},
        "review": {"id": record_id, "action": "submit"},
    }[op]
    wire_op = {"create": "put", "edit": "put"}.get(op, op)
    base = 0 if op == "create" else 1
    phone.state.outbox.append(
        {"seq": phone.state.next_seq, "op": wire_op, "table": "models", "base": base, "data": data}
    )
    phone.state.next_seq += 1
    phone.create("models", model_payload(tree["commune"]))
    report = phone.sync()
    assert [(r["status"], r.get("code")) for r in report.results] == [
        ("rejected", "VALIDATION_FAILED"),
        ("applied", None),
    ]
    assert list(report.results[0]["details"]["fields"]) == ["id"]
    assert count_models() == 2
    record = db.session.get(ModelRecord, body["id"])
    assert (record.version, record.name, record.deleted) == (1, body["name"], False)


def wire(seq: int, op: str, base: int, data: dict, table: str = "models") -> dict:
    """Return one mutation as it travels (§3.2)."""
    return {"seq": seq, "op": op, "table": table, "base": base, "data": data}


def push_raw(client, phone, mutations: list[dict], cursor: int) -> dict:
    """Send one sync request as the phone, outside its client, and return the body."""
    body = {"protocol": 1, "schema": 1, "cursor": cursor, "mutations": mutations}
    response = post_sync(
        client, {"Authorization": f"Bearer {phone.token}"}, json.dumps(body).encode(), None
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_replayed_batch_gets_each_first_result_and_the_records_to_show(client, phone, desk, tree):
    """§4.2, §3.4, §4.7: a retry is answered with the first results, marked duplicate.

    A refused put, a RECORD_LOCKED conflict, an applied edit and a refused review: the phone
    learns each outcome, and the conflict and the refused review bring the server's copy.
    """
    locked, edited = model_payload(tree["commune"]), model_payload(tree["commune"])
    phone.create("models", locked)
    phone.create("models", edited)
    phone.review("models", locked["id"], "submit")
    phone.sync()
    desk.sync()
    desk.review("models", locked["id"], "approve")
    desk.sync()
    seq = phone.state.next_seq
    refused = model_payload(tree["commune"], year_registered=1800)
    batch = [
        wire(seq, "put", 0, refused),
        wire(seq + 1, "put", 3, {"id": locked["id"], "name": "Sửa sau khi duyệt"}),
        wire(seq + 2, "put", 1, {"id": edited["id"], "locality": "Bản Xốp Phe"}),
        wire(seq + 3, "review", 2, {"id": edited["id"], "action": "approve"}),
    ]
    first = push_raw(client, phone, batch, phone.state.cursor)
    assert [(r["status"], r.get("code")) for r in first["results"]] == [
        ("rejected", "VALIDATION_FAILED"),
        ("conflict", "RECORD_LOCKED"),
        ("applied", None),
        ("rejected", "FORBIDDEN"),
    ]
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    # From the first answer's cursor only the records the results show come back.
    again = push_raw(client, phone, batch, first["cursor"])

    assert again["results"] == [{**r, "duplicate": True} for r in first["results"]]
    assert again["last_seq"] == first["last_seq"] == seq + 3
    shown = {r["id"]: r for r in again["changes"]["models"]}
    assert set(shown) == {locked["id"], edited["id"]}
    assert shown[edited["id"]]["locality"] == "Bản Xốp Phe"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert db.session.scalar(select(func.count(Conflict.id))) == 1


def test_a_smaller_retry_learns_the_outcomes_of_the_rest(client, phone, desk, tree):
    """§4.2, §4.6: resending part of a batch whose answer was lost still brings every outcome.

    The device drops every seq up to last_seq from its outbox: the seqs it did not resend must
    reach it with their results, and a conflict's record with them, or its values diverge.
    """
    locked = model_payload(tree["commune"])
    phone.create("models", locked)
    phone.review("models", locked["id"], "submit")
    phone.sync()
    desk.sync()
    desk.review("models", locked["id"], "approve")
    desk.sync()
    seq = phone.state.next_seq
    batch = [
        wire(seq, "put", 0, model_payload(tree["commune"])),
        wire(seq + 1, "put", 3, {"id": locked["id"], "name": "Sửa sau khi duyệt"}),
        wire(seq + 2, "put", 0, model_payload(tree["commune"], year_registered=1800)),
    ]
    first = push_raw(client, phone, batch, phone.state.cursor)
    again = push_raw(client, phone, batch[:1], first["cursor"])

    assert again["results"] == [{**r, "duplicate": True} for r in first["results"]]
    assert [m["id"] for m in again["changes"]["models"]] == [locked["id"]]


def test_results_no_longer_kept_are_answered_duplicate(client, phone, tree, monkeypatch):
    """§3.4: a seq whose result was pruned (or predates kept results) answers 'duplicate'."""
    monkeypatch.setattr(sync_store, "KEPT_RESULTS", 2)
    seq = phone.state.next_seq
    sent = []
    for count in (3, 1):
        for _ in range(count):
            phone.create("models", model_payload(tree["commune"]))
        sent += [
            {k: m[k] for k in ("seq", "op", "table", "base", "data")} for m in phone.state.outbox
        ]
        phone.sync()
    kept = db.session.scalars(select(MutationResult.seq).order_by(MutationResult.seq)).all()
    assert kept == [seq + 2, seq + 3]
    replay = sent
    again = push_raw(client, phone, replay, phone.state.cursor)

    assert [r for r in again["results"] if "duplicate" not in r] == [
        {"seq": seq, "status": "duplicate"},
        {"seq": seq + 1, "status": "duplicate"},
    ]
    assert [(r["status"], r["version"]) for r in again["results"][2:]] == [("applied", 1)] * 2
    assert count_models() == 4
