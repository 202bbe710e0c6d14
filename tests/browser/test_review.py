"""The review loop reaches the officer's phone: submit offline, the reviewer returns the record
with a comment, the officer sees it flagged for rework with the comment and the history."""

import pytest

from tests.browser.conftest import fill_model, shot, sync_now

pytestmark = pytest.mark.browser


def test_returned_record_is_flagged_with_the_comment(returning_phone, server):
    officer = returning_phone()
    officer.context.set_offline(True)
    record_id = fill_model(officer, "Khéo trong công tác tiếp công dân")
    officer.click('[data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    assert officer.locator('[data-action="withdraw"]').count() == 1
    sync_now(officer, lambda: officer.context.set_offline(False))

    reviewer = returning_phone("lanhdao")
    reviewer.evaluate(f"() => {{ location.hash = '#/models/{record_id}'; }}")
    reviewer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    assert reviewer.locator('[data-action="approve"]').count() == 1
    assert reviewer.locator('[data-action="edit"]').count() == 0
    reviewer.context.set_offline(True)
    reviewer.click('[data-action="return"]')
    reviewer.click(".dialog .btn-primary")
    assert reviewer.inner_text(".dialog .field-error") == "Trường bắt buộc (*)"
    reviewer.fill(".dialog textarea", "Bổ sung số hộ tham gia và kết quả cụ thể")
    reviewer.click(".dialog .btn-primary")
    reviewer.wait_for_selector('.screen-detail [data-review="TRA_LAI"]')
    sync_now(reviewer, lambda: reviewer.context.set_offline(False))

    sync_now(officer)
    officer.evaluate("() => { location.hash = '#/'; }")
    officer.wait_for_selector("[data-testid=returned]")
    assert "1 bản ghi bị trả lại — cần bổ sung" in officer.inner_text("[data-testid=returned]")
    shot(officer, "home")
    officer.evaluate("() => { location.hash = '#/models'; }")
    row = officer.locator(f'a[data-id="{record_id}"]')
    assert row.locator("[data-rework]").count() == 1
    assert "is-returned" in row.get_attribute("class")
    officer.select_option('[data-filter="review_status"]', "TRA_LAI")
    assert officer.locator(".record-list a.record-row").count() == 1
    shot(officer, "list")
    row.click()
    officer.wait_for_selector("[data-testid=review-comment]")
    comment = officer.inner_text("[data-testid=review-comment]")
    assert "Bổ sung số hộ tham gia và kết quả cụ thể" in comment
    assert "Nguyễn Thị Hoa" in comment
    shot(officer, "detail")
    officer.click('[data-action="history"]')
    officer.wait_for_selector(".history-list li")
    assert officer.locator(".history-list li").count() >= 3
    assert officer.locator('[data-action="submit"]').count() == 1

    # The reason stays in sight while the officer reworks the record.
    officer.evaluate(f"() => {{ location.hash = '#/models/{record_id}/edit'; }}")
    officer.wait_for_selector(".screen-form [data-testid=review-comment]")
    in_form = officer.inner_text(".screen-form [data-testid=review-comment]")
    assert "lý do trả lại" in in_form.lower() and "Bổ sung số hộ tham gia" in in_form
    # Back (history.back()) returns to the record; setting the hash meanwhile would race it.
    officer.click('.screen-form [data-action="back"]')
    officer.wait_for_selector('.screen-detail [data-action="submit"]')

    # Sent again, the comment is history, not the current decision.
    officer.click('.screen-detail [data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    sync_now(officer)
    officer.wait_for_selector('[data-testid=review-comment][data-round="earlier"]')
    assert "ý kiến lần duyệt trước" in officer.inner_text("[data-testid=review-comment]").lower()

    # A reviewer is never told to rework records.
    reviewer.evaluate("() => { location.hash = '#/'; }")
    reviewer.wait_for_selector(".screen-home")
    assert reviewer.locator("[data-testid=returned]").count() == 0
    assert officer.errors == [] and reviewer.errors == []
