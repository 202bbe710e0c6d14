"""Shared phones: a PIN per officer, records sealed per user, lock, backoff, sealed export."""

import base64
import json
from pathlib import Path

import pytest

from tests.browser.a11y import audit
from tests.browser.conftest import (
    PASSWORD,
    PIN,
    field,
    fill_model,
    outbox_count,
    set_pin,
    shot,
    sign_in,
    unlock,
    wait_synced,
)

# The PIN is this module's subject: its phones derive PIN keys at the app's real count.
pytestmark = [pytest.mark.browser, pytest.mark.production_kdf]

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
    server.add_user("canbo2", "Vi Thị Lan", "17000", "CAN_BO_NHAP")
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
    assert audit(page, "unlock") == []
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


def phone_setting(page, name: str, value) -> None:
    """Write a phone-wide setting (store/phone.js) as the settings screen would."""
    page.evaluate(
        "([n, v]) => import('/js/store/phone.js').then((m) => m.setSetting(n, v))", [name, value]
    )


def test_wrong_pins_back_off_then_need_an_online_sign_in_that_keeps_unsynced_data(
    new_phone, server
):
    """Wrong PINs wait 1, 2 … s; after too many only the password opens, and nothing is lost."""
    page = new_phone()
    sign_in(page, "canbo")
    page.context.set_offline(True)
    fill_model(page, "Mô hình chưa gửi")
    lock(page)
    unlock(page, "Lò Văn Minh", "1357")
    # The message and the disabled field are seen in one look: a loaded machine may spend the
    # whole 1 s wait between two separate round trips to the page.
    page.wait_for_function(
        """() => (document.querySelector('[data-testid=pin-error]')?.textContent || '')
                   .includes('1 giây') && document.getElementById('pin').disabled"""
    )
    page.wait_for_function("() => !document.getElementById('pin').disabled", timeout=3000)
    unlock(page, "Lò Văn Minh", "1357")
    page.wait_for_selector("[data-testid=pin-error]:has-text('2 giây')")
    # Skip ahead to the last try allowed (PIN_POLICY.maxTries = 10).
    page.evaluate(
        """() => import('/js/store/phone.js').then(async (m) => {
          const [a] = await m.listAccounts();
          await m.putAccount({ ...a, failures: 9, last_failure_at: 0 });
        })"""
    )
    page.reload()
    unlock(page, "Lò Văn Minh", "1357")
    page.wait_for_selector("[data-action=password-sign-in]:visible")
    assert "mật khẩu" in page.inner_text("[data-testid=pin-error]")
    assert page.is_disabled("#pin"), "even the right PIN is refused now"
    assert outbox_count(page) == 1, "the unsynced change is still on the phone"
    page.context.set_offline(False)
    page.click("[data-action=password-sign-in]")
    page.fill("#username", "canbo")
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".screen-set-pin")
    set_pin(page, "1234")
    page.wait_for_selector("[data-testid=pin-error]:has-text('dễ đoán')")
    set_pin(page, "3691")
    page.wait_for_selector(".screen-home")
    wait_synced(page)
    assert outbox_count(page) == 0
    names = [m["name"] for m in server.list("models", server.login("canbo"))]
    assert names == ["Mô hình chưa gửi"]
    lock(page)
    unlock(page, "Lò Văn Minh", "3691")
    page.wait_for_selector(".screen-settings")
    assert page.errors == []


def test_the_app_locks_after_idle_and_keeps_what_was_being_typed(new_phone, server):
    """After the idle delay the lock screen shows; the form's text comes back after the PIN."""
    page = new_phone()
    sign_in(page, "canbo")
    phone_setting(page, "idleMs", 2500)
    lock(page)
    unlock(page, "Lò Văn Minh", PIN)
    page.wait_for_selector(".screen-settings")
    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "name").fill("Đang gõ dở")
    page.wait_for_selector(".screen-unlock", timeout=10000)
    assert "Đang gõ dở" not in page.content()
    unlock(page, "Lò Văn Minh", PIN)
    page.wait_for_selector(".screen-form")
    page.wait_for_function(
        "e => e.value === 'Đang gõ dở'", arg=field(page, "name").element_handle()
    )
    assert page.errors == []


def test_a_revoked_phone_exports_sealed_and_an_admin_imports_it_once(new_phone, server):
    """PROTOCOL.md §13: revoked, the phone cannot sync but its sealed file lands under its user."""
    server.add_user("quantri", "Quản Trị", "40", "QUAN_TRI")
    page = new_phone()
    sign_in(page, "canbo")
    page.context.set_offline(True)
    fill_model(page, "Mô hình của máy bị thu hồi")
    admin = server.login("quantri")
    status, devices = server.api("GET", "/api/v1/devices", admin)
    phone_device = next(d for d in devices if d["name"] != "pytest")
    assert server.api("POST", f"/api/v1/devices/{phone_device['id']}/revoke", admin)[0] == 200
    page.context.set_offline(False)  # the sync this starts is refused: signed out remotely
    page.wait_for_selector(".screen-signin [data-action=export]")
    with page.expect_download() as download:
        page.click("[data-action=export]")
    sealed = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert sealed["format"] == "sotay-sealed/1"
    assert "Mô hình của máy bị thu hồi" not in json.dumps(sealed, ensure_ascii=False)
    status, body = server.api("POST", "/api/v1/imports", admin, sealed)
    assert status == 200, body
    assert body["counts"]["applied"] == 1
    status, again = server.api("POST", "/api/v1/imports", admin, sealed)
    assert (status, again["counts"]["applied"], again["counts"]["duplicate"]) == (200, 0, 1)
    models = server.list("models", admin)
    assert [m["name"] for m in models] == ["Mô hình của máy bị thu hồi"]
    tampered = {**sealed, "ciphertext": base64.b64encode(b"x" * 64).decode()}
    status, refused = server.api("POST", "/api/v1/imports", admin, tampered)
    assert (status, refused["error"]["code"]) == (422, "EXPORT_TAMPERED")
    assert page.errors == []
