"""The dashboard draws the server's numbers as SVG charts and tables, and says so politely when
offline; the reports screen shows a report's table and downloads it as Excel and CSV with the
bearer token, and opens the printable page."""

from pathlib import Path

import pytest

from tests.browser.conftest import seeded_once, shot, sign_in
from tests.browser.test_reviewer import add_user, create, go, meeting_body, model_body, step

pytestmark = pytest.mark.browser

FIELDS = ["KINH_TE", "VAN_HOA_XA_HOI", "QP_AN", "XD_HTCT"]
# What each commune records and gets approved: models by field, meetings by type and attendance.
SEED = {
    "17000": {
        "models": ["KINH_TE"] * 3 + ["VAN_HOA_XA_HOI"] * 2 + ["QP_AN"],
        "meetings": [("TOA_DAM", 40), ("TOA_DAM", 60)],
    },
    "17001": {"models": ["KINH_TE", "XD_HTCT", "XD_HTCT"], "meetings": [("SO_KET", 120)]},
}


def _seed(server):
    """Approved records in both communes, plus one model still waiting for review."""
    add_user(server, "canbo2", "Vi Thị Lan", "17001", "CAN_BO_NHAP")
    add_user(server, "xem", "Hà Minh Châu", "40", "XEM")
    reviewer = server.login("lanhdao")
    officers = {"17000": server.login("canbo"), "17001": server.login("canbo2")}
    for code, plan in SEED.items():
        unit = server.units[code]
        for i, field_code in enumerate(plan["models"]):
            record = create(
                server, officers[code], "models", model_body(unit, f"Mô hình {i}", field_code)
            )
            step(server, reviewer, "models", record, "approve")
        for i, (kind, count) in enumerate(plan["meetings"]):
            body = meeting_body(unit, f"Hội nghị số {i}", kind, count)
            step(
                server,
                reviewer,
                "meetings",
                create(server, officers[code], "meetings", body),
                "approve",
            )
    create(server, officers["17000"], "models", model_body(server.units["17000"], "Đang chờ duyệt"))
    return server


seeded = seeded_once(_seed)


def bar_rows(page, testid: str) -> dict:
    """Each bar of a chart: its label, total and the values of its segments."""
    return page.eval_on_selector_all(
        f"[data-testid={testid}] g.bar-row",
        """rows => Object.fromEntries(rows.map((g) => [g.dataset.label, {
            total: Number(g.dataset.total),
            parts: Object.fromEntries([...g.querySelectorAll("rect")].map((r) => [r.dataset.key, Number(r.dataset.value)])),
        }]))""",
    )


def foot(page, testid: str) -> list[str]:
    return page.eval_on_selector_all(
        f"[data-testid={testid}] tfoot th, [data-testid={testid}] tfoot td",
        "cells => cells.map((c) => c.textContent)",
    )


def test_dashboard_draws_the_seeded_numbers(new_phone, seeded):
    page = new_phone()
    sign_in(page, "xem")
    assert page.inner_text("[data-tab=staff]") == "Báo cáo, thống kê"
    page.click("[data-tab=staff]")
    page.wait_for_selector("[data-testid=chart-models] g.bar-row")
    assert page.locator(".subnav a").all_inner_texts() == ["Tổng quan", "Báo cáo", "Bộ tiêu chí"]

    bars = bar_rows(page, "chart-models")
    assert bars == {
        "Xã Nậm Cắn": {"total": 6, "parts": {"KINH_TE": 3, "VAN_HOA_XA_HOI": 2, "QP_AN": 1}},
        "Xã Mường Xén": {"total": 3, "parts": {"KINH_TE": 1, "XD_HTCT": 2}},
    }
    # The longest bar ends where the axis says 6 would: the stack is drawn to scale.
    widths = page.eval_on_selector_all(
        '[data-testid=chart-models] g.bar-row[data-label="Xã Nậm Cắn"] rect',
        "rects => rects.reduce((sum, r) => sum + Number(r.getAttribute('width')), 0)",
    )
    top = int(page.get_attribute("[data-testid=chart-models]", "data-max"))
    assert abs(widths - 6 / top * (320 - 44)) < 1
    assert foot(page, "table-models") == ["Tổng cộng", "4", "2", "1", "2", "9"]
    assert page.inner_text("[data-testid=total-models] .count-n") == "9"
    assert page.inner_text("[data-testid=total-meetings] .count-n") == "3"
    assert page.inner_text("[data-testid=total-attendance] .count-n") == "220"
    assert page.inner_text("[data-testid=total-backlog] .count-n") == "1"
    assert bar_rows(page, "chart-meetings") == {
        "Tọa đàm": {"total": 2, "parts": {"n": 2}},
        "Sơ kết": {"total": 1, "parts": {"n": 1}},
    }
    assert foot(page, "table-meetings") == ["Tổng cộng", "2", "1", "3", "220"]
    assert foot(page, "table-backlog") == ["Tổng cộng", "1", "0", "0", "1"]
    assert "Năm 2026" in page.inner_text("[data-testid=dash-head]")

    page.uncheck("[data-control=approved]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=total-models] .count-n')?.textContent === '10'"
    )
    assert bar_rows(page, "chart-models")["Xã Nậm Cắn"]["total"] == 7
    page.check("[data-control=approved]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=total-models] .count-n')?.textContent === '9'"
    )
    shot(page, "dashboard-phone", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    shot(page, "dashboard", full_page=True)

    page.context.set_offline(True)
    go(page, "#/reports", ".screen-reports")
    go(page, "#/dashboard", "[data-testid=online-only]")
    assert page.inner_text("[data-testid=online-only]").startswith("Không có kết nối mạng.")
    assert page.locator("[data-testid=chart-models]").count() == 0
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=chart-models] g.bar-row")
    assert page.errors == []


def test_reports_show_download_and_print(returning_phone, seeded):
    page = returning_phone("lanhdao")
    go(page, "#/reports", ".screen-reports")
    # A reviewer also makes enrolment codes, so the administration is offered too.
    assert page.locator(".subnav a").all_inner_texts() == [
        "Chờ duyệt",
        "Tổng quan",
        "Báo cáo",
        "Bộ tiêu chí",
        "Quản trị",
    ]
    assert page.input_value("[data-control=period]") == "NAM_2026"
    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=report-table] tbody tr")
    table = page.locator("[data-testid=report-table]")
    assert table.get_attribute("data-code") == "R1"
    heads = table.locator("thead th").all_inner_texts()
    assert heads[:3] == ["STT", "Đơn vị (tính theo đơn vị quản lý)", "Tổng số mô hình, điển hình"]
    totals = table.locator("tfoot td").all_inner_texts()
    assert "Tổng cộng" in totals and totals[heads.index("Tổng số mô hình, điển hình")] == "9"
    assert "Kinh tế" in heads and totals[heads.index("Kinh tế")] == "4"
    assert "Năm 2026" in page.inner_text(".report-head")
    page.evaluate("() => document.querySelector('.report-head').scrollIntoView()")
    shot(page, "report", full_page=None)

    with page.expect_download() as info:
        page.click("[data-action=xlsx]")
    xlsx = info.value
    assert xlsx.suggested_filename.endswith(".xlsx")
    assert Path(xlsx.path()).read_bytes()[:2] == b"PK"

    page.select_option("[data-control=code]", "r4")
    page.uncheck("[data-control=approved]")
    with page.expect_download() as info:
        page.click("[data-action=csv]")
    csv = info.value
    assert csv.suggested_filename.endswith(".csv")
    data = Path(csv.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Tổng số cuộc" in data.decode("utf-8-sig")

    page.select_option("[data-control=code]", "r7")
    assert page.is_hidden("[data-control=approved]")
    page.select_option("[data-control=code]", "r1")
    with page.context.expect_page() as popup:
        page.click("[data-action=print]")
    printed = popup.value
    printed.wait_for_selector("table")
    assert "Tổng cộng" in printed.inner_text("table")
    # The page links its stylesheet by path; the app makes it absolute for the blob: page.
    printed.wait_for_load_state("load")
    assert printed.evaluate("() => getComputedStyle(document.body).marginTop") == "24px"  # 1.5rem
    printed.close()

    page.select_option("[data-control=code]", "r3")
    page.check("[data-control=approved]")
    page.select_option("[data-control=period]", "dates")
    page.fill("[data-control=from]", "2026-01-01")
    page.fill("[data-control=to]", "2026-12-31")
    page.click("[data-action=show]")
    page.wait_for_selector('[data-testid=report-table][data-code="R3"] tbody tr')
    assert page.locator("[data-testid=report-table] tbody tr").count() == 9
    assert page.inner_text("[data-testid=page]") == "Trang 1/1 — 9 dòng"
    assert "from=2026-01-01" in page.evaluate("() => location.hash")

    page.context.set_offline(True)
    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=online-only]")
    assert page.errors == []


def test_r2_and_the_periodic_report(returning_phone, seeded):
    """R2 on the reports screen, and the periodic report downloaded as a .docx and opened."""
    from docx import Document

    page = returning_phone("lanhdao", online_only=True)
    go(page, "#/reports", ".screen-reports")
    page.select_option("[data-control=code]", "r2")
    page.click("[data-action=show]")
    page.wait_for_selector("[data-testid=report-table] tbody tr")
    heads = page.locator("[data-testid=report-table] thead th").all_inner_texts()
    assert heads == [
        "Kỳ",
        "Số mô hình đăng ký xây dựng",
        "Số mô hình triển khai hiệu quả",
        "Tỷ lệ (%)",
        "Tăng so với năm trước",
    ]
    cells = page.locator("[data-testid=report-table] tbody td").all_inner_texts()
    # The seeded models are newly registered: none effective yet.
    assert cells[:4] == ["Năm 2026", "9", "0", "0"]
    page.evaluate("() => document.querySelector('.report-actions').scrollIntoView()")
    shot(page, "report-r2-periodic", full_page=None)
    with page.expect_download() as info:
        page.click("[data-action=periodic]")
    download = info.value
    assert download.suggested_filename == "bao-cao-dinh-ky-40-NAM_2026.docx"
    doc = Document(download.path())
    assert "3. Xây dựng, nhân rộng mô hình" in [p.text for p in doc.paragraphs]
    assert page.errors == []
