"""Administration end to end in Chromium: an administrator adds a former town with its
successor and an officer, makes an enrolment code, and a second phone redeems it and syncs;
the sign-in screen waits and retries when the server is busy (SIGN_IN_BUSY)."""

import pytest

from tests.browser.conftest import PASSWORD, set_pin, shot, sign_in, wait_synced
from tests.browser.test_reviewer import go

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}


def add_admin(server) -> None:
    """Create the national administrator of the test server."""
    server.add_user("quantri", "Quản Trị Viên", "TW", "QUAN_TRI")


def pick_unit(page, scope: str, words: str, name: str) -> None:
    """Type words into a unit search inside `scope` and pick the unit with that name."""
    page.locator(f"{scope} .unit-search input").last.fill(words)
    page.locator(f"{scope} .admin-picks button", has_text=name).first.click()


def test_admin_adds_a_former_town_and_an_officer_who_enrols_a_second_phone(new_phone, server):
    add_admin(server)
    page = new_phone(online_only=True)
    page.set_viewport_size(DESKTOP)
    sign_in(page, "quantri")
    go(page, f"#/admin/units/{server.units['40']}", "[data-testid=unit-list] .admin-row")
    shot(page, "admin-units-desktop")

    page.click("[data-action=add-unit]")
    form = "[data-testid=unit-form]"
    page.select_option(f"{form} [data-control=kind]", "HUYEN")
    page.fill(f"{form} [data-control=code]", "H414")
    page.fill(f"{form} [data-control=name]", "Thị xã Thái Hòa")
    # A former unit without its end date is refused, in Vietnamese, and nothing is added.
    page.click("[data-action=save-unit]")
    page.wait_for_selector(f"{form} .form-error:not([hidden])")
    assert "Đơn vị cũ cần có ngày kết thúc" in page.inner_text(f"{form} .form-error")
    page.fill(f"{form} [data-control=valid_to]", "2025-06-30")
    pick_unit(page, form, "nam can", "Xã Nậm Cắn")
    assert "Xã Nậm Cắn" in page.inner_text(f"{form} [data-testid=successors]")
    shot(page, "admin-unit-form-desktop")
    page.click("[data-action=save-unit]")
    page.wait_for_selector(".admin-row:has-text('Thị xã Thái Hòa (cũ)')")

    # An office, then a commune moved under it: the confirmation says what moves, for whom.
    page.click("[data-action=add-unit]")
    page.select_option(f"{form} [data-control=kind]", "TRUNG_GIAN")
    page.fill(f"{form} [data-control=code]", "VP-1")
    page.fill(f"{form} [data-control=name]", "Văn phòng khu vực 1")
    page.click("[data-action=save-unit]")
    page.wait_for_selector(".admin-row:has-text('Văn phòng khu vực 1')")
    page.locator(".admin-row:has-text('Xã Mường Xén') [data-action=edit-unit]").click()
    pick_unit(page, form, "van phong khu", "Văn phòng khu vực 1")
    page.click("[data-action=save-unit]")
    page.wait_for_selector("[data-testid=move-preview]")
    preview = page.inner_text("[data-testid=move-preview]")
    assert "Xã Mường Xén sẽ chuyển từ Tỉnh Nghệ An sang Văn phòng khu vực 1" in preview
    shot(page, "admin-move-preview-desktop")
    page.click(".dialog .btn-primary")
    page.wait_for_selector(".admin-row:has-text('Xã Mường Xén')", state="detached")
    page.locator(".admin-row:has-text('Văn phòng khu vực 1') a").click()
    page.wait_for_selector(".admin-row:has-text('Xã Mường Xén')")
    go(page, f"#/admin/units/{server.units['40']}", "[data-testid=unit-list] .admin-row")

    go(page, "#/admin/users", "[data-testid=user-list] .admin-row")
    page.click("[data-action=add-user]")
    form = "[data-testid=user-form]"
    page.fill(f"{form} [data-control=username]", "canbomoi")
    page.fill(f"{form} [data-control=full_name]", "Vi Thị Mới")
    pick_unit(page, form, "nam can", "Xã Nậm Cắn")
    page.check(f"{form} [data-role=CAN_BO_NHAP]")
    page.click("[data-action=save-user]")
    row = page.locator(".admin-row[data-user=canbomoi]")
    row.wait_for()
    assert "Xã Nậm Cắn" in row.inner_text()
    shot(page, "admin-users-desktop")

    row.locator("[data-action=enrol]").click()
    page.wait_for_selector("[data-testid=one-time-code] img.qr")
    code = page.inner_text("[data-testid=code-text]")
    assert len(code) == 14 and code[4] == "-"
    shot(page, "admin-enrol-code-desktop")
    page.click(".dialog .btn-primary")

    phone = new_phone(online_only=True)
    phone.goto(f"/#/enrol/{code.replace('-', '')}")
    phone.wait_for_selector("[data-testid=enrol-form]")
    assert phone.input_value("#enrol-code") == code.replace("-", "")
    shot(phone, "enrol-code")
    phone.click("[data-action=enrol]")
    # An enrolled phone sets its officer's PIN too, and gets the escrow key for a forgotten PIN.
    phone.wait_for_selector(".screen-set-pin")
    set_pin(phone)
    phone.wait_for_selector(".screen-home")
    accounts = phone.evaluate(
        "() => import('/js/store/phone.js').then((m) => m.listAccounts())"
        ".then((list) => list.map((a) => ({ name: a.username, escrow: Boolean(a.box.escrow) })))"
    )
    assert accounts == [{"name": "canbomoi", "escrow": True}]
    wait_synced(phone)
    assert "Vi Thị Mới" in phone.inner_text(".screen-home")

    # The code was used once: a third phone typing it is told so.
    third = new_phone(online_only=True)
    third.goto("/#/enrol")
    third.fill("#enrol-code", code.lower())
    third.click("[data-action=enrol]")
    third.wait_for_selector("[data-testid=enrol-form] .form-error:not([hidden])")
    assert "đã được dùng" in third.inner_text("[data-testid=enrol-form] .form-error")

    go(page, "#/admin/devices", "[data-testid=device-list] .admin-row")
    assert "Vi Thị Mới" in page.inner_text("[data-testid=device-list]")
    shot(page, "admin-devices-desktop")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "admin-devices")
    go(page, "#/admin/users", "[data-testid=user-list] .admin-row")
    shot(page, "admin-users")
    go(page, f"#/admin/units/{server.units['40']}", "[data-testid=unit-list] .admin-row")
    shot(page, "admin-units")
    assert page.errors == [] and phone.errors == [] and third.errors == []


def test_sign_in_waits_and_retries_when_the_server_is_busy(new_phone, server):
    page = new_phone()
    calls = []

    def busy_once(route):
        calls.append(1)
        if len(calls) == 1:
            route.fulfill(
                status=429,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body='{"error": {"code": "SIGN_IN_BUSY", "message": "bận", '
                '"details": {"retry_after_seconds": 1}}}',
            )
        else:
            route.continue_()

    page.route("**/api/v1/auth/login", busy_once)
    page.goto("/")
    page.fill("#username", "canbo")
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector("form.signin .form-error:has-text('tự thử lại sau 1 giây')")
    page.wait_for_selector(".screen-set-pin")
    set_pin(page)
    page.wait_for_selector(".screen-home")
    assert len(calls) == 2
    assert page.errors == []


def test_reset_code_then_own_password_change(new_phone, server):
    add_admin(server)
    page = new_phone(online_only=True)
    sign_in(page, "quantri")
    go(page, "#/admin/users", ".admin-row[data-user=canbo]")
    page.click(".admin-row[data-user=canbo] [data-action=reset]")
    page.wait_for_selector("[data-testid=code-text]")
    code = page.inner_text("[data-testid=code-text]")
    assert page.locator("[data-testid=one-time-code] img").count() == 0
    page.click(".dialog .btn-primary")

    phone = new_phone(online_only=True)
    phone.goto("/")
    phone.click("[data-action=reset-mode]")
    phone.fill("#reset-code", code)
    phone.fill("#reset-password", "mat-khau-moi-1")
    phone.click("[data-action=reset]")
    phone.wait_for_selector("form.signin #username")
    phone.fill("#username", "canbo")
    phone.fill("#password", "mat-khau-moi-1")
    phone.click("form.signin button[type=submit]")
    phone.wait_for_selector(".screen-set-pin")
    set_pin(phone)
    phone.wait_for_selector(".screen-home")
    wait_synced(phone)

    go(phone, "#/settings", "[data-action=change-password]")
    phone.click("[data-action=change-password]")
    phone.fill("#pw-current", "mat-khau-moi-1")
    phone.fill("#pw-new", "mat-khau-moi-2")
    phone.fill("#pw-again", "mat-khau-moi-2")
    phone.click(".dialog .btn-primary")
    phone.wait_for_selector("#toast:has-text('Đã đổi mật khẩu.')")
    status, _ = server.api(
        "POST",
        "/api/v1/auth/login",
        body={"username": "canbo", "password": "mat-khau-moi-2", "device_name": "Máy"},
    )
    assert status == 201
    assert page.errors == [] and phone.errors == []
