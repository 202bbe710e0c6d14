"""R1 and R3 by managing unit (by=owner, the default) or by commune (by=commune).

A province officer records three models for three wards: the province manages them, the wards
carry them out. By owner they count in the province's own row; by commune, in the wards'.
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.test_reports.conftest import in_2020
from tests.test_reports.test_summary import FIELD_KEYS, THAI_HOA, r1, row

PROVINCE_ROW = "Tỉnh Nghệ An (trực tiếp quản lý)"
WARDS = ("Phường Hòa Hiếu", "Xã Long Sơn", "Phường Tây Hiếu")
# After the reform, so the wards are current units with rows of their own (new boundaries).
IN_2025 = {"start_date": "2025-08-01", "year_registered": 2025}


@pytest.fixture
def headers(reviewer, auth_headers):
    """Return the provincial reviewer's headers."""
    return auth_headers(reviewer)


@pytest.fixture
def wards(nghe_an, create_unit, add_model):
    """Record three province-managed models, one carried out in each of three wards."""
    province = nghe_an["province"]
    hoa_hieu = create_unit("Phường Hòa Hiếu", province, level="XA", code="16941")
    long_son = create_unit("Xã Long Sơn", province, level="XA", code="16942")
    places = {"hoa_hieu": hoa_hieu, "long_son": long_son, "tay_hieu": nghe_an["tay_hieu"]}
    for place in places.values():
        add_model(province, commune_unit_id=place.id, **IN_2025)
    return {**nghe_an, **places}


def totals_by_row(report: dict) -> dict[str, int]:
    """Return each row's total by name."""
    return {r["unit_name"]: r["total"] for r in report["rows"]}


def test_by_owner_is_the_default_and_counts_the_province(client, headers, wards):
    """Regression: a province officer's models for three wards all counted for the province."""
    report = r1(client, headers, unit_id=wards["province"].id, period="NAM_2025")
    assert report["grouped_by"] == "owner"
    assert row(report, PROVINCE_ROW)["total"] == 3
    assert all(row(report, name)["total"] == 0 for name in WARDS)
    assert report["columns"][1]["label"] == "Đơn vị (tính theo đơn vị quản lý)"
    assert report["scope_line"].endswith("Tính theo đơn vị quản lý.")


def test_by_commune_counts_each_ward(client, headers, wards):
    report = r1(client, headers, unit_id=wards["province"].id, period="NAM_2025", by="commune")
    assert report["grouped_by"] == "commune"
    assert [row(report, name)["total"] for name in WARDS] == [1, 1, 1]
    assert PROVINCE_ROW not in totals_by_row(report) or row(report, PROVINCE_ROW)["total"] == 0
    assert report["totals"]["total"] == 3
    assert report["columns"][1]["label"] == "Đơn vị (tính theo địa bàn thực hiện)"
    assert report["scope_line"].endswith("Tính theo địa bàn thực hiện.")
    assert any(note.startswith("Tính theo địa bàn thực hiện:") for note in report["notes"])


def test_a_ward_report_by_commune_holds_the_province_model(client, headers, wards):
    ward = wards["long_son"].id
    assert r1(client, headers, unit_id=ward, period="NAM_2025")["totals"]["total"] == 0
    by_commune = r1(client, headers, unit_id=ward, period="NAM_2025", by="commune")
    assert by_commune["totals"]["total"] == 1


def test_a_commune_officer_by_commune_does_not_see_the_province_models(
    client, wards, create_user, auth_headers, add_model
):
    officer = create_user("hoahieu", wards["hoa_hieu"], ["CAN_BO_NHAP"])
    add_model(wards["hoa_hieu"], **IN_2025)
    report = r1(client, auth_headers(officer), period="NAM_2025", by="commune")
    assert report["unit"]["id"] == wards["hoa_hieu"].id
    assert report["totals"]["total"] == 1
    listed = client.get(
        "/api/v1/reports/r3",
        query_string={"period": "NAM_2025", "by": "commune"},
        headers=auth_headers(officer),
    ).get_json()
    assert listed["total"] == 1


def test_a_model_managed_here_but_done_elsewhere_leaves_the_commune_report(
    client, headers, tree, add_model
):
    add_model(tree["commune"], commune_unit_id=tree["sibling"].id)
    unit = tree["commune"].id
    assert r1(client, headers, unit_id=unit, period="NAM_2024")["totals"]["total"] == 1
    assert (
        r1(client, headers, unit_id=unit, period="NAM_2024", by="commune")["totals"]["total"] == 0
    )


def test_r3_lists_by_commune(client, headers, wards):
    def listed(**args):
        response = client.get(
            "/api/v1/reports/r3",
            query_string={"unit_id": wards["hoa_hieu"].id, "period": "NAM_2025", **args},
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert listed()["total"] == 0
    assert listed()["grouped_by"] == "owner"
    report = listed(by="commune")
    assert (report["total"], report["grouped_by"]) == (1, "commune")
    assert "Phường Hòa Hiếu" in report["rows"][0]["dia_ban"]
    assert report["scope_line"].endswith("Tính theo địa bàn thực hiện.")


def test_boundaries_apply_to_the_commune(client, headers, nghe_an, add_model):
    add_model(nghe_an["province"], commune_unit_id=nghe_an["old_tay_hieu"].id, **in_2020())
    province = nghe_an["province"].id
    new = r1(client, headers, unit_id=province, period="NAM_2020", boundaries="new", by="commune")
    assert row(new, "Phường Tây Hiếu")["total"] == 1
    assert "Gồm 1 mô hình của Xã Tây Hiếu (cũ)" in row(new, "Phường Tây Hiếu")["ghi_chu"]
    old = r1(client, headers, unit_id=province, period="NAM_2020", boundaries="old", by="commune")
    assert row(old, "Thị xã Thái Hòa")["total"] == 1
    by_owner = r1(client, headers, unit_id=province, period="NAM_2020", boundaries="new")
    assert row(by_owner, PROVINCE_ROW)["total"] == 1


@pytest.mark.parametrize("by", ["owner", "commune"])
def test_thai_hoa_2020_stays_exact(client, headers, nghe_an, add_model, by):
    owners = [nghe_an["town"], nghe_an["old_tay_hieu"], nghe_an["old_nghia_thuan"]]
    made = 0
    for field, count in THAI_HOA.items():
        for _ in range(count):
            add_model(owners[made % 3], field=field, **in_2020())
            made += 1
    report = r1(client, headers, unit_id=nghe_an["province"].id, period="NAM_2020", by=by)
    town = row(report, "Thị xã Thái Hòa")
    assert [town["total"], *(town[k] for k in FIELD_KEYS)] == [89, 17, 52, 10, 10]
    assert report["totals"]["total"] == 89


def test_exports_say_which_grouping(client, headers, wards):
    args = {"unit_id": wards["province"].id, "period": "NAM_2025", "by": "commune"}
    xlsx = client.get(
        "/api/v1/reports/r1", query_string={**args, "format": "xlsx"}, headers=headers
    )
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert "Tính theo địa bàn thực hiện." in sheet["A5"].value
    assert sheet["B7"].value == "Đơn vị (tính theo địa bàn thực hiện)"
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any(n.startswith("Ghi chú: Tính theo địa bàn thực hiện:") for n in notes)

    data = client.get("/api/v1/reports/r1", query_string={**args, "format": "csv"}, headers=headers)
    heading = next(csv.reader(io.StringIO(data.data.decode("utf-8-sig")), delimiter=";"))
    assert heading[1] == "Đơn vị (tính theo địa bàn thực hiện)"

    html = client.get(
        "/api/v1/reports/r3", query_string={**args, "format": "html"}, headers=headers
    )
    assert "Tính theo địa bàn thực hiện." in html.get_data(as_text=True)
    html = client.get(
        "/api/v1/reports/r1",
        query_string={**args, "by": "owner", "format": "html"},
        headers=headers,
    )
    assert "Tính theo đơn vị quản lý." in html.get_data(as_text=True)


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("/api/v1/reports/r1", {"by": "xa"}),
        ("/api/v1/reports/r3", {"by": ""}),
        ("/api/v1/reports/r4", {"by": "commune"}),
        ("/api/v1/reports/r7", {"by": "owner"}),
    ],
)
def test_bad_grouping_is_refused(client, headers, tree, route, args):
    response = client.get(route, query_string=args, headers=headers)
    assert response.status_code == 422
    body = response.get_json()["error"]
    assert body["code"] == "VALIDATION_FAILED"
    assert "by" in body["details"]["fields"]


def test_no_change_without_last_year(client, headers, tree, add_model):
    """A row with nothing the year before shows no change, and says why (not +100 %)."""
    add_model(tree["commune"], start_date="2023-05-01", year_registered=2023)
    add_model(tree["commune"], start_date="2024-05-01", year_registered=2024)
    add_model(tree["sibling"], start_date="2024-05-01", year_registered=2024)
    report = r1(client, headers, unit_id=tree["province"].id, period="NAM_2024")
    assert row(report, "Xã Nậm Cắn")["tang_giam"] == 0
    sibling = row(report, "Xã Mường Xén")
    assert sibling["tang_giam"] is None
    assert any("để trống khi cùng kỳ không có số liệu" in note for note in report["notes"])
    assert report["totals"]["tang_giam"] == 1
    assert (
        r1(client, headers, unit_id=tree["sibling"].id, period="NAM_2024")["totals"]["tang_giam"]
        is None
    )


def test_an_ended_unit_on_new_boundaries_says_so(client, headers, nghe_an):
    report = r1(client, headers, unit_id=nghe_an["town"].id, period="NAM_2025", boundaries="new")
    assert report["rows"] == []
    assert report["unit"]["valid_to"] == "2025-06-30"
    assert [s["name"] for s in report["unit"]["successors"]] == [
        "Phường Thái Hòa",
        "Phường Tây Hiếu",
    ]
    assert report["notes"][0] == (
        "Đơn vị này đã kết thúc ngày 30/06/2025 — theo địa giới hành chính mới, số liệu tính "
        "cho đơn vị kế thừa: Phường Thái Hòa, Phường Tây Hiếu."
    )
    assert date.fromisoformat(report["unit"]["valid_to"]) == nghe_an["town"].valid_to
