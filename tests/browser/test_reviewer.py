"""The reviewer's screens: the review loop end to end through the queue, no decision on one's own
record, queue filters that work offline, and the staff screens stay out of an officer's shell."""

import re
import uuid

import pytest

from tests.browser.conftest import (
    POLL_MS,
    field,
    fill_model,
    shot,
    sign_in,
    sync_now,
    unlock_again,
    wait_synced,
)

pytestmark = pytest.mark.browser

STAFF_FILES = [
    "/js/ui/staff-nav.js",
    "/js/ui/review-queue.js",
    "/js/ui/dashboard.js",
    "/css/staff.css",
]


def model_body(commune: int, name: str, field_code: str = "KINH_TE", **extra) -> dict:
    """A complete model for the API."""
    return {
        "id": str(uuid.uuid4()),
        "owner_unit_id": commune,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": name,
        "field": field_code,
        "collective_name": "Chi hội Nông dân bản Huồi Pủng",
        "commune_unit_id": commune,
        "locality": "Bản Huồi Pủng",
        "start_date": "2026-03-01",
        "status": "DANG_XAY_DUNG",
        "period": "GD_2026_2030",
        "year_registered": 2026,
        "objective": "Tăng thu nhập cho hộ nghèo",
        "method": "Tổ hợp tác, vốn quay vòng",
        "metrics": [],
        "topic_tags": [],
        **extra,
    }


def meeting_body(organizer: int, title: str, kind: str = "TOA_DAM", count: int = 40) -> dict:
    """A complete meeting for the API."""
    return {
        "id": str(uuid.uuid4()),
        "owner_unit_id": organizer,
        "type": kind,
        "title": title,
        "format": "TRUC_TIEP",
        "organizer_unit_id": organizer,
        "start_at": "2026-05-12T08:00",
        "location": "Hội trường UBND xã",
        "content_summary": "Trao đổi kinh nghiệm",
        "actual_count": count,
        "report_period": "6_THANG" if kind in ("SO_KET", "TONG_KET") else None,
        "attendees": [{"full_name": "Lô Văn Hùng", "role": "CHU_TRI"}],
    }


def create(server, token: str, table: str, body: dict, submit: bool = True) -> dict:
    """Create a record through the API and, by default, submit it."""
    status, record = server.api("POST", f"/api/v1/{table}", token, body)
    assert status == 201, record
    if submit:
        record = step(server, token, table, record, "submit")
    return record


def step(server, token: str, table: str, record: dict, action: str, comment=None) -> dict:
    """Take a workflow step through the API."""
    body = {"action": action, "version": record["version"]}
    if comment:
        body["comment"] = comment
    status, record = server.api("POST", f"/api/v1/{table}/{record['id']}/review", token, body)
    assert status == 200, record
    return record


def add_user(server, username: str, full_name: str, unit: str, *roles: str) -> None:
    server.add_user(username, full_name, unit, *roles)


def go(page, hash_: str, selector: str) -> None:
    page.evaluate(f"() => {{ location.hash = {hash_!r}; }}")
    page.wait_for_selector(selector)


def staff_cached(page) -> None:
    """Wait until the service worker keeps the staff screens (asked for after sign-in)."""
    page.wait_for_function(
        "files => Promise.all(files.map((f) => caches.match(f))).then((hits) => hits.every(Boolean))",
        arg=STAFF_FILES,
        polling=POLL_MS,
        timeout=15000,
    )


def queue_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-testid=queue] a.queue-row", "rows => rows.map((r) => r.dataset.id)"
    )


def test_review_loop_through_the_queue(returning_phone, server):
    """Officer submits offline → reviewer returns from the queue → officer reworks offline and
    resubmits → reviewer approves → the history shows every step, who and when."""
    officer = returning_phone()
    officer.context.set_offline(True)
    record_id = fill_model(officer, "Khéo vận động hiến đất làm đường giao thông")
    officer.click('[data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    sync_now(officer, lambda: officer.context.set_offline(False))

    reviewer = returning_phone("lanhdao")
    assert reviewer.inner_text("[data-tab=staff]").startswith("Chờ duyệt")
    reviewer.wait_for_selector("[data-testid=review-badge]:not([hidden])")
    assert reviewer.inner_text("[data-testid=review-badge]") == "1"
    reviewer.click("[data-tab=staff]")
    reviewer.wait_for_selector(f'[data-testid=queue] a[data-id="{record_id}"]')
    row = reviewer.inner_text(f'a[data-id="{record_id}"]')
    assert "Xã Nậm Cắn" in row and "Gửi duyệt:" in row and "Gửi trong ngày" in row
    assert reviewer.inner_text("[data-testid=queue-summary]") == "1 bản ghi chờ duyệt"
    reviewer.click(f'a[data-id="{record_id}"]')
    reviewer.wait_for_selector(".screen-review [data-testid=decision]")
    assert reviewer.inner_text("[data-testid=awaiting]") == "Đến lượt đơn vị bạn duyệt"
    assert "Bản Huồi Pủng" in reviewer.inner_text("[data-testid=all-fields]")
    reviewer.wait_for_selector("[data-testid=history] li.history-item")
    reviewer.context.set_offline(True)
    reviewer.click('[data-action="return"]')
    reviewer.click(".dialog .btn-primary")
    assert reviewer.inner_text(".dialog .field-error") == "Trường bắt buộc (*)"
    reviewer.fill(".dialog textarea", "Bổ sung số hộ hiến đất và chiều dài tuyến đường")
    reviewer.click(".dialog .btn-primary")
    reviewer.wait_for_selector(".screen-queue")
    assert queue_ids(reviewer) == []
    sync_now(reviewer, lambda: reviewer.context.set_offline(False))

    sync_now(officer)
    go(officer, f"#/models/{record_id}", "[data-testid=review-comment]")
    officer.wait_for_selector('.screen-detail [data-review="TRA_LAI"]')
    comment = officer.inner_text("[data-testid=review-comment]")
    assert "Bổ sung số hộ hiến đất và chiều dài tuyến đường" in comment
    assert "Nguyễn Thị Hoa" in comment
    officer.context.set_offline(True)
    go(officer, f"#/models/{record_id}/edit", ".screen-form")
    field(officer, "results").fill("45 hộ hiến 3.200 m² đất, làm 1,2 km đường")
    officer.click('.screen-form [data-action="save"]')
    officer.wait_for_selector(".screen-detail")
    officer.click('[data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    sync_now(officer, lambda: officer.context.set_offline(False))

    sync_now(reviewer)
    go(reviewer, "#/review", f'[data-testid=queue] a[data-id="{record_id}"]')
    reviewer.click(f'a[data-id="{record_id}"]')
    reviewer.wait_for_selector('[data-action="approve"]')
    reviewer.wait_for_selector('[data-testid=history] li.history-item[data-action="update"]')
    change = reviewer.inner_text(
        'li.history-item[data-action="update"] .diff li[data-field="results"]'
    )
    assert change.startswith("Kết quả đạt được:") and "45 hộ hiến 3.200 m² đất" in change
    reviewer.click('[data-action="approve"]')
    reviewer.click(".dialog .btn-primary")
    reviewer.wait_for_selector(".screen-queue")
    sync_now(reviewer)

    go(reviewer, f"#/review/models/{record_id}", '.screen-review [data-review="DA_DUYET"]')
    reviewer.wait_for_selector('[data-testid=history] li.history-item[data-action="approve"]')
    items = reviewer.locator("[data-testid=history] li.history-item")
    actions = items.evaluate_all("els => els.map((e) => e.dataset.action)")
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]
    texts = items.all_inner_texts()
    officer_name, reviewer_name = "Lò Văn Minh", "Nguyễn Thị Hoa"
    who = [officer_name] * 2 + [reviewer_name] + [officer_name] * 2 + [reviewer_name]
    for text, name in zip(texts, who, strict=True):
        assert f"— {name}" in text
        assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)  # when: dd/mm/yyyy hh:mm
    assert texts[0].startswith("Tạo mới — Lò Văn Minh")
    assert texts[2].startswith("Trả lại — Nguyễn Thị Hoa")
    assert "Bổ sung số hộ hiến đất" in texts[2]
    assert "Chờ duyệt" in texts[2] and "Bị trả lại" in texts[2]
    assert texts[5].startswith("Duyệt — Nguyễn Thị Hoa")
    shot(reviewer, "review-detail", full_page=True)

    sync_now(officer)
    go(officer, f"#/models/{record_id}", '.screen-detail [data-review="DA_DUYET"]')
    assert officer.locator("[data-tab=staff]").count() == 0
    assert officer.errors == [] and reviewer.errors == []


def test_no_decision_on_ones_own_record(new_phone, server):
    add_user(server, "quantri", "Trần Văn Quản", "40", "QUAN_TRI")
    admin = server.login("quantri")
    own = create(
        server, admin, "models", model_body(server.units["17000"], "Mô hình do quản trị nhập")
    )
    other = create(
        server, server.login("canbo"), "models", model_body(server.units["17000"], "Mô hình của xã")
    )

    page = new_phone(online_only=True)
    sign_in(page, "quantri")
    go(page, "#/review", f'[data-testid=queue] a[data-id="{other["id"]}"]')
    assert page.locator(f'a[data-id="{own["id"]}"] [data-own]').count() == 1
    assert page.inner_text("[data-testid=review-badge]") == "1"
    page.click(f'a[data-id="{own["id"]}"]')
    page.wait_for_selector("[data-testid=own-record]")
    assert page.locator('[data-action="approve"], [data-action="return"]').count() == 0
    go(page, f"#/review/models/{other['id']}", '[data-action="approve"]')
    assert page.locator('[data-action="return"]').count() == 1
    go(page, "#/review", f'[data-testid=queue] a[data-id="{own["id"]}"]')
    page.check("[data-filter=mine]")
    assert queue_ids(page) == [other["id"]]
    assert page.inner_text("[data-testid=queue-summary]") == "1 bản ghi đến lượt bạn duyệt"
    assert page.errors == []


def test_queue_filters_work_offline(returning_phone, server):
    officer = server.login("canbo")
    nam_can, muong_xen = server.units["17000"], server.units["17001"]
    add_user(server, "canbo2", "Vi Thị Lan", "17001", "CAN_BO_NHAP")
    officer2 = server.login("canbo2")
    a = create(server, officer, "models", model_body(nam_can, "Nuôi dê sinh sản", "KINH_TE"))
    b = create(server, officer, "models", model_body(nam_can, "Bản không có tội phạm", "QP_AN"))
    c = create(server, officer2, "models", model_body(muong_xen, "Tổ tự quản đường biên", "QP_AN"))
    d = create(
        server, officer2, "meetings", meeting_body(muong_xen, "Tọa đàm dân vận khéo", "TOA_DAM")
    )
    e = create(server, officer, "meetings", meeting_body(nam_can, "Sơ kết 6 tháng", "SO_KET"))
    create(server, officer, "models", model_body(nam_can, "Bản nháp chưa gửi"), submit=False)

    page = returning_phone("lanhdao")
    staff_cached(page)
    # Make the waits differ (the server stamped them all now), then start cold with no network.
    page.evaluate(
        """([ids, awaiting]) => import("/js/store/db.js").then((m) => m.withTx(["models", "meetings"], "readwrite", async (tx) => {
            const back = (days) => new Date(Date.now() - days * 86400000).toISOString();
            const patch = async (store, id, change) => { const s = tx.objectStore(store);
              await s.put({ ...(await s.get(id)), ...change }); };
            await patch("models", ids[0], { submitted_at: back(3) });
            await patch("models", ids[1], { submitted_at: back(12) });
            await patch("models", ids[2], { submitted_at: null, updated_at: back(45), awaiting_unit_id: awaiting });
            await patch("meetings", ids[3], { submitted_at: back(8) });
        }))""",
        [[a["id"], b["id"], c["id"], d["id"], e["id"]], nam_can],
    )
    page.context.set_offline(True)
    page.evaluate("() => { history.replaceState(null, '', '#/review'); }")
    assert page.reload().from_service_worker
    unlock_again(page)
    page.wait_for_selector("[data-testid=queue] a.queue-row")
    assert queue_ids(page) == [c["id"], b["id"], d["id"], a["id"], e["id"]]
    assert page.inner_text("[data-testid=queue-summary]") == "5 bản ghi chờ duyệt"
    assert page.inner_text(f'a[data-id="{c["id"]}"] [data-age]') == "Chờ 45 ngày"
    assert page.get_attribute(f'a[data-id="{c["id"]}"] [data-age]', "data-age") == "gt_30"
    assert page.inner_text(f'a[data-id="{c["id"]}"] [data-awaiting]') == "Chờ cấp Xã Nậm Cắn duyệt"
    assert page.inner_text("[data-testid=review-badge]") == "4"
    shot(page, "review-queue")

    assert page.is_hidden("[data-filter=field]") and page.is_hidden("[data-filter=type]")
    page.select_option("[data-filter=unit]", str(muong_xen))
    assert queue_ids(page) == [c["id"], d["id"]]
    page.select_option("[data-filter=table]", "models")
    assert queue_ids(page) == [c["id"]]
    assert page.is_hidden("[data-filter=type]")
    page.select_option("[data-filter=unit]", "")
    assert queue_ids(page) == [c["id"], b["id"], a["id"]]
    page.select_option("[data-filter=field]", "QP_AN")
    assert queue_ids(page) == [c["id"], b["id"]]
    page.select_option("[data-filter=table]", "meetings")
    assert page.is_hidden("[data-filter=field]")
    assert queue_ids(page) == [d["id"], e["id"]]
    page.select_option("[data-filter=type]", "SO_KET")
    assert queue_ids(page) == [e["id"]]
    page.select_option("[data-filter=table]", "")
    page.select_option("[data-filter=age]", "d7_30")
    assert queue_ids(page) == [b["id"], d["id"]]
    assert "age=d7_30" in page.evaluate("() => location.hash")
    page.select_option("[data-filter=age]", "")

    # Awaiting a lower level: no approval here yet, a return is still possible.
    page.click(f'a[data-id="{c["id"]}"]')
    page.wait_for_selector("[data-testid=history-offline]")
    assert page.inner_text("[data-testid=history-offline]") == (
        "Không có kết nối: lịch sử sẽ hiển thị khi có mạng"
    )
    assert page.inner_text("[data-testid=awaiting]") == "Chờ cấp Xã Nậm Cắn duyệt"
    assert page.locator('[data-action="approve"]').count() == 0
    assert page.locator('[data-action="return"]').count() == 1
    page.click("[data-action=back]")
    page.wait_for_selector("[data-testid=queue] a.queue-row")

    # Approve offline: queued like any change, sent when the network is back.
    page.click(f'a[data-id="{a["id"]}"]')
    page.click('[data-action="approve"]')
    page.click(".dialog .btn-primary")
    page.wait_for_selector(".screen-queue")
    assert a["id"] not in queue_ids(page)
    sync_now(page, lambda: page.context.set_offline(False))
    status, approved = server.api("GET", f"/api/v1/models/{a['id']}", officer)
    assert approved["review_status"] == "DA_DUYET"
    assert page.errors == []


def test_officer_never_loads_the_staff_screens(new_phone, server):
    page = new_phone()
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    sign_in(page)
    wait_synced(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_timeout(300)
    assert page.locator("[data-tab=staff]").count() == 0
    assert not [u for u in urls if any(u.endswith(f) for f in STAFF_FILES)]
    cached = page.evaluate("files => Promise.all(files.map((f) => caches.match(f)))", STAFF_FILES)
    assert cached == [None] * len(STAFF_FILES)
    page.evaluate("() => { location.hash = '#/review'; }")
    page.wait_for_selector(".screen-home")
    assert page.errors == []


def test_reviewer_detail_resolves_a_conflict(new_phone, server):
    """An administrator's offline edit loses to a newer one: the reviewer's detail shows both
    values and restores the overwritten one."""
    add_user(server, "quantri", "Trần Văn Quản", "40", "QUAN_TRI")
    officer = server.login("canbo")
    record = create(server, officer, "models", model_body(server.units["17000"], "Đường biên"))
    page = new_phone()
    sign_in(page, "quantri")
    go(page, f"#/models/{record['id']}/edit", ".screen-form")
    page.context.set_offline(True)
    field(page, "objective").fill("Mục tiêu do tỉnh sửa")
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    body = {"version": record["version"], "objective": "Mục tiêu do xã sửa"}
    status, _ = server.api("PATCH", f"/api/v1/models/{record['id']}", officer, body)
    assert status == 200
    sync_now(page, lambda: page.context.set_offline(False))

    go(page, f"#/review/models/{record['id']}", '.screen-review [data-field="objective"]')
    row = page.locator(".screen-review .conflict-row")
    row.wait_for()
    assert row.get_attribute("data-field") == "objective"
    assert row.locator(".side-theirs .value").inner_text() == "Mục tiêu do xã sửa"
    assert row.locator(".side-mine .value").inner_text() == "Mục tiêu do tỉnh sửa"
    sync_now(page, row.locator("[data-action=keep-mine]").click)
    status, copy = server.api("GET", f"/api/v1/models/{record['id']}", officer)
    assert copy["objective"] == "Mục tiêu do tỉnh sửa"
    page.wait_for_selector(".screen-review .conflict-row", state="detached")
    assert page.errors == []


def test_multi_level_approval_waits_for_the_lower_level(returning_phone, server):
    """Commune → intermediate office → province: the province sees the record waiting for the
    office, can approve only after it, and the history shows both approvals."""
    add_user(server, "quantri", "Trần Văn Quản", "TW", "QUAN_TRI")
    admin = server.login("quantri")
    province = server.units["40"]
    status, _ = server.api("PATCH", f"/api/v1/units/{province}", admin, {"approves_records": True})
    assert status == 200
    office_body = {
        "code": "VP-TN",
        "name": "Văn phòng khu vực Tây Nam",
        "level": "TRUNG_GIAN",
        "parent_id": province,
        "approves_records": True,
    }
    status, office = server.api("POST", "/api/v1/units", admin, office_body)
    assert status == 201, office
    commune_body = {"code": "17002", "name": "Xã Tam Hợp", "level": "XA", "parent_id": office["id"]}
    status, commune = server.api("POST", "/api/v1/units", admin, commune_body)
    assert status == 201, commune
    add_user(server, "canbo3", "Lương Văn Sơn", "17002", "CAN_BO_NHAP")
    add_user(server, "vanphong", "Đặng Thu Hà", "VP-TN", "LANH_DAO_DUYET")
    record = create(
        server, server.login("canbo3"), "models", model_body(commune["id"], "Bản văn hóa")
    )
    assert record["awaiting_unit_id"] == office["id"]

    page = returning_phone("lanhdao", online_only=True)
    go(page, "#/review", f'a[data-id="{record["id"]}"] [data-awaiting]')
    awaiting = page.inner_text(f'a[data-id="{record["id"]}"] [data-awaiting]')
    assert awaiting == "Chờ cấp Văn phòng khu vực Tây Nam duyệt"
    assert page.locator("[data-testid=review-badge]").is_hidden()
    page.click(f'a[data-id="{record["id"]}"]')
    page.wait_for_selector("[data-testid=awaiting]")
    assert page.locator('[data-action="approve"]').count() == 0

    step(server, server.login("vanphong"), "models", record, "approve")
    sync_now(page)
    page.wait_for_selector('[data-action="approve"]')
    assert page.inner_text("[data-testid=awaiting]") == "Đến lượt đơn vị bạn duyệt"
    assert page.inner_text("[data-testid=approval]").startswith(
        "Đã duyệt cấp Văn phòng khu vực Tây Nam: Đặng Thu Hà — "
    )
    page.click('[data-action="approve"]')
    page.click(".dialog .btn-primary")
    page.wait_for_selector(".screen-queue")
    sync_now(page)
    go(page, f"#/review/models/{record['id']}", '.screen-review [data-review="DA_DUYET"]')
    page.wait_for_selector('[data-testid=history] li.history-item[data-action="approve"]')
    approvals = page.locator('li.history-item[data-action="approve"]').all_inner_texts()
    assert [text.split(" — ")[1].split("\n")[0] for text in approvals] == [
        "Đặng Thu Hà",
        "Nguyễn Thị Hoa",
    ]
    assert "Cấp duyệt tiếp theo: Văn phòng khu vực Tây Nam → Tỉnh Nghệ An" in approvals[0]
    assert page.errors == []


def test_staff_screens_stay_offline_across_an_update(new_phone, server, pwa_copy):
    page = new_phone()
    sign_in(page, "lanhdao")
    staff_cached(page)
    for name in ("sw.js", "js/sync/protocol.js"):
        path = pwa_copy / name
        text = path.read_text("utf-8")
        path.write_text(re.sub(r'"\d{4}\.\d+\.\d+"', '"2099.2.2"', text, count=1), "utf-8")
    queue_module = pwa_copy / "js" / "ui" / "review-queue.js"
    # Code, not a comment: the server serves scripts without their comment lines.
    marker = 'export const DEPLOYED = "2099.2.2";\n'
    queue_module.write_text(queue_module.read_text("utf-8") + marker, "utf-8")
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#banner:not([hidden])")
    with page.expect_navigation():
        page.click("#banner-action")
    unlock_again(page)
    page.wait_for_selector("html[data-ready] [data-tab=staff]")
    assert page.evaluate("() => caches.keys()") == ["sotay-shell-2099.2.2"]
    cached = page.evaluate(
        "() => caches.match('/js/ui/review-queue.js').then((r) => r ? r.text() : '')"
    )
    assert cached.endswith(marker)

    page.context.set_offline(True)
    page.evaluate("() => { history.replaceState(null, '', '#/dashboard'); }")
    assert page.reload().from_service_worker
    unlock_again(page)
    page.wait_for_selector("[data-testid=online-only]")
    go(page, "#/review", ".screen-queue [data-testid=queue-summary]")
    assert page.inner_text("[data-testid=queue-summary]") == "Không có bản ghi nào chờ duyệt"
    assert page.errors == []


def test_bulk_review_offline_records_one_decision_each(returning_phone, server):
    """Tick several records in the queue, approve them in one go offline, return others with
    one reason; after sync each record carries its own audited decision."""
    officer = server.login("canbo")
    nam_can = server.units["17000"]
    made = [
        create(server, officer, "models", model_body(nam_can, f"Mô hình số {i} bản Huồi Pủng"))
        for i in range(5)
    ]
    page = returning_phone("lanhdao")
    staff_cached(page)
    go(page, "#/review", "[data-testid=bulk-bar]")
    page.context.set_offline(True)
    assert page.locator("[data-pick]").count() == 5
    for record in made[:3]:
        page.check(f'[data-pick="models:{record["id"]}"]')
    assert page.inner_text("[data-testid=picked]") == "Đã chọn 3 bản ghi"
    shot(page, "review-queue-bulk")
    box = page.locator("[data-pick]").first.bounding_box()
    label = page.locator(".queue-item .pick").first.bounding_box()
    assert box is not None and label is not None and label["height"] >= 44 and label["width"] >= 44
    page.click('[data-action="approve-picked"]')
    page.click(".dialog .btn-primary")
    page.wait_for_function("() => document.querySelectorAll('[data-pick]').length === 2")
    page.click('[data-action="pick-all"]')
    assert page.inner_text("[data-testid=picked]") == "Đã chọn 2 bản ghi"
    page.click('[data-action="return-picked"]')
    page.fill(".dialog textarea", "Bổ sung số liệu kết quả")
    page.click(".dialog .btn-primary")
    page.wait_for_function("() => document.querySelectorAll('[data-pick]').length === 0")
    sync_now(page, lambda: page.context.set_offline(False))

    token = server.login("lanhdao")
    for record in made[:3]:
        status, body = server.api("GET", f"/api/v1/models/{record['id']}", token)
        assert status == 200 and body["review_status"] == "DA_DUYET", body
    for record in made[3:]:
        status, body = server.api("GET", f"/api/v1/models/{record['id']}", token)
        assert body["review_status"] == "TRA_LAI"
        assert body["review_comment"] == "Bổ sung số liệu kết quả"
        status, events = server.api("GET", f"/api/v1/models/{record['id']}/history", token)
        assert status == 200
        assert [e["action"] for e in events].count("return") == 1
    assert page.errors == []


def test_no_decision_on_a_version_one_edited_since_its_submit(new_phone, server):
    """REVIEW_OWN_WORK: the server refuses it, so the phone does not offer it (PROTOCOL.md §7)."""
    add_user(server, "kiemnhiem", "Hà Văn Kiêm", "40", "CAN_BO_NHAP", "LANH_DAO_DUYET")
    both = server.login("kiemnhiem")
    record = create(
        server, server.login("canbo"), "models", model_body(server.units["17000"], "Mô hình xã")
    )
    status, edited = server.api(
        "PATCH",
        f"/api/v1/models/{record['id']}",
        both,
        {"version": record["version"], "locality": "Bản Huồi Pủng mới"},
    )
    assert status == 200 and edited["review_status"] == "CHO_DUYET", edited

    page = new_phone(online_only=True)
    sign_in(page, "kiemnhiem")
    go(page, f"#/review/models/{record['id']}", "[data-testid=own-record]")
    assert "sau khi được gửi duyệt" in page.inner_text("[data-testid=own-record]")
    assert page.locator('[data-action="approve"], [data-action="return"]').count() == 0
    go(page, f"#/models/{record['id']}", ".screen-detail")
    assert page.locator('.screen-detail [data-action="approve"]').count() == 0
    assert page.errors == []
