"""Criteria sets and evaluations through real HTTP (DOMAIN.md §2.6; PROTOCOL.md §3.3, §3.5, §7)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import CriteriaSet, Evaluation
from tests.conftest import model_payload
from tests.factories import make_device_headers, make_unit, make_user

THRESHOLDS = {"XUAT_SAC": 90, "TOT": 80, "KHA": 65, "DAT": 50}


def set_body(issuer, **overrides):
    """Return a valid criteria set: three criteria worth 100 points."""
    body = {
        "issuer_unit_id": issuer.id,
        "name": "Bộ tiêu chí cơ bản đánh giá hoạt động mô hình, điển hình Dân vận khéo",
        "doc_number": "125-HD/BDVTU",
        "doc_date": "2020-03-15",
        "applies_to": ["MO_HINH", "DIEN_HINH_TAP_THE"],
        "period": "GD_2021_2025",
        "criteria": [
            {"order": 1, "code": "TC1", "text": "Có tên, địa chỉ cụ thể", "max_points": 30},
            {
                "order": 2,
                "code": "TC2",
                "text": "Huy động nhiều lực lượng cùng tham gia",
                "max_points": 40,
                "evidence_required": True,
            },
            {"order": 3, "code": "TC3", "text": "Bền vững, nhân rộng được", "max_points": 30},
        ],
        "thresholds": THRESHOLDS,
    }
    body.update(overrides)
    return body


def scores(tc1=30, tc2=35, tc3=25):
    """Return scores for the three criteria of set_body."""
    return [
        {"code": "TC1", "points": tc1, "comment": "Đủ hồ sơ"},
        {"code": "TC2", "points": tc2, "comment": None},
        {"code": "TC3", "points": tc3},
    ]


@pytest.fixture
def town_tree(tree):
    """Add a town under the province, a ward under it, and a town in the foreign province."""
    town = make_unit("Thị xã Thái Hòa", tree["province"], level="HUYEN", code="TH")
    ward = make_unit("Phường Hòa Hiếu", town, level="XA", code="TH01")
    return {**tree, "town": town, "ward": ward}


@pytest.fixture
def people(town_tree):
    """Return headers of the staff and officers the tests act as."""
    t = town_tree
    users = {
        "town_lead": make_user("lanhdao_tx", t["town"], ["LANH_DAO_DUYET"]),
        "town_officer": make_user("canbo_tx", t["town"], ["CAN_BO_NHAP"]),
        "ward_officer": make_user("canbo_phuong", t["ward"], ["CAN_BO_NHAP"]),
        "province_lead": make_user("lanhdao_tinh", t["province"], ["LANH_DAO_DUYET"]),
        "foreign_lead": make_user("lanhdao_ht", t["foreign"], ["LANH_DAO_DUYET"]),
        "admin": make_user("quantri_tw", t["root"], ["QUAN_TRI"]),
    }
    return {name: make_device_headers(user) for name, user in users.items()}


def issue(client, headers, body):
    """Issue a set through the API; return the response."""
    return client.post("/api/v1/criteria-sets", json=body, headers=headers)


def new_model(client, headers, owner, **overrides):
    """Create a model through the API; return its id."""
    response = client.post(
        "/api/v1/models", json=model_payload(owner, **overrides), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def sync(client, headers, mutations=(), cursor=0):
    """POST one sync request; return the response body."""
    response = client.post(
        "/api/v1/sync",
        json={"protocol": 1, "schema": 1, "cursor": cursor, "mutations": list(mutations)},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def evaluation(set_id, model_id, owner, **overrides):
    """Return a complete evaluation as a phone sends it."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "model_id": model_id,
        "set_id": set_id,
        "eval_date": "2026-11-20",
        "evaluator_name": "Hội đồng bình xét thị xã",
        "scores": scores(),
        "proposal": "DE_NGHI_CONG_NHAN",
    }
    body.update(overrides)
    return body


def put(seq, data, at=None):
    """Return a put mutation of an evaluation."""
    mutation = {"seq": seq, "op": "put", "table": "evaluations", "base": 0, "data": data}
    if at:
        mutation["at"] = at
    return mutation


def count(model):
    """Count rows of a table."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def town_set(client, people, town_tree):
    """Return the town's set as issued by its reviewer."""
    response = issue(client, people["town_lead"], set_body(town_tree["town"]))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def ward_model(client, people, town_tree):
    """Return the id of a model the ward owns."""
    return new_model(client, people["ward_officer"], town_tree["ward"])


# --- criteria sets -----------------------------------------------------------------------


def test_reviewer_of_the_issuing_unit_issues_a_set_with_its_max_score(town_set, town_tree):
    """A set's max score is the sum of its criteria's points; it starts at version 1."""
    assert town_set["max_score"] == 100
    assert town_set["version_no"] == 1
    assert town_set["family_id"] == town_set["id"]
    assert town_set["issuer_unit_id"] == town_tree["town"].id
    assert [c["code"] for c in town_set["criteria"]] == ["TC1", "TC2", "TC3"]
    assert town_set["criteria"][1]["evidence_required"] is True


@pytest.mark.parametrize(
    ("who", "status"),
    [("town_officer", 403), ("province_lead", 403), ("foreign_lead", 404), ("admin", 201)],
)
def test_only_the_issuing_units_reviewer_or_an_admin_above_issues(
    client, people, town_tree, who, status
):
    """A reviewer issues for their own unit only; an administrator anywhere in its scope."""
    response = issue(client, people[who], set_body(town_tree["town"]))
    assert response.status_code == status, response.get_json()
    assert count(CriteriaSet) == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("thresholds", "where"),
    [
        ({"XUAT_SAC": 80, "TOT": 80, "KHA": 65, "DAT": 50}, "thresholds.TOT"),
        ({"XUAT_SAC": 120, "TOT": 80, "KHA": 65, "DAT": 50}, "thresholds.XUAT_SAC"),
        ({"XUAT_SAC": 90, "TOT": 80, "KHA": 65, "DAT": 70}, "thresholds.DAT"),
    ],
)
def test_thresholds_not_descending_or_above_the_max_are_refused(
    client, people, town_tree, thresholds, where
):
    """A set whose thresholds do not descend, or exceed the max score: coded, nothing written."""
    response = issue(
        client, people["town_lead"], set_body(town_tree["town"], thresholds=thresholds)
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert error["details"]["codes"] == {where: "THRESHOLD_ORDER"}
    assert count(CriteriaSet) == 0


def test_a_set_without_a_pass_mark_or_with_duplicate_codes_is_refused(client, people, town_tree):
    """DAT is required; each criterion has its own code."""
    body = set_body(town_tree["town"], thresholds={"XUAT_SAC": 90})
    body["criteria"][1]["code"] = "TC1"
    response = issue(client, people["town_lead"], body)
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert details["codes"] == {"thresholds.DAT": "THRESHOLD_PASS_REQUIRED"}
    assert "code" in details["fields"]["criteria"]["1"]
    assert count(CriteriaSet) == 0


def test_pull_sends_the_sets_of_the_units_above_and_below_in_one_round_trip(
    client, people, town_tree
):
    """§3.3: a ward officer pulls the province's and the town's sets, not another province's."""
    t = town_tree
    province_set = issue(client, people["province_lead"], set_body(t["province"])).get_json()
    town_set = issue(client, people["town_lead"], set_body(t["town"])).get_json()
    issue(client, people["foreign_lead"], set_body(t["foreign"]))
    pulled = sync(client, people["ward_officer"])
    assert pulled["more"] is False
    assert {s["id"] for s in pulled["changes"]["criteria_sets"]} == {
        province_set["id"],
        town_set["id"],
    }
    # Nothing new: the next pull carries no set again.
    again = sync(client, people["ward_officer"], cursor=pulled["cursor"])
    assert "criteria_sets" not in again["changes"]


def test_editing_an_unused_set_changes_it_in_place(client, people, town_set):
    """No evaluation uses the version: the edit keeps its id and number."""
    response = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}",
        json=edit_body(name="Bộ tiêu chí 2026"),
        headers=people["town_lead"],
    )
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert (edited["id"], edited["version_no"], edited["name"]) == (
        town_set["id"],
        1,
        "Bộ tiêu chí 2026",
    )


def edit_body(**overrides):
    """Return the content of a set edit based on version 1."""
    body = set_body(type("Unit", (), {"id": 0})(), **overrides)
    del body["issuer_unit_id"]
    return {**body, "version_no": 1}


def test_editing_a_used_set_makes_a_new_version_and_its_evaluations_keep_the_old(
    client, people, town_tree, town_set, ward_model
):
    """Versioning: the old version stays, read only, and its evaluations still name it."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"])
    result = sync(client, people["town_officer"], [put(1, data)])["results"][0]
    assert result["status"] == "applied", result
    criteria = set_body(town_tree["town"])["criteria"] + [
        {"order": 4, "code": "TC4", "text": "Được nhân dân đồng tình", "max_points": 20}
    ]
    response = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}",
        json=edit_body(criteria=criteria),
        headers=people["town_lead"],
    )
    assert response.status_code == 200, response.get_json()
    successor = response.get_json()
    assert successor["id"] != town_set["id"]
    assert (successor["family_id"], successor["version_no"], successor["max_score"]) == (
        town_set["id"],
        2,
        120,
    )
    old = client.get(f"/api/v1/criteria-sets/{town_set['id']}", headers=people["town_lead"])
    assert old.get_json()["superseded_by_id"] == successor["id"]
    assert old.get_json()["criteria"] == town_set["criteria"]
    assert db.session.get(Evaluation, data["id"]).set_id == town_set["id"]
    # The old version is read only.
    again = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}", json=edit_body(), headers=people["town_lead"]
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "CRITERIA_SET_SUPERSEDED"
    # Listing shows the latest version only unless asked.
    listed = client.get("/api/v1/criteria-sets", headers=people["ward_officer"]).get_json()
    assert [s["id"] for s in listed] == [successor["id"]]


def test_an_evaluation_made_after_supersession_is_refused_one_made_before_syncs(
    client, people, town_tree, town_set, ward_model
):
    """§3.5: a create against a superseded version is refused only if made after the edit."""
    first = evaluation(town_set["id"], ward_model, town_tree["town"])
    assert sync(client, people["town_officer"], [put(1, first)])["results"][0]["status"] == (
        "applied"
    )
    before_edit = datetime.now(UTC).isoformat(timespec="milliseconds")
    response = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}",
        json=edit_body(name="Sửa đổi"),
        headers=people["town_lead"],
    )
    assert response.status_code == 200
    other_model = new_model(client, people["ward_officer"], town_tree["ward"], name="Mô hình 2")
    late = evaluation(town_set["id"], other_model, town_tree["town"])
    after_edit = (datetime.now(UTC) + timedelta(seconds=1)).isoformat(timespec="milliseconds")
    offline = evaluation(town_set["id"], ward_model, town_tree["town"])
    results = sync(
        client,
        people["town_officer"],
        [put(2, offline, at=before_edit), put(3, late, at=after_edit)],
    )["results"]
    assert results[0]["status"] == "applied", results[0]
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "CRITERIA_SET_SUPERSEDED")
    assert results[1]["details"]["superseded_by_id"] == response.get_json()["id"]
    assert db.session.get(Evaluation, late["id"]) is None


# --- evaluations -------------------------------------------------------------------------


def test_an_evaluation_syncs_is_submitted_approved_and_listed_with_its_rating(
    client, people, town_tree, town_set, ward_model
):
    """§7: an evaluation is reviewed like every record; total and rating are the server's."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"], scores=scores(30, 35, 20))
    response = sync(client, people["town_officer"], [put(1, data)])
    assert response["results"][0] == {"seq": 1, "status": "applied", "version": 1}
    stored = db.session.get(Evaluation, data["id"])
    assert (stored.total, stored.rating) == (85, "TOT")
    submit = {
        "seq": 2,
        "op": "review",
        "table": "evaluations",
        "base": 1,
        "data": {"id": data["id"], "action": "submit"},
    }
    assert sync(client, people["town_officer"], [submit])["results"][0]["status"] == "applied"
    queue = client.get(
        "/api/v1/evaluations?review_status=CHO_DUYET", headers=people["province_lead"]
    ).get_json()
    assert [e["id"] for e in queue["items"]] == [data["id"]]
    approve = {**submit, "seq": 1, "base": 2, "data": {"id": data["id"], "action": "approve"}}
    assert sync(client, people["province_lead"], [approve])["results"][0]["status"] == "applied"
    listed = client.get(
        f"/api/v1/evaluations?model_id={ward_model}", headers=people["province_lead"]
    ).get_json()["items"]
    assert [(e["review_status"], e["total"], e["rating"]) for e in listed] == [
        ("DA_DUYET", 85, "TOT")
    ]
    # The ward's officer pulls the model; the town's devices pull the evaluation.
    pulled = sync(client, people["town_lead"])["changes"]["evaluations"]
    assert [(e["id"], e["rating"], e["total"]) for e in pulled] == [(data["id"], "TOT", 85)]


def test_an_edit_of_the_scores_recomputes_total_and_rating(
    client, people, town_tree, town_set, ward_model
):
    """§6.1: an edit merges fields; the derived total follows the merged scores."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"])
    sync(client, people["town_officer"], [put(1, data)])
    edit = {
        "seq": 2,
        "op": "put",
        "table": "evaluations",
        "base": 1,
        "data": {"id": data["id"], "scores": scores(30, 40, 30)},
    }
    assert sync(client, people["town_officer"], [edit])["results"][0]["status"] == "applied"
    stored = db.session.get(Evaluation, data["id"])
    assert (stored.total, stored.rating, stored.version) == (100, "XUAT_SAC", 2)


BAD_SCORES = {
    "over the points": (scores(tc1=31), {"scores.0.points": "SCORE_ABOVE_MAX"}),
    "three decimals": (scores(tc1=10.125), {"scores.0.points": "SCORE_PRECISION"}),
    "unknown criterion": (
        [*scores(), {"code": "TC9", "points": 1}],
        {"scores.3.code": "CRITERION_UNKNOWN"},
    ),
    "scored twice": (
        [*scores(), {"code": "TC1", "points": 1}],
        {"scores.3.code": "CRITERION_SCORED_TWICE"},
    ),
    "a criterion missing": (scores()[:2], {"scores": "CRITERION_NOT_SCORED"}),
}


@pytest.mark.parametrize("name", BAD_SCORES)
def test_bad_scores_are_refused_with_a_code_and_nothing_written(
    client, people, town_tree, town_set, ward_model, name
):
    """A score over its points, a missing criterion…: VALIDATION_FAILED, coded, no row."""
    sent, codes = BAD_SCORES[name]
    data = evaluation(town_set["id"], ward_model, town_tree["town"], scores=sent)
    result = sync(client, people["town_officer"], [put(1, data)])["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "VALIDATION_FAILED")
    assert result["details"]["codes"] == codes
    assert count(Evaluation) == 0


def test_a_negative_score_is_refused(client, people, town_tree, town_set, ward_model):
    """Points start at 0 (the shape says so)."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"], scores=scores(tc2=-1))
    result = sync(client, people["town_officer"], [put(1, data)])["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "VALIDATION_FAILED")
    assert "points" in result["details"]["fields"]["scores"]["1"]
    assert count(Evaluation) == 0


def test_a_model_outside_scope_or_a_set_not_visible_is_not_found(
    client, people, town_tree, town_set, ward_model
):
    """§10: a model out of scope, a set of another province: NOT_FOUND naming the field."""
    t = town_tree
    foreign_officer = make_device_headers(make_user("canbo_ht", t["foreign"], ["CAN_BO_NHAP"]))
    foreign_model = new_model(client, foreign_officer, t["foreign_commune"])
    foreign_set = issue(client, people["foreign_lead"], set_body(t["foreign"])).get_json()
    results = sync(
        client,
        people["town_officer"],
        [
            put(1, evaluation(town_set["id"], foreign_model, t["town"])),
            put(2, evaluation(foreign_set["id"], ward_model, t["town"])),
            put(3, evaluation(str(uuid.uuid4()), ward_model, t["town"])),
        ],
    )["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "NOT_FOUND")] * 3
    assert list(results[0]["details"]["fields"]) == ["model_id"]
    assert list(results[1]["details"]["fields"]) == ["set_id"]
    assert list(results[2]["details"]["fields"]) == ["set_id"]
    assert count(Evaluation) == 0


def test_the_owner_unit_evaluates_its_own_model_only_when_the_set_allows(
    client, people, town_tree, ward_model
):
    """The evaluating unit is above the model's owner, or the owner itself if the set allows."""
    t = town_tree
    strict = issue(client, people["town_lead"], set_body(t["town"])).get_json()
    lenient = issue(
        client, people["town_lead"], set_body(t["town"], name="Tự đánh giá", allow_self=True)
    ).get_json()
    results = sync(
        client,
        people["ward_officer"],
        [
            put(1, evaluation(strict["id"], ward_model, t["ward"])),
            put(2, evaluation(lenient["id"], ward_model, t["ward"])),
        ],
    )["results"]
    assert (results[0]["status"], results[0]["code"]) == ("rejected", "EVALUATOR_NOT_ABOVE")
    assert results[1]["status"] == "applied", results[1]
    assert count(Evaluation) == 1


def test_a_set_for_another_kind_of_subject_is_refused(client, people, town_tree, ward_model):
    """A set for individual exemplars does not score a model."""
    t = town_tree
    individual = issue(
        client, people["town_lead"], set_body(t["town"], applies_to=["DIEN_HINH_CA_NHAN"])
    ).get_json()
    result = sync(
        client,
        people["town_officer"],
        [put(1, evaluation(individual["id"], ward_model, t["town"]))],
    )["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "CRITERIA_SET_NOT_APPLICABLE")
    assert count(Evaluation) == 0


def test_an_evaluation_and_its_model_created_in_one_push(client, people, town_tree, town_set):
    """A model created earlier in the same request can be evaluated by a later mutation."""
    t = town_tree
    model = model_payload(t["ward"])
    mutations = [
        {"seq": 1, "op": "put", "table": "models", "base": 0, "data": model},
        put(2, evaluation(town_set["id"], model["id"], t["town"])),
    ]
    results = sync(client, people["town_officer"], mutations)["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results


def test_a_huge_threshold_is_refused_not_a_server_error(client, people, town_tree):
    """A threshold past any total is VALIDATION_FAILED: counted in hundredths it overflowed."""
    body = set_body(town_tree["town"], thresholds={**THRESHOLDS, "XUAT_SAC": 1e308})
    response = issue(client, people["town_lead"], body)
    assert response.status_code == 422, response.get_json()
    assert "XUAT_SAC" in response.get_json()["error"]["details"]["fields"]["thresholds"]
    assert count(CriteriaSet) == 0


@pytest.mark.parametrize("odd", ["x" * 40, "%00", "00000000-0000-0000-0000-000000000000"])
def test_an_odd_set_id_is_not_found(client, people, odd):
    """An id no set can have never reaches SQL (PostgreSQL refuses NUL in text)."""
    response = client.get(f"/api/v1/criteria-sets/{odd}", headers=people["town_lead"])
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_an_odd_model_id_filter_is_refused(client, people):
    """The evaluation list's model_id filter takes a record id only."""
    response = client.get("/api/v1/evaluations?model_id=%00", headers=people["town_lead"])
    assert response.status_code == 422


def test_an_evaluation_of_a_superseded_version_can_still_be_corrected(
    client, people, town_tree, town_set, ward_model
):
    """The old version is read only, not its evaluations: their scores may be edited."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"])
    sync(client, people["town_officer"], [put(1, data)])
    response = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}", json=edit_body(), headers=people["town_lead"]
    )
    assert response.get_json()["version_no"] == 2
    edit = {
        "seq": 2,
        "op": "put",
        "table": "evaluations",
        "base": 1,
        "data": {"id": data["id"], "scores": scores(10, 10, 10)},
    }
    assert sync(client, people["town_officer"], [edit])["results"][0]["status"] == "applied"
    stored = db.session.get(Evaluation, data["id"])
    assert (stored.set_id, stored.total, stored.rating) == (town_set["id"], 30, "CHUA_DAT")


def test_a_deleted_evaluation_still_holds_its_version(
    client, people, town_tree, town_set, ward_model
):
    """A deleted evaluation can be restored, so its version is kept: the edit makes version 2."""
    data = evaluation(town_set["id"], ward_model, town_tree["town"])
    sync(client, people["town_officer"], [put(1, data)])
    gone = {"seq": 2, "op": "delete", "table": "evaluations", "base": 1, "data": {"id": data["id"]}}
    assert sync(client, people["town_officer"], [gone])["results"][0]["status"] == "applied"
    response = client.put(
        f"/api/v1/criteria-sets/{town_set['id']}", json=edit_body(), headers=people["town_lead"]
    )
    assert response.get_json()["version_no"] == 2
