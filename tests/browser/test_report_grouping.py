"""The managing unit on the forms, and reports by managing unit or by commune on a phone.

A province officer records models for two communes: the form shows "Đơn vị quản lý" (their own
unit by default) and saves the unit they choose; R1 counts the province's models in its own row
by managing unit, and in the communes' rows by where they are carried out.
"""

import pytest

from tests.browser.conftest import field, fill_model, shot, sign_in, sync_now
from tests.browser.test_reviewer import add_user, create, go, model_body, step

pytestmark = pytest.mark.browser

PROVINCE_ROW = "Tỉnh Nghệ An (trực tiếp quản lý)"


def options(page, name: str) -> list[str]:
    """Return the option texts of a form's select."""
    return field(page, name).locator("option").all_inner_texts()


def test_the_forms_show_and_save_the_managing_unit(new_phone, server):
    add_user(server, "tinh", "Trần Văn Tỉnh", "40", "CAN_BO_NHAP")
    page = new_phone(online_only=True)
    sign_in(page, "tinh")
    page.evaluate("() => { location.hash = '#/models/new'; }")
    page.wait_for_selector(".screen-form")
    owner = field(page, "owner_unit_id")
    label = page.locator('.screen-form [data-field="owner_unit_id"] label').inner_text()
    assert label == "Đơn vị quản lý *"
    assert owner.input_value() == str(server.units["40"])
    assert options(page, "owner_unit_id")[1:] == ["Tỉnh Nghệ An", "· Xã Nậm Cắn", "· Xã Mường Xén"]
    owner.select_option(str(server.units["17000"]))
    owner.scroll_into_view_if_needed()
    shot(page, "model-form-owner", full_page=None)

    record_id = fill_model(
        page,
        "Khéo vận động làm đường giao thông nông thôn",
        owner_unit_id=str(server.units["17000"]),
        commune_unit_id=str(server.units["17001"]),
    )
    sync_now(page)
    saved = [r for r in server.list("models", server.login("tinh")) if r["id"] == record_id]
    assert saved[0]["owner_unit_id"] == server.units["17000"]
    assert saved[0]["commune_unit_id"] == server.units["17001"]

    page.evaluate("() => { location.hash = '#/meetings/new'; }")
    page.wait_for_selector(".screen-form")
    assert field(page, "owner_unit_id").input_value() == str(server.units["40"])
    assert "· Xã Mường Xén" in options(page, "owner_unit_id")
    assert page.errors == []


@pytest.fixture
def province_models(server):
    """Three approved models managed by the province: one for Nậm Cắn, two for Mường Xén."""
    add_user(server, "tinh", "Trần Văn Tỉnh", "40", "CAN_BO_NHAP")
    officer, reviewer = server.login("tinh"), server.login("lanhdao")
    for index, commune in enumerate(("17000", "17001", "17001")):
        body = model_body(
            server.units[commune], f"Mô hình của tỉnh {index}", owner_unit_id=server.units["40"]
        )
        step(server, reviewer, "models", create(server, officer, "models", body), "approve")
    return server


def shown_totals(page) -> dict[str, str]:
    """Return the total of each visible row of R1 by unit name."""
    return page.eval_on_selector_all(
        "[data-testid=report-table] tbody tr",
        """rows => Object.fromEntries(rows.filter((r) => r.offsetParent !== null).map((r) => [
            r.querySelector('[data-key=unit_name]').textContent,
            r.querySelector('[data-key=total]').textContent]))""",
    )


def test_reports_group_by_managing_unit_or_commune_on_a_phone(returning_phone, province_models):
    page = returning_phone("lanhdao", online_only=True)
    go(page, "#/reports", ".screen-reports")
    assert page.inner_text(".report-field:has([data-control=boundaries]) .field-label") == (
        "Địa giới hành chính"
    )
    assert page.locator("[data-control=boundaries] option").all_inner_texts() == [
        "Theo kỳ báo cáo",
        "Cũ",
        "Mới (từ 7/2025)",
    ]
    assert (
        page.inner_text(".report-field:has([data-control=by]) .field-label") == "Tính mô hình theo"
    )
    assert page.input_value("[data-control=by]") == "owner"
    # A phone hides all-zero rows unless asked.
    assert page.is_checked("[data-control=hide-zeros]")

    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=report-table] tbody tr")
    assert page.inner_text("[data-testid=grouped-by]") == "Tính theo đơn vị quản lý"
    heads = page.locator("[data-testid=report-table] thead th").all_inner_texts()
    assert heads[1] == "Đơn vị (tính theo đơn vị quản lý)"
    assert shown_totals(page) == {PROVINCE_ROW: "3"}
    assert page.inner_text("[data-testid=zero-rows]") == "Đã ẩn 2 dòng toàn số 0"
    # Nothing was recorded in 2025: the change is "—" with a note, not "+3".
    change = page.inner_text('[data-testid=report-table] tbody tr [data-key="tang_giam"]')
    assert change == "—"
    assert page.inner_text("[data-testid=no-previous]") == ("— Cùng kỳ không có số liệu để so sánh")

    page.uncheck("[data-control=hide-zeros]")
    assert shown_totals(page) == {PROVINCE_ROW: "3", "Xã Nậm Cắn": "0", "Xã Mường Xén": "0"}
    assert page.is_hidden("[data-testid=zero-rows]")
    assert "zeros=1" in page.evaluate("() => location.hash")
    page.check("[data-control=hide-zeros]")

    page.select_option("[data-control=by]", "commune")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=grouped-by]')?.dataset.by === 'commune'"
    )
    assert page.inner_text("[data-testid=grouped-by]") == "Tính theo địa bàn thực hiện"
    assert shown_totals(page) == {"Xã Nậm Cắn": "1", "Xã Mường Xén": "2"}
    assert "by=commune" in page.evaluate("() => location.hash")

    # The unit column stays put while the figures scroll under it.
    unit_head = page.locator("[data-testid=report-table] thead th[data-key=unit_name]")
    assert unit_head.evaluate("e => getComputedStyle(e).position") == "sticky"
    wrap = page.locator(".report-out .table-wrap")
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("role") == "region"
    assert wrap.get_attribute("aria-label") == "Tổng hợp mô hình, điển hình “Dân vận khéo”"
    cell = page.locator("[data-testid=report-table] tbody tr:visible [data-key=unit_name]").first
    wrap.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.report-out .table-wrap').scrollLeft > 100"
    )
    assert abs(cell.bounding_box()["x"] - wrap.bounding_box()["x"]) < 2
    page.evaluate(
        "() => { document.activeElement.blur();"
        " document.querySelector('.report-field').scrollIntoView(); window.scrollBy(0, -64); }"
    )
    shot(page, "report-phone-controls", full_page=None)
    # The table scrolled sideways: the unit column stays while the figures move under it.
    page.evaluate("() => document.querySelector('.report-head').scrollIntoView()")
    shot(page, "report-phone", full_page=None)

    page.select_option("[data-control=code]", "r3")
    page.click("[data-action=show]")
    page.wait_for_selector('[data-testid=report-table][data-code="R3"] tbody tr')
    assert page.inner_text("[data-testid=grouped-by]") == "Tính theo địa bàn thực hiện"
    assert page.locator("[data-testid=report-table] tbody tr").count() == 3

    go(page, "#/dashboard", "[data-testid=table-models]")
    regions = page.eval_on_selector_all(
        ".dash-body .table-wrap",
        "els => els.map((e) => [e.tabIndex, e.getAttribute('role'), e.getAttribute('aria-label')])",
    )
    assert regions == [
        [0, "region", "Mô hình, điển hình theo lĩnh vực"],
        [0, "region", "Hội nghị, hoạt động theo loại"],
        [0, "region", "Bản ghi chờ duyệt"],
        [0, "region", "Thiết bị và đồng bộ"],
    ]
    assert page.errors == []


def add_legacy_town(server) -> int:
    """Add a town of 40 that ended on 30/06/2025, succeeded by both communes; return its id."""
    from datetime import date

    from server.extensions import db
    from server.units.service import create_unit

    units = server.units
    with server.app_context():
        data = {
            "code": "H414",
            "name": "Thị xã Thái Hòa",
            "level": "HUYEN",
            "parent_id": units["40"],
            "valid_to": date(2025, 6, 30),
            "successor_ids": [units["17000"], units["17001"]],
        }
        town = create_unit(db.session, actor=None, data=data).id
        db.session.commit()
    return town


def test_an_ended_unit_on_new_boundaries_names_its_successors(returning_phone, server):
    town = add_legacy_town(server)
    page = returning_phone("lanhdao", online_only=True)
    go(page, f"#/reports?code=r1&period=NAM_2026&unit={town}&boundaries=new", ".screen-reports")
    page.wait_for_selector("[data-testid=unit-ended]")
    text = page.inner_text("[data-testid=unit-ended]")
    assert text.startswith("Đơn vị này đã kết thúc ngày 30/06/2025 — xem các đơn vị kế thừa:")
    successors = page.locator("[data-testid=unit-ended] [data-successor]")
    assert successors.all_inner_texts() == ["Xã Nậm Cắn", "Xã Mường Xén"]
    page.evaluate("() => { document.querySelector('.report-head').scrollIntoView(); }")
    shot(page, "report-ended-unit", full_page=None)
    successors.first.click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=report-table]')"
        " && document.querySelector('.report-head').textContent.includes('Xã Nậm Cắn')"
    )
    assert page.input_value("[data-control=unit]") == str(server.units["17000"])
    assert page.locator("[data-testid=unit-ended]").count() == 0
    town_option = page.locator(f'[data-control=unit] option[value="{town}"]')
    assert town_option.inner_text() == "· Thị xã Thái Hòa (cũ)"
    assert page.errors == []
