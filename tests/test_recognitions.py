"""Recognitions and inspections as records: created through the JSON API and through sync, and
bad input refused with a coded error and nothing written (DOMAIN.md §2.7–2.8, PROTOCOL.md §10)."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Inspection, Recognition
from tests.conftest import model_payload
from tests.factories import inspection_payload, recognition_payload


@pytest.fixture
def headers(login, officer):
    """Return the commune officer's headers, English messages."""
    return {**login("canbo"), "Accept-Language": "en"}


@pytest.fixture
def province_headers(tree, create_user, login):
    """Return the headers of an officer at the province, who records for its communes."""
    create_user("chuyenvien", tree["province"], ["CAN_BO_NHAP"])
    return login("chuyenvien")


@pytest.fixture
def model(client, headers, tree) -> dict:
    """Return a model of the officer's commune."""
    response = client.post("/api/v1/models", json=model_payload(tree["commune"]), headers=headers)
    assert response.status_code == 201
    return response.get_json()


def count(model) -> int:
    """Return how many rows a record table holds."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def error_of(response, status: int, code: str) -> dict:
    """Return an error's details after checking its status and code."""
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code, error
    return error["details"]


def test_recognition_is_created_and_listed(client, headers, tree, model):
    body = recognition_payload(model["id"], tree["commune"])
    response = client.post("/api/v1/recognitions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    listed = client.get(
        "/api/v1/recognitions", query_string={"subject_model_id": model["id"]}, headers=headers
    ).get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert listed["items"][0]["stage"] == "CONG_NHAN"


def test_khen_needs_a_decision_number(client, headers, tree, model):
    body = recognition_payload(model["id"], tree["commune"], stage="KHEN", form="GIAY_KHEN")
    details = error_of(
        client.post("/api/v1/recognitions", json=body, headers=headers), 422, "VALIDATION_FAILED"
    )
    assert details["fields"] == {"decision_no": ["Missing data for required field."]}
    assert count(Recognition) == 0
    body["decision_no"] = "125/QĐ-UBND"
    assert client.post("/api/v1/recognitions", json=body, headers=headers).status_code == 201


def test_an_edit_to_khen_needs_the_number_too(client, headers, tree, model):
    body = recognition_payload(model["id"], tree["commune"], stage="DE_NGHI_KHEN")
    assert client.post("/api/v1/recognitions", json=body, headers=headers).status_code == 201
    response = client.patch(
        f"/api/v1/recognitions/{body['id']}",
        json={"version": 1, "stage": "KHEN"},
        headers=headers,
    )
    assert error_of(response, 422, "VALIDATION_FAILED")["fields"] == {
        "decision_no": ["Missing data for required field."]
    }
    assert db.session.get(Recognition, body["id"]).stage == "DE_NGHI_KHEN"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # The national level commends; it neither recognises models nor picks exemplars.
        ({"stage": "CONG_NHAN", "level": "TOAN_QUOC"}, "level"),
        ({"stage": "TIEU_BIEU", "level": "TOAN_QUOC"}, "level"),
        # A Bằng khen is given by a province or the centre.
        ({"stage": "KHEN", "level": "XA", "form": "BANG_KHEN", "decision_no": "1"}, "form"),
        ({"stage": "KHEN", "level": "TINH", "form": "KY_NIEM_CHUONG", "decision_no": "1"}, "form"),
        # Recognising a model is not a commendation.
        ({"stage": "CONG_NHAN", "level": "TINH", "form": "BANG_KHEN"}, "form"),
    ],
)
def test_stage_level_and_form_that_do_not_go_together(
    client, headers, tree, model, overrides, field
):
    body = recognition_payload(model["id"], tree["commune"], **overrides)
    details = error_of(
        client.post("/api/v1/recognitions", json=body, headers=headers), 422, "VALIDATION_FAILED"
    )
    assert list(details["fields"]) == [field]
    assert count(Recognition) == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"stage": "KHEN", "level": "TOAN_QUOC", "form": "BIEU_DUONG", "decision_no": "15-QĐ/TW"},
        {"stage": "KHEN", "level": "TINH", "form": "BANG_KHEN", "decision_no": "2041/QĐ-UBND"},
        {"stage": "TIEU_BIEU", "level": "XA", "form": "BIEU_DUONG"},
        {"stage": "DE_NGHI_KHEN", "level": "HUYEN", "form": "GIAY_KHEN"},
    ],
)
def test_combinations_that_make_sense(client, headers, tree, model, overrides):
    body = recognition_payload(model["id"], tree["commune"], **overrides)
    response = client.post("/api/v1/recognitions", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()


def test_a_model_out_of_scope_is_not_found(client, headers, tree, create_user, login):
    create_user("canbo.hatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    theirs = model_payload(tree["foreign_commune"])
    other = login("canbo.hatinh")
    assert client.post("/api/v1/models", json=theirs, headers=other).status_code == 201
    body = recognition_payload(theirs["id"], tree["commune"])
    details = error_of(
        client.post("/api/v1/recognitions", json=body, headers=headers), 404, "NOT_FOUND"
    )
    assert list(details["fields"]) == ["subject_model_id"]
    assert count(Recognition) == 0


def test_inspection_is_created(client, province_headers, tree):
    body = inspection_payload(tree["province"], [tree["commune"], tree["sibling"]])
    response = client.post("/api/v1/inspections", json=body, headers=province_headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["target_unit_ids"] == [tree["commune"].id, tree["sibling"].id]


def test_an_inspection_ending_before_it_starts(client, province_headers, tree):
    body = inspection_payload(
        tree["province"], [tree["commune"]], date_from="2024-05-02", date_to="2024-05-01"
    )
    response = client.post(
        "/api/v1/inspections", json=body, headers={**province_headers, "Accept-Language": "vi"}
    )
    details = error_of(response, 422, "VALIDATION_FAILED")
    assert details["fields"] == {"date_to": ["Ngày kết thúc không được trước ngày bắt đầu"]}
    assert count(Inspection) == 0


def test_a_one_day_inspection_is_fine(client, province_headers, tree):
    body = inspection_payload(
        tree["province"], [tree["commune"]], date_from="2024-05-02", date_to="2024-05-02"
    )
    assert (
        client.post("/api/v1/inspections", json=body, headers=province_headers).status_code == 201
    )


def test_a_target_outside_the_conducting_unit(client, province_headers, tree):
    # The commune conducts; its sibling commune is not below it, though the writer sees both.
    body = inspection_payload(tree["commune"], [tree["commune"], tree["sibling"]])
    response = client.post("/api/v1/inspections", json=body, headers=province_headers)
    details = error_of(response, 422, "TARGET_OUTSIDE_CONDUCTING_UNIT")
    assert details["fields"] == {
        "target_unit_ids": {
            "1": ["Đơn vị không thuộc phạm vi của đơn vị tiến hành kiểm tra, giám sát"]
        }
    }
    assert count(Inspection) == 0


def test_moving_the_conducting_unit_rechecks_the_targets(client, province_headers, tree):
    body = inspection_payload(tree["province"], [tree["sibling"]])
    assert (
        client.post("/api/v1/inspections", json=body, headers=province_headers).status_code == 201
    )
    response = client.patch(
        f"/api/v1/inspections/{body['id']}",
        json={"version": 1, "conducting_unit_id": tree["commune"].id},
        headers=province_headers,
    )
    error_of(response, 422, "TARGET_OUTSIDE_CONDUCTING_UNIT")
    assert db.session.get(Inspection, body["id"]).conducting_unit_id == tree["province"].id


def test_a_target_of_another_province(client, province_headers, tree):
    body = inspection_payload(tree["province"], [tree["foreign_commune"]])
    response = client.post("/api/v1/inspections", json=body, headers=province_headers)
    error_of(response, 422, "TARGET_OUTSIDE_CONDUCTING_UNIT")


def test_sync_rejects_a_bad_recognition_and_keeps_a_good_one(phone, tree):
    """PROTOCOL.md §3.4: a rejected mutation names its code; the batch's others apply."""
    model = phone.create("models", model_payload(tree["commune"]))
    good = recognition_payload(model["id"], tree["commune"])
    bad = recognition_payload(model["id"], tree["commune"], stage="KHEN", form="GIAY_KHEN")
    phone.create("recognitions", good)
    phone.create("recognitions", bad)
    report = phone.sync()
    statuses = [(r["status"], r.get("code")) for r in report.results]
    assert statuses == [("applied", None), ("applied", None), ("rejected", "VALIDATION_FAILED")]
    assert db.session.get(Recognition, good["id"]) is not None
    assert db.session.get(Recognition, bad["id"]) is None


def test_overdue_follow_ups(client, province_headers, tree):
    due = [
        inspection_payload(
            tree["province"], [tree["commune"]], result="CAN_KHAC_PHUC", follow_up_due="2024-06-01"
        ),
        inspection_payload(tree["province"], [tree["sibling"]], follow_up_due="2024-05-01"),
        inspection_payload(
            tree["province"], [tree["sibling"]], follow_up_due="2024-05-01", follow_up_done=True
        ),
        inspection_payload(tree["province"], [tree["sibling"]], follow_up_due="2024-09-01"),
    ]
    for body in due:
        assert (
            client.post("/api/v1/inspections", json=body, headers=province_headers).status_code
            == 201
        )
    answer = client.get(
        "/api/v1/inspections/overdue",
        query_string={"as_of": "2024-07-01"},
        headers=province_headers,
    ).get_json()
    assert [(i["id"], i["days_overdue"]) for i in answer["items"]] == [
        (due[1]["id"], 61),
        (due[0]["id"], 30),
    ]
    assert answer["items"][1]["conducting_unit_name"] == "Tỉnh Nghệ An"
