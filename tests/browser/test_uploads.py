"""The phone keeps a photo's bytes and uploads them after the record, resuming after a cut.

PROTOCOL.md §12 end to end in Chromium: pwa/js/store/files.js keeps the bytes, the sync
engine pushes the record first, then pwa/js/sync/uploads.js sends the chunks; an upload cut
offline resumes after a reload without resending what the server holds; a full quota refuses
the file with a code and loses nothing of the record.
"""

import hashlib
import re
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import (
    fill_model,
    outbox_count,
    sync_now,
    unlock_again,
    wait_sw_ready,
    wait_synced,
)

pytestmark = pytest.mark.browser

# A noisy JPEG (it barely compresses: several 256 KiB chunks), kept with saveFile and declared
# on the record through saveRecord, as the capture form does.
ATTACH = """
async ([table, id]) => {
  const canvas = new OffscreenCanvas(900, 700);
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(900, 700);
  let x = 12345;
  for (let i = 0; i < img.data.length; i += 1) { x = (x * 1103515245 + 12345) >>> 0; img.data[i] = x >>> 24; }
  ctx.putImageData(img, 0, 0);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 });
  const files = await import("/js/store/files.js");
  const records = await import("/js/store/records.js");
  const db = await import("/js/store/db.js");
  const item = await files.saveFile(blob, { kind: "ANH", mime: "image/jpeg", caption: "Ảnh: thử" });
  const record = await db.get(table, id);
  await records.saveRecord(table, { ...record, attachments: [item] });
  return item;
}
"""

FILE_ROW = """
async (sha) => {
  const db = await import("/js/store/db.js");
  const row = await db.get("files", sha);
  return row ? { uploaded: row.uploaded, received: row.received, hasBlob: Boolean(row.blob) } : null;
}
"""


def until(page, sha: str, condition, seconds: float = 30.0) -> dict:
    """Poll the phone's row of a file until the condition holds; return it."""
    row = None
    for _ in range(int(seconds * 10)):
        row = page.evaluate(FILE_ROW, sha)
        if row and condition(row):
            return row
        page.wait_for_timeout(100)
    raise AssertionError(f"the file's row never got there: {row}")


def download(server, token: str, sha: str, record_id: str) -> bytes:
    """Return the file as the server serves it."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/files/{sha}?table=models&record_id={record_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{error.code} {error.read()[:500]!r}") from error


def test_upload_cut_offline_resumes_after_reload_protocol_12(returning_phone, server):
    """§12: a cut costs at most the chunk on the wire; after a reload the rest follows."""
    page = returning_phone()
    wait_sw_ready(page)
    record_id = fill_model(page, "Mô hình có ảnh gửi qua 2G")
    wait_synced(page)

    puts: list[int] = []
    page.on(
        "request",
        lambda r: (
            puts.append(int(r.url.split("/chunks/")[1].split("?")[0]))
            if r.method == "PUT" and "/chunks/" in r.url
            else None
        ),
    )
    cut = {"done": False}

    def offline_at_chunk_1(route):
        if cut["done"]:
            route.continue_()
            return
        cut["done"] = True
        page.context.set_offline(True)
        route.abort("internetdisconnected")

    page.route(re.compile(r"/chunks/1\?"), offline_at_chunk_1)
    item = page.evaluate(ATTACH, ["models", record_id])
    sha = item["sha256"]
    chunks = -(-item["size"] // (256 * 1024))
    assert chunks >= 3, item
    for _ in range(200):
        if cut["done"]:
            break
        page.wait_for_timeout(100)
    assert cut["done"], f"the upload never reached chunk 1: {puts}"

    page.reload()  # offline: the service worker serves the shell; the officer unlocks again
    unlock_again(page)
    page.wait_for_selector(".screen-home, .screen-list, .screen-detail")
    row = page.evaluate(FILE_ROW, sha)
    assert row == {"uploaded": False, "received": [0], "hasBlob": True}

    page.context.set_offline(False)  # the engine hears "online" and goes on
    row = until(page, sha, lambda r: r["uploaded"])
    assert puts.count(0) == 1, puts  # chunk 0 was never sent again
    assert len(puts) <= chunks + 1, puts  # the cut cost one chunk at most
    token = server.login("canbo")
    served = download(server, token, sha, record_id)
    assert hashlib.sha256(served).hexdigest() == sha
    # Uploaded and no unsynced record needs it: the phone let the bytes go.
    row = until(page, sha, lambda r: not r["hasBlob"])
    assert row["uploaded"], row
    assert page.errors == []


FULL_DISK = """
() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    if (this.name === "files") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    return put.call(this, value, key);
  };
}
"""

QUOTA_SAVE = """
async ([table, id]) => {
  const files = await import("/js/store/files.js");
  const records = await import("/js/store/records.js");
  const db = await import("/js/store/db.js");
  const big = new Blob([new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) % 251)], { type: "image/jpeg" });
  let code = null;
  try {
    await files.saveFile(big, { kind: "ANH", mime: "image/jpeg" });
  } catch (error) {
    code = error.code;
  }
  const record = await db.get(table, id);
  await records.saveRecord(table, { ...record, locality: "Bản Huồi Pủng, xóm 2" });
  return code;
}
"""


def test_full_storage_refuses_the_file_with_a_code_and_keeps_the_record(returning_phone, server):
    """A QuotaExceededError on saveFile is STORAGE_FULL; the record saves and syncs as usual."""
    page = returning_phone(online_only=True)
    record_id = fill_model(page, "Mô hình khi bộ nhớ đầy")
    wait_synced(page)
    # A test browser's contexts keep IndexedDB in memory, where no quota override applies:
    # the store's writes of a file fail the way a full disk makes them fail.
    page.evaluate(FULL_DISK)
    assert page.evaluate(QUOTA_SAVE, ["models", record_id]) == "STORAGE_FULL"
    # The chip still says "synced" from before the save until the scheduled sync starts.
    sync_now(page)
    assert outbox_count(page) == 0
    token = server.login("canbo")
    saved = [m for m in server.list("models", token) if m["id"] == record_id]
    assert saved and saved[0]["locality"] == "Bản Huồi Pủng, xóm 2"
    assert page.errors == []
