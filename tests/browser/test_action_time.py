"""History shows when the officer acted offline, beside when the server received it, and marks
a phone clock the server did not believe (PROTOCOL.md §3.2)."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import fill_model, sync_now

pytestmark = pytest.mark.browser


def backdate_accounts(server, days: int) -> None:
    """Make every account older, as if the officers had signed up weeks ago."""
    with sqlite3.connect(server.db_url.removeprefix("sqlite:///")) as conn:
        old = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute("UPDATE users SET created_at = ?", (old,))


def history_times(page, record_id: str) -> list[str]:
    page.evaluate(f"() => {{ location.hash = '#/models/{record_id}'; }}")
    page.click('[data-action="history"]')
    page.wait_for_selector(".history-list li")
    return page.locator("[data-testid=event-time]").all_inner_texts()


def test_history_shows_the_phones_time_and_the_arrival(returning_phone, server):
    backdate_accounts(server, 30)
    officer = returning_phone()
    now = datetime.now(UTC)
    officer.context.set_offline(True)
    officer.clock.set_fixed_time(now - timedelta(days=3))
    offline = fill_model(officer, "Khéo trong công tác tiếp công dân")
    officer.click('[data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    officer.clock.set_fixed_time(now + timedelta(days=1))
    ahead = fill_model(officer, "Khéo trong vận động hiến đất làm đường")
    officer.clock.set_fixed_time(datetime.now(UTC))
    sync_now(officer, lambda: officer.context.set_offline(False))

    # The phone shows Vietnam's time (UTC+7), whatever this machine's zone.
    made = (now - timedelta(days=3) + timedelta(hours=7)).strftime("%d/%m/%Y")
    times = history_times(officer, offline)
    assert len(times) == 2
    for text in times:
        assert text.startswith(f"ghi lúc {made}"), text
        assert "nhận lúc" in text
    assert officer.locator("[data-clock-flag]").count() == 0

    history_times(officer, ahead)
    assert officer.locator('[data-clock-flag="FUTURE"]').count() == 1
    assert "nhận lúc" not in officer.inner_text("[data-testid=event-time]")
    assert officer.errors == []
