"""Two phones edit one record offline: different fields merge; the same field shows the
conflict screen, and the losing value is kept and can be restored."""

import uuid

import pytest

from tests.browser.conftest import field, shot, sign_in, sync_now

pytestmark = pytest.mark.browser


def _model(server, token: str) -> dict:
    commune = server.units["17000"]
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": commune,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Tuyến phố văn minh",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Tổ Dân vận khối Kim Tân",
        "commune_unit_id": commune,
        "locality": "Khối Kim Tân",
        "start_date": "2020-01-15",
        "status": "DANG_DUY_TRI",
        "period": "GD_2016_2020",
        "year_registered": 2020,
        "objective": "Phố sạch, đẹp",
        "method": "Vận động từng hộ",
        "metrics": [],
        "topic_tags": [],
    }
    status, created = server.api("POST", "/api/v1/models", token, body)
    assert status == 201, created
    return created


def _edit(page, record_id: str, name: str, value: str) -> None:
    page.evaluate(f"() => {{ location.hash = '#/models/{record_id}/edit'; }}")
    page.wait_for_selector(".screen-form")
    field(page, name).fill(value)
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")


def _two_phones_with(new_phone, server, returning_phone):
    """Open two phones of the officer (two devices: one signed in before, one signs in now)."""
    token = server.login("canbo")
    record = _model(server, token)
    phones = []
    for _ in range(2):
        if phones:
            page = new_phone()
            sign_in(page)
        else:
            page = returning_phone()
        page.evaluate("() => { location.hash = '#/models'; }")
        page.wait_for_selector(f'a[data-id="{record["id"]}"]')
        page.context.set_offline(True)
        phones.append(page)
    return token, record, phones


def _sync(page) -> None:
    sync_now(page, lambda: page.context.set_offline(False))


def test_different_fields_merge(new_phone, server, returning_phone):
    token, record, (a, b) = _two_phones_with(new_phone, server, returning_phone)
    _edit(a, record["id"], "name", "Tuyến phố văn minh, sạch đẹp")
    _edit(b, record["id"], "locality", "Khối Kim Tân, phường Hòa Hiếu")
    _sync(a)
    _sync(b)
    sync_now(a)

    status, merged = server.api("GET", f"/api/v1/models/{record['id']}", token)
    assert status == 200
    assert merged["name"] == "Tuyến phố văn minh, sạch đẹp"
    assert merged["locality"] == "Khối Kim Tân, phường Hòa Hiếu"
    for page in (a, b):
        page.wait_for_function(
            "() => document.querySelector('.detail-title')?.textContent === 'Tuyến phố văn minh, sạch đẹp'"
        )
        assert "Khối Kim Tân, phường Hòa Hiếu" in page.inner_text(".fields")
    assert a.errors == [] and b.errors == []


def test_same_field_shows_conflict_and_keeps_the_losing_value(new_phone, server, returning_phone):
    token, record, (a, b) = _two_phones_with(new_phone, server, returning_phone)
    _edit(a, record["id"], "objective", "Mục tiêu của máy A")
    _edit(b, record["id"], "objective", "Mục tiêu của máy B")
    _sync(a)
    _sync(b)

    # B lost: its value is kept aside, shown next to the server's.
    b.evaluate("() => { location.hash = '#/'; }")
    b.wait_for_selector("[data-testid=conflicts-alert]")
    b.click("[data-testid=conflicts-alert]")
    card = b.locator(".conflict").first
    card.wait_for()
    assert card.get_attribute("data-field") == "objective"
    assert card.locator("[data-testid=kept-value]").inner_text() == "Mục tiêu của máy A"
    assert card.locator("[data-testid=lost-value]").inner_text() == "Mục tiêu của máy B"
    shot(b, "conflict")

    status, server_copy = server.api("GET", f"/api/v1/models/{record['id']}", token)
    assert server_copy["objective"] == "Mục tiêu của máy A"

    sync_now(b, card.locator("[data-action=keep-mine]").click)
    status, server_copy = server.api("GET", f"/api/v1/models/{record['id']}", token)
    assert server_copy["objective"] == "Mục tiêu của máy B"
    b.wait_for_selector(".screen-conflicts .empty")
    sync_now(a)
    a.evaluate(f"() => {{ location.hash = '#/models/{record['id']}'; }}")
    a.wait_for_function(
        "() => document.querySelector('.fields')?.textContent.includes('Mục tiêu của máy B')"
    )
    assert a.errors == [] and b.errors == []
