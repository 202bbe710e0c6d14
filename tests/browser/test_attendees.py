"""Attendees quickly on a 360 px phone: compact rows, a pasted list, an earlier meeting's people,
unnamed attendees counted into the attendance; and unit pickers grouped by parent with "(cũ)".
"""

import uuid

import pytest

from tests.browser.conftest import field, shot, sign_in, sync_now
from tests.browser.test_reviewer import add_user, go

pytestmark = pytest.mark.browser

PASTED = "\n".join(
    [
        "Nguyễn Văn An – Bí thư Đảng ủy – Xã Nậm Cắn",
        "Lò Thị Bình - Chủ tịch Hội Phụ nữ - Xã Nậm Cắn",
        "",
        "Vi Văn Sơn\tTrưởng bản\tBản Huồi Pủng",
        "Hà Thị Dung, Bí thư Chi đoàn, Bản Xốp Mạt",
        "– Trưởng ban – Ban Văn hóa - Xã hội",
        "Moong Văn Em",
    ]
)


def earlier_meeting(server, token: str) -> dict:
    """An earlier briefing with three named attendees, one of them also in the pasted list."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": server.units["17000"],
        "type": "GIAO_BAN",
        "title": "Giao ban công tác dân vận quý II",
        "format": "TRUC_TIEP",
        "organizer_unit_id": server.units["17000"],
        "start_at": "2024-06-20T08:00",
        "location": "Hội trường UBND xã",
        "content_summary": "Giao ban quý",
        "attendees": [
            {"full_name": "Lầu Bá Chư", "role": "CHU_TRI", "position": "Chủ tịch UBND xã"},
            {"full_name": "Xồng Thị Mỷ", "role": "THU_KY", "position": "Văn phòng Đảng ủy"},
            {"full_name": "NGUYỄN VĂN AN", "role": "DAI_BIEU"},
        ],
    }
    status, record = server.api("POST", "/api/v1/meetings", token, body)
    assert status == 201, record
    return record


def rows(page):
    return page.locator('[data-field="attendees"] .attendee-row')


def test_paste_reuse_and_unnamed_attendees_offline_then_synced(returning_phone, server):
    token = server.login("canbo")
    earlier_meeting(server, token)
    page = returning_phone()
    page.context.set_offline(True)
    go(page, "#/meetings/new", ".screen-form")
    for name, value in {
        "title": "Hội nghị triển khai phong trào Dân vận khéo năm 2024",
        "start_at": "2024-08-12T08:00",
        "location": "Nhà văn hóa bản Huồi Pủng",
        "content_summary": "Triển khai kế hoạch năm",
    }.items():
        field(page, name).fill(value)
    assert rows(page).count() == 1  # the officer, as chair

    # Paste: a preview with the count, the unreadable line reported, nothing added yet.
    page.click('[data-action="paste-attendees"]')
    page.fill(".paste-box", PASTED)
    assert page.inner_text(".paste-count") == "Sẽ thêm 5 người"
    bad = page.inner_text(".paste-bad")
    assert "1 dòng không đọc được" in bad and "Dòng 6: – Trưởng ban – Ban Văn hóa - Xã hội" in bad
    assert rows(page).count() == 1
    shot(page, "meeting-form-paste")
    page.click('dialog [data-action="confirm"]')
    assert rows(page).count() == 6
    sub = rows(page).nth(1).locator('[data-action="attendee-more"]').inner_text()
    assert "Bí thư Đảng ủy" in sub and "Xã Nậm Cắn" in sub

    # Reuse: the earlier meeting, found by a word of its title without diacritics.
    page.click('[data-action="reuse-attendees"]')
    page.fill("dialog input[type=search]", "giao ban")
    page.click("dialog .reuse-item")
    # Nguyễn Văn An is there already; the earlier chair becomes a delegate here.
    assert rows(page).count() == 8
    names = [
        rows(page).nth(i).locator('[data-field="full_name"] input').input_value() for i in range(8)
    ]
    assert names[-2:] == ["Lầu Bá Chư", "Xồng Thị Mỷ"]
    roles = [rows(page).nth(i).locator('[data-field="role"] select').input_value() for i in (6, 7)]
    assert roles == ["DAI_BIEU", "THU_KY"]

    # One row per person, a fifth of the old 470 px card at 360 px: two lines of 44 px targets
    # (name, role and remove; the details line).
    heights = rows(page).evaluate_all("rs => rs.map((r) => r.getBoundingClientRect().height)")
    assert max(heights) <= 96, heights

    # Unnamed people: the attendance follows named present + unnamed.
    field(page, "unnamed_count").fill("40")
    assert field(page, "actual_count").input_value() == "48"
    assert "= 48" in page.inner_text(".attendance-sum")
    # One listed person was absent: the total follows.
    rows(page).nth(3).locator('[data-action="attendee-more"]').click()
    rows(page).nth(3).locator('[data-field="attendance"] select').select_option("VANG")
    assert field(page, "actual_count").input_value() == "47"
    page.locator('[data-field="attendees"] legend').evaluate(
        "e => e.scrollIntoView({block: 'start'})"
    )
    shot(page, "meeting-form-attendees", full_page=None)

    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    meeting_id = page.evaluate("() => location.hash").split("/")[2]
    assert "7 người có tên có mặt + 40 người không ghi tên = 47" in page.inner_text(
        "[data-testid=attendance-sum]"
    )
    page.context.set_offline(False)
    sync_now(page)

    status, stored = server.api("GET", f"/api/v1/meetings/{meeting_id}", token)
    assert status == 200, stored
    assert stored["unnamed_count"] == 40 and stored["actual_count"] == 47
    assert [a["full_name"] for a in stored["attendees"]] == [
        "Lò Văn Minh",
        "Nguyễn Văn An",
        "Lò Thị Bình",
        "Vi Văn Sơn",
        "Hà Thị Dung",
        "Moong Văn Em",
        "Lầu Bá Chư",
        "Xồng Thị Mỷ",
    ]
    assert stored["attendees"][1] == {
        **stored["attendees"][1],
        "position": "Bí thư Đảng ủy",
        "org_name": "Xã Nậm Cắn",
    }
    assert stored["attendees"][3]["attendance"] == "VANG"
    # R4 counts the same attendance as the detail screen.
    status, report = server.api(
        "GET",
        f"/api/v1/reports/r4/list?unit_id={server.units['40']}&period=NAM_2024&records=all",
        server.login("lanhdao"),
    )
    assert status == 200, report
    [row] = [r for r in report["rows"] if r["id"] == meeting_id]
    assert row["so_dai_bieu"] == 47

    # Attendee names are searchable on the phone, without diacritics.
    go(page, "#/meetings", ".record-list")
    page.fill("input.search", "moong van em")
    assert page.locator(".record-list a.record-row").count() == 1
    assert page.errors == []


def test_the_chair_rule_shows_next_to_the_attendee_editor(returning_phone, server):
    page = returning_phone(online_only=True)
    go(page, "#/meetings/new", ".screen-form")
    rows(page).first.locator('[data-field="role"] select').select_option("DAI_BIEU")
    page.click('.screen-form [data-action="save"]')
    message = page.locator('[data-field="attendees"] > .field-error')
    assert message.inner_text() == "Cần ít nhất một người chủ trì"
    assert message.is_visible()
    page.click('[data-action="add-attendee"]')
    rows(page).nth(1).locator('[data-field="role"] select').select_option("THU_KY")
    page.click('.screen-form [data-action="save"]')
    assert (
        rows(page).nth(1).locator('[data-field="full_name"] .field-error').inner_text()
        == "Trường bắt buộc (*)"
    )
    assert page.errors == []


def add_legacy_units(server) -> None:
    """Add a town that ended on 30/06/2025 with its communes, and the new communes of 40."""
    from datetime import date

    from server.extensions import db
    from server.units.service import create_unit

    ids = server.units = dict(server.units)
    with server.app_context():

        def add(code, name, level, parent, ended=False):
            data = {
                "code": code,
                "name": name,
                "level": level,
                "parent_id": ids[parent],
                "valid_from": date(2019, 1, 1) if ended else date(2025, 7, 1),
            }
            if ended:
                data["valid_to"] = date(2025, 6, 30)
            ids[code] = create_unit(db.session, actor=None, data=data).id

        add("414", "Thị xã Thái Hòa", "HUYEN", "40", ended=True)
        add("17011", "Xã Đông Hiếu", "XA", "414", ended=True)
        add("17012", "Xã Nghĩa Thuận", "XA", "414", ended=True)
        add("17013", "Xã Tây Hiếu", "XA", "414", ended=True)
        add("17020", "Xã Đông Hiếu", "XA", "40")
        add("17021", "Xã Anh Sơn", "XA", "40")
        add("17022", "Xã Con Cuông", "XA", "40")
        add("17023", "Xã Kỳ Sơn", "XA", "40")
        add("17024", "Xã Tương Dương", "XA", "40")
        db.session.commit()


def test_commune_picker_groups_by_parent_and_marks_old_units(new_phone, server):
    add_legacy_units(server)
    add_user(server, "tinh", "Trần Văn Tỉnh", "40", "CAN_BO_NHAP")
    page = new_phone(online_only=True)
    sign_in(page, "tinh")
    go(page, "#/models/new", ".screen-form")
    picker = '.screen-form [data-field="commune_unit_id"]'
    groups = page.eval_on_selector_all(
        f"{picker} optgroup",
        "gs => gs.map((g) => [g.label, [...g.children].map((o) => o.textContent)])",
    )
    assert groups == [
        [
            "Tỉnh Nghệ An",
            [
                "Xã Anh Sơn",
                "Xã Con Cuông",
                "Xã Đông Hiếu — Tỉnh Nghệ An",
                "Xã Kỳ Sơn",
                "Xã Mường Xén",
                "Xã Nậm Cắn",
                "Xã Tương Dương",
            ],
        ],
        [
            "Thị xã Thái Hòa (cũ)",
            ["Xã Đông Hiếu (cũ) — Thị xã Thái Hòa", "Xã Nghĩa Thuận (cũ)", "Xã Tây Hiếu (cũ)"],
        ],
    ]
    assert page.locator(f"{picker} label").first.inner_text() == "Địa bàn thực hiện *"

    # The filter folds diacritics, keeps the groups, and Enter picks the only match.
    search = page.locator(f"{picker} input[type=search]")
    search.fill("dong hieu")
    assert page.eval_on_selector_all(f"{picker} option", "os => os.map((o) => o.textContent)") == [
        "— Chọn —",
        "Xã Đông Hiếu — Tỉnh Nghệ An",
        "Xã Đông Hiếu (cũ) — Thị xã Thái Hòa",
    ]
    assert page.inner_text(f"{picker} .unit-count") == "2 đơn vị"
    search.fill("tay hieu")
    search.press("Enter")
    assert page.locator(".screen-form").count() == 1  # Enter did not submit the form
    assert field(page, "commune_unit_id").input_value() == str(server.units["17013"])
    # Shown as an open list for the picture (a phone opens the same groups in its own sheet).
    search.fill("")
    page.eval_on_selector(f"{picker} select", "s => { s.size = 12; }")
    page.locator(picker).evaluate("e => e.scrollIntoView({block: 'start'})")
    shot(page, "unit-picker-grouped", full_page=None)
    page.eval_on_selector(f"{picker} select", "s => { s.size = 0; }")

    # The organizer of a meeting is grouped the same way.
    go(page, "#/meetings/new", ".screen-form")
    labels = page.eval_on_selector_all(
        '.screen-form [data-field="organizer_unit_id"] optgroup', "gs => gs.map((g) => g.label)"
    )
    assert "Thị xã Thái Hòa (cũ)" in labels and "Tỉnh Nghệ An" in labels
    assert page.errors == []
