"""Two tabs of the app share one outbox and never sync at the same time (Web Lock)."""

import pytest

from tests.browser.conftest import fill_model, outbox_count, sync_now, unlock_again

pytestmark = pytest.mark.browser

HOLD_LOCK = """
() => new Promise((held) => navigator.locks.request("sotay-sync", () => {
  held(true);
  return new Promise((release) => { window.releaseSyncLock = release; });
}))
"""


def test_one_sync_at_a_time_across_tabs(returning_phone, server):
    first = returning_phone()
    second = first.context.new_page()
    second.errors = []
    second.goto("/")
    unlock_again(second)  # each tab unlocks on its own: the key lives in the page only
    second.wait_for_selector(".screen-home")

    first.evaluate(HOLD_LOCK)  # as if the first tab were in the middle of a sync
    sent = []
    second.on("request", lambda r: "/api/v1/sync" in r.url and sent.append(r))
    fill_model(second, "Mô hình ghi ở thẻ thứ hai")
    second.click("#sync-chip")
    second.wait_for_timeout(2500)  # past the after-save delay: a sync would have gone by now
    assert sent == []
    assert outbox_count(second) == 1

    first.evaluate("() => window.releaseSyncLock()")
    sync_now(second)
    assert outbox_count(first) == 0
    token = server.login("canbo")
    assert [m["name"] for m in server.list("models", token)] == ["Mô hình ghi ở thẻ thứ hai"]
