"""Photos and documents: chunked upload by content, checks, completeness (PROTOCOL.md §12)."""

import functools
import io
import json
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from server.extensions import db
from server.files.service import chunk_key, file_key
from server.models import FileChunk, StoredFile
from tests.conftest import meeting_payload, model_payload
from tests.files_helpers import chunks, item, photo, put_chunk, sha, status, upload

CHUNK = 1024


@pytest.fixture
def small_chunks(app):
    """Make the server cut files into 1 KiB chunks, so small test files have several."""
    app.config["FILE_CHUNK_BYTES"] = CHUNK


def synced_model(phone, tree, *attachments):
    """Create a model declaring the files on the phone and sync it; return its id."""
    record = phone.create(
        "models", model_payload(tree["commune"], attachments=[item(a) for a in attachments])
    )
    phone.sync()
    return record["id"]


def headers_of(device) -> dict:
    """Return the bearer header of a sync client's device."""
    return {"Authorization": f"Bearer {device.token}"}


def nothing_stored(store, digest: str, count: int) -> bool:
    """Tell that no row and no object of the file is left."""
    rows = db.session.scalars(select(FileChunk).where(FileChunk.sha256 == digest)).all()
    objects = [store.exists(chunk_key(digest, i)) for i in range(count)]
    return (
        db.session.get(StoredFile, digest) is None
        and not rows
        and not any(objects)
        and not store.exists(file_key(digest))
    )


# --- the stores ---------------------------------------------------------------------------


def test_filesystem_store_leaves_no_empty_chunk_folders(tmp_path):
    """A file's chunk folder goes with its last chunk; a put into a folder just removed works."""
    from server.files.store import FileSystemStore

    store = FileSystemStore(str(tmp_path / "objects"))
    store.put("chunks/ab/0", b"x")
    store.put("chunks/ab/1", b"y")
    store.put("files/ab", b"xy")
    store.delete("chunks/ab/0")
    assert (tmp_path / "objects/chunks/ab").is_dir()  # chunk 1 is still there
    store.delete("chunks/ab/1")
    assert not (tmp_path / "objects/chunks/ab").exists()
    assert (tmp_path / "objects/chunks").is_dir() and store.exists("files/ab")
    store.delete("files/ab")
    assert (tmp_path / "objects/files").is_dir()  # the top folders stay
    store.put("chunks/ab/2", b"z")  # the folder comes back
    assert store.get("chunks/ab/2") == b"z"


def test_store_puts_gets_ranges_streams_and_deletes(file_store):
    """Both stores keep objects whole and read them back whole, in ranges and in pieces."""
    data = bytes(range(256)) * 1000
    assert not file_store.exists("files/a")
    file_store.put("files/a", data)
    assert file_store.exists("files/a")
    assert file_store.get("files/a") == data
    assert file_store.read_range("files/a", 10, 20) == data[10:20]
    assert b"".join(file_store.stream("files/a")) == data
    assert b"".join(file_store.stream("files/a", 70_000)) == data[70_000:]
    assert b"".join(file_store.stream("files/a", 5, 200_000)) == data[5:200_000]
    assert b"".join(file_store.stream("files/a", 9, 9)) == b""
    assert file_store.size("files/a") == len(data)
    assert [key for key, _ in file_store.listing("files/")] == ["files/a"]
    assert list(file_store.listing("thumbs/")) == []
    file_store.put("files/a", b"new")  # replacing is allowed: the same key, the same content
    assert file_store.get("files/a") == b"new"
    file_store.delete("files/a")
    file_store.delete("files/a")  # twice is harmless
    assert not file_store.exists("files/a")
    with pytest.raises(KeyError):
        file_store.get("files/a")
    with pytest.raises(KeyError):
        file_store.stream("files/a")
    with pytest.raises(KeyError):
        file_store.stream("files/a", 3, 3)
    with pytest.raises(KeyError):
        file_store.size("files/a")


# --- upload -------------------------------------------------------------------------------


def test_upload_by_chunks_serves_the_file_and_marks_the_record(
    client,
    phone,
    desk,
    tree,
    app_store,
    small_chunks,
):
    """§12.2: chunks in any order, one twice; then the file, its thumbnail, files_received."""
    data = photo(160, 120)
    digest = sha(data)
    record_id = synced_model(phone, tree, data)
    headers = headers_of(phone)
    before = client.get(f"/api/v1/models/{record_id}", headers=headers).get_json()
    assert before["files_received"] == []

    answer = status(client, headers, "models", record_id, digest).get_json()
    assert answer["chunk_size"] == CHUNK
    assert answer["files"] == [{"sha256": digest, "state": "absent", "received": [], "error": None}]
    parts = chunks(data, CHUNK)
    assert len(parts) >= 3
    order = [1, 0, 1, *range(2, len(parts))]
    for index in order[:-1]:
        response = put_chunk(client, headers, "models", record_id, digest, index, parts[index])
        assert response.status_code == 200
        assert response.get_json()["state"] == "partial"
    partial = status(client, headers, "models", record_id, digest).get_json()["files"][0]
    assert partial["state"] == "partial"
    assert partial["received"] == sorted(set(order[:-1]))
    last = order[-1]
    done = put_chunk(client, headers, "models", record_id, digest, last, parts[last])
    assert done.get_json() == {
        "sha256": digest,
        "state": "complete",
        "received": list(range(len(parts))),
    }

    query = f"table=models&record_id={record_id}"
    served = client.get(f"/api/v1/files/{digest}?{query}", headers=headers)
    assert served.status_code == 200
    assert served.get_data() == data
    assert served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    thumb = client.get(f"/api/v1/files/{digest}/thumb?{query}", headers=headers_of(desk))
    assert thumb.status_code == 200
    image = Image.open(io.BytesIO(thumb.get_data()))
    assert image.format == "JPEG" and max(image.size) <= 320

    after = client.get(f"/api/v1/models/{record_id}", headers=headers).get_json()
    assert after["files_received"] == [digest]
    assert after["version"] == before["version"]  # a new change_seq, not a new version
    desk.sync()
    assert desk.record("models", record_id)["files_received"] == [digest]
    # The chunks are gone once the file is whole: stored once, as the file.
    assert not app_store.exists(chunk_key(digest, 0))


def test_identical_content_is_stored_once(client, phone, tree, app_store, small_chunks):
    """§12.2: a file complete for one record is complete for every record declaring it."""
    data = photo(seed=7)
    first = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", first, data, CHUNK)
    second = synced_model(phone, tree, data)
    record = client.get(f"/api/v1/models/{second}", headers=headers_of(phone)).get_json()
    assert record["files_received"] == [sha(data)]
    answer = status(client, headers_of(phone), "models", second, sha(data)).get_json()
    assert answer["files"][0]["state"] == "complete"


def test_upload_completing_restamps_every_record_declaring_it(
    client,
    phone,
    tree,
    app_store,
    small_chunks,
):
    """§12.3: two records declare one file; its completion reaches both, with new seqs."""
    data = photo(seed=3)
    first = synced_model(phone, tree, data)
    second = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", first, data, CHUNK)
    phone.sync()
    assert phone.record("models", first)["files_received"] == [sha(data)]
    assert phone.record("models", second)["files_received"] == [sha(data)]


def test_record_zip_holds_the_received_files(client, phone, tree, app_store, small_chunks):
    """§12.2: the record's ZIP has each received file, named from its declaration."""
    jpeg, png = photo(seed=1), photo(seed=2, fmt="PNG")
    record = phone.create(
        "models",
        model_payload(
            tree["commune"],
            attachments=[item(jpeg, file_name="anh-hop.jpg"), item(png, mime="image/png")],
        ),
    )
    phone.sync()
    upload(client, headers_of(phone), "models", record["id"], jpeg, CHUNK)
    response = client.get(
        f"/api/v1/records/models/{record['id']}/files.zip", headers=headers_of(phone)
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    assert archive.namelist() == ["anh-hop.jpg"]  # the PNG has not arrived
    assert archive.read("anh-hop.jpg") == jpeg


# --- bad input: a coded error and nothing stored ------------------------------------------


def test_not_an_image_is_refused(client, phone, tree, app_store, small_chunks):
    """Bytes that are no image, declared as a JPEG: FILE_TYPE_MISMATCH, nothing kept."""
    data = b"<html>" + b"x" * 3000
    record_id = synced_model(phone, tree, data)
    parts = chunks(data, CHUNK)
    headers = headers_of(phone)
    for index, body in enumerate(parts[:-1]):
        put_chunk(client, headers, "models", record_id, sha(data), index, body)
    response = put_chunk(client, headers, "models", record_id, sha(data), len(parts) - 1, parts[-1])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "FILE_TYPE_MISMATCH"
    assert nothing_stored(app_store, sha(data), len(parts))
    record = client.get(f"/api/v1/models/{record_id}", headers=headers).get_json()
    assert record["files_received"] == []


def test_lying_content_type_is_refused(client, phone, tree, app_store, small_chunks):
    """A PNG declared as a JPEG: FILE_TYPE_MISMATCH, nothing kept."""
    data = photo(fmt="PNG")
    record = phone.create(
        "models", model_payload(tree["commune"], attachments=[item(data, mime="image/jpeg")])
    )
    phone.sync()
    parts = chunks(data, CHUNK)
    headers = headers_of(phone)
    responses = [
        put_chunk(client, headers, "models", record["id"], sha(data), i, body)
        for i, body in enumerate(parts)
    ]
    assert responses[-1].get_json()["error"]["code"] == "FILE_TYPE_MISMATCH"
    assert nothing_stored(app_store, sha(data), len(parts))


@functools.cache
def bomb_png() -> bytes:
    """Return a 20000×20000 PNG of a few KB (encoding it costs ~1.3 s: once per run)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def test_decompression_bomb_is_refused(client, phone, tree, app_store, small_chunks):
    """A 20000×20000 PNG of a few KB: IMAGE_TOO_LARGE before any pixel is decoded."""
    data = bomb_png()
    assert len(data) < 100_000
    record = phone.create(
        "models", model_payload(tree["commune"], attachments=[item(data, mime="image/png")])
    )
    phone.sync()
    parts = chunks(data, CHUNK)
    responses = [
        put_chunk(client, headers_of(phone), "models", record["id"], sha(data), i, body)
        for i, body in enumerate(parts)
    ]
    assert responses[-1].status_code == 422
    assert responses[-1].get_json()["error"]["code"] == "IMAGE_TOO_LARGE"
    assert nothing_stored(app_store, sha(data), len(parts))


def test_chunk_with_a_wrong_hash_is_refused(client, phone, tree, app_store, small_chunks):
    """A chunk damaged on the way: FILE_CHUNK_HASH, the chunk not kept."""
    data = photo()
    record_id = synced_model(phone, tree, data)
    body = chunks(data, CHUNK)[0]
    response = put_chunk(
        client, headers_of(phone), "models", record_id, sha(data), 0, body, chunk_sha=sha(b"other")
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "FILE_CHUNK_HASH"
    assert nothing_stored(app_store, sha(data), 1)


def test_file_over_the_limit_cannot_be_declared(phone, tree):
    """A declaration over 10 MiB: the record's put is refused with FILE_TOO_LARGE."""
    big = {"sha256": "a" * 64, "kind": "ANH", "mime": "image/jpeg", "size": 10 * 1024 * 1024 + 1}
    phone.create("models", model_payload(tree["commune"], attachments=[big]))
    report = phone.sync()
    [result] = report.results
    assert result["status"] == "rejected", result
    assert result["code"] == "VALIDATION_FAILED"
    assert result["details"]["codes"] == {"attachments.0.size": "FILE_TOO_LARGE"}


def test_upload_for_a_record_out_of_scope_answers_as_unknown(
    client,
    phone,
    tree,
    app_store,
    create_user,
    auth_headers,
    small_chunks,
):
    """An officer of another province learns nothing: the answer of a record never synced."""
    data = photo()
    record_id = synced_model(phone, tree, data)
    stranger = auth_headers(create_user("la", tree["foreign_commune"], ["CAN_BO_NHAP"]))
    body = chunks(data, CHUNK)[0]
    outside = put_chunk(client, stranger, "models", record_id, sha(data), 0, body)
    missing = put_chunk(
        client, stranger, "models", "2f1b6a52-8a55-4a4e-9d0a-4b8f5a0d1c11", sha(data), 0, body
    )
    assert outside.status_code == missing.status_code == 404
    assert outside.get_json()["error"]["code"] == "FILE_RECORD_UNKNOWN"
    assert outside.get_json()["error"]["message"] == missing.get_json()["error"]["message"]
    assert nothing_stored(app_store, sha(data), 1)
    served = client.get(
        f"/api/v1/files/{sha(data)}?table=models&record_id={record_id}", headers=stranger
    )
    assert served.status_code == 404


def test_upload_before_the_record_is_synced_is_refused(client, phone, tree, app_store):
    """The record is still in the phone's outbox: FILE_RECORD_UNKNOWN, sync it first."""
    data = photo()
    record = phone.create("models", model_payload(tree["commune"], attachments=[item(data)]))
    response = put_chunk(client, headers_of(phone), "models", record["id"], sha(data), 0, data)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "FILE_RECORD_UNKNOWN"
    answer = status(client, headers_of(phone), "models", record["id"], sha(data)).get_json()
    assert answer["files"][0]["error"]["code"] == "FILE_RECORD_UNKNOWN"
    assert nothing_stored(app_store, sha(data), 1)


def test_file_the_record_does_not_declare_is_refused(client, phone, tree, app_store):
    """A hash the record does not list: FILE_NOT_DECLARED."""
    data, other = photo(seed=1), photo(seed=2)
    record_id = synced_model(phone, tree, data)
    response = put_chunk(client, headers_of(phone), "models", record_id, sha(other), 0, other)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "FILE_NOT_DECLARED"
    assert nothing_stored(app_store, sha(other), 1)


@pytest.mark.parametrize(("index", "cut"), [(99, 0), (0, 1)], ids=["index out of range", "short"])
def test_chunk_out_of_range_or_of_the_wrong_length_is_refused(
    client,
    phone,
    tree,
    app_store,
    small_chunks,
    index,
    cut,
):
    """A chunk index past the end, or a chunk one byte short: FILE_CHUNK_RANGE."""
    data = photo()
    record_id = synced_model(phone, tree, data)
    body = chunks(data, CHUNK)[0]
    body = body[: len(body) - cut]
    response = put_chunk(client, headers_of(phone), "models", record_id, sha(data), index, body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "FILE_CHUNK_RANGE"
    assert nothing_stored(app_store, sha(data), 1)


def test_assembled_file_not_matching_its_hash_is_discarded(
    client,
    phone,
    tree,
    app_store,
    small_chunks,
):
    """Chunks that each arrive intact but make another file: FILE_HASH_MISMATCH, all gone."""
    data, impostor = photo(seed=1), photo(seed=9)
    impostor = (impostor * 2)[: len(data)]
    record_id = synced_model(phone, tree, data)
    parts = chunks(impostor, CHUNK)
    responses = [
        put_chunk(client, headers_of(phone), "models", record_id, sha(data), i, body)
        for i, body in enumerate(parts)
    ]
    assert responses[-1].get_json()["error"]["code"] == "FILE_HASH_MISMATCH"
    assert nothing_stored(app_store, sha(data), len(parts))


# --- approval needs the minutes where a unit says so --------------------------------------


def test_approval_waits_for_the_minutes_where_the_unit_requires_them(
    client,
    phone,
    tree,
    reviewer,
    auth_headers,
    app_store,
    small_chunks,
):
    """§12.3: MINUTES_REQUIRED until a BIEN_BAN file is received; then the approval passes."""
    tree["province"].requires_minutes = True
    db.session.commit()
    minutes = b"%PDF-1.4\n" + b"bien ban " * 300
    record = phone.create(
        "meetings",
        meeting_payload(
            tree["commune"], attachments=[item(minutes, mime="application/pdf", kind="BIEN_BAN")]
        ),
    )
    phone.sync()
    phone.review("meetings", record["id"], "submit")
    phone.sync()
    desk = auth_headers(reviewer)
    current = client.get(f"/api/v1/meetings/{record['id']}", headers=desk).get_json()
    refused = client.post(
        f"/api/v1/meetings/{record['id']}/review",
        json={"action": "approve", "version": current["version"]},
        headers=desk,
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "MINUTES_REQUIRED"
    upload(client, headers_of(phone), "meetings", record["id"], minutes, CHUNK)
    approved = client.post(
        f"/api/v1/meetings/{record['id']}/review",
        json={"action": "approve", "version": current["version"]},
        headers=desk,
    )
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["review_status"] == "DA_DUYET"


# --- schema 1 phones keep working (PROTOCOL.md §9) ----------------------------------------


def test_schema_1_phone_edit_keeps_the_attachments_another_phone_declared(
    client,
    phone,
    tree,
    app_store,
    small_chunks,
):
    """§9: a phone on schema 1 never sends `attachments`; its edits never wipe them."""
    from tests.sync_helpers import device

    data = photo()
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    old = device(client, "canbo", name="Điện thoại cũ", schema=1)
    old.sync()
    pulled = old.record("models", record_id)
    assert pulled["attachments"] == [item(data, caption=None, file_name=None, captured_at=None)]
    old.edit("models", record_id, {"locality": "Bản Huồi Pủng (mới)"})
    created = old.create("models", model_payload(tree["commune"]))
    report = old.sync()
    assert [r["status"] for r in report.results] == ["applied", "applied"]
    record = client.get(f"/api/v1/models/{record_id}", headers=headers_of(phone)).get_json()
    assert record["locality"] == "Bản Huồi Pủng (mới)"
    assert [a["sha256"] for a in record["attachments"]] == [sha(data)]
    assert record["files_received"] == [sha(data)]
    fresh = client.get(f"/api/v1/models/{created['id']}", headers=headers_of(phone)).get_json()
    assert fresh["attachments"] == [] and fresh["files_received"] == []
    assert json.dumps(record)  # the wire form is plain JSON


# --- reports never count a record complete while files are missing ------------------------


def test_r3_marks_a_model_with_missing_files(client, phone, tree, app_store, small_chunks):
    """R3's "Tệp" column: received/declared with a missing-files marker, and the links."""
    from server.models import ModelRecord
    from server.reports.lists import files_count, files_listing

    jpeg, png = photo(seed=1), photo(seed=2, fmt="PNG")
    record = phone.create(
        "models",
        model_payload(
            tree["commune"],
            attachments=[item(jpeg, caption="Ảnh: Thanh Lê"), item(png, mime="image/png")],
        ),
    )
    phone.sync()
    model = db.session.get(ModelRecord, record["id"])
    assert files_count(model) == "0/2 (thiếu tệp)"
    upload(client, headers_of(phone), "models", record["id"], jpeg, CHUNK)
    db.session.expire_all()
    model = db.session.get(ModelRecord, record["id"])
    assert files_count(model) == "1/2 (thiếu tệp)"
    link = f"/api/v1/files/{sha(jpeg)}?table=models&record_id={record['id']}"
    assert files_listing("models", model).splitlines() == [
        f"Ảnh — Ảnh: Thanh Lê — {link}",
        "Ảnh — chưa nhận",
    ]
    upload(client, headers_of(phone), "models", record["id"], png, CHUNK)
    db.session.expire_all()
    assert files_count(db.session.get(ModelRecord, record["id"])) == "2/2"


def test_an_administrator_sets_requires_minutes_on_a_unit(client, tree, admin, auth_headers):
    """`requires_minutes` is an administrator's unit setting, off by default."""
    headers = auth_headers(admin)
    unit = client.get(f"/api/v1/units/{tree['province'].id}", headers=headers).get_json()
    assert unit["requires_minutes"] is False
    response = client.patch(
        f"/api/v1/units/{tree['province'].id}", json={"requires_minutes": True}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["requires_minutes"] is True


def test_sync_approve_without_minutes_is_rejected(
    client, phone, tree, reviewer, app_store, small_chunks
):
    """§12.3 through sync: the reviewer's approve is rejected MINUTES_REQUIRED."""
    from tests.sync_helpers import device

    tree["commune"].requires_minutes = True
    db.session.commit()
    record = phone.create("meetings", meeting_payload(tree["commune"]))
    phone.sync()
    phone.review("meetings", record["id"], "submit")
    phone.sync()
    desk = device(client, "lanhdao", name="Máy tính tỉnh")
    desk.sync()
    desk.review("meetings", record["id"], "approve")
    [result] = desk.sync().results
    assert result["status"] == "rejected"
    assert result["code"] == "MINUTES_REQUIRED"


def test_status_mends_a_record_that_missed_its_file(client, phone, tree, app_store, small_chunks):
    """§12.3: a record whose files_received lacks a complete file gets it on `status`."""
    from server.models import ModelRecord

    data = photo()
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    model = db.session.get(ModelRecord, record_id)
    model.files_received = []  # as if written while the file was completing
    db.session.commit()
    seq = db.session.get(ModelRecord, record_id).change_seq
    answer = status(client, headers_of(phone), "models", record_id, sha(data)).get_json()
    assert answer["files"][0]["state"] == "complete"
    db.session.expire_all()
    mended = db.session.get(ModelRecord, record_id)
    assert mended.files_received == [sha(data)]
    assert mended.change_seq > seq


def test_a_second_assembly_of_a_complete_file_changes_nothing(
    client, phone, tree, app_store, small_chunks
):
    """Callers that found the file whole together: the later ones find it complete, served."""
    from server.files.service import assemble, chunk_count

    data = photo()
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    count = chunk_count(len(data), CHUNK)
    again = assemble(db.session, app_store, sha(data), count, CHUNK)
    assert again["state"] == "complete"
    assert db.session.get(StoredFile, sha(data)).state == "complete"
    assert app_store.get(file_key(sha(data))) == data


# --- downloads resume: byte ranges (§12.2) ------------------------------------------------


def test_file_get_answers_byte_ranges_under_its_strong_etag(
    client, phone, tree, app_store, small_chunks
):
    """§12.2: a cut download resumes: 206 with Content-Range, 416 past the end, If-Range."""
    data = photo(160, 120, seed=21)
    digest = sha(data)
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    url = f"/api/v1/files/{digest}?table=models&record_id={record_id}"
    headers = headers_of(phone)
    size = len(data)

    whole = client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["ETag"] == f'"{digest}"'
    assert whole.headers["Content-Length"] == str(size)

    part = client.get(url, headers={**headers, "Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.get_data() == data[100:]
    assert part.headers["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert part.headers["Content-Length"] == str(size - 100)
    middle = client.get(url, headers={**headers, "Range": "bytes=10-19"})
    assert (middle.status_code, middle.get_data()) == (206, data[10:20])
    tail = client.get(url, headers={**headers, "Range": "bytes=-50"})
    assert (tail.status_code, tail.get_data()) == (206, data[-50:])
    past = client.get(url, headers={**headers, "Range": "bytes=5-999999999"})
    assert (past.status_code, past.get_data()) == (206, data[5:])

    refused = client.get(url, headers={**headers, "Range": f"bytes={size}-"})
    assert refused.status_code == 416
    assert refused.headers["Content-Range"] == f"bytes */{size}"
    assert refused.get_json()["error"]["code"] == "FILE_RANGE_NOT_SATISFIABLE"

    same = client.get(url, headers={**headers, "Range": "bytes=100-", "If-Range": f'"{digest}"'})
    assert (same.status_code, same.get_data()) == (206, data[100:])
    for other in ('"0000"', f'W/"{digest}"', "Mon, 30 Nov 2026 10:00:00 GMT"):
        changed = client.get(url, headers={**headers, "Range": "bytes=100-", "If-Range": other})
        assert (changed.status_code, changed.get_data()) == (200, data)
    several = client.get(url, headers={**headers, "Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.get_data()) == (200, data)
    fresh = client.get(url, headers={**headers, "If-None-Match": f'"{digest}"'})
    assert fresh.status_code == 304 and fresh.get_data() == b""

    thumb_url = f"/api/v1/files/{digest}/thumb?table=models&record_id={record_id}"
    thumb = client.get(thumb_url, headers=headers)
    thumb_part = client.get(thumb_url, headers={**headers, "Range": "bytes=2-"})
    assert thumb_part.status_code == 206
    assert thumb_part.get_data() == thumb.get_data()[2:]
    assert thumb.headers["ETag"] == f'"{digest}.thumb"'


def test_ranges_keep_the_scope_checks(
    client, phone, tree, app_store, create_user, auth_headers, small_chunks
):
    """§12.2: a range of a file outside the user's scope answers as one that does not exist."""
    data = photo(seed=22)
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    url = f"/api/v1/files/{sha(data)}?table=models&record_id={record_id}"
    stranger = auth_headers(create_user("la", tree["foreign_commune"], ["CAN_BO_NHAP"]))
    answer = client.get(url, headers={**stranger, "Range": "bytes=0-9"})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "FILE_RECORD_UNKNOWN"
