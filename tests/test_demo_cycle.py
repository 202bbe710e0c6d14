"""`flask demo` shows the whole cycle: a criteria set, evaluations, recognitions, an inspection,
and the reports R2, R5 and R6 have rows from them."""

from sqlalchemy import func, select

from server.demo import record_id
from server.extensions import db
from server.models import CriteriaSet, Evaluation, Inspection, Recognition, Unit, User
from tests.factories import make_device_headers


def count(model) -> int:
    """Count the rows of a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def report(client, headers, code: str, **args) -> dict:
    """Fetch a report as JSON."""
    response = client.get(f"/api/v1/reports/{code}", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_demo_loads_the_evaluation_cycle_once_and_reports_show_it(runner, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Bộ tiêu chí: 1; đánh giá: 2" in first.output

    province = db.session.scalar(select(Unit).where(Unit.code == "40"))
    criteria_set = db.session.scalar(select(CriteriaSet))
    assert criteria_set.max_score == 100 and criteria_set.issuer_unit_id == province.id
    scored = db.session.get(Evaluation, record_id("evaluation", "to-tu-quan-duong-bien-2024"))
    assert (scored.total, scored.rating, scored.review_status) == (86, "TOT", "DA_DUYET")
    assert scored.model_id == record_id("model", "to-tu-quan-duong-bien")
    assert count(Recognition) == 4 and count(Inspection) == 1
    inspection = db.session.scalar(select(Inspection))
    assert inspection.review_status == "DA_DUYET"

    reviewer = db.session.scalar(select(User).where(User.username == "lanhdao.demo"))
    headers = make_device_headers(reviewer)
    r2 = report(client, headers, "r2", unit_id=province.id, period="GD_2021_2025")
    assert any(row["dang_ky"] for row in r2["rows"])
    r5 = report(client, headers, "r5", unit_id=province.id, period="NAM_2024")
    assert r5["rows"], r5
    r6 = report(client, headers, "r6", unit_id=province.id, period="NAM_2020")
    levels = {(row["cap_khen"], row["so_tap_the"], row["so_ca_nhan"]) for row in r6["rows"]}
    assert ("Tỉnh", 1, 1) in levels

    before = (count(CriteriaSet), count(Evaluation), count(Recognition), count(Inspection))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "Không tạo thêm gì" in again.output
    after = (count(CriteriaSet), count(Evaluation), count(Recognition), count(Inspection))
    assert after == before
