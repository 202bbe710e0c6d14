"""R3, the list of models, and R4, meetings: the pivot by unit and type, and the detailed list."""

import pytest

from tests.test_reports.conftest import in_2020


@pytest.fixture
def headers(reviewer, auth_headers):
    """Return the provincial reviewer's headers."""
    return auth_headers(reviewer)


def fetch(client, headers, route: str, **args) -> dict:
    """Fetch a report as JSON."""
    response = client.get(f"/api/v1/reports/{route}", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_r3_columns(client, headers, tree):
    report = fetch(client, headers, "r3")
    assert [c["label"] for c in report["columns"]] == [
        "STT",
        "Tên mô hình/điển hình",
        "Tập thể/Cá nhân",
        "Lĩnh vực",
        "Địa bàn (thôn/xã)",
        "Đơn vị chủ trì",
        "Thời gian bắt đầu",
        "Cách làm",
        "Kết quả nổi bật (chỉ số)",
        "Cấp công nhận",
        "Hình thức khen thưởng",
        "Trạng thái",
        "Tệp (đã nhận/khai báo)",
        "Tệp đính kèm",
    ]


def test_r3_row(client, headers, tree, add_model):
    add_model(
        tree["commune"],
        subject_type="CA_NHAN",
        person_name="Nguyễn Thị Thu Hằng",
        person_position="Tổ trưởng",
        name="Tổ liên kết sản xuất hương truyền thống",
        field="KINH_TE",
        lead_org="Hội Phụ nữ",
        metrics=[
            {"metric": "Thu nhập bình quân", "value": 600000000, "unit": "đồng/năm"},
            {"metric": "Tỷ lệ hộ tham gia", "value": 14.76, "unit": "%"},
        ],
        results="Ổn định việc làm",
    )
    (line,) = fetch(client, headers, "r3", period="NAM_2024")["rows"]
    assert line == {
        "stt": 1,
        "id": line["id"],
        "unit_id": tree["commune"].id,
        "ten": "Tổ liên kết sản xuất hương truyền thống (Nguyễn Thị Thu Hằng, Tổ trưởng)",
        "tap_the_ca_nhan": "Cá nhân",
        "linh_vuc": "Kinh tế",
        "dia_ban": "Bản Huồi Pủng, Xã Nậm Cắn",
        "don_vi_chu_tri": "Hội Phụ nữ",
        "thoi_gian_bat_dau": "2024-03-01",
        "cach_lam": "Phân công hội viên phụ trách từng cụm dân cư",
        "ket_qua": "Ổn định việc làm; Thu nhập bình quân: 600.000.000 đồng/năm; "
        "Tỷ lệ hộ tham gia: 14,76 %",
        "cap_cong_nhan": None,
        "hinh_thuc_khen_thuong": None,
        "trang_thai": "Đang duy trì",
        "tep": "",
        "tep_dinh_kem": "",
        "review_status": "DA_DUYET",
    }


def test_r3_lists_row_by_row_and_pages(client, headers, tree, add_model):
    add_model(tree["sibling"], name="B", start_date="2024-01-01")
    add_model(tree["commune"], name="C", start_date="2024-02-01")
    add_model(tree["commune"], name="A", start_date="2024-02-01")
    add_model(tree["province"], name="Z", start_date="2024-12-01")
    add_model(tree["commune"], name="Old", **in_2020())
    first = fetch(client, headers, "r3", period="NAM_2024", per_page=3)
    assert (first["total"], first["page"], first["per_page"]) == (4, 1, 3)
    # The province's own first, then its communes in code order, each by start date and name.
    assert [r["ten"] for r in first["rows"]] == ["Z", "A", "C"]
    second = fetch(client, headers, "r3", period="NAM_2024", per_page=3, page=2)
    assert [(r["stt"], r["ten"]) for r in second["rows"]] == [(4, "B")]


def test_r3_field_filter(client, headers, tree, add_model):
    add_model(tree["commune"], field="KINH_TE")
    add_model(tree["commune"], field="QP_AN")
    report = fetch(client, headers, "r3", period="NAM_2024", field="QP_AN")
    assert [r["linh_vuc"] for r in report["rows"]] == ["Quốc phòng - an ninh"]


def test_r3_export_has_every_row(client, headers, tree, add_model):
    import csv
    import io

    for index in range(60):
        add_model(tree["commune"], name=f"Mô hình {index:02d}")
    response = client.get(
        "/api/v1/reports/r3", query_string={"format": "csv", "period": "NAM_2024"}, headers=headers
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 61  # headings and 60 models, no totals row


R4_HEADINGS = [
    "STT",
    "Đơn vị",
    "Tọa đàm",
    "Tập huấn",
    "Sơ kết",
    "Tổng kết",
    "Đối thoại",
    "Giao ban",
    "Khác",
    "Tổng số cuộc",
    "Tổng lượt người tham dự",
    "Ghi chú",
]


@pytest.fixture
def meetings(nghe_an, add_meeting):
    """Hold meetings of known types and attendance in 2022 (the seeds' M2–M4) and one in 2023."""
    commune, sibling = nghe_an["commune"], nghe_an["sibling"]
    add_meeting(commune, type="TOA_DAM", start_at="2022-08-12T08:00", actual_count=45)
    add_meeting(
        commune,
        type="TAP_HUAN",
        start_at="2022-10-21T08:00",
        actual_count=300,
        count_is_approx=True,
    )
    add_meeting(
        commune,
        type="SO_KET",
        report_period="6_THANG",
        start_at="2022-07-15T08:00",
        actual_count=None,
    )
    add_meeting(sibling, type="TRAO_DOI_KN", start_at="2022-12-31T23:59", actual_count=120)
    add_meeting(sibling, type="HOI_NGHI", start_at="2022-01-01T00:00", actual_count=30)
    add_meeting(sibling, type="GIAO_BAN", start_at="2023-01-01T00:00", actual_count=12)
    add_meeting(sibling, review="CHO_DUYET", type="GIAO_BAN", start_at="2022-05-01T08:00")
    return nghe_an


def test_r4_pivot(client, headers, meetings):
    report = fetch(client, headers, "r4", unit_id=meetings["province"].id, period="NAM_2022")
    assert [c["label"] for c in report["columns"]] == R4_HEADINGS
    rows = {r["unit_name"]: r for r in report["rows"]}
    commune, sibling = rows["Xã Nậm Cắn"], rows["Xã Mường Xén"]
    assert (commune["toa_dam"], commune["tap_huan"], commune["so_ket"]) == (1, 1, 1)
    assert (commune["tong_so_cuoc"], commune["tong_luot_tham_du"]) == (3, 345)
    assert commune["ghi_chu"] == "1 cuộc chưa nhập số đại biểu"
    assert (sibling["khac"], sibling["giao_ban"], sibling["tong_so_cuoc"]) == (2, 0, 2)
    assert sibling["tong_luot_tham_du"] == 150
    totals = report["totals"]
    assert (totals["tong_so_cuoc"], totals["tong_luot_tham_du"]) == (5, 495)
    assert (
        totals["tong_so_cuoc"]
        == sum(
            totals[k]
            for k in ("toa_dam", "tap_huan", "so_ket", "tong_ket", "doi_thoai", "giao_ban")
        )
        + totals["khac"]
    )


def test_r4_all_records(client, headers, meetings):
    report = fetch(
        client, headers, "r4", unit_id=meetings["province"].id, period="NAM_2022", records="all"
    )
    assert (report["totals"]["giao_ban"], report["totals"]["tong_so_cuoc"]) == (1, 6)


def test_r4_list(client, headers, meetings):
    report = fetch(client, headers, "r4/list", unit_id=meetings["province"].id, period="NAM_2022")
    assert [c["label"] for c in report["columns"]] == [
        "STT",
        "Loại hoạt động",
        "Tên hội nghị",
        "Thời gian",
        "Địa điểm",
        "Hình thức",
        "Đơn vị tổ chức",
        "Người chủ trì",
        "Số đại biểu",
        "Số ý kiến/tham luận",
        "Kết quả/Kết luận",
    ]
    assert report["total"] == 5
    # Row by row (the commune, then its sibling), each by start time.
    assert [r["loai"] for r in report["rows"]] == [
        "Sơ kết",
        "Tọa đàm",
        "Tập huấn, bồi dưỡng",
        "Hội nghị",
        "Trao đổi kinh nghiệm",
    ]
    first = report["rows"][1]
    assert first["thoi_gian"] == "2022-08-12T08:00"
    assert first["hinh_thuc"] == "Trực tiếp"
    assert first["don_vi_to_chuc"] == "Xã Nậm Cắn"
    assert first["chu_tri"] == "Vi Văn Sơn, Bí thư"
    assert first["so_dai_bieu"] == 45
    assert any("ước tính" in note for note in report["notes"])


def test_r4_list_type_filter(client, headers, meetings):
    report = fetch(
        client,
        headers,
        "r4/list",
        unit_id=meetings["province"].id,
        period="NAM_2022",
        type="SO_KET",
    )
    assert [r["loai"] for r in report["rows"]] == ["Sơ kết"]


def test_r4_counts_meetings_by_start(client, headers, meetings):
    report = fetch(
        client,
        headers,
        "r4",
        unit_id=meetings["province"].id,
        date_from="2022-12-31",
        date_to="2023-01-01",
    )
    assert report["totals"]["tong_so_cuoc"] == 2


def test_r4_old_meetings_roll_up_on_new_boundaries(client, headers, nghe_an, add_meeting):
    add_meeting(nghe_an["old_tay_hieu"], start_at="2020-05-05T08:00", actual_count=40)
    report = fetch(
        client, headers, "r4", unit_id=nghe_an["province"].id, period="NAM_2020", boundaries="new"
    )
    rows = {r["unit_name"]: r for r in report["rows"]}
    assert rows["Phường Tây Hiếu"]["tong_luot_tham_du"] == 40
    assert rows["Phường Tây Hiếu"]["ghi_chu"] == "Gồm 1 cuộc của Xã Tây Hiếu (cũ)"
