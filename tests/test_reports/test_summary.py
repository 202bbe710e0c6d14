"""R1, models and exemplars by unit and field, checked against counts known in advance."""

import pytest

from tests.conftest import shared_layer
from tests.test_reports import shared
from tests.test_reports.conftest import (
    in_2020,
    make_model,
    nghe_an_layer,
    unit_of,
    writer_and_reviewer,
)

# DOMAIN.md §3.1: Thái Hòa town, 2020: 89 models = 17 + 52 + 10 + 10.
THAI_HOA = {"KINH_TE": 17, "VAN_HOA_XA_HOI": 52, "QP_AN": 10, "XD_HTCT": 10}
FIELD_KEYS = ("kinh_te", "van_hoa_xa_hoi", "qp_an", "xd_htct")
# The form's headings; "Đơn vị" says what its rows count by (by=owner unless asked).
R1_HEADINGS = [
    "STT",
    "Đơn vị (tính theo đơn vị quản lý)",
    "Tổng số mô hình, điển hình",
    "Tập thể",
    "Cá nhân",
    "Kinh tế",
    "Văn hóa - xã hội",
    "Quốc phòng - an ninh",
    "Xây dựng hệ thống chính trị",
    "Xây dựng mới trong kỳ",
    "Duy trì",
    "Nhân rộng",
    "Được công nhận",
    "Được biểu dương, khen thưởng",
    "Tăng/giảm so với cùng kỳ",
    "Ghi chú",
]


# The tree, writer, reviewer, its headers, Nghệ An and Thái Hòa's records are made once for the
# tests in a row that ask for them (tests/test_reports/shared.py).
tree, writer, reviewer, headers, nghe_an = (
    shared.tree,
    shared.writer,
    shared.reviewer,
    shared.headers,
    shared.nghe_an,
)


def r1(client, headers, **args) -> dict:
    """Fetch R1 as JSON and return it."""
    response = client.get("/api/v1/reports/r1", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def row(report: dict, name: str) -> dict:
    """Return the row of a unit by name."""
    found = [r for r in report["rows"] if r["unit_name"] == name]
    assert len(found) == 1, [r["unit_name"] for r in report["rows"]]
    return found[0]


def _summary_thai_hoa() -> None:
    """Record Thái Hòa's 89 models of 2020, spread over the town and its old communes."""
    writer, reviewer = writer_and_reviewer()
    owners = [unit_of("H414"), unit_of("X17005"), unit_of("X17006")]
    made = 0
    for field, count in THAI_HOA.items():
        for index in range(count):
            subject = {"subject_type": "CA_NHAN", "person_name": "Nguyễn Phong Lưu"}
            make_model(
                writer,
                reviewer,
                owners[made % 3],
                field=field,
                **(subject if index % 4 == 0 else {}),
                **in_2020(),
            )
            made += 1


thai_hoa_layer = shared_layer(_summary_thai_hoa, below=nghe_an_layer)


@pytest.fixture
def thai_hoa(_summary_thai_hoa, nghe_an):
    """Return Nghệ An with Thái Hòa's 89 models of 2020 over the town and its old communes."""
    return nghe_an


def test_thai_hoa_2020(client, headers, thai_hoa):
    report = r1(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    town = row(report, "Thị xã Thái Hòa")
    assert town["total"] == 89
    assert [town[k] for k in FIELD_KEYS] == [17, 52, 10, 10]
    assert town["tap_the"] + town["ca_nhan"] == 89
    assert report["totals"]["total"] == 89
    assert report["boundaries"] == "old"


def test_columns_are_the_form(client, headers, tree):
    report = r1(client, headers)
    assert [c["label"] for c in report["columns"]] == R1_HEADINGS


def test_field_totals_equal_unit_totals(client, headers, thai_hoa, add_model):
    add_model(thai_hoa["commune"], field="KINH_TE", **in_2020())
    add_model(
        thai_hoa["sibling"], field="QP_AN", **in_2020(subject_type="CA_NHAN", person_name="A")
    )
    add_model(thai_hoa["province"], field="XD_HTCT", **in_2020())
    report = r1(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    for line in [*report["rows"], report["totals"]]:
        assert sum(line[k] for k in FIELD_KEYS) == line["total"], line
        assert line["tap_the"] + line["ca_nhan"] == line["total"], line
    assert report["totals"]["total"] == sum(r["total"] for r in report["rows"]) == 92
    assert "không khớp" not in str(report)


def test_rows_are_the_direct_children_each_with_its_subtree(client, headers, nghe_an, add_model):
    add_model(nghe_an["old_tay_hieu"], **in_2020())
    add_model(nghe_an["town"], **in_2020())
    report = r1(client, headers, unit_id=nghe_an["province"].id, period="NAM_2020")
    assert row(report, "Thị xã Thái Hòa")["total"] == 2
    assert "Xã Tây Hiếu" not in [r["unit_name"] for r in report["rows"]]


def test_province_own_records_have_their_own_row(client, headers, nghe_an, add_model):
    add_model(nghe_an["province"])
    add_model(nghe_an["commune"])
    report = r1(client, headers, unit_id=nghe_an["province"].id, period="NAM_2024")
    assert row(report, "Tỉnh Nghệ An (trực tiếp quản lý)")["total"] == 1
    assert report["rows"][0]["unit_name"] == "Tỉnh Nghệ An (trực tiếp quản lý)"
    assert row(report, "Xã Nậm Cắn")["total"] == 1
    assert report["totals"]["total"] == 2


def test_current_units_without_records_report_zero(client, headers, nghe_an):
    report = r1(client, headers, unit_id=nghe_an["province"].id, period="NAM_2025")
    names = [r["unit_name"] for r in report["rows"]]
    assert names == ["Phường Thái Hòa", "Phường Tây Hiếu", "Xã Nậm Cắn", "Xã Mường Xén"]
    assert [r["stt"] for r in report["rows"]] == [1, 2, 3, 4]
    assert report["totals"]["total"] == 0
    assert report["totals"]["unit_name"] == "Tổng cộng"


def test_a_commune_reports_on_itself(client, officer, auth_headers, tree, add_model):
    add_model(tree["commune"])
    report = r1(client, auth_headers(officer), period="NAM_2024")
    assert [(r["unit_name"], r["total"]) for r in report["rows"]] == [("Xã Nậm Cắn", 1)]


@pytest.mark.parametrize(
    ("records", "expected"), [({}, 1), ({"records": "approved"}, 1), ({"records": "all"}, 4)]
)
def test_approved_only_unless_asked(client, headers, tree, add_model, records, expected):
    for review in ("DA_DUYET", "CHO_DUYET", "TRA_LAI", "NHAP", "HUY"):
        add_model(tree["commune"], review=review)
    report = r1(client, headers, unit_id=tree["province"].id, period="NAM_2024", **records)
    assert report["totals"]["total"] == expected
    assert report["records"] == records.get("records", "approved")


def test_deleted_records_never_count(client, headers, tree, add_model, writer):
    from server.actor import Actor
    from server.extensions import db
    from server.records import service
    from server.records.tables import MODELS

    record = add_model(tree["commune"], review="NHAP")
    service.delete(
        db.session,
        MODELS,
        record,
        base_version=record.version,
        actor=Actor.signed_in(writer),
        strict=True,
    )
    db.session.commit()
    report = r1(client, headers, unit_id=tree["province"].id, period="NAM_2024", records="all")
    assert report["totals"]["total"] == 0


def test_status_columns(client, headers, tree, add_model):
    for status in ("DANG_KY", "DANG_XAY_DUNG", "DANG_DUY_TRI", "DA_NHAN_RONG", "TAM_DUNG"):
        add_model(tree["commune"], status=status)
    line = row(r1(client, headers, unit_id=tree["province"].id, period="NAM_2024"), "Xã Nậm Cắn")
    assert (line["total"], line["xay_dung_moi"], line["duy_tri"], line["nhan_rong"]) == (5, 2, 1, 1)
    assert line["tam_dung"] == 1
    assert "1 mô hình tạm dừng" in line["ghi_chu"]


def test_no_recognitions_count_zero(client, headers, tree, add_model):
    add_model(tree["commune"])
    report = r1(client, headers, unit_id=tree["province"].id, period="NAM_2024")
    assert {(r["cong_nhan"], r["khen_thuong"]) for r in report["rows"]} == {(0, 0)}
    assert any(note.startswith("Được công nhận:") for note in report["notes"])


def test_change_on_the_same_period_a_year_before(client, headers, tree, add_model):
    for _ in range(3):
        add_model(tree["commune"], start_date="2023-05-01", year_registered=2023)
    add_model(tree["commune"], start_date="2024-05-01", year_registered=2024)
    add_model(tree["sibling"], start_date="2024-05-01", year_registered=2024)
    report = r1(client, headers, unit_id=tree["province"].id, period="NAM_2024")
    assert row(report, "Xã Nậm Cắn")["tang_giam"] == -2
    assert row(report, "Xã Mường Xén")["tang_giam"] is None  # nothing in 2023 to compare with
    assert report["totals"]["tang_giam"] == -1
    assert report["previous_period"]["label"] == "Năm 2023"


def test_whole_years_count_by_year_registered(client, headers, tree, add_model):
    # Started in 2023 but registered for 2024's count: 2024 counts it, 2023 does not.
    add_model(tree["commune"], start_date="2023-11-01", year_registered=2024)
    assert r1(client, headers, period="NAM_2024")["totals"]["total"] == 1
    assert r1(client, headers, period="NAM_2023")["totals"]["total"] == 0
    assert r1(client, headers, period="GD_2021_2025")["counted_by"] == "year_registered"


def test_half_years_count_by_start_date(client, headers, tree, add_model):
    add_model(tree["commune"], start_date="2024-03-01", year_registered=2024)
    add_model(tree["commune"], start_date="2024-08-01", year_registered=2024)
    add_model(tree["commune"], start_date="2023-02-01", year_registered=2023)
    first = r1(client, headers, period="6THANG_DAU_2024")
    assert (first["totals"]["total"], first["totals"]["previous"]) == (1, 1)
    assert first["counted_by"] == "start_date"
    assert first["period"]["label"] == "6 tháng đầu năm 2024"
    assert r1(client, headers, period="6THANG_CUOI_2024")["totals"]["total"] == 1


def test_explicit_dates(client, headers, tree, add_model):
    add_model(tree["commune"], start_date="2024-03-01")
    add_model(tree["commune"], start_date="2024-03-31")
    add_model(tree["commune"], start_date="2024-04-01")
    report = r1(client, headers, date_from="2024-03-01", date_to="2024-03-31")
    assert report["totals"]["total"] == 2
    assert report["period"] == {
        "code": None,
        "kind": "TU_NGAY",
        "label": "Từ ngày 01/03/2024 đến ngày 31/03/2024",
        "date_from": "2024-03-01",
        "date_to": "2024-03-31",
    }


def test_phase(client, headers, tree, add_model):
    for year in (2020, 2021, 2025, 2026):
        add_model(tree["commune"], start_date=f"{year}-01-10", year_registered=year)
    report = r1(client, headers, period="GD_2021_2025")
    assert (report["totals"]["total"], report["totals"]["previous"]) == (2, 1)
    assert report["previous_period"]["code"] == "GD_2016_2020"
    assert report["period"]["label"] == "Giai đoạn 2021–2025"


def test_default_period_is_this_year(client, headers, tree):
    from server.reports.periods import vn_today

    assert r1(client, headers)["period"]["code"] == f"NAM_{vn_today().year}"
