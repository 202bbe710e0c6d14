"""A new version of the app is deployed while changes wait to sync: nothing is lost."""

import re

import pytest

from tests.browser.conftest import (
    field,
    fill_model,
    outbox_count,
    sign_in,
    sync_now,
    unlock_again,
    wait_sw_ready,
)

pytestmark = pytest.mark.browser
NEW_VERSION = "2099.1.1"


def _deploy(pwa_dir, version: str) -> None:
    for name in ("sw.js", "js/sync/protocol.js"):
        path = pwa_dir / name
        text = path.read_text("utf-8")
        path.write_text(re.sub(r'"\d{4}\.\d+\.\d+"', f'"{version}"', text, count=1), "utf-8")


def test_new_version_waits_for_the_user_and_keeps_pending_changes_and_drafts(
    new_phone, server, pwa_copy
):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    old_caches = page.evaluate("() => caches.keys()")

    # A change waits in the outbox (the server is unreachable for sync), and a form is half typed.
    page.route("**/api/v1/sync", lambda route: route.abort())
    fill_model(page, "Mô hình chờ đồng bộ khi cập nhật")
    page.evaluate("() => { location.hash = '#/meetings/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "title").fill("Hội nghị đang gõ dở")
    field(page, "location").fill("Nhà văn hóa bản Huồi Pủng")
    assert outbox_count(page) == 1

    _deploy(pwa_copy, NEW_VERSION)
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#banner:not([hidden])")
    assert page.inner_text("#banner-text") == "Có phiên bản mới — Cập nhật"
    # Nothing reloads by itself while the user is typing.
    assert field(page, "title").input_value() == "Hội nghị đang gõ dở"

    with page.expect_navigation():
        page.click("#banner-action")
    unlock_again(page)  # the new version opens locked: the key never outlives the page
    page.wait_for_selector("html[data-ready] .screen-form")
    assert field(page, "title").input_value() == "Hội nghị đang gõ dở"
    assert field(page, "location").input_value() == "Nhà văn hóa bản Huồi Pủng"
    assert outbox_count(page) == 1
    caches = page.evaluate("() => caches.keys()")
    assert caches == [f"sotay-shell-{NEW_VERSION}"] and caches != old_caches
    assert (
        page.evaluate("() => import('/js/sync/protocol.js').then((m) => m.APP_VERSION)")
        == NEW_VERSION
    )

    page.unroute("**/api/v1/sync")
    sync_now(page)
    assert outbox_count(page) == 0
    token = server.login("canbo")
    assert [m["name"] for m in server.list("models", token)] == ["Mô hình chờ đồng bộ khi cập nhật"]
    assert page.errors == []
