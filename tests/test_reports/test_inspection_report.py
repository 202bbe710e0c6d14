"""R5, inspection and supervision, checked against seed 003's figures (DOMAIN.md §3.3): 1.554
inspections of 2.612 organisations and 1.503 supervisions of 2.522 in the first half of 2022."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from server.extensions import db
from server.models import Inspection
from server.models.types import utcnow

# DOMAIN.md §3.3: (sessions, organisations covered).
SEED_003 = {"KIEM_TRA": (1554, 2612), "GIAM_SAT": (1503, 2522)}


@pytest.fixture
def headers(reviewer, auth_headers):
    """Return the provincial reviewer's headers."""
    return auth_headers(reviewer)


def r5(client, headers, **args) -> dict:
    """Fetch R5 as JSON."""
    response = client.get("/api/v1/reports/r5", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def row(report: dict, name: str) -> dict:
    """Return the row of a unit by name."""
    found = [r for r in report["rows"] if r["unit_name"] == name]
    assert len(found) == 1, [r["unit_name"] for r in report["rows"]]
    return found[0]


def figures(line: dict) -> tuple[int, int, int, int]:
    """Return seed 003's four figures of a row."""
    keys = ("so_cuoc_kiem_tra", "so_don_vi_kiem_tra", "so_cuoc_giam_sat", "so_don_vi_giam_sat")
    return tuple(line[key] for key in keys)


def test_the_arithmetic_of_seed_003(client, headers, tree, add_inspection):
    """Sessions count once, organisations once per session: units and others named."""
    province, commune, sibling = tree["province"], tree["commune"], tree["sibling"]
    day = {"date_from": "2022-03-10", "date_to": "2022-03-11"}
    add_inspection(province, [commune], **day)
    add_inspection(province, [commune, sibling], recommendations="Bổ sung hồ sơ", **day)
    add_inspection(province, [sibling], other_targets=["HTX chè Nậm Cắn"], **day)
    add_inspection(province, [commune, sibling], kind="GIAM_SAT", result="CAN_KHAC_PHUC", **day)
    add_inspection(province, [sibling], kind="GIAM_SAT", **day)
    add_inspection(province, [commune], kind="KHAO_SAT", **day)
    # The commune's own inspection of itself counts on the commune's row.
    add_inspection(commune, [commune], **day)
    # Neither a draft, nor a cancelled one, nor one of the second half counts.
    add_inspection(province, [commune], review="NHAP", **day)
    add_inspection(province, [commune], review="HUY", **day)
    add_inspection(province, [commune], date_from="2022-07-01", date_to="2022-07-02")
    report = r5(client, headers, unit_id=province.id, period="6THANG_DAU_2022")
    own = row(report, "Tỉnh Nghệ An (trực tiếp quản lý)")
    assert figures(own) == (3, 5, 2, 3)
    assert (own["so_cuoc_khao_sat"], own["kien_nghi"], own["can_khac_phuc"]) == (1, 1, 1)
    assert figures(row(report, "Xã Nậm Cắn")) == (1, 1, 0, 0)
    assert figures(report["totals"]) == (4, 6, 2, 3)


def test_overdue_follow_ups_in_r5(client, headers, tree, add_inspection):
    add_inspection(
        tree["province"],
        [tree["commune"]],
        result="CAN_KHAC_PHUC",
        date_from="2022-03-10",
        date_to="2022-03-10",
        follow_up_due="2022-04-30",
    )
    report = r5(client, headers, unit_id=tree["province"].id, period="6THANG_DAU_2022")
    assert report["totals"]["qua_han"] == 1


def _bulk(conducting_ids: list[int], target_ids: list[int], kind: str, sessions: int, orgs: int):
    """Insert sessions of one kind in the first half of 2022: each covers one or two units."""
    now = utcnow()
    doubles = orgs - sessions
    rows = []
    for n in range(sessions):
        targets = target_ids[:2] if n < doubles else target_ids[:1]
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "version": 1,
                "change_seq": 0,
                "deleted": False,
                "review_status": "DA_DUYET",
                "approvals": [],
                "field_versions": {},
                "version_writers": {},
                "search_text": "",
                "created_at": now,
                "updated_at": now,
                "owner_unit_id": conducting_ids[n % len(conducting_ids)],
                "conducting_unit_id": conducting_ids[n % len(conducting_ids)],
                "kind": kind,
                "team_members": [],
                "target_unit_ids": targets,
                "other_targets": [],
                "target_model_ids": [],
                "subject": "Kiểm tra, giám sát thực hiện Quy chế dân chủ ở cơ sở",
                "date_from": date(2022, 1, 3) + timedelta(days=n % 178),
                "follow_up_done": False,
            }
        )
    db.session.execute(insert(Inspection), rows)


def test_seed_003_full_size(client, tree, admin, auth_headers):
    """The national first half of 2022, as many sessions as the article counts."""
    province, foreign = tree["province"], tree["foreign"]
    for kind, (sessions, orgs) in SEED_003.items():
        # Half the sessions in each province, each inspecting its own communes.
        half = sessions // 2
        half_orgs = orgs // 2
        _bulk([province.id], [tree["commune"].id, tree["sibling"].id], kind, half, half_orgs)
        _bulk(
            [foreign.id],
            [tree["foreign_commune"].id, foreign.id],
            kind,
            sessions - half,
            orgs - half_orgs,
        )
    db.session.commit()
    headers = auth_headers(admin)
    report = r5(client, headers, unit_id=tree["root"].id, period="6THANG_DAU_2022")
    assert figures(report["totals"]) == (1554, 2612, 1503, 2522)
    assert figures(row(report, "Tỉnh Nghệ An")) == (777, 1306, 751, 1261)
    page = client.get(
        "/api/v1/reports/r5",
        query_string={"unit_id": tree["root"].id, "period": "6THANG_DAU_2022", "format": "html"},
        headers=headers,
    ).data.decode()
    for figure in ("1.554", "2.612", "1.503", "2.522"):
        assert figure in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_r5_exports(client, headers, tree, add_inspection, fmt):
    add_inspection(tree["province"], [tree["commune"]], date_from="2022-03-10", date_to=None)
    response = client.get(
        "/api/v1/reports/r5",
        query_string={"unit_id": tree["province"].id, "period": "NAM_2022", "format": fmt},
        headers=headers,
    )
    assert response.status_code == 200
    if fmt == "csv":
        assert "Số tổ chức, đơn vị được kiểm tra" in response.data.decode("utf-8-sig")


def test_old_boundaries_keep_an_abolished_district(client, headers, nghe_an, add_inspection):
    """Inspections by the abolished town stay its own in 2022 and go to its successors after."""
    town = nghe_an["town"]
    add_inspection(town, [nghe_an["old_tay_hieu"]], date_from="2022-03-10", date_to="2022-03-10")
    old = r5(client, headers, unit_id=nghe_an["province"].id, period="NAM_2022")
    assert row(old, "Thị xã Thái Hòa")["so_cuoc_kiem_tra"] == 1
    new = r5(client, headers, unit_id=nghe_an["province"].id, period="NAM_2022", boundaries="new")
    assert new["totals"]["so_cuoc_kiem_tra"] == 1
