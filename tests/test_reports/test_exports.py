"""Exports: the XLSX opened with openpyxl, the CSV read as Excel reads it, the print page."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from server.reports.periods import vn_today
from tests.conftest import shared_layer
from tests.factories import make_device_headers, make_user
from tests.test_reports import shared
from tests.test_reports.conftest import (
    in_2020,
    make_meeting,
    make_model,
    nghe_an_layer,
    unit_of,
    writer_and_reviewer,
)
from tests.test_reports.test_summary import R1_HEADINGS, THAI_HOA

HEADER_ROW = 7


# The tree, writer, reviewer, its headers and Nghệ An are made once for the tests in a row that
# ask for them, and so are `data` and `weird` (tests/test_reports/shared.py).
tree, writer, reviewer, headers, nghe_an = (
    shared.tree,
    shared.writer,
    shared.reviewer,
    shared.headers,
    shared.nghe_an,
)


def _exports_data() -> None:
    """Record a few models in 2020 and 2024 and a meeting in 2024."""
    writer, reviewer = writer_and_reviewer()
    town, commune = unit_of("H414"), unit_of("17000")
    for field in THAI_HOA:
        make_model(writer, reviewer, town, field=field, **in_2020())
    make_model(writer, reviewer, commune, name='=HYPERLINK("http://x")', start_date="2024-02-03")
    make_model(writer, reviewer, commune, field="KINH_TE", start_date="2024-05-06")
    make_meeting(writer, reviewer, commune, actual_count=1554)


data_layer = shared_layer(_exports_data, below=nghe_an_layer)


@pytest.fixture
def data(_exports_data, nghe_an):
    """Return Nghệ An with a few models in 2020 and 2024 and a meeting in 2024."""
    return nghe_an


def download(client, headers, route: str, fmt: str, **args):
    """Fetch a report in a format and return the response."""
    response = client.get(
        f"/api/v1/reports/{route}", query_string={"format": fmt, **args}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def workbook(response):
    """Open a downloaded workbook's first sheet."""
    return load_workbook(io.BytesIO(response.data)).active


@pytest.fixture
def sheet(client, headers, data):
    """Return R1 of Nghệ An for 2020 as a worksheet."""
    response = download(
        client, headers, "r1", "xlsx", unit_id=data["province"].id, period="NAM_2020"
    )
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-r1-40-NAM_2020.xlsx"'
    )
    return workbook(response)


def test_xlsx_header_block(sheet):
    assert sheet["A1"].value == "Đơn vị báo cáo: Tỉnh Nghệ An"
    assert sheet["A2"].value == "TỔNG HỢP MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”"
    assert sheet["A3"].value == "Kỳ báo cáo: Năm 2020"
    assert sheet["A4"].value == f"Tính đến ngày: {vn_today():%d/%m/%Y}"
    assert re.fullmatch(r"Tính đến ngày: \d\d/\d\d/\d{4}", sheet["A4"].value)
    assert "Theo địa giới hành chính cũ" in sheet["A5"].value


def test_xlsx_headings_are_the_form(sheet):
    assert [c.value for c in sheet[HEADER_ROW]] == R1_HEADINGS


def test_xlsx_rows_totals_and_number_formats(sheet):
    town = [c.value for c in sheet[HEADER_ROW + 1]]
    assert town[:9] == [1, "Thị xã Thái Hòa", 4, 4, 0, 1, 1, 1, 1]
    totals = sheet[HEADER_ROW + 2]
    assert totals[1].value == "Tổng cộng"
    assert totals[2].value == 4
    assert all(isinstance(c.value, int) for c in totals[2:12])
    assert totals[12].value == 0 and totals[13].value == 0  # no recognitions recorded
    assert totals[2].font.bold
    for cell in sheet[HEADER_ROW + 1][2:12]:
        assert cell.number_format == "#,##0"
    assert sheet.cell(row=HEADER_ROW + 1, column=15).number_format == "+#,##0;-#,##0;0"


def test_xlsx_notes_and_footer(sheet):
    texts = [c.value for row in sheet.iter_rows(min_row=HEADER_ROW + 3) for c in row if c.value]
    assert any(t.startswith("Ghi chú: ") and "năm đăng ký (2020)" in t for t in texts)
    assert "Người lập biểu" in texts
    assert "Lãnh đạo đơn vị" in texts
    assert texts.count("(Ký, ghi rõ họ tên)") == 2


def test_xlsx_prints_landscape_with_repeated_headings(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"


def test_xlsx_dates_are_dates(client, headers, data):
    response = download(
        client, headers, "r3", "xlsx", unit_id=data["province"].id, period="NAM_2024"
    )
    sheet = workbook(response)
    assert sheet.cell(row=HEADER_ROW, column=7).value == "Thời gian bắt đầu"
    cell = sheet.cell(row=HEADER_ROW + 1, column=7)
    assert (cell.value.year, cell.value.month, cell.value.day) == (2024, 2, 3)
    assert cell.number_format == "dd/mm/yyyy"


def test_xlsx_keeps_formula_like_text_as_text(client, headers, data):
    response = download(
        client, headers, "r3", "xlsx", unit_id=data["province"].id, period="NAM_2024"
    )
    cell = workbook(response).cell(row=HEADER_ROW + 1, column=2)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_xlsx_of_meetings_shows_thousands(client, headers, data):
    response = download(
        client, headers, "r4", "xlsx", unit_id=data["province"].id, period="NAM_2024"
    )
    sheet = workbook(response)
    headings = [c.value for c in sheet[HEADER_ROW]]
    attendance = headings.index("Tổng lượt người tham dự") + 1
    cell = sheet.cell(row=HEADER_ROW + 1, column=attendance)
    assert (cell.value, cell.number_format) == (1554, "#,##0")


def read_csv(response) -> list[list[str]]:
    """Decode a CSV download the way Excel does: BOM means UTF-8, ';' separates fields."""
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_opens_in_excel(client, headers, data):
    response = download(
        client, headers, "r1", "csv", unit_id=data["province"].id, period="NAM_2020"
    )
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response)
    assert rows[0] == R1_HEADINGS
    assert rows[1][:9] == ["1", "Thị xã Thái Hòa", "4", "4", "0", "1", "1", "1", "1"]
    assert rows[-1][:3] == ["", "Tổng cộng", "4"]
    assert {len(r) for r in rows} == {len(R1_HEADINGS)}
    assert b"\r\n" in response.data


def test_csv_dates_and_formula_guard(client, headers, data):
    response = download(
        client, headers, "r3", "csv", unit_id=data["province"].id, period="NAM_2024"
    )
    rows = read_csv(response)
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][6] == "03/02/2024"


@pytest.fixture
def page(client, headers, data):
    """Return R4 of Nghệ An for 2024 as a print page."""
    return download(client, headers, "r4", "html", unit_id=data["province"].id, period="NAM_2024")


def test_print_page_is_vietnamese(page):
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    assert '<html lang="vi">' in html
    assert 'Đơn vị báo cáo: <strong dir="auto">Tỉnh Nghệ An</strong>' in html
    assert "Kỳ báo cáo: Năm 2024" in html
    assert f"Tính đến ngày: {vn_today():%d/%m/%Y}" in html
    assert ">1.554<" in html  # Vietnamese thousands
    assert "Người lập biểu" in html and "Lãnh đạo đơn vị" in html


def test_print_page_has_no_inline_script_or_style(page):
    html = page.get_data(as_text=True)
    assert "<script" not in html
    assert "style=" not in html and "<style" not in html
    assert '<link rel="stylesheet" href="/reports/print.css">' in html
    csp = page.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp


def test_print_page_escapes_record_text(client, headers, data, add_meeting):
    add_meeting(data["commune"], title="<img src=x onerror=alert(1)>")
    response = download(
        client, headers, "r4/list", "html", unit_id=data["province"].id, period="NAM_2024"
    )
    html = response.get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_print_stylesheet(client):
    response = client.get("/reports/print.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b"@page" in response.data


def test_an_export_too_large_is_refused(client, headers, data, monkeypatch):
    from server.reports import service

    monkeypatch.setattr(service, "EXPORT_LIMIT", 1)
    response = client.get(
        "/api/v1/reports/r3",
        query_string={"format": "xlsx", "period": "NAM_2024", "unit_id": data["province"].id},
        headers=headers,
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "REPORT_TOO_LARGE"
    assert error["details"] == {"rows": 2, "limit": 1}


# --- Text stored before input was checked (issue 13) ---------------------------------------------

WEIRD = {
    "bell": "Mô hình\x07 chuông",
    "vertical tab": "Hội nghị\x0b dọc",
    "override": "Nuôi ong \u202eaxelsx.exe",
    "escape": "\x1b[31mĐỏ\x1b[0m",
    "c1": "Trưởng\x85bản\x9b",
    "isolate": "\u2067Bản\u2069 Huồi",
}
REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _exports_weird() -> dict[str, str]:
    """Store records and a unit whose text has control and direction characters, unchecked.

    Return the headers of an administrator (the country's reports).
    """
    from server.extensions import db

    writer, reviewer = writer_and_reviewer()
    commune = unit_of("17000")
    for text in WEIRD.values():
        model = make_model(writer, reviewer, commune, start_date="2024-02-03")
        model.name = model.locality = model.method = model.results = text
        meeting = make_meeting(writer, reviewer, commune)
        meeting.title = meeting.location = meeting.outcomes = text
        meeting.attendees = [{"full_name": text, "role": "CHU_TRI", "attendance": "CO_MAT"}]
    commune.name = "Xã\x07 Nậm\u202e Cắn"
    db.session.commit()
    admin = make_user("quantri", unit_of("TW"), ["QUAN_TRI"], full_name="Quản Trị Viên")
    return make_device_headers(admin)


weird_layer = shared_layer(_exports_weird, below=nghe_an_layer)


@pytest.fixture
def weird(_exports_weird, nghe_an):
    """Return Nghệ An with records and a unit whose text has control and direction characters."""
    return nghe_an


@pytest.fixture
def admin_headers(_exports_weird):
    """Return the administrator's headers (the country's reports)."""
    return _exports_weird


EXPORTS = [
    (route, level, fmt)
    for route in ("r1", "r3", "r4", "r4/list", "r7")
    for level in ("commune", "province", "root")
    for fmt in ("xlsx", "csv", "html")
]


@pytest.mark.parametrize(("route", "level", "fmt"), EXPORTS)
def test_every_export_of_weird_text_opens(client, admin_headers, weird, route, level, fmt):
    response = download(
        client, admin_headers, route, fmt, unit_id=weird[level].id, period="NAM_2024"
    )
    if fmt == "xlsx":
        texts = [c.value for row in workbook(response).iter_rows() for c in row]
        texts = [t for t in texts if isinstance(t, str)]
    else:
        texts = [response.get_data(as_text=True)]
    assert not [t for t in texts if REMOVED.search(t)]
    joined = "\n".join(texts)
    if route in ("r3", "r4/list"):
        assert "Mô hình chuông" in joined or "Hội nghị\n dọc" in joined or "Hội nghị dọc" in joined


def test_xlsx_replaces_a_vertical_tab_with_a_line_break(client, headers, weird):
    response = download(
        client, headers, "r4/list", "xlsx", unit_id=weird["province"].id, period="NAM_2024"
    )
    texts = {c.value for row in workbook(response).iter_rows() for c in row}
    assert "Hội nghị\n dọc" in texts
    assert "Nuôi ong axelsx.exe" in texts
    assert "Trưởngbản" in texts


FORMULAS = [
    " =1+1",
    "\n=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r\n+1",
    "  @SUM(A1)",
    "-2+3",
    "\tchữ",
    "\rchữ",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_neutralises_formulas_behind_blanks(client, headers, nghe_an, add_model, text):
    from server.extensions import db

    model = add_model(nghe_an["commune"], start_date="2024-02-03")
    model.name = text
    db.session.commit()
    response = download(
        client, headers, "r3", "csv", unit_id=nghe_an["province"].id, period="NAM_2024"
    )
    assert read_csv(response)[1][1] == "'" + text


def test_csv_leaves_plain_text_alone(client, headers, nghe_an, add_model):
    add_model(nghe_an["commune"], name="Nuôi ong - lấy mật", start_date="2024-02-03")
    response = download(
        client, headers, "r3", "csv", unit_id=nghe_an["province"].id, period="NAM_2024"
    )
    assert read_csv(response)[1][1] == "Nuôi ong - lấy mật"


def test_print_page_isolates_record_text(client, headers, weird):
    response = download(
        client, headers, "r3", "html", unit_id=weird["province"].id, period="NAM_2024"
    )
    html = response.get_data(as_text=True)
    assert "\u202e" not in html
    cells = re.findall(r"<td class=\"text\"[^>]*>", html)
    assert cells
    assert all('dir="auto"' in cell for cell in cells)
    assert '<strong dir="auto">' in html  # the unit's name in the header


def test_print_page_stylesheet_ignores_the_host_header(client, headers, data):
    response = client.get(
        "/api/v1/reports/r4",
        query_string={"format": "html", "unit_id": data["province"].id, "period": "NAM_2024"},
        headers={**headers, "Host": "evil.example"},
    )
    html = response.get_data(as_text=True)
    assert "evil.example" not in html
    assert '<link rel="stylesheet" href="/reports/print.css">' in html
