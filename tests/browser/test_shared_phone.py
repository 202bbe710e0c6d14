"""Shared phones: a PIN per officer, records sealed per user, lock, backoff, sealed export."""

import base64
import json

import pytest

from tests.browser.conftest import (
    PASSWORD,
    PIN,
    fill_model,
    outbox_count,
    set_pin,
    shot,
    sign_in,
    unlock,
    wait_synced,
)

pytestmark = pytest.mark.browser

# Every value of every database of this origin, binary as base64: what someone with the phone
# and the browser's profile would find.
RAW_DUMP = """
async () => {
  const text = (v) => JSON.stringify(v, (k, x) => {
    if (x instanceof ArrayBuffer) return btoa(String.fromCharCode(...new Uint8Array(x)));
    if (ArrayBuffer.isView(x)) return btoa(String.fromCharCode(...new Uint8Array(x.buffer)));
    return x;
  });
  const out = {};
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
    const stores = [...db.objectStoreNames];
    out[name] = {};
    for (const store of stores) {
      out[name][store] = await new Promise((ok, fail) => {
        const q = db.transaction(store).objectStore(store).getAll();
        q.onsuccess = () => ok(text(q.result)); q.onerror = fail;
      });
    }
    db.close();
  }
  return out;
}
"""


def lock(page) -> None:
    """Lock from the settings screen."""
    page.goto("/#/settings")
    page.click("[data-action=lock]")
    page.wait_for_selector(".screen-unlock")


def test_two_officers_share_a_phone_and_neither_reads_the_other(new_phone, server):
    """Each officer's records are sealed under their own PIN; what IndexedDB holds is ciphertext."""
    server.cli(
        "users", "create", "canbo2", "--full-name", "Vi Thị Lan", "--unit", "17000",
        "--role", "CAN_BO_NHAP", stdin=PASSWORD + "\n",
    )
    page = new_phone()
    sign_in(page, "canbo")
    secret = "Mô hình nuôi ong bản Huồi Pủng"
    # Unsynced: on the server both officers of the commune would see it.
    page.context.set_offline(True)
    fill_model(page, secret, collective_name="Tổ hợp tác Huồi Pủng")
    assert outbox_count(page) == 1
    lock(page)
    page.context.set_offline(False)
    shot(page, "pin-unlock")
    sign_in(page, "canbo2")
    page.goto("/#/models")
    page.wait_for_selector(".screen-list")
    assert secret not in page.inner_text("#view")
    dump = page.evaluate(RAW_DUMP)
    users = [name for name in dump if name.startswith("sotay-u")]
    assert len(users) == 2 and "sotay" not in dump
    for name in users:
        text = json.dumps(dump[name], ensure_ascii=False)
        for clear in (secret, "Huồi Pủng", "Lò Văn Minh", "Vi Thị Lan", "Nậm Cắn", "Bearer"):
            assert clear not in text, (name, clear)
    # The phone's own list names its officers (for choosing who unlocks), nothing else.
    phone = json.dumps(dump["sotay-phone"], ensure_ascii=False)
    assert secret not in phone and "Huồi Pủng" not in phone
    # The first officer comes back offline, with the PIN only.
    lock(page)
    page.context.set_offline(True)
    unlock(page, "Lò Văn Minh")
    page.wait_for_selector(".screen-settings")  # back where the officer locked
    page.goto("/#/models")
    page.wait_for_selector(f"text={secret}")
    page.context.set_offline(False)
    wait_synced(page)
    assert outbox_count(page) == 0
    assert page.errors == []
