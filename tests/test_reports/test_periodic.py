"""The periodic report: the .docx opened with python-docx, its outline, tables and numbers.

DOMAIN.md §4 (periodic narrative report) and §3.1 (Thái Hòa 2020: 89 = 17 + 52 + 10 + 10).
"""

import io
import re

import pytest
from docx import Document

from tests.conftest import shared_layer
from tests.test_reports import shared
from tests.test_reports.conftest import (
    in_2020,
    make_meeting,
    make_model,
    nghe_an_layer,
    unit_of,
    writer_and_reviewer,
)
from tests.test_reports.test_summary import THAI_HOA

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REGISTERED_ONLY = 10  # of Thái Hòa's 89, still only registered: not yet effective


# The tree, writer, reviewer, its headers, Nghệ An and Thái Hòa's records are made once for the
# tests in a row that ask for them (tests/test_reports/shared.py).
tree, writer, reviewer, headers, nghe_an = (
    shared.tree,
    shared.writer,
    shared.reviewer,
    shared.headers,
    shared.nghe_an,
)


def _periodic_thai_hoa() -> None:
    """Record Thái Hòa's 89 models of 2020 (10 only registered) and a meeting of 1.554 people."""
    writer, reviewer = writer_and_reviewer()
    town = unit_of("H414")
    owners = [town, unit_of("X17005"), unit_of("X17006")]
    made = 0
    for field, count in THAI_HOA.items():
        for _ in range(count):
            extra = {"status": "DANG_KY"} if made < REGISTERED_ONLY else {}
            make_model(writer, reviewer, owners[made % 3], field=field, **extra, **in_2020())
            made += 1
    make_meeting(writer, reviewer, town, actual_count=1554, start_at="2020-08-12T14:00:00")


thai_hoa_layer = shared_layer(_periodic_thai_hoa, below=nghe_an_layer)


@pytest.fixture
def thai_hoa(_periodic_thai_hoa, nghe_an):
    """Return Nghệ An with Thái Hòa's 89 models of 2020 and a meeting of 1.554 people."""
    return nghe_an


def fetch(client, headers, **args) -> Document:
    """Download the periodic report and open it."""
    response = client.get("/api/v1/reports/periodic", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    return Document(io.BytesIO(response.data)), response


def headings(doc) -> list[str]:
    """Return the text of every heading, in order."""
    return [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def texts(doc) -> str:
    """Return all paragraph text, one paragraph a line."""
    return "\n".join(p.text for p in doc.paragraphs)


def table_with(doc, heading: str):
    """Return the table whose heading row holds a label."""
    found = [t for t in doc.tables if heading in [c.text for c in t.rows[0].cells]]
    assert len(found) == 1, heading
    return found[0]


def row_of(table, first: str, column: int = 1) -> list[str]:
    """Return the cells of the row whose given column reads `first`."""
    rows = [[c.text for c in r.cells] for r in table.rows if r.cells[column].text == first]
    assert len(rows) == 1, first
    return rows[0]


def test_the_year_report_of_the_province(client, headers, thai_hoa):
    doc, response = fetch(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-dinh-ky-40-NAM_2020.docx"'
    )
    assert headings(doc) == [
        "BÁO CÁO",
        "I. Đặc điểm tình hình",
        "II. Kết quả thực hiện",
        "1. Lãnh đạo, chỉ đạo, ban hành văn bản",
        "2. Tuyên truyền",
        "3. Xây dựng, nhân rộng mô hình",
        "4. Kiểm tra, giám sát",
        "5. Sơ kết, tổng kết, biểu dương, khen thưởng",
        "III. Hạn chế, nguyên nhân",
        "IV. Phương hướng, nhiệm vụ kỳ tới",
        "V. Kiến nghị, đề xuất",
        "PHỤ LỤC BIỂU SỐ LIỆU",
        "Biểu R1. Tổng hợp mô hình, điển hình “Dân vận khéo”",
        "Biểu R2. Mô hình đăng ký xây dựng và mô hình triển khai hiệu quả",
        "Biểu R3. Danh sách mô hình, điển hình “Dân vận khéo”",
        "Biểu R4. Tổng hợp hội nghị, hoạt động",
        "Biểu R5. Kết quả kiểm tra, giám sát",
        "Biểu R6. Công nhận, biểu dương, khen thưởng",
    ]
    body = texts(doc)
    assert "Kỳ báo cáo: Năm 2020" in body
    assert "Đơn vị báo cáo: Tỉnh Nghệ An" in body
    assert re.search(r"Tính đến ngày: \d\d/\d\d/\d{4}", body)
    # Sections the officers write are there, empty but for a hint.
    assert body.count("(Phần này do đơn vị viết.)") == 8
    # Each section names the appendix tables it draws on.
    assert "(Số liệu: Biểu R1, Biểu R2, Biểu R3 phần Phụ lục.)" in body
    assert "(Số liệu: Biểu R5 phần Phụ lục.)" in body
    assert "(Số liệu: Biểu R4, Biểu R6 phần Phụ lục.)" in body
    assert "chưa có số liệu." not in body


def test_section_ii3_is_drafted_from_the_data(client, headers, thai_hoa):
    doc, _ = fetch(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    body = texts(doc)
    assert (
        "Trong năm 2020, Tỉnh Nghệ An có 89 mô hình, điển hình “Dân vận khéo” (89 tập thể, "
        "0 cá nhân); theo lĩnh vực: kinh tế 17, văn hóa - xã hội 52, quốc phòng - an ninh 10, "
        "xây dựng hệ thống chính trị 10. Xây dựng mới 10, duy trì 79, nhân rộng 0. Năm 2019 "
        "chưa có số liệu để so sánh."
    ) in body
    assert (
        "Số mô hình đăng ký xây dựng: 89; số mô hình triển khai hiệu quả: 79, đạt 88,8%."
    ) in body
    # One row only (the communes of 2025 did not exist in 2020): no ranking of units.
    assert "Các đơn vị có nhiều" not in body
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 5
    # One model of each field first, each with its results and metrics.
    fields = ("(kinh tế;", "(văn hóa - xã hội;", "(quốc phòng - an ninh;", "(xây dựng hệ thống")
    for field in fields:
        assert sum(field in bullet for bullet in bullets[:4]) == 1, bullets
    assert bullets[0].endswith(": 100% hộ gia đình có hố rác; Số hộ tham gia: 120 hộ.")


def test_the_appendix_tables_hold_the_known_answers(client, headers, thai_hoa):
    doc, _ = fetch(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    r1 = table_with(doc, "Đơn vị (tính theo đơn vị quản lý)")
    town = row_of(r1, "Thị xã Thái Hòa")
    assert [town[2], *town[5:9]] == ["89", "17", "52", "10", "10"]
    assert row_of(r1, "Tổng cộng")[2] == "89"
    r2 = table_with(doc, "Số mô hình triển khai hiệu quả")
    assert row_of(r2, "Năm 2020", column=0) == ["Năm 2020", "89", "79", "88,8", ""]
    r3 = table_with(doc, "Tên mô hình/điển hình")
    assert len(r3.rows) == 1 + 89
    r4 = table_with(doc, "Tổng lượt người tham dự")
    assert row_of(r4, "Tổng cộng")[-2] == "1.554"
    signatures = [c.text for t in doc.tables for c in t.rows[0].cells]
    assert "NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)" in signatures
    assert "LÃNH ĐẠO ĐƠN VỊ\n(Ký, ghi rõ họ tên)" in signatures


def test_r5_counts_the_inspections_of_the_period(client, headers, thai_hoa, add_inspection):
    day = {"date_from": "2020-03-10", "date_to": "2020-03-11"}
    province, town = thai_hoa["province"], thai_hoa["town"]
    add_inspection(province, [town], **day)
    add_inspection(province, [town, thai_hoa["commune"]], kind="GIAM_SAT", **day)
    doc, _ = fetch(client, headers, unit_id=province.id, period="NAM_2020")
    r5 = table_with(doc, "Số cuộc kiểm tra")
    assert row_of(r5, "Tổng cộng")[2:6] == ["1", "1", "1", "2"]


def test_a_phase_that_has_ended_is_a_tong_ket_with_lessons(client, headers, thai_hoa):
    doc, _ = fetch(
        client, headers, unit_id=thai_hoa["town"].id, period="GD_2016_2020", boundaries="old"
    )
    found = headings(doc)
    assert found[0] == "BÁO CÁO TỔNG KẾT"
    assert found[9:12] == [
        "IV. Bài học kinh nghiệm",
        "V. Phương hướng, nhiệm vụ kỳ tới",
        "VI. Kiến nghị, đề xuất",
    ]
    assert "phong trào thi đua “Dân vận khéo” giai đoạn 2016–2020" in texts(doc)
    sketch, _ = fetch(
        client, headers, unit_id=thai_hoa["town"].id, period="NAM_2020", stage="so_ket"
    )
    assert headings(sketch)[0] == "BÁO CÁO SƠ KẾT"
    assert "IV. Bài học kinh nghiệm" in headings(sketch)


def test_ii3_names_the_units_with_most_models(client, headers, thai_hoa, add_model):
    add_model(thai_hoa["province"], **in_2020())
    doc, _ = fetch(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2020")
    assert (
        "Các đơn vị có nhiều mô hình, điển hình: Thị xã Thái Hòa (89), "
        "Tỉnh Nghệ An (trực tiếp quản lý) (1)."
    ) in texts(doc)


def test_an_empty_period_says_so(client, headers, thai_hoa):
    doc, _ = fetch(client, headers, unit_id=thai_hoa["province"].id, period="NAM_2024")
    assert "Trong năm 2024, Tỉnh Nghệ An chưa ghi nhận mô hình, điển hình" in texts(doc)


def test_only_the_callers_units(client, tree, officer, auth_headers):
    headers = auth_headers(officer)
    response = client.get(
        "/api/v1/reports/periodic", query_string={"unit_id": tree["province"].id}, headers=headers
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"
    own = client.get("/api/v1/reports/periodic", headers=headers)
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("args", "field"),
    [({"stage": "giua_ky"}, "stage"), ({"format": "xlsx"}, "format"), ({"period": "X"}, "period")],
)
def test_bad_arguments_are_refused(client, tree, reviewer, auth_headers, args, field):
    response = client.get(
        "/api/v1/reports/periodic", query_string=args, headers=auth_headers(reviewer)
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def test_an_abolished_unit_on_new_boundaries_says_where_its_figures_went(client, headers, nghe_an):
    doc, _ = fetch(client, headers, unit_id=nghe_an["town"].id, period="NAM_2026")
    body = texts(doc)
    assert "Trong năm 2026, Thị xã Thái Hòa chưa ghi nhận mô hình, điển hình" in body
    assert "Ghi chú: Đơn vị này đã kết thúc ngày 30/06/2025 — theo địa giới hành chính mới" in body
