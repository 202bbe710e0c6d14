"""The app opens with no network, keeps what is typed offline, and syncs it exactly once."""

import pytest

from tests.browser.conftest import (
    PASSWORD,
    fill_meeting,
    fill_model,
    outbox_count,
    session_device_id,
    set_pin,
    sign_in,
    sync_now,
    unlock_again,
    wait_sw_ready,
    wait_synced,
)

pytestmark = pytest.mark.browser


def _names(server, table, token, key="name"):
    return [r[key] for r in server.list(table, token)]


@pytest.mark.fresh_server
def test_offline_create_then_sync_after_server_restart(new_phone, server):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)

    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    unlock_again(page)
    page.wait_for_selector(".screen-home")
    assert page.inner_text("#sync-chip") == "Ngoại tuyến"
    assert "Không có kết nối mạng (Ngoại tuyến)" in page.inner_text("[data-testid=sync-state]")

    fill_model(page, "Dân vận khéo trong giữ gìn vệ sinh môi trường")
    fill_meeting(page, "Tọa đàm Dân vận khéo năm 2024")

    response = page.reload()
    assert response.from_service_worker
    unlock_again(page)
    page.evaluate("() => { location.hash = '#/models'; }")
    page.wait_for_selector(".record-list a.record-row")
    page.fill("input.search", "dan van kheo ve sinh")
    assert page.locator(".record-list a.record-row").count() == 1
    assert "Chờ đồng bộ" in page.inner_text(".record-list")
    page.evaluate("() => { location.hash = '#/meetings'; }")
    page.wait_for_selector(".record-list a.record-row")
    page.evaluate("() => { location.hash = '#/outbox'; }")
    page.wait_for_selector("[data-testid=outbox-list]")
    assert page.get_attribute("[data-testid=outbox-list]", "data-count") == "2"
    assert page.locator(".outbox-item").count() == 2
    assert page.inner_text("#sync-chip") == "Ngoại tuyến"

    server.stop()
    server.start()
    page.context.set_offline(False)
    wait_synced(page)
    assert outbox_count(page) == 0
    assert page.inner_text("[data-testid=outbox-state]") == "Đã đồng bộ"

    token = server.login("canbo")
    assert _names(server, "models", token) == ["Dân vận khéo trong giữ gìn vệ sinh môi trường"]
    assert _names(server, "meetings", token, "title") == ["Tọa đàm Dân vận khéo năm 2024"]
    assert page.errors == []


@pytest.mark.fresh_server
def test_server_killed_mid_sync_then_reload_loses_and_doubles_nothing(new_phone, server):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    page.context.set_offline(True)
    names = [f"Mô hình số {i} xã Nậm Cắn" for i in range(3)]
    for name in names:
        fill_model(page, name)
    fill_meeting(page, "Hội nghị giao ban tháng 8")
    assert outbox_count(page) == 4

    seen = []

    def commit_then_die(route):
        # The server gets the whole batch and commits it; the phone never hears back.
        assert route.request.headers.get("content-encoding") == "gzip"
        route.fetch()
        seen.append(route.request.post_data_buffer)
        server.kill()
        route.abort("connectionreset")

    page.route("**/api/v1/sync", commit_then_die)
    page.context.set_offline(False)
    page.wait_for_function("() => document.getElementById('sync-chip').dataset.tone === 'error'")
    assert seen, "the sync request was sent"
    assert outbox_count(page) == 4, "nothing leaves the outbox without an answer"
    page.unroute("**/api/v1/sync")

    # The app is reopened while the server is still down: everything is still there.
    response = page.reload()
    assert response.from_service_worker
    unlock_again(page)
    page.wait_for_selector("html[data-ready] .screen-detail")
    assert outbox_count(page) == 4
    server.start()
    page.click("#sync-chip")
    wait_synced(page)
    assert outbox_count(page) == 0

    token = server.login("canbo")
    assert sorted(r["name"] for r in server.list("models", token)) == sorted(names)
    assert [m["title"] for m in server.list("meetings", token)] == ["Hội nghị giao ban tháng 8"]
    assert all(r["version"] == 1 for r in server.list("models", token))
    assert page.errors == []


def test_signed_out_remotely_keeps_the_data_and_syncs_after_signing_in_again(new_phone, server):
    page = new_phone()
    sign_in(page)
    fill_model(page, "Mô hình đã đồng bộ trước đó")
    sync_now(page)
    page.context.set_offline(True)
    fill_model(page, "Mô hình làm trong lúc bị thu hồi phiên")
    fill_model(page, "Mô hình thứ hai chưa gửi")
    assert outbox_count(page) == 2

    # An administrator revokes this phone while it is offline.
    token = server.login("canbo")
    status, devices = server.api("GET", "/api/v1/devices", token)
    phone = session_device_id(page)
    assert phone in [d["id"] for d in devices]
    status, _ = server.api("POST", f"/api/v1/devices/{phone}/revoke", token)
    assert status == 200

    page.context.set_offline(False)
    page.wait_for_selector(".screen-signin .notice")
    assert "Dữ liệu trên máy vẫn được giữ nguyên" in page.inner_text(".screen-signin .notice")
    assert outbox_count(page) == 2
    assert page.input_value("#username") == "canbo"

    # Signing in again makes a new device: the outbox (seqs 2, 3) is renumbered for it after
    # 409 SEQ_GAP and sent.
    statuses = []
    page.on("response", lambda r: "/api/v1/sync" in r.url and statuses.append(r.status))
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".screen-home")
    wait_synced(page)
    assert outbox_count(page) == 0
    assert statuses[:2] == [409, 200]
    names = sorted(m["name"] for m in server.list("models", token))
    assert names == [
        "Mô hình làm trong lúc bị thu hồi phiên",
        "Mô hình thứ hai chưa gửi",
        "Mô hình đã đồng bộ trước đó",
    ]
    assert page.errors == []


def test_another_account_signs_in_beside_unsynced_data_that_stays_its_owners(new_phone, server):
    """A shared phone: the next officer signs in; the first one's unsynced change stays sealed."""
    page = new_phone()
    sign_in(page)
    page.context.set_offline(True)
    fill_model(page, "Mô hình của cán bộ chưa gửi")
    token = server.login("canbo")
    device = session_device_id(page)
    assert server.api("POST", f"/api/v1/devices/{device}/revoke", token)[0] == 200
    page.context.set_offline(False)
    page.wait_for_selector(".screen-signin .notice")

    page.fill("#username", "lanhdao")
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".screen-set-pin")
    set_pin(page)
    unlock_again(page)  # the page starts clean for the new officer
    page.wait_for_selector(".screen-home")
    assert "Mô hình của cán bộ chưa gửi" not in page.inner_text("#view")
    assert outbox_count(page) == 1, "the first officer's change is still on the phone"
    assert page.errors == []


def test_signed_in_once_every_screen_opens_offline(new_phone, server):
    """The first load precaches only the sign-in shell; the rest of the app is cached right
    after, so a phone signed in once opens every officer's screen offline after a reload."""
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    model = fill_model(page, "Mô hình dân vận khéo bản Nà Hẩu")
    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    unlock_again(page)
    screens = [
        ("#/", ".screen-home"),
        ("#/models", ".record-list a.record-row"),
        (f"#/models/{model}", ".screen-detail"),
        ("#/models/new", '.screen-form [data-action="take-photo"]'),
        ("#/meetings/new", ".screen-form"),
        (f"#/evaluations/new?model={model}", ".screen-form"),
        (f"#/recognitions/new?model={model}", ".screen-form"),
        ("#/inspections/new", ".screen-form"),
        ("#/outbox", ".screen-outbox"),
        ("#/conflicts", ".screen-conflicts"),
        ("#/settings", "[data-testid=storage] p"),
    ]
    for hash_, selector in screens:
        page.evaluate(f"() => {{ location.hash = {hash_!r}; }}")
        page.wait_for_selector(selector)
    # English loads on switching language: from the cache too.
    page.click(".segmented button[lang=en]")
    page.wait_for_function(
        "() => document.querySelector('.screen-title').textContent === 'Settings'"
    )
    assert page.errors == []


def test_unlocked_offline_before_the_app_was_cached_says_so_and_recovers_online(new_phone, server):
    """A phone cut off before the files after the first load arrived opens its lock screen from
    the shell; unlocking then says the app is not downloaded yet (not a blank or stuck lock
    screen), and the connection coming back brings the app with the unsynced record intact."""
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    page.context.set_offline(True)
    fill_model(page, "Mô hình dân vận khéo bản Co Muông")
    page.evaluate(
        """() => caches.keys().then((keys) => Promise.all(keys.map((key) =>
             caches.open(key).then((cache) => cache.delete('/js/ui/screens.js')))))"""
    )
    page.reload()
    unlock_again(page)
    page.wait_for_selector("[data-testid=not-cached]")
    assert "kết nối mạng một lần" in page.inner_text("[data-testid=not-cached]")
    assert outbox_count(page) == 1

    with page.expect_navigation():
        page.context.set_offline(False)
    unlock_again(page)
    page.wait_for_selector(".screen-detail")  # where the officer was, the record there
    assert "Co Muông" in page.inner_text(".screen-detail")
    wait_synced(page)
    assert outbox_count(page) == 0
    assert page.errors == []
