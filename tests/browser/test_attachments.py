"""Photos and documents on the phone (#10): a camera photo taken offline is shrunk and stripped
of its EXIF on the phone, the record syncs first and its file follows, the reviewer sees the
thumbnail and the completeness count ("1/1 tệp đã nhận", "1/2" with one missing), the place
is taken only when asked, and a full storage never costs the record."""

import base64
import contextlib
import hashlib
import json
import urllib.request

import pytest

from tests.browser.a11y import audit
from tests.browser.conftest import field, outbox_count, shot, sync_now
from tests.browser.test_a11y import report
from tests.browser.test_reviewer import create, go, model_body

pytestmark = pytest.mark.browser

# A camera photo: 3000×2000 JPEG with an EXIF block (camera make, a GPS marker) spliced in
# after the start-of-image marker, as phones write it.
CAMERA_JS = """
async ([width, height, noise]) => {
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext("2d");
  const grad = g.createLinearGradient(0, 0, width, height);
  grad.addColorStop(0, "#2a6f3b");
  grad.addColorStop(1, "#d9b44a");
  g.fillStyle = grad;
  g.fillRect(0, 0, width, height);
  g.fillStyle = "#a4161a";
  g.fillRect(width / 4, height / 4, width / 2, height / 3);
  if (noise) {
    // Grain (leaves, crowds) keeps a redrawn photo large: several chunks to upload.
    const pixels = g.getImageData(0, 0, width, height);
    for (let i = 0; i < pixels.data.length; i += 1) pixels.data[i] = (pixels.data[i] + Math.random() * 160) & 255;
    g.putImageData(pixels, 0, 0);
  }
  const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 })).arrayBuffer());
  const text = new TextEncoder().encode("FakeCam GPS 21.0285N 105.8542E\\0");
  // TIFF header (big endian), IFD0 with one entry: Make (ASCII) pointing at the text.
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x0f, 0, 2, 0, 0, 0, text.length, 0, 0, 0, 26, 0, 0, 0, 0];
  const body = [...new TextEncoder().encode("Exif"), 0, 0, ...tiff, ...text];
  const len = body.length + 2;
  const app1 = [0xff, 0xe1, len >> 8, len & 0xff, ...body];
  const out = new Uint8Array(jpeg.length + app1.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(app1, 2);
  out.set(jpeg.subarray(2), 2 + app1.length);
  let s = "";
  for (const b of out) s += String.fromCharCode(b);
  return btoa(s);
}
"""

# What the phone keeps for a file: its type, size, pixel size and whether it carries EXIF.
STORED_JS = """
async (sha) => {
  const files = await import("/js/store/files.js");
  const blob = await files.getFile(sha);
  if (!blob) return null;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const { hasExif } = await import("/js/lib/attachments.js");
  const bitmap = await createImageBitmap(blob);
  const text = new TextDecoder("latin1").decode(bytes);
  return { type: blob.type, size: blob.size, width: bitmap.width, height: bitmap.height,
           exif: hasExif(bytes), gps: text.includes("GPS"), camera: text.includes("FakeCam") };
}
"""

# The phone's storage is full: every write into the file store fails as a browser fails it.
QUOTA_JS = """
(() => {
  globalThis.__quota = true;
  for (const name of ["put", "add"]) {
    const original = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      if (this.name === "files") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return original.apply(this, args);
    };
  }
})();
"""


def camera_photo(page, width: int = 3000, height: int = 2000, noise: bool = False) -> bytes:
    return base64.b64decode(page.evaluate(CAMERA_JS, [width, height, noise]))


def take_photo(page, data: bytes, name: str = "IMG_20261130_0815.jpg") -> None:
    count = page.locator(".attach-editor .attach-item").count()
    page.set_input_files(
        ".screen-form [data-input=camera]",
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}],
    )
    page.wait_for_selector(f".attach-editor .attach-item >> nth={count}")


def fill_model_fields(page, name: str) -> None:
    for key, value in {
        "name": name,
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Chi hội Phụ nữ bản Huồi Pủng",
        "locality": "Bản Huồi Pủng",
        "start_date": "2024-03-01",
        "objective": "Giữ gìn vệ sinh môi trường bản làng",
        "method": "Phân công hội viên phụ trách từng cụm dân cư",
    }.items():
        control = field(page, key)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def save(page) -> str:
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    return page.evaluate("() => location.hash").split("/")[2]


def wait_uploaded(page, count: int = 1) -> None:
    """Wait until the server holds the files the phone sent (the record shows it after a pull)."""
    page.wait_for_function(
        "n => { const c = document.querySelector('[data-testid=files-received]');"
        " return c && c.textContent.startsWith(`${n}/`); }",
        arg=count,
        timeout=30000,
    )


def test_camera_photo_is_shrunk_and_stripped_on_the_phone(returning_phone, server):
    """#10 item 1: 1600 px long edge, JPEG, no EXIF/GPS left; bad files refused with a reason."""
    page = returning_phone(online_only=True)
    go(page, "#/models/new", ".screen-form")
    original = camera_photo(page)
    assert b"Exif" in original[:64] and b"GPS" in original[:200]
    take_photo(page, original)
    sha = page.get_attribute(".attach-editor .attach-item", "data-sha")
    stored = page.evaluate(STORED_JS, sha)
    assert stored["type"] == "image/jpeg"
    assert (stored["width"], stored["height"]) == (1600, 1067)
    assert not stored["exif"] and not stored["gps"] and not stored["camera"]
    assert stored["size"] < len(original)
    page.wait_for_function(
        "() => { const i = document.querySelector('.attach-editor .thumb-img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert "KB" in page.inner_text(".attach-editor .attach-item")
    page.fill(".attach-editor [data-field=caption]", "Ảnh: Thanh Lê")

    page.set_input_files(
        ".screen-form [data-input=camera]",
        files=[{"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": b"khong phai anh"}],
    )
    assert page.inner_text("[data-testid=attach-error]") == "Tệp này không phải là ảnh."
    page.set_input_files(
        ".screen-form [data-input=document]",
        files=[
            {
                "name": "bien-ban.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024),
            }
        ],
    )
    assert page.inner_text("[data-testid=attach-error]").startswith("Tệp quá lớn: tối đa 10 MB")
    assert page.locator(".attach-editor .attach-item").count() == 1
    page.evaluate("() => document.querySelector('[data-testid=attach-error]').hidden = true")
    page.locator('[data-field="attachments"]').scroll_into_view_if_needed()
    shot(page, "photo-capture", full_page=None)
    problems = audit(page, "model form with a photo")
    assert not problems, report(problems)
    assert page.errors == []


def test_place_only_when_asked_and_cleared(returning_phone, server):
    """#10 item 2: no location is read until "Ghi vị trí"; it shows ±m, clears, and syncs."""
    page = returning_phone(
        online_only=True,
        geolocation={"latitude": 19.4431, "longitude": 104.1312, "accuracy": 12.4},
        permissions=["geolocation"],
    )
    page.evaluate(
        "() => { globalThis.__asked = 0; const g = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);"
        " navigator.geolocation.getCurrentPosition = (...a) => { globalThis.__asked += 1; return g(...a); }; }"
    )
    go(page, "#/models/new", ".screen-form")
    fill_model_fields(page, "Mô hình có vị trí")
    assert page.inner_text("[data-testid=place]") == "Chưa ghi vị trí"
    assert page.evaluate("() => globalThis.__asked") == 0
    page.click('[data-action="take-place"]')
    page.wait_for_function(
        "() => document.querySelector('[data-testid=place]').textContent.includes('±')"
    )
    assert page.inner_text("[data-testid=place]") == "19.44310, 104.13120 (±12 m)"
    page.click('[data-action="clear-place"]')
    assert page.inner_text("[data-testid=place]") == "Chưa ghi vị trí"
    page.click('[data-action="take-place"]')
    page.wait_for_function(
        "() => document.querySelector('[data-testid=place]').textContent.includes('±')"
    )
    record_id = save(page)
    assert "19.44310, 104.13120 (±12 m)" in page.inner_text("[data-testid=place-view]")
    sync_now(page)
    [saved] = [r for r in server.list("models", server.login("canbo")) if r["id"] == record_id]
    assert (saved["geo_lat"], saved["geo_lon"], saved["geo_accuracy"]) == (19.4431, 104.1312, 12.4)
    assert page.errors == []


def test_photo_taken_offline_reaches_the_reviewer(returning_phone, server):
    """#10 items 1, 3, 5: offline photo → save → online: the record syncs, its file follows;
    the reviewer, in another browser, sees the thumbnail and "1/1 tệp đã nhận"."""
    officer = returning_phone()
    officer.context.set_offline(True)
    go(officer, "#/models/new", ".screen-form")
    fill_model_fields(officer, "Khéo vận động làm nhà văn hóa bản")
    take_photo(officer, camera_photo(officer))
    officer.fill(".attach-editor [data-field=caption]", "Ảnh: Thanh Lê")
    sha = officer.get_attribute(".attach-editor .attach-item", "data-sha")
    record_id = save(officer)
    officer.wait_for_selector("[data-testid=attachments]")
    assert "Ảnh: Thanh Lê" in officer.inner_text("[data-testid=attachments]")
    assert outbox_count(officer) == 1
    officer.wait_for_selector("[data-testid=file-state] p")
    assert officer.inner_text("[data-testid=file-state]") == "Đang lưu trên máy, chờ tải lên"
    problems = audit(officer, "record detail, a photo waiting")
    assert not problems, report(problems)
    sync_now(officer, lambda: officer.context.set_offline(False))
    token = server.login("canbo")
    [saved] = [r for r in server.list("models", token) if r["id"] == record_id]
    assert [a["sha256"] for a in saved["attachments"]] == [sha]
    assert saved["attachments"][0]["caption"] == "Ảnh: Thanh Lê"

    # The file follows the record on its own queue; the next pull says the server has it.
    status, body = server.api(
        "POST",
        "/api/v1/files/status",
        token,
        {"files": [{"table": "models", "record_id": record_id, "sha256": sha}]},
    )
    for _ in range(60):
        if status == 200 and body["files"][0]["state"] == "complete":
            break
        officer.wait_for_timeout(500)
        status, body = server.api(
            "POST",
            "/api/v1/files/status",
            token,
            {"files": [{"table": "models", "record_id": record_id, "sha256": sha}]},
        )
    assert body["files"][0]["state"] == "complete", body

    # The officer's next sync brings the server's word; the edit form, whose bytes may have left
    # the phone by then, shows the server's thumbnail.
    sync_now(officer)
    go(officer, f"#/models/{record_id}", ".screen-detail [data-testid=files-received]")
    assert officer.inner_text("[data-testid=files-received]") == "1/1 tệp đã nhận"
    assert officer.locator("[data-testid=file-missing]").count() == 0
    go(officer, f"#/models/{record_id}/edit", ".attach-editor .attach-item")
    officer.wait_for_function(
        "() => { const i = document.querySelector('.attach-editor .thumb-img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )

    reviewer = returning_phone("lanhdao")
    go(reviewer, f"#/review/models/{record_id}", ".screen-review [data-testid=attachments]")
    assert reviewer.inner_text("[data-testid=files-received]") == "1/1 tệp đã nhận"
    reviewer.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=attachments] .thumb-img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    # The thumbnail is the server's small one, not the full photo.
    assert (
        reviewer.evaluate(
            "() => document.querySelector('[data-testid=attachments] .thumb-img').naturalWidth"
        )
        <= 320
    )
    assert "Ảnh: Thanh Lê" in reviewer.inner_text("[data-testid=attachments]")
    assert reviewer.locator("[data-testid=file-missing]").count() == 0
    reviewer.locator("[data-testid=attachments]").scroll_into_view_if_needed()
    shot(reviewer, "review-photo", full_page=None)
    # The first try of the full photo is cut: the download tries again (resumed from the bytes
    # it got when a cut comes mid-body: tests/js/download.test.js).
    cut = []

    def cut_once(route):
        cut.append(route.request.headers.get("range"))
        route.abort() if len(cut) == 1 else route.continue_()

    reviewer.route(lambda url: "/api/v1/files/" in url and "/thumb?" not in url, cut_once)
    reviewer.click("[data-testid=attachments] button.thumb")
    reviewer.wait_for_function(
        "() => { const i = document.querySelector('.dialog .full-img'); return i && i.complete && i.naturalWidth === 1600; }"
    )
    assert cut == [None, None], cut  # nothing held after a cut before the body: asked whole
    reviewer.click(".dialog .btn")
    problems = audit(reviewer, "review detail with a photo")
    assert not problems, report(problems)
    assert officer.errors == [] and reviewer.errors == []


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_reviewer_sees_one_of_two_files_and_the_missing_one(returning_phone, server):
    """#10 item 5: a record declaring two files of which the server holds one shows "1/2 tệp
    đã nhận", the missing one marked; the received document opens."""
    officer = server.login("canbo")
    missing = hashlib.sha256(b"not sent yet").hexdigest()
    body = model_body(
        server.units["17000"],
        "Mô hình thiếu một ảnh",
        attachments=[
            {
                "sha256": hashlib.sha256(PDF).hexdigest(),
                "kind": "BIEN_BAN",
                "mime": "application/pdf",
                "size": len(PDF),
                "caption": "Biên bản họp bản",
                "file_name": "bien-ban.pdf",
                "captured_at": None,
            },
            {
                "sha256": missing,
                "kind": "ANH",
                "mime": "image/jpeg",
                "size": 1000,
                "caption": "Ảnh: buổi họp",
                "file_name": None,
                "captured_at": None,
            },
        ],
    )
    record = create(server, officer, "models", body)
    put_file(server, officer, "models", record["id"], PDF)

    reviewer = returning_phone("lanhdao", online_only=True)
    # The queue's row says a file is missing before the detail is opened.
    go(reviewer, "#/review", "[data-testid=queue] a.queue-row")
    row = f'[data-testid=queue] a.queue-row[data-id="{record["id"]}"]'
    assert reviewer.inner_text(f"{row} [data-files-missing]") == "Thiếu tệp (1/2)"
    assert reviewer.get_attribute(f"{row} [data-files-missing]", "data-files-missing") == "1"
    go(reviewer, f"#/review/models/{record['id']}", ".screen-review [data-testid=attachments]")
    assert reviewer.inner_text("[data-testid=files-received]") == "1/2 tệp đã nhận"
    assert reviewer.locator("[data-testid=file-missing]").count() == 1
    assert reviewer.get_attribute(f'[data-sha="{missing}"]', "data-received") == "false"
    with reviewer.expect_download() as download:
        reviewer.click("[data-action=open-document]")
    assert download.value.suggested_filename == "bien-ban.pdf"
    shot(reviewer, "review-attachments", full_page=None)
    assert reviewer.errors == []


def put_file(server, token: str, table: str, record_id: str, data: bytes) -> None:
    """Upload a whole file through the chunk API (ATTACH.md §2)."""
    sha = hashlib.sha256(data).hexdigest()
    status, answer = server.api(
        "POST",
        "/api/v1/files/status",
        token,
        {"files": [{"table": table, "record_id": record_id, "sha256": sha}]},
    )
    assert status == 200, answer
    size = answer["chunk_size"]
    for index in range(max(1, -(-len(data) // size))):
        chunk = data[index * size : (index + 1) * size]
        request = urllib.request.Request(
            f"{server.url}/api/v1/files/{sha}/chunks/{index}?table={table}&record_id={record_id}",
            data=chunk,
            method="PUT",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
                "X-Chunk-SHA256": hashlib.sha256(chunk).hexdigest(),
            },
        )
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["sha256"] == sha


def test_full_storage_never_costs_the_record(returning_phone, server):
    """#10: a QuotaExceededError from the file store says so clearly; the record still saves and
    syncs, without the photo."""
    page = returning_phone(init_script=QUOTA_JS)
    page.context.set_offline(True)
    go(page, "#/models/new", ".screen-form")
    fill_model_fields(page, "Mô hình khi máy đầy bộ nhớ")
    page.set_input_files(
        ".screen-form [data-input=camera]",
        files=[
            {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(page, 1200, 900)}
        ],
    )
    page.wait_for_selector("[data-testid=attach-error]:not([hidden])")
    assert page.inner_text("[data-testid=attach-error]").startswith("Bộ nhớ của máy đã đầy")
    assert page.locator(".attach-editor .attach-item").count() == 0
    record_id = save(page)
    assert outbox_count(page) == 1
    sync_now(page, lambda: page.context.set_offline(False))
    assert record_id in [r["id"] for r in server.list("models", server.login("canbo"))]
    assert page.errors == []


def test_upload_progress_pause_resume_and_a_refused_file(returning_phone, server):
    """#10 item 3: records sync at once and the chip says so while files upload; the outbox shows
    "Đang tải tệp lên 1/2" with a bar; pause and resume; a file the server refuses shows its
    coded message and a retry, and never blocks the other file."""
    page = returning_phone()
    page.context.set_offline(True)
    go(page, "#/models/new", ".screen-form")
    fill_model_fields(page, "Mô hình hai ảnh")
    take_photo(page, camera_photo(page, noise=True), "IMG_1.jpg")
    take_photo(page, camera_photo(page, noise=True), "IMG_2.jpg")
    first, second = page.eval_on_selector_all(
        ".attach-editor .attach-item", "els => els.map((e) => e.dataset.sha)"
    )
    record_id = save(page)

    # The first chunk passes; later ones wait on the link until released; the second file's
    # last chunk is refused once as a damaged file.
    held, seen = [], []

    def chunk(route):
        seen.append(route.request.url)
        if len(seen) == 1:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/files/*/chunks/*", chunk)
    go(page, "#/outbox", ".screen-outbox")
    sync_now(page, lambda: page.context.set_offline(False))
    assert record_id in [r["id"] for r in server.list("models", server.login("canbo"))]
    page.wait_for_selector("[data-testid=uploads-line]")
    page.wait_for_function("() => document.querySelector('.upload-bars progress')?.value > 0")
    assert page.inner_text("[data-testid=uploads-line]") == "Đang tải tệp lên 1/2"
    assert page.inner_text("[data-testid=upload-strip] span") == "Đang tải tệp lên 1/2"
    assert page.get_attribute("#sync-chip", "data-tone") == "ok"  # records are not waiting
    shot(page, "upload-progress", full_page=None)
    problems = audit(page, "outbox, files uploading")
    assert not problems, report(problems)

    page.click("[data-testid=uploads] [data-action=pause-uploads]")
    page.wait_for_selector("[data-testid=uploads] [data-action=resume-uploads]")
    assert page.inner_text("[data-testid=uploads-line]").startswith("Đã tạm dừng tải tệp")
    page.unroute("**/api/v1/files/*/chunks/*")
    for route in held:
        with contextlib.suppress(Exception):  # a paused request may be gone already
            route.abort()

    def refuse_second(route):
        if second in route.request.url:
            route.fulfill(
                status=422,
                content_type="application/json",
                body='{"error": {"code": "FILE_TYPE_MISMATCH", "message": "Tệp không đúng loại đã khai báo"}}',
            )
        else:
            route.continue_()

    page.route("**/api/v1/files/*/chunks/*", refuse_second)
    page.click("[data-testid=uploads] [data-action=resume-uploads]")
    page.wait_for_selector(f'[data-testid=upload-failed][data-sha="{second}"]', timeout=30000)
    assert page.get_attribute("[data-testid=upload-failed]", "data-code") == "FILE_TYPE_MISMATCH"
    assert "Tệp không đúng loại đã khai báo" in page.inner_text("[data-testid=upload-failed]")
    problems = audit(page, "outbox, a refused file")
    assert not problems, report(problems)
    token = server.login("canbo")
    states = file_states(server, token, record_id, [first, second])
    assert states[first] == "complete", states

    page.unroute("**/api/v1/files/*/chunks/*")
    page.click("[data-testid=upload-failed] [data-action=retry-upload]")
    for _ in range(60):
        if file_states(server, token, record_id, [second])[second] == "complete":
            break
        page.wait_for_timeout(500)
    assert file_states(server, token, record_id, [second])[second] == "complete"
    page.wait_for_selector("[data-testid=upload-strip]", state="hidden")
    assert page.errors == []


def file_states(
    server, token: str, record_id: str, shas: list[str], table: str = "models"
) -> dict[str, str]:
    status, body = server.api(
        "POST",
        "/api/v1/files/status",
        token,
        {"files": [{"table": table, "record_id": record_id, "sha256": s} for s in shas]},
    )
    assert status == 200, body
    return {f["sha256"]: f["state"] for f in body["files"]}


def test_meeting_minutes_as_a_pdf_document(returning_phone, server):
    """#10 item 1: a meeting takes a PDF of its signed minutes (kind BIEN_BAN) as it is; the
    record declares it and the file follows; the officer's record opens it from the phone."""
    page = returning_phone()
    page.context.set_offline(True)
    go(page, "#/meetings/new", ".screen-form")
    for key, value in {
        "title": "Hội nghị đối thoại với nhân dân",
        "type": "TOA_DAM",
        "start_at": "2024-08-12T08:00",
        "location": "Hội trường UBND xã",
        "content_summary": "Trao đổi kinh nghiệm xây dựng mô hình",
    }.items():
        control = field(page, key)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    page.select_option(".attach-editor select", "BIEN_BAN")
    page.set_input_files(
        ".screen-form [data-input=document]",
        files=[{"name": "bien-ban-doi-thoai.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.wait_for_selector(".attach-editor .attach-item")
    assert (
        page.get_attribute(".attach-editor .attach-item", "data-sha")
        == hashlib.sha256(PDF).hexdigest()
    )
    assert "Biên bản" in page.inner_text(".attach-editor .attach-item")
    record_id = save(page)
    with page.expect_download() as download:
        page.click("[data-action=open-document]")
    assert download.value.suggested_filename == "bien-ban-doi-thoai.pdf"
    sync_now(page, lambda: page.context.set_offline(False))
    token = server.login("canbo")
    [saved] = [r for r in server.list("meetings", token) if r["id"] == record_id]
    [item] = saved["attachments"]
    assert (item["kind"], item["mime"], item["size"]) == ("BIEN_BAN", "application/pdf", len(PDF))
    for _ in range(60):
        if (
            file_states(server, token, record_id, [item["sha256"]], "meetings")[item["sha256"]]
            == "complete"
        ):
            break
        page.wait_for_timeout(500)
    assert (
        file_states(server, token, record_id, [item["sha256"]], "meetings")[item["sha256"]]
        == "complete"
    )
    assert page.errors == []
