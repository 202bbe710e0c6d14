"""Every text field takes markup as plain text: it is shown, stored and synced, never run."""

import pytest

from tests.browser.conftest import field, save_form, sync_now

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"

MODEL_TEXT = [
    "name",
    "collective_name",
    "locality",
    "lead_org",
    "objective",
    "method",
    "results",
    "notes",
]
MEETING_TEXT = [
    "title",
    "location",
    "agenda",
    "content_summary",
    "conclusion",
    "outcomes",
    "minutes_no",
    "notes",
]


def _no_markup_ran(page) -> None:
    assert page.locator("img[src=x]").count() == 0
    assert page.errors == []


def test_markup_in_every_text_field_stays_text(returning_phone, server):
    page = returning_phone(online_only=True)

    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "field").select_option("KINH_TE")
    field(page, "start_date").fill("2024-03-01")
    for name in MODEL_TEXT:
        field(page, name).fill(XSS)
    page.click('[data-field="metrics"] .btn-add')
    page.locator('[data-field="metrics"] [data-field="metric"] input').fill(XSS)
    page.locator('[data-field="metrics"] [data-field="value"] input').fill("1.554")
    page.locator('[data-field="metrics"] [data-field="unit"] input').fill(XSS[:50])
    model_id = save_form(page, "models")
    assert page.inner_text(".detail-title") == XSS
    assert page.locator(f"dd:text-is('{XSS}')").count() >= 5
    assert "1.554" in page.inner_text(".screen-detail")
    _no_markup_ran(page)

    page.evaluate("() => { location.hash = '#/meetings/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "start_at").fill("2024-08-12T08:00")
    for name in MEETING_TEXT:
        field(page, name).fill(XSS)
    attendee = page.locator('[data-field="attendees"] .row-card').first
    attendee.locator('[data-action="attendee-more"]').click()
    for name in ("full_name", "position", "org_name"):
        attendee.locator(f'[data-field="{name}"] input').fill(XSS)
    save_form(page, "meetings")
    assert page.inner_text(".detail-title") == XSS
    assert XSS in page.inner_text(".attendees")
    _no_markup_ran(page)

    for hash_ in ("#/models", "#/meetings", "#/outbox", "#/"):
        page.evaluate(f"() => {{ location.hash = '{hash_}'; }}")
        page.wait_for_timeout(50)
        _no_markup_ran(page)
    page.evaluate("() => { location.hash = '#/models'; }")
    page.fill("input.search", XSS)
    assert page.locator(".record-list a.record-row").count() == 1

    sync_now(page)
    token = server.login("canbo")
    status, stored = server.api("GET", f"/api/v1/models/{model_id}", token)
    assert stored["name"] == XSS and stored["metrics"][0]["metric"] == XSS
    assert stored["metrics"][0]["value"] == 1554
    page.evaluate(f"() => {{ location.hash = '#/models/{model_id}'; }}")
    page.wait_for_selector(".screen-detail")
    _no_markup_ran(page)


def test_direction_controls_are_dropped_and_record_text_is_isolated(returning_phone, server):
    """Issue 13: a right-to-left override must not reverse what the screen shows."""
    page = returning_phone(online_only=True)
    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "field").select_option("KINH_TE")
    field(page, "start_date").fill("2024-03-01")
    values = {
        "name": "Nuôi ong\u202e cod.exe\u000blấy mật",
        "locality": "Bản\tHuồi\u0007 Pủng\u2066",
        "objective": "Mục tiêu\r\n\tthụt lề\u202a",
        "method": "Cách làm",
        "collective_name": "Tổ hợp tác",
    }
    for name, value in values.items():
        field(page, name).fill(value)
    model_id = save_form(page, "models")
    assert page.text_content(".detail-title") == "Nuôi ong cod.exe\nlấy mật"
    assert page.get_attribute(".detail-title", "dir") == "auto"
    assert page.locator("dd[dir=auto]").count() >= 5
    _no_markup_ran(page)

    sync_now(page)  # the server takes what the form saved: nothing in it is refused
    status, stored = server.api("GET", f"/api/v1/models/{model_id}", server.login("canbo"))
    assert status == 200
    assert stored["locality"] == "Bản Huồi Pủng"
    assert stored["objective"] == "Mục tiêu\n\tthụt lề"  # a text area ends lines with LF

    page.evaluate("() => { location.hash = '#/models'; }")
    row = page.locator(f'.record-list a.record-row[data-id="{model_id}"]')
    row.wait_for()
    assert row.locator(".row-title").get_attribute("dir") == "auto"
    assert row.locator(".row-sub bdi").all_inner_texts()[1] == "Bản Huồi Pủng"
