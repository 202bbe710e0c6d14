"""Screens as an officer uses them at 360 px: validation in Vietnamese, the duplicate warning,
search without diacritics, filters, English, storage, export and a careful sign-out."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PASSWORD,
    field,
    fill_meeting,
    fill_model,
    outbox_count,
    set_pin,
    shot,
    sign_in,
    wait_sw_ready,
)

pytestmark = pytest.mark.browser


def test_sign_in_screen_and_wrong_password(new_phone, server):
    page = new_phone(online_only=True)
    page.goto("/")
    page.wait_for_selector("#username")
    shot(page, "sign-in")
    page.fill("#username", "canbo")
    page.fill("#password", "sai-mat-khau")
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".form-error:not([hidden])")
    assert page.inner_text(".form-error") == "Tên đăng nhập hoặc mật khẩu không đúng."
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".screen-set-pin")
    set_pin(page)
    page.wait_for_selector(".screen-home")
    assert page.errors == []


def test_forms_validate_like_the_server_in_vietnamese(returning_phone, server):
    page = returning_phone(online_only=True)
    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    shot(page, "model-form")
    page.click('[data-action="save"]')
    assert page.inner_text('[data-field="name"] .field-error') == "Vui lòng nhập tên mô hình"
    assert page.inner_text('[data-field="locality"] .field-error') == "Trường bắt buộc (*)"
    assert page.inner_text('[data-field="field"] .field-error') == "Trường bắt buộc (*)"
    assert (
        page.inner_text(".screen-form .form-error") == "Vui lòng kiểm tra các trường được đánh dấu"
    )
    assert outbox_count(page) == 0

    page.evaluate("() => { location.hash = '#/meetings/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "title").fill("Hội nghị sơ kết 6 tháng")
    field(page, "type").select_option("SO_KET")
    field(page, "start_at").fill("2024-07-15T08:00")
    field(page, "end_at").fill("2024-07-15T07:00")
    field(page, "location").fill("Hội trường xã")
    field(page, "content_summary").fill("Sơ kết công tác dân vận")
    page.click('[data-field="attendees"] .btn-add')
    rows = page.locator('[data-field="attendees"] .row-card')
    rows.nth(1).locator('[data-field="full_name"] input').fill("Vi Văn Sơn")
    rows.nth(1).locator('[data-action="attendee-more"]').click()
    rows.nth(1).locator('[data-field="attendance"] select').select_option("VANG_CO_LY_DO")
    rows.nth(1).locator('[data-field="absent_reason"] input').fill("Đi công tác")
    shot(page, "meeting-form")
    page.click('[data-action="save"]')
    assert (
        page.inner_text('[data-field="end_at"] .field-error')
        == "Ngày kết thúc phải sau ngày bắt đầu"
    )
    assert page.inner_text('[data-field="report_period"] .field-error') == "Trường bắt buộc (*)"
    rows.first.locator('[data-field="role"] select').select_option("DAI_BIEU")
    page.click('[data-action="save"]')
    assert (
        page.inner_text('[data-field="attendees"] > .field-error')
        == "Cần ít nhất một người chủ trì"
    )
    rows.first.locator('[data-field="role"] select').select_option("CHU_TRI")
    field(page, "end_at").fill("2024-07-15T11:00")
    field(page, "report_period").select_option("6_THANG")
    page.click('[data-action="save"]')
    page.wait_for_selector(".screen-detail")
    assert "Đi công tác" in page.inner_text(".attendees")
    assert outbox_count(page) == 1
    assert page.errors == []


def test_duplicate_warning_search_and_filters(returning_phone, server):
    page = returning_phone()
    page.context.set_offline(True)
    fill_model(page, "Dân vận khéo trong xây dựng nông thôn mới", field="KINH_TE")
    fill_model(page, "Bồn rửa tay cho em")

    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    for key, value in {
        "name": "DÂN VẬN KHÉO trong xây dựng   nông thôn mới",
        "field": "KINH_TE",
        "collective_name": "Thị đoàn",
        "locality": "Xóm 3",
        "start_date": "2024-01-01",
        "objective": "Mục tiêu",
        "method": "Cách làm",
    }.items():
        control = field(page, key)
        if key == "field":
            control.select_option(value)
        else:
            control.fill(value)
    page.click('[data-action="save"]')
    page.wait_for_selector(".dialog")
    assert page.inner_text(".dialog-title") == "Có thể trùng với mô hình đã có — Tiếp tục?"
    page.click(".dialog .btn:not(.btn-primary)")
    assert page.locator(".screen-form").count() == 1
    assert outbox_count(page) == 2
    page.click('[data-action="save"]')
    page.click(".dialog .btn-primary")
    page.wait_for_selector(".screen-detail")
    assert outbox_count(page) == 3

    page.evaluate("() => { location.hash = '#/models'; }")
    page.wait_for_selector(".record-list a.record-row")
    page.fill("input.search", "dan van kheo nong thon")
    assert page.locator(".record-list a.record-row").count() == 2
    page.fill("input.search", "bon rua tay")
    assert page.inner_text(".record-list").startswith("Bồn rửa tay cho em")
    page.fill("input.search", "")
    page.select_option('[data-filter="field"]', "KINH_TE")
    assert page.locator(".record-list a.record-row").count() == 2
    page.select_option('[data-filter="field"]', "")
    assert page.locator(".record-list a.record-row").count() == 3
    assert page.inner_text(".list-summary") == "3 bản ghi"
    assert page.errors == []


def test_english_not_yet_downloaded_says_so_and_stays_vietnamese(new_phone):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    # As if the phone lost its connection before the files after the first load arrived.
    page.evaluate(
        """() => caches.keys().then((keys) => Promise.all(keys.map((key) =>
             caches.open(key).then((cache) => cache.delete('/js/i18n/labels-en.js')))))"""
    )
    page.context.set_offline(True)
    page.evaluate("() => { location.hash = '#/settings'; }")
    page.wait_for_selector(".screen-settings")
    page.click(".segmented button[lang=en]")
    page.wait_for_selector("#toast:has-text('Chưa tải được tiếng Anh')")
    assert page.inner_text(".screen-title") == "Cài đặt"
    assert page.evaluate("() => document.documentElement.lang") == "vi"
    assert page.get_attribute(".segmented button[lang=vi]", "aria-pressed") == "true"

    page.context.set_offline(False)  # back online, the switch works
    page.click(".segmented button[lang=en]")
    expect(page.locator(".screen-title")).to_have_text("Settings")
    assert page.errors == []


def open_sealed_export(server, sealed: dict) -> dict:
    """Decrypt a sealed export with the test server's private key, as the import does."""
    from server.sealed.keys import server_key
    from server.sealed.service import open_sealed

    return open_sealed(server_key(str(server.workdir / "export-key.pem")), sealed).payload


def test_english_settings_storage_and_careful_sign_out(new_phone, server):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)  # English is among the files cached after the first load
    page.context.set_offline(True)
    fill_meeting(page, "Hội nghị đối thoại với nhân dân")
    page.evaluate("() => { location.hash = '#/outbox'; }")
    page.wait_for_selector(".outbox-item")
    shot(page, "outbox")

    page.evaluate("() => { location.hash = '#/settings'; }")
    page.wait_for_selector("[data-testid=storage] p")
    assert "Đã dùng" in page.inner_text("[data-testid=storage]")
    shot(page, "settings")
    page.click(".segmented button[lang=en]")
    # The English labels load on demand: wait for them, then read.
    expect(page.locator(".screen-title")).to_have_text("Settings")
    assert page.inner_text('[data-tab="outbox"] [data-label]') == "Outbox"
    page.click(".segmented button[lang=vi]")
    expect(page.locator(".screen-title")).to_have_text("Cài đặt")

    # Sign-out refuses to drop the unsynced meeting without an export and a second "yes".
    page.click('[data-action="sign-out"]')
    page.wait_for_selector(".dialog")
    assert "Còn 1 thay đổi chưa đồng bộ" in page.inner_text(".dialog")
    with page.expect_download() as download_info:
        page.click(".dialog .btn-primary")
    download = download_info.value
    assert download.suggested_filename.startswith("sotay-chua-dong-bo-")
    sealed = json.loads(Path(download.path()).read_text("utf-8"))
    assert sealed["format"] == "sotay-sealed/1"  # only the server opens it (PROTOCOL.md §13)
    exported = open_sealed_export(server, sealed)
    assert exported["mutations"][0]["data"]["title"] == "Hội nghị đối thoại với nhân dân"
    assert [r["title"] for r in exported["records"]] == ["Hội nghị đối thoại với nhân dân"]
    page.wait_for_selector(".dialog .btn-danger")
    assert "Xác nhận lần cuối" in page.inner_text(".dialog")
    page.click(".dialog .btn:not(.btn-danger)")
    assert outbox_count(page) == 1
    assert page.locator(".screen-settings").count() == 1

    page.click('[data-action="sign-out"]')
    with page.expect_download():
        page.click(".dialog .btn-primary")
    page.wait_for_selector(".dialog .btn-danger")
    with page.expect_navigation():
        page.click(".dialog .btn-danger")
    page.wait_for_selector("#username")
    assert outbox_count(page) == 0
    assert page.errors == []
