"""R2, registered versus effective models by period, against Bà Rịa–Vũng Tàu's 2021 figures.

DOMAIN.md §4 R2 and §6: in 2021 the province reported 2.071 models registered, 1.808 carried out
effectively, 276 more than in 2020. The fixture records every one of those models (bulk-inserted:
the count is the point, not the workflow R1's tests already walk).
"""

import csv
import io
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from server.extensions import db
from server.models import ModelRecord, User
from tests.conftest import shared_data
from tests.factories import make_tree, make_unit, make_user, model_payload

REGISTERED_2021, EFFECTIVE_2021, GROWTH = 2071, 1808, 276
REGISTERED_2020, EFFECTIVE_2020 = REGISTERED_2021 - GROWTH, 1502
# The statuses of registered models that are not (or no longer) effective.
NOT_EFFECTIVE = ("DANG_KY", "DANG_XAY_DUNG", "TAM_DUNG")
EFFECTIVE = ("DANG_DUY_TRI", "DA_NHAN_RONG")
HEADINGS = [
    "Kỳ",
    "Số mô hình đăng ký xây dựng",
    "Số mô hình triển khai hiệu quả",
    "Tỷ lệ (%)",
    "Tăng so với năm trước",
]


def _models(owners, year: int, registered: int, effective: int, start: str) -> list[dict]:
    rows = []
    for index in range(registered):
        statuses = EFFECTIVE if index < effective else NOT_EFFECTIVE
        body = model_payload(owners[index % len(owners)], year_registered=year, start_date=start)
        body |= {
            "start_date": date.fromisoformat(start),
            "status": statuses[index % len(statuses)],
            "review_status": "DA_DUYET",
            "search_text": "",
        }
        rows.append(body)
    return rows


@shared_data
def brvt():
    """Record Bà Rịa–Vũng Tàu's models of 2020 and 2021 over its old districts."""
    tree = make_tree()
    hcm = make_unit("Thành phố Hồ Chí Minh", tree["root"], level="TINH", code="79")
    province = make_unit(
        "Tỉnh Bà Rịa - Vũng Tàu", tree["root"], level="TINH", code="77", valid_to=date(2025, 6, 30)
    )
    province.valid_from = None
    province.successors = [hcm]
    districts = []
    for code, name in (("747", "Thành phố Vũng Tàu"), ("748", "Thành phố Bà Rịa")):
        district = make_unit(name, province, level="HUYEN", code=code, valid_to=date(2025, 6, 30))
        district.valid_from = None
        district.successors = [hcm]
        districts.append(district)
    rows = _models(districts, 2020, REGISTERED_2020, EFFECTIVE_2020, "2020-03-01")
    rows += _models(districts, 2021, REGISTERED_2021, EFFECTIVE_2021, "2021-09-01")
    # A cancelled and a deleted model never count; a draft counts only with records=all.
    extra = _models(districts, 2021, 3, 3, "2021-02-01")
    for body, change in zip(
        extra,
        ({"review_status": "HUY"}, {"deleted": True}, {"review_status": "NHAP"}),
        strict=True,
    ):
        body |= change | {"id": str(uuid.uuid4())}
    db.session.execute(insert(ModelRecord), rows + extra)
    db.session.commit()
    admin = make_user("quantri", tree["root"], ["QUAN_TRI"])
    # Ids, not objects: the objects leave the loading session when it ends.
    return {"hcm": hcm.id, "brvt": province.id, "admin": admin.id}


@pytest.fixture
def headers(brvt, auth_headers):
    """Return a national administrator's headers."""
    return auth_headers(db.session.get(User, brvt["admin"]))


def r2(client, headers, **args):
    """Fetch R2 as JSON and return it."""
    response = client.get("/api/v1/reports/r2", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_brvt_2021_is_the_published_figure(client, headers, brvt):
    report = r2(client, headers, unit_id=brvt["brvt"], period="NAM_2021")
    assert [c["label"] for c in report["columns"]] == HEADINGS
    assert report["boundaries"] == "old"
    assert report["rows"] == [
        {"ky": "Năm 2021", "dang_ky": 2071, "hieu_qua": 1808, "ty_le": 87.3, "tang": 276}
    ]
    assert report["totals"] is None


def test_a_phase_has_a_row_a_year_and_totals(client, headers, brvt):
    report = r2(client, headers, unit_id=brvt["brvt"], period="GD_2016_2020")
    assert [row["ky"] for row in report["rows"]] == [f"Năm {y}" for y in range(2016, 2021)]
    last = report["rows"][-1]
    assert (last["dang_ky"], last["hieu_qua"], last["tang"]) == (1795, 1502, None)
    assert report["totals"]["dang_ky"] == 1795
    # The phase before had nothing: no baseline, no growth.
    assert report["totals"]["tang"] is None
    later = r2(client, headers, unit_id=brvt["brvt"], period="GD_2021_2025", boundaries="old")
    assert later["rows"][0]["tang"] == 276, later["rows"]
    assert later["rows"][1] == {
        "ky": "Năm 2022",
        "dang_ky": 0,
        "hieu_qua": 0,
        "ty_le": None,
        "tang": -2071,
    }
    assert later["totals"]["dang_ky"] == 2071
    assert later["totals"]["tang"] == 276


def test_a_half_year_counts_by_start_date(client, headers, brvt):
    report = r2(client, headers, unit_id=brvt["brvt"], period="6THANG_CUOI_2021")
    assert report["counted_by"] == "start_date"
    assert report["rows"][0]["dang_ky"] == 2071
    assert report["rows"][0]["tang"] is None  # nothing started in the second half of 2020
    first = r2(client, headers, unit_id=brvt["brvt"], period="6THANG_DAU_2021")
    assert first["rows"][0]["dang_ky"] == 0


def test_drafts_count_only_with_all_records(client, headers, brvt):
    report = r2(client, headers, unit_id=brvt["brvt"], period="NAM_2021", records="all")
    assert report["rows"][0]["dang_ky"] == 2072


def test_new_boundaries_count_for_the_successor(client, headers, brvt):
    report = r2(client, headers, unit_id=brvt["hcm"], period="NAM_2021", boundaries="new")
    assert report["rows"][0]["dang_ky"] == 2071
    assert report["rows"][0]["hieu_qua"] == 1808
    old = r2(client, headers, unit_id=brvt["hcm"], period="NAM_2021", boundaries="old")
    assert old["rows"][0]["dang_ky"] == 0


def test_exports_write_the_ratio_the_vietnamese_way(client, headers, brvt):
    args = {"unit_id": brvt["brvt"], "period": "NAM_2021"}
    xlsx = client.get("/api/v1/reports/r2", query_string=args | {"format": "xlsx"}, headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [cell.value for cell in sheet[7]] == HEADINGS
    assert [cell.value for cell in sheet[8]] == ["Năm 2021", 2071, 1808, 87.3, 276]
    assert sheet["D8"].number_format == "0.0"
    text = client.get("/api/v1/reports/r2", query_string=args | {"format": "csv"}, headers=headers)
    rows = list(csv.reader(io.StringIO(text.data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [HEADINGS, ["Năm 2021", "2071", "1808", "87,3", "276"]]
    page = client.get("/api/v1/reports/r2", query_string=args | {"format": "html"}, headers=headers)
    html = page.get_data(as_text=True)
    assert "2.071" in html and "1.808" in html and "87,3" in html and "+276" in html
