"""An evaluation scored offline on the phone syncs, is submitted and approved, and the model
shows its rating (DOMAIN.md §2.6; PROTOCOL.md §3.3, §7)."""

import pytest

from tests.browser.conftest import fill_model, shot, sync_now

pytestmark = pytest.mark.browser

SET = {
    "name": "Bộ tiêu chí đánh giá mô hình Dân vận khéo",
    "doc_number": "125-HD/BDVTU",
    "doc_date": "2026-01-15",
    "applies_to": ["MO_HINH", "DIEN_HINH_TAP_THE"],
    "period": "GD_2026_2030",
    # A commune scores its own models against the province's set (the set allows it).
    "allow_self": True,
    "criteria": [
        {"order": 1, "code": "TC1", "text": "Có tên, địa chỉ và cách làm cụ thể", "max_points": 30},
        {
            "order": 2,
            "code": "TC2",
            "text": "Huy động nhiều lực lượng cùng tham gia",
            "max_points": 40,
            "evidence_required": True,
        },
        {"order": 3, "code": "TC3", "text": "Bền vững, nhân rộng được", "max_points": 30},
    ],
    "thresholds": {"XUAT_SAC": 90, "TOT": 80, "KHA": 65, "DAT": 50},
}


def test_an_offline_evaluation_syncs_is_approved_and_rates_the_model(returning_phone, server):
    token = server.login("lanhdao")
    status, issued = server.api(
        "POST", "/api/v1/criteria-sets", token, {**SET, "issuer_unit_id": server.units["40"]}
    )
    assert status == 201, issued

    officer = returning_phone()
    sync_now(officer)
    model_id = fill_model(officer, "Khéo trong vận động hiến đất làm đường")
    officer.context.set_offline(True)
    officer.click('.screen-detail [data-action="evaluate"]')
    officer.wait_for_selector(".screen-form .score-row")
    assert officer.locator(".score-row").count() == 3
    assert "tối đa 40" in officer.inner_text(".score-row >> nth=1")
    # Over the points: refused on the phone, in the officer's words.
    officer.fill('[data-criterion="TC1"]', "31")
    officer.fill('[data-criterion="TC2"]', "35")
    officer.click('.screen-form [data-action="save"]')
    officer.wait_for_selector(".score-row .field-error:not([hidden])")
    errors = officer.locator(".score-row .field-error:not([hidden])").all_inner_texts()
    assert errors == ["Điểm phải từ 0 đến 30.", "Chưa chấm điểm tiêu chí này."]
    officer.fill('[data-criterion="TC1"]', "28,5")
    officer.fill('[data-criterion="TC3"]', "20")
    officer.fill(".score-row >> nth=1 >> input >> nth=1", "Có biên bản họp dân")
    total = officer.inner_text("[data-testid=score-total]")
    assert total == "Tổng điểm: 83,5/100 · Xếp loại: Tốt"
    officer.locator(".score-row >> nth=1").scroll_into_view_if_needed()
    shot(officer, "evaluation-form", full_page=None)
    officer.click('.screen-form [data-action="save"]')
    officer.wait_for_selector("[data-testid=evaluation-card]")
    evaluation_id = officer.evaluate("() => location.hash").split("/")[2]
    assert "Tốt" in officer.inner_text("[data-testid=evaluation-rating]")
    officer.click('[data-action="submit"]')
    officer.click(".dialog .btn-primary")
    officer.wait_for_selector('.screen-detail [data-review="CHO_DUYET"]')
    shot(officer, "evaluation-detail")
    sync_now(officer, lambda: officer.context.set_offline(False))

    reviewer = returning_phone("lanhdao")
    # The reviewer's queue lists the evaluation; its detail shows the score sheet.
    reviewer.evaluate("() => { location.hash = '#/review'; }")
    row = reviewer.locator(f'a.queue-row[data-table="evaluations"][data-id="{evaluation_id}"]')
    row.wait_for()
    assert "Khéo trong vận động hiến đất làm đường" in row.inner_text()
    row.click()
    reviewer.wait_for_selector("[data-testid=evaluation-card]")
    assert "83,5/100" in reviewer.inner_text("[data-testid=evaluation-rating]")
    reviewer.click('[data-action="approve"]')
    reviewer.click(".dialog .btn-primary")
    # Queued like any change; back in the queue, which no longer lists it.
    reviewer.wait_for_selector(".screen-queue")
    assert reviewer.locator(f'a.queue-row[data-id="{evaluation_id}"]').count() == 0
    sync_now(reviewer)
    stored = server.list("evaluations", token, model_id=model_id)
    assert [(e["review_status"], e["total"], e["rating"]) for e in stored] == [
        ("DA_DUYET", 83.5, "TOT")
    ]

    sync_now(officer)
    officer.evaluate(f"() => {{ location.hash = '#/models/{model_id}'; }}")
    officer.wait_for_selector("[data-testid=latest-rating]")
    assert officer.inner_text("[data-testid=latest-rating]") == "Xếp loại gần nhất: Tốt"
    assert officer.locator('[data-testid=model-evaluations] [data-review="DA_DUYET"]').count() == 1
    officer.locator("[data-testid=model-evaluations]").scroll_into_view_if_needed()
    shot(officer, "model-evaluations", full_page=None)
    assert officer.errors == [] and reviewer.errors == []


def test_evaluation_and_criteria_screens_pass_axe_on_a_phone(returning_phone, server):
    """The score sheet, an evaluation, a model's ratings and the criteria set editor: axe-clean,
    44 px targets, no sideways scroll (as tests/browser/test_a11y.py for the other screens)."""
    from tests.browser.a11y import audit
    from tests.browser.test_a11y import DESKTOP, report

    token = server.login("lanhdao")
    status, issued = server.api(
        "POST", "/api/v1/criteria-sets", token, {**SET, "issuer_unit_id": server.units["40"]}
    )
    assert status == 201, issued
    officer = returning_phone(online_only=True)
    sync_now(officer)
    model_id = fill_model(officer, "Khéo trong vận động hiến đất làm đường")
    officer.click('.screen-detail [data-action="evaluate"]')
    officer.wait_for_selector(".screen-form .score-row")
    problems = audit(officer, "evaluation form")
    officer.click('.screen-form [data-action="save"]')
    officer.wait_for_selector(".score-row .field-error:not([hidden])")
    problems += audit(officer, "evaluation form with errors")
    for code, points in (("TC1", "30"), ("TC2", "40"), ("TC3", "25")):
        officer.fill(f'[data-criterion="{code}"]', points)
    officer.click('.screen-form [data-action="save"]')
    officer.wait_for_selector("[data-testid=evaluation-card]")
    problems += audit(officer, "evaluation detail")
    officer.evaluate(f"() => {{ location.hash = '#/models/{model_id}'; }}")
    officer.wait_for_selector("[data-testid=model-evaluations] a.record-row")
    problems += audit(officer, "model with evaluations")
    officer.evaluate("() => { location.hash = '#/evaluations'; }")
    officer.wait_for_selector(".record-list a.record-row")
    problems += audit(officer, "evaluations list")

    reviewer = returning_phone("lanhdao", online_only=True)
    reviewer.evaluate("() => { location.hash = '#/criteria'; }")
    reviewer.wait_for_selector("[data-testid=criteria-sets] a.record-row")
    problems += audit(reviewer, "criteria sets")
    reviewer.click("[data-testid=criteria-sets] a.record-row")
    reviewer.wait_for_selector(".criterion-row")
    problems += audit(reviewer, "criteria set editor")
    reviewer.set_viewport_size(DESKTOP)
    problems += audit(reviewer, "criteria set editor desktop", phone=False)
    assert not problems, report(problems)
    assert officer.errors == [] and reviewer.errors == []


def test_a_reviewer_issues_and_edits_a_set_in_the_editor(returning_phone, server):
    """The staff editor: thresholds checked on the phone, the set issued for the reviewer's unit,
    then edited in place while no evaluation uses it."""
    reviewer = returning_phone("lanhdao", online_only=True)
    reviewer.evaluate("() => { location.hash = '#/criteria'; }")
    reviewer.click('[data-action="new-set"]')
    reviewer.wait_for_selector(".criterion-row")
    reviewer.fill("[name=name]", "Bộ tiêu chí điển hình tập thể")
    reviewer.fill("[name=doc_number]", "07-HD/BDVTU")
    for n, (text, points) in enumerate(
        (("Sáng tạo, tiết kiệm", "30"), ("Huy động nhiều lực lượng", "40"), ("Bền vững", "30")),
        start=1,
    ):
        reviewer.fill(f"[name=text_{n}]", text)
        reviewer.fill(f"[name=points_{n}]", points)
    for rating, value in (("XUAT_SAC", "90"), ("TOT", "95"), ("KHA", "65"), ("DAT", "50")):
        reviewer.fill(f"[name=t_{rating}]", value)
    reviewer.click('[data-action="save-set"]')
    reviewer.wait_for_selector(".form-error:not([hidden])")
    assert "giảm dần" in reviewer.inner_text(".form-error")
    reviewer.fill("[name=t_TOT]", "80")
    reviewer.click('[data-action="save-set"]')
    reviewer.wait_for_function("() => /#\\/criteria\\/[0-9a-f-]{36}$/.test(location.hash)")
    set_id = reviewer.evaluate("() => location.hash").split("/")[2]
    token = server.login("lanhdao")
    status, body = server.api("GET", f"/api/v1/criteria-sets/{set_id}", token)
    assert status == 200
    assert (body["issuer_unit_id"], body["max_score"], body["thresholds"]["TOT"]) == (
        server.units["40"],
        100,
        80,
    )
    reviewer.wait_for_selector(".criterion-row")
    reviewer.fill("[name=name]", "Bộ tiêu chí điển hình tập thể (sửa đổi)")
    reviewer.click('[data-action="save-set"]')
    reviewer.wait_for_function(
        "() => (document.querySelector('.screen-title') || {textContent: ''})"
        ".textContent.includes('sửa đổi')"
    )
    status, body = server.api("GET", f"/api/v1/criteria-sets/{set_id}", token)
    assert (body["name"], body["version_no"]) == ("Bộ tiêu chí điển hình tập thể (sửa đổi)", 1)
    assert reviewer.errors == []
