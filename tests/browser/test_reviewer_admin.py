"""A reviewer's administration is the users of their own units and enrolment codes for them:
no units, no devices, no one outside their province, no user changes."""

import pytest

from tests.browser.test_admin import add_admin
from tests.browser.test_reviewer import go

pytestmark = pytest.mark.browser


def test_reviewer_sees_own_users_and_enrols_but_no_units_or_devices(returning_phone, server):
    add_admin(server)  # a national administrator at the root: outside the reviewer's province
    page = returning_phone("lanhdao", online_only=True)
    go(page, "#/admin/users", "[data-testid=user-list] .admin-row")
    listed = page.locator("[data-testid=user-list] .admin-row")
    names = sorted(listed.nth(i).get_attribute("data-user") for i in range(listed.count()))
    assert names == ["canbo", "lanhdao"]
    # One tab: no link leads to units or devices.
    assert page.locator("a[href^='#/admin/units'], a[href^='#/admin/devices']").count() == 0
    assert page.locator("[data-action=add-user], [data-action=edit-user]").count() == 0
    assert page.locator("[data-action=reset], [data-action=deactivate]").count() == 0
    # Another reviewer (here: themself) is enrolled by an administrator only.
    assert page.locator(".admin-row[data-user=lanhdao] [data-action=enrol]").count() == 0

    page.click(".admin-row[data-user=canbo] [data-action=enrol]")
    page.wait_for_selector("[data-testid=one-time-code] img.qr")
    code = page.inner_text("[data-testid=code-text]")
    assert len(code) == 14 and code[4] == "-"
    page.click(".dialog .btn-primary")

    # The units and devices addresses fall back to the users screen.
    for address in ("#/admin/units", f"#/admin/units/{server.units['40']}", "#/admin/devices"):
        go(page, address, "[data-testid=user-list] .admin-row")
        assert page.locator("[data-testid=unit-list], [data-testid=device-list]").count() == 0

    # And the server refuses them whatever the screen shows.
    token = page.evaluate(
        "() => import('/js/store/db.js').then((m) => m.getSession()).then((s) => s.token)"
    )
    headers = {"Authorization": f"Bearer {token}"}
    unit = page.request.post(
        f"{server.url}/api/v1/units",
        headers=headers,
        data={"code": "VP-9", "name": "Văn phòng", "level": "TRUNG_GIAN", "parent_id": 1},
    )
    assert unit.status == 403
    devices = page.request.get(f"{server.url}/api/v1/devices", headers=headers)
    owners = {d["user"]["username"] for d in devices.json()} if devices.ok else set()
    assert owners <= {"lanhdao"}
    assert page.errors == []
