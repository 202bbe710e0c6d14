"""R1's and R3's recognition columns and R6, checked against the seed facts (DOMAIN.md §3.1, §4
R3 and §6: Thái Hòa's commendations in 2020; Chợ Đồn's funnel 123 → 55 → 18 in 2022)."""

import functools
from datetime import date

import pytest

from server.extensions import db
from server.models import ModelRecord, Unit
from tests.conftest import shared_layer
from tests.factories import make_unit
from tests.test_reports import shared
from tests.test_reports.conftest import (
    base_layer,
    in_2020,
    make_model,
    make_recognition,
    nghe_an_layer,
    unit_of,
    writer_and_reviewer,
)

PERSON = {"subject_type": "CA_NHAN", "person_name": "Nguyễn Phong Lưu"}
PROVINCIAL = {
    "stage": "KHEN",
    "level": "TINH",
    "form": "BIEU_DUONG",
    "issuer": "BTV Tỉnh ủy Nghệ An",
    "decision_no": "2466-QĐ/TU",
    "decision_date": "2020-08-20",
    "period": "GD_2016_2020",
}
NATIONAL = {
    **PROVINCIAL,
    "level": "TOAN_QUOC",
    "issuer": "Ban Dân vận Trung ương",
    "decision_no": "95-QĐ/BDVTW",
    "decision_date": "2020-10-30",
}


# The tree, writer, reviewer, its headers, Nghệ An and the recognitions of Thái Hòa and Chợ Đồn
# are made once for the tests in a row that ask for them (tests/test_reports/shared.py).
tree, writer, reviewer, headers, nghe_an = (
    shared.tree,
    shared.writer,
    shared.reviewer,
    shared.headers,
    shared.nghe_an,
)


def fetch(client, headers, code: str, **args) -> dict:
    """Fetch a report as JSON."""
    response = client.get(f"/api/v1/reports/{code}", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def row(report: dict, name: str) -> dict:
    """Return the row of a unit by name."""
    found = [r for r in report["rows"] if r["unit_name"] == name]
    assert len(found) == 1, [r["unit_name"] for r in report["rows"]]
    return found[0]


def _recognitions_thai_hoa() -> dict[str, str]:
    """Thái Hòa 2020: one collective and one individual commended at the provincial conference
    of 2016–2020, the individual also at the national one; a third model not recognised."""
    writer, reviewer = writer_and_reviewer()
    collective = make_model(writer, reviewer, unit_of("H414"), **in_2020())
    person = make_model(writer, reviewer, unit_of("X17006"), **in_2020(**PERSON))
    make_model(writer, reviewer, unit_of("X17005"), **in_2020())
    make_recognition(writer, reviewer, collective, **PROVINCIAL)
    make_recognition(writer, reviewer, person, **PROVINCIAL)
    make_recognition(writer, reviewer, person, **NATIONAL)
    return {"collective": collective.id, "person": person.id}


thai_hoa_layer = shared_layer(_recognitions_thai_hoa, below=nghe_an_layer)


@pytest.fixture
def thai_hoa(_recognitions_thai_hoa, nghe_an):
    """Return Nghệ An with Thái Hòa's recognised models of 2020 (`collective`, `person`)."""
    models = {
        name: db.session.get(ModelRecord, id_) for name, id_ in _recognitions_thai_hoa.items()
    }
    return {**nghe_an, **models}


def test_thai_hoa_recognitions_in_r1(client, headers, thai_hoa):
    report = fetch(client, headers, "r1", unit_id=thai_hoa["province"].id, period="NAM_2020")
    town = row(report, "Thị xã Thái Hòa")
    assert (town["total"], town["cong_nhan"], town["khen_thuong"]) == (3, 2, 2)
    assert (report["totals"]["cong_nhan"], report["totals"]["khen_thuong"]) == (2, 2)
    assert not any("chưa quản lý dữ liệu công nhận" in note for note in report["notes"])


def test_thai_hoa_on_new_boundaries(client, headers, thai_hoa):
    """The abolished town's recognitions follow its communes to their successors (§3.5)."""
    report = fetch(
        client,
        headers,
        "r1",
        unit_id=thai_hoa["province"].id,
        period="NAM_2020",
        boundaries="new",
    )
    assert row(report, "Phường Thái Hòa")["khen_thuong"] == 2
    assert report["totals"]["cong_nhan"] == 2


def test_a_year_without_decisions_counts_none(client, headers, thai_hoa):
    report = fetch(client, headers, "r1", unit_id=thai_hoa["province"].id, period="NAM_2021")
    assert (report["totals"]["cong_nhan"], report["totals"]["khen_thuong"]) == (0, 0)


def test_unapproved_recognitions_count_only_when_asked(
    client, headers, nghe_an, add_model, add_recognition
):
    model = add_model(nghe_an["commune"], **in_2020())
    add_recognition(model, review="CHO_DUYET", decision_date="2020-05-01")
    args = {"unit_id": nghe_an["province"].id, "period": "NAM_2020"}
    assert fetch(client, headers, "r1", **args)["totals"]["cong_nhan"] == 0
    assert fetch(client, headers, "r1", records="all", **args)["totals"]["cong_nhan"] == 1


def test_deleted_recognitions_never_count(client, headers, nghe_an, add_model, add_recognition):
    model = add_model(nghe_an["commune"], **in_2020())
    recognition = add_recognition(model, review="NHAP", decision_date="2020-05-01")
    recognition.deleted = True
    db.session.commit()
    report = fetch(
        client, headers, "r1", unit_id=nghe_an["province"].id, period="NAM_2020", records="all"
    )
    assert report["totals"]["cong_nhan"] == 0


def test_r3_shows_the_highest_level_and_the_commendations(client, headers, thai_hoa):
    report = fetch(client, headers, "r3", unit_id=thai_hoa["province"].id, period="NAM_2020")
    by_id = {r["id"]: r for r in report["rows"]}
    person = by_id[thai_hoa["person"].id]
    assert person["cap_cong_nhan"] == "Toàn quốc"
    assert person["hinh_thuc_khen_thuong"] == (
        "Biểu dương (Tỉnh, 2466-QĐ/TU); Biểu dương (Toàn quốc, 95-QĐ/BDVTW)"
    )
    assert by_id[thai_hoa["collective"].id]["cap_cong_nhan"] == "Tỉnh"
    others = [r for r in report["rows"] if r["id"] not in (person["id"], thai_hoa["collective"].id)]
    assert [(r["cap_cong_nhan"], r["hinh_thuc_khen_thuong"]) for r in others] == [(None, None)]


# DOMAIN.md §4 R3 and §6: Chợ Đồn, 2022.
RECOGNISED = (69, 54)
EXEMPLARY = (29, 26)
PROPOSED = (10, 8)


def _recognitions_cho_don() -> int:
    """Record Chợ Đồn's 2022 funnel: 123 recognised → 55 exemplary → 18 proposed, as drafts."""
    writer, reviewer = writer_and_reviewer()
    add_model = functools.partial(make_model, writer, reviewer)
    add_recognition = functools.partial(make_recognition, writer, reviewer)
    district = make_unit("Huyện Chợ Đồn", unit_of("40"), level="HUYEN", valid_to=date(2025, 6, 30))
    district.valid_from = None
    db.session.commit()
    decision = {"level": "HUYEN", "period": "GD_2021_2025"}
    for subject, index in (("TAP_THE", 0), ("CA_NHAN", 1)):
        extra = PERSON if subject == "CA_NHAN" else {}
        for n in range(RECOGNISED[index]):
            model = add_model(
                district, review="NHAP", start_date="2021-05-01", year_registered=2021, **extra
            )
            add_recognition(
                model,
                review="NHAP",
                stage="CONG_NHAN",
                form="KHAC",
                issuer="BCĐ QCDC cơ sở và phong trào DVK huyện Chợ Đồn",
                decision_date="2022-09-15",
                **decision,
            )
            if n < EXEMPLARY[index]:
                add_recognition(
                    model,
                    review="NHAP",
                    stage="TIEU_BIEU",
                    form="BIEU_DUONG",
                    issuer="BCĐ QCDC cơ sở và phong trào DVK huyện Chợ Đồn",
                    decision_date="2022-10-10",
                    **decision,
                )
            if n < PROPOSED[index]:
                add_recognition(
                    model,
                    review="NHAP",
                    stage="DE_NGHI_KHEN",
                    form="GIAY_KHEN",
                    issuer="UBND huyện Chợ Đồn",
                    decision_date="2022-10-20",
                    **decision,
                )
    return district.id


cho_don_layer = shared_layer(_recognitions_cho_don, below=base_layer)


@pytest.fixture
def cho_don(_recognitions_cho_don, tree):
    """Return the tree with Chợ Đồn's 2022 funnel, as drafts, in its `district`."""
    return {**tree, "district": db.session.get(Unit, _recognitions_cho_don)}


def funnel(report: dict) -> list[tuple[str, int, int, int]]:
    """Return a report's funnel as (stage, total, collective, individual)."""
    return [(s["stage"], s["total"], s["tap_the"], s["ca_nhan"]) for s in report["funnel"]]


EXPECTED_FUNNEL = [
    ("CONG_NHAN", 123, 69, 54),
    ("TIEU_BIEU", 55, 29, 26),
    ("DE_NGHI_KHEN", 18, 10, 8),
    ("KHEN", 0, 0, 0),
]


def test_cho_don_funnel_in_r6(client, headers, cho_don):
    report = fetch(
        client, headers, "r6", unit_id=cho_don["province"].id, period="NAM_2022", records="all"
    )
    assert funnel(report) == EXPECTED_FUNNEL
    rows = [(r["buoc"], r["cap_khen"], r["so_tap_the"], r["so_ca_nhan"]) for r in report["rows"]]
    assert rows == [
        ("Đề nghị khen", "Huyện (trước 01/7/2025)", 10, 8),
        ("Tiêu biểu", "Huyện (trước 01/7/2025)", 29, 26),
        ("Công nhận", "Huyện (trước 01/7/2025)", 69, 54),
    ]
    assert report["rows"][0]["co_quan_khen"] == "UBND huyện Chợ Đồn"
    assert report["rows"][0]["so_ngay_quyet_dinh"] == "ngày 20/10/2022"
    assert report["rows"][0]["giai_doan"] == "2021–2025"
    assert (report["totals"]["so_tap_the"], report["totals"]["so_ca_nhan"]) == (108, 88)
    assert any(
        "Công nhận: 123 (69 tập thể, 54 cá nhân) → Tiêu biểu: 55 (29 tập thể, 26 cá nhân) → "
        "Đề nghị khen: 18 (10 tập thể, 8 cá nhân)" in note
        for note in report["notes"]
    )


def test_cho_don_funnel_in_r3(client, headers, cho_don):
    report = fetch(
        client,
        headers,
        "r3",
        unit_id=cho_don["province"].id,
        period="NAM_2022",
        records="all",
        per_page=5,
    )
    assert funnel(report) == EXPECTED_FUNNEL
    assert report["total"] == 0  # registered in 2021: the list of 2022 has none of them
    listed = fetch(
        client,
        headers,
        "r3",
        unit_id=cho_don["province"].id,
        period="NAM_2021",
        records="all",
        per_page=500,
    )
    assert listed["total"] == 123
    assert {r["cap_cong_nhan"] for r in listed["rows"]} == {None}  # decided in 2022, after 2021


def test_r6_only_approved_by_default(client, headers, thai_hoa, add_recognition):
    add_recognition(thai_hoa["collective"], review="NHAP", **NATIONAL)
    report = fetch(client, headers, "r6", unit_id=thai_hoa["province"].id, period="NAM_2020")
    rows = [(r["cap_khen"], r["so_tap_the"], r["so_ca_nhan"]) for r in report["rows"]]
    assert rows == [("Toàn quốc", 0, 1), ("Tỉnh", 1, 1)]
    assert report["rows"][1]["so_ngay_quyet_dinh"] == "Số 2466-QĐ/TU, ngày 20/08/2020"
    assert report["rows"][1]["giai_doan"] == "2016–2020"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_r6_exports(client, headers, thai_hoa, fmt):
    response = client.get(
        "/api/v1/reports/r6",
        query_string={"unit_id": thai_hoa["province"].id, "period": "NAM_2020", "format": fmt},
        headers=headers,
    )
    assert response.status_code == 200
    if fmt == "csv":
        text = response.data.decode("utf-8-sig")
        assert "Cấp khen" in text
        assert "Ban Dân vận Trung ương" in text
    if fmt == "html":
        assert "Số, ngày quyết định" in response.data.decode()


def test_the_commune_sees_only_its_own(
    client, tree, officer, auth_headers, add_model, add_recognition
):
    mine = add_model(tree["commune"])
    theirs = add_model(tree["sibling"])
    add_recognition(mine)
    add_recognition(theirs)
    report = fetch(client, auth_headers(officer), "r6", period="NAM_2024")
    assert report["totals"]["so_tap_the"] == 1
