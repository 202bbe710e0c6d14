"""A recognition recorded offline on the phone syncs and shows in R1; an inspection's overdue
follow-up shows on the phone; R5 and R6 on the report screen (DOMAIN.md §2.7–2.8, §4)."""

import pytest

from tests.browser.conftest import field, outbox_count, shot, sync_now
from tests.browser.test_reviewer import create, go, model_body, step

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}


def r1_row(server, token: str, unit_name: str) -> dict:
    """Return one unit's row of R1 for 2026, every record counted."""
    query = f"unit_id={server.units['40']}&period=NAM_2026&records=all"
    status, report = server.api("GET", f"/api/v1/reports/r1?{query}", token)
    assert status == 200, report
    return next(r for r in report["rows"] if r["unit_name"] == unit_name)


def test_recognition_recorded_offline_syncs_and_shows_in_r1(returning_phone, server):
    officer = server.login("canbo")
    model = create(server, officer, "models", model_body(server.units["17000"], "Dân vận khéo"))
    page = returning_phone()
    page.context.set_offline(True)
    go(page, f"#/models/{model['id']}", "[data-testid=recognitions]")
    page.click("[data-action=add-recognition]")
    page.wait_for_selector(".screen-form")
    assert field(page, "subject_model_id").input_value() == model["id"]
    field(page, "stage").select_option("KHEN")
    field(page, "level").select_option("XA")
    field(page, "form").select_option("BANG_KHEN")
    field(page, "issuer").fill("UBND xã Nậm Cắn")
    field(page, "decision_date").fill("2026-10-15")
    page.click('.screen-form [data-action="save"]')
    # Checked on the phone as on the server: no number for a commendation, no Bằng khen by a xã.
    assert page.inner_text('[data-field="decision_no"] .field-error') == (
        "Bước Khen thưởng cần số quyết định"
    )
    assert page.inner_text('[data-field="form"] .field-error') == (
        "Hình thức này không do cấp này trao tặng"
    )
    field(page, "form").select_option("GIAY_KHEN")
    field(page, "decision_no").fill("45/QĐ-UBND")
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    assert outbox_count(page) == 1
    go(page, f"#/models/{model['id']}", "[data-testid=recognitions] a.strong")
    assert "Khen thưởng · Xã · 45/QĐ-UBND" in page.inner_text("[data-testid=recognitions]")
    go(page, "#/models", "[data-testid=recognition-badge]")
    assert page.inner_text("[data-testid=recognition-badge]") == "Khen thưởng · Xã"

    reviewer = server.login("lanhdao")
    before = r1_row(server, reviewer, "Xã Nậm Cắn")
    assert (before["cong_nhan"], before["khen_thuong"]) == (0, 0)
    page.context.set_offline(False)
    sync_now(page)
    assert outbox_count(page) == 0
    after = r1_row(server, reviewer, "Xã Nậm Cắn")
    assert (after["cong_nhan"], after["khen_thuong"]) == (1, 1)
    assert page.errors == []


def test_overdue_follow_up_on_the_phone(returning_phone, server):
    officer = server.login("canbo")
    commune = server.units["17000"]
    body = {
        "id": "0b7e5b6e-3c1a-4d2e-9f10-2a3b4c5d6e7f",
        "owner_unit_id": commune,
        "kind": "GIAM_SAT",
        "conducting_unit_id": commune,
        "target_unit_ids": [commune],
        "subject": "Giám sát thực hiện quy chế dân chủ ở thôn",
        "date_from": "2026-03-02",
        "result": "CAN_KHAC_PHUC",
        "follow_up_due": "2026-04-30",
    }
    create(server, officer, "inspections", body, submit=False)
    page = returning_phone(online_only=True)
    page.click("[data-testid=overdue-alert]")
    page.wait_for_selector("[data-testid=overdue]")
    assert page.inner_text(".screen-title") == "Quá hạn khắc phục"
    assert page.locator("[data-testid=record-list] li").count() == 1
    assert page.errors == []


@pytest.fixture
def seeded(server):
    """Approved inspections and recognitions of 2026 in both communes."""
    reviewer = server.login("lanhdao")
    officer = server.login("canbo")
    commune = server.units["17000"]
    for i, (kind, targets) in enumerate(
        [("KIEM_TRA", [commune]), ("KIEM_TRA", [commune]), ("GIAM_SAT", [commune])]
    ):
        body = {
            "id": f"1b7e5b6e-3c1a-4d2e-9f10-2a3b4c5d6e{i:02d}",
            "owner_unit_id": commune,
            "kind": kind,
            "conducting_unit_id": commune,
            "target_unit_ids": targets,
            "other_targets": ["HTX chè Nậm Cắn"] if i == 0 else [],
            "subject": "Kiểm tra phong trào thi đua Dân vận khéo",
            "date_from": "2026-05-1" + str(i),
            "recommendations": "Bổ sung hồ sơ mô hình" if i == 0 else None,
        }
        step(
            server, reviewer, "inspections", create(server, officer, "inspections", body), "approve"
        )
    for i, (stage, level, form, number) in enumerate(
        [
            ("CONG_NHAN", "XA", "KHAC", None),
            ("TIEU_BIEU", "XA", "BIEU_DUONG", None),
            ("KHEN", "TINH", "BANG_KHEN", "2041/QĐ-UBND"),
        ]
    ):
        model = create(server, officer, "models", model_body(commune, f"Mô hình số {i}"))
        step(server, reviewer, "models", model, "approve")
        body = {
            "id": f"2b7e5b6e-3c1a-4d2e-9f10-2a3b4c5d6e{i:02d}",
            "owner_unit_id": commune,
            "subject_model_id": model["id"],
            "stage": stage,
            "level": level,
            "form": form,
            "issuer": "UBND tỉnh Nghệ An" if level == "TINH" else "BCĐ phong trào DVK xã",
            "decision_no": number,
            "decision_date": "2026-09-1" + str(i),
            "period": "GD_2026_2030",
        }
        step(
            server,
            reviewer,
            "recognitions",
            create(server, officer, "recognitions", body),
            "approve",
        )
    return server


def test_r5_and_r6_on_the_report_screen(returning_phone, seeded):
    page = returning_phone("lanhdao", online_only=True, viewport=DESKTOP)
    go(page, "#/reports", ".screen-reports")
    page.select_option("[data-control=code]", "r5")
    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=report-table][data-code=R5] tbody tr")
    table = page.locator("[data-testid=report-table]")
    heads = table.locator("thead th").all_inner_texts()
    totals = table.locator("tfoot td").all_inner_texts()
    assert totals[heads.index("Số cuộc kiểm tra")] == "2"
    assert totals[heads.index("Số tổ chức, đơn vị được kiểm tra")] == "3"
    assert totals[heads.index("Số cuộc giám sát")] == "1"
    page.evaluate("() => document.querySelector('.report-head').scrollIntoView()")
    shot(page, "report-r5", full_page=None)
    page.select_option("[data-control=code]", "r6")
    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=report-table][data-code=R6] tbody tr")
    rows = page.locator("[data-testid=report-table] tbody tr").all_inner_texts()
    assert len(rows) == 3 and "Bằng khen" in rows[0] and "2041/QĐ-UBND" in rows[0]
    assert "Công nhận: 1 (1 tập thể, 0 cá nhân)" in page.inner_text("[data-testid=report]")
    page.evaluate("() => document.querySelector('.report-head').scrollIntoView()")
    shot(page, "report-r6", full_page=None)
    assert page.errors == []
