"""The form refuses an implausible value before saving, in the server's words (PROTOCOL.md §3.5)."""

import pytest

from server.records.plausible import today_in_vietnam
from tests.browser.conftest import field, outbox_count, shot

pytestmark = pytest.mark.browser


def test_form_states_the_range_of_a_birth_year(returning_phone, server):
    page = returning_phone(online_only=True)
    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    field(page, "subject_type").select_option("CA_NHAN")
    values = {
        "name": "Gương điển hình vận động hiến đất làm đường",
        "field": "KINH_TE",
        "person_name": "Nguyễn Phong Lưu",
        "person_birth_year": "2099",
        "locality": "Xóm 3",
        "start_date": "2024-03-01",
        "objective": "Mở đường liên xóm",
        "method": "Vận động từng hộ",
    }
    for key, value in values.items():
        control = field(page, key)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    page.click('[data-action="save"]')
    error = page.locator('[data-field="person_birth_year"] .field-error')
    error.wait_for(state="visible")
    # The upper bound is this year less 15, taken when the form checks, as on the server.
    assert error.inner_text() == f"Năm sinh phải từ 1900 đến {today_in_vietnam().year - 15}."
    page.locator('[data-field="person_birth_year"]').evaluate(
        "e => e.scrollIntoView({block: 'center'})"
    )
    shot(page, "model-form-range", full_page=None)
    assert outbox_count(page) == 0

    field(page, "person_birth_year").fill("1970")
    page.click('[data-action="save"]')
    page.wait_for_selector(".screen-detail")
    assert outbox_count(page) == 1
    assert page.errors == []
