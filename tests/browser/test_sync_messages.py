"""What the phone says when sync cannot happen: plain Vietnamese, the next try, what waits."""

import pytest

from tests.browser.conftest import field, fill_model, sign_in, wait_sw_ready

pytestmark = pytest.mark.browser


@pytest.mark.fresh_server
def test_unreachable_server_is_explained_with_the_next_try(new_phone, server):
    page = new_phone()
    sign_in(page)
    wait_sw_ready(page)
    server.stop()
    try:
        fill_model(page, "Mô hình nuôi ong lấy mật bản Huồi Pủng")
        page.evaluate("() => { location.hash = '#/'; }")
        page.click('.screen-home [data-action="sync-now"]')
        page.wait_for_selector("[data-testid=sync-error]")
        card = page.inner_text("[data-testid=sync-card]")
        assert "Không kết nối được máy chủ" in card
        assert "Tự thử lại lúc" in card
        assert "1 bản ghi có thay đổi chờ gửi lên máy chủ" in card
        assert "Failed to fetch" not in page.inner_text("body")
        assert page.inner_text("#outbox-badge") == "1"
    finally:
        server.start()
    assert page.errors == []


def test_sync_now_while_offline_says_why_nothing_happens(returning_phone):
    page = returning_phone()
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.click('.screen-home [data-action="sync-now"]')
    page.wait_for_selector("#toast:not([hidden])")
    assert "Đang ngoại tuyến: chưa thể đồng bộ" in page.inner_text("#toast")
    assert page.errors == []


def test_a_new_record_edited_offline_is_labelled_as_both(returning_phone):
    page = returning_phone()
    page.context.set_offline(True)
    record_id = fill_model(page, "Mô hình dân vận khéo bản Đồn")
    page.evaluate(f"() => {{ location.hash = '#/models/{record_id}/edit'; }}")
    page.wait_for_selector(".screen-form")
    field(page, "locality").fill("Bản Đồn mới")
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    page.evaluate("() => { location.hash = '#/outbox'; }")
    page.wait_for_selector(".outbox-item")
    assert "Tạo mới, đã sửa thêm" in page.inner_text(".outbox-item")
    assert page.errors == []


def test_english_counts_say_one_record(returning_phone):
    page = returning_phone()
    page.context.set_offline(True)
    fill_model(page, "Mô hình dân vận khéo bản Mới")
    texts = page.evaluate(
        "async () => { const m = await import('/js/i18n/labels.js'); await m.setLang('en');"
        " return [m.t('n_records', {n: 1}), m.t('n_records', {n: 2}),"
        " m.t('pending_records_n', {n: 1})]; }"
    )
    assert texts == ["1 record", "2 records", "1 record has changes waiting to be sent"]


def test_the_toast_after_saving_leaves_the_title_visible(returning_phone):
    page = returning_phone()
    page.context.set_offline(True)
    fill_model(page, "Mô hình tuyến phố văn minh khối Kim Tân")
    page.wait_for_selector("#toast:not([hidden])")
    toast = page.locator("#toast").bounding_box()
    title = page.locator(".screen-detail .screen-title").bounding_box()
    assert toast is not None and title is not None
    assert toast["y"] >= title["y"] + title["height"] or toast["y"] + toast["height"] <= title["y"]
