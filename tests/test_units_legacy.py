"""The pre-2025 units import: CSV in, legacy units with successors out; all rows or none.

Issue 11 (bad input): a successor that is itself, a legacy unit with no end date, an unknown
parent, an admin acting outside its subtree: a coded error and nothing changed.
"""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "samples" / "units-legacy.csv"
HEADER = "code,name,level,admin_kind,parent_code,valid_from,valid_to,successor_codes,admin_code\n"


@pytest.fixture
def nghe_an(tree, create_unit):
    """Return the tree with the three 2025 units the sample's legacy units went to."""
    province = tree["province"]
    for code, name in (("16939", "Phường Thái Hòa"), ("16994", "Phường Tây Hiếu")):
        tree[code] = create_unit(name, province, level="XA", code=code)
    tree["17935"] = create_unit("Xã Nam Đàn", province, level="XA", code="17935")
    return tree


def unit(code: str) -> Unit | None:
    """Return the unit with a code, fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(Unit).where(Unit.code == code))


def counts() -> tuple[int, int, int]:
    """Return the number of units, successor links' owners and audit events."""
    units = db.session.scalar(select(func.count(Unit.id)))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    seq = db.session.scalar(select(func.max(Unit.change_seq)))
    return units, events, seq


def post(client, headers, text: str, **args):
    """Send a CSV file to the import endpoint."""
    return client.post(
        "/api/v1/units/import-legacy",
        query_string=args,
        data=text.encode("utf-8"),
        headers={**headers, "Content-Type": "text/csv"},
    )


def test_the_sample_imports_from_the_command_line(runner, nghe_an):
    result = runner.invoke(args=["units", "import-legacy", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "tạo mới 5, cập nhật 0, giữ nguyên 0" in result.output
    town = unit("H414")
    assert town.parent_id == nghe_an["province"].id
    assert town.valid_to == date(2025, 6, 30)
    assert town.valid_from == date(2007, 11, 15)
    assert (town.level, town.admin_kind, town.admin_code) == ("HUYEN", "THI_XA", "414")
    assert sorted(s.code for s in town.successors) == ["16939", "16994"]
    hoa_hieu = unit("H414-HOAHIEU")
    assert hoa_hieu.valid_to == date(2025, 6, 30)  # written dd/mm/yyyy in the file
    assert hoa_hieu.path == f"{town.path}{hoa_hieu.id}/"
    assert [s.code for s in hoa_hieu.successors] == ["16939"]


def test_running_twice_changes_nothing(runner, nghe_an):
    assert runner.invoke(args=["units", "import-legacy", str(SAMPLE)]).exit_code == 0
    before = counts()
    again = runner.invoke(args=["units", "import-legacy", str(SAMPLE)])
    assert again.exit_code == 0, again.output
    assert "tạo mới 0, cập nhật 0, giữ nguyên 5" in again.output
    assert counts() == before


def test_a_changed_row_updates_its_unit(client, nghe_an, admin, auth_headers):
    headers = auth_headers(admin)
    assert post(client, headers, SAMPLE.read_text(encoding="utf-8")).status_code == 200
    changed = SAMPLE.read_text(encoding="utf-8").replace("Huyện Nam Đàn,", "Huyện Nam Đàn (cũ),")
    changed = changed.replace("2025-06-30,17935,", "2025-06-30,17935 16939,")
    response = post(client, headers, changed)
    assert response.get_json() == {"created": 0, "updated": 1, "unchanged": 4, "skipped": 0}
    nam_dan = unit("H425")
    assert nam_dan.name == "Huyện Nam Đàn (cũ)"
    assert sorted(s.code for s in nam_dan.successors) == ["16939", "17935"]


BAD_ROWS = [
    ("X1,Xã Một,XA,XA,40,,2025-06-30,X1,\n", "successor_codes", "SUCCESSOR_IS_SELF"),
    ("X1,Xã Một,XA,XA,40,,,16939,\n", "valid_to", "MISSING_END_DATE"),
    ("X1,Xã Một,XA,XA,H999,,2025-06-30,16939,\n", "parent_code", "UNKNOWN_PARENT"),
    ("X1,Xã Một,XA,XA,40,,2025-06-30,Z404,\n", "successor_codes", "UNKNOWN_SUCCESSOR"),
    ("X1,Xã Một,XA,XA,40,,2025-13-01,16939,\n", "valid_to", "BAD_DATE"),
    ("X1,Xã Một,XA,XA,40,2025-07-01,2025-06-30,16939,\n", "valid_to", "END_BEFORE_START"),
    ("X1,Xã Một,LANG,XA,40,,2025-06-30,16939,\n", "level", "BAD_LEVEL"),
    ("X1,Xã Một,XA,LANG,40,,2025-06-30,16939,\n", "admin_kind", "BAD_ADMIN_KIND"),
    ("16939,Phường Thái Hòa,XA,PHUONG,40,,2025-06-30,,\n", "code", "CURRENT_UNIT"),
    ("X1,,XA,XA,40,,2025-06-30,,\n", "name", "MISSING_VALUE"),
    (
        "X1,Xã Một,XA,XA,X2,,2025-06-30,,\nX2,Xã Hai,XA,XA,X1,,2025-06-30,,\n",
        "parent_code",
        "PARENT_CYCLE",
    ),
    (
        "X1,Xã Một,XA,XA,40,,2025-06-30,,\nX1,Xã Một,XA,XA,40,,2025-06-30,,\n",
        "code",
        "DUPLICATE_CODE",
    ),
]


@pytest.mark.parametrize(("rows", "column", "reason"), BAD_ROWS)
def test_a_bad_row_is_refused_and_nothing_is_written(
    client, nghe_an, admin, auth_headers, rows, column, reason
):
    headers = auth_headers(admin)
    before = counts()
    # A good row first: it must not be written either.
    text = SAMPLE.read_text(encoding="utf-8") + rows
    response = post(client, headers, text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "LEGACY_IMPORT_INVALID"
    found = {(row["line"], row["column"], row["reason"]) for row in error["details"]["rows"]}
    # The bad rows are lines 7 and 8, after the sample's five good ones.
    assert any(found_row[1:] == (column, reason) and found_row[0] in (7, 8) for found_row in found)
    assert counts() == before
    assert unit("H414") is None


def test_bad_rows_say_where_and_why_in_the_callers_language(client, nghe_an, admin, auth_headers):
    text = HEADER + "X1,Xã Một,XA,XA,40,,2025-06-30,X1,\nX2,Xã Hai,XA,XA,40,,,,\n"
    response = post(client, {**auth_headers(admin), "Accept-Language": "en"}, text)
    assert response.get_json()["error"]["details"]["rows"] == [
        {
            "line": 2,
            "code": "X1",
            "column": "successor_codes",
            "reason": "SUCCESSOR_IS_SELF",
            "message": "A unit cannot succeed itself",
        },
        {
            "line": 3,
            "code": "X2",
            "column": "valid_to",
            "reason": "MISSING_END_DATE",
            "message": "A legacy unit needs an end date (valid_to)",
        },
    ]


def test_the_command_line_lists_bad_rows_and_writes_nothing(runner, nghe_an, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X1,Xã Một,XA,XA,H999,,2025-06-30,,\n", encoding="utf-8")
    before = counts()
    result = runner.invoke(args=["units", "import-legacy", str(bad)])
    assert result.exit_code != 0
    assert "Dòng 2 (X1), cột parent_code: UNKNOWN_PARENT" in result.output
    assert counts() == before


def test_a_missing_column_is_refused(client, nghe_an, admin, auth_headers):
    response = post(client, auth_headers(admin), "code,name\nX1,Xã Một\n")
    rows = response.get_json()["error"]["details"]["rows"]
    assert {row["column"] for row in rows} == {"level", "parent_code", "valid_to"}
    assert {row["reason"] for row in rows} == {"MISSING_COLUMN"}


def test_one_province_only(runner, nghe_an, tmp_path):
    other = HEADER + "H9,Huyện Cẩm Xuyên cũ,HUYEN,HUYEN,42,,2025-06-30,18000,\n"
    both = tmp_path / "both.csv"
    both.write_text(SAMPLE.read_text(encoding="utf-8") + other.split("\n", 1)[1], encoding="utf-8")
    result = runner.invoke(args=["units", "import-legacy", str(both), "--province", "40"])
    assert result.exit_code == 0, result.output
    assert "tạo mới 5, cập nhật 0, giữ nguyên 0, bỏ qua 1" in result.output
    assert unit("H9") is None
    unknown = runner.invoke(args=["units", "import-legacy", str(both), "--province", "99"])
    assert unknown.exit_code != 0


def test_a_province_admin_imports_only_inside_its_province(
    client, nghe_an, create_user, auth_headers
):
    headers = auth_headers(create_user("qt_nghean", nghe_an["province"], ["QUAN_TRI"]))
    foreign = HEADER + "H9,Huyện Cẩm Xuyên cũ,HUYEN,HUYEN,42,,2025-06-30,18000,\n"
    response = post(client, headers, foreign)
    assert response.status_code == 422
    reasons = {(r["column"], r["reason"]) for r in response.get_json()["error"]["details"]["rows"]}
    assert reasons == {("parent_code", "OUT_OF_SCOPE"), ("successor_codes", "OUT_OF_SCOPE")}
    assert unit("H9") is None
    own = post(client, headers, SAMPLE.read_text(encoding="utf-8"))
    assert own.status_code == 200, own.get_json()
    assert own.get_json()["created"] == 5


def test_only_administrators_and_only_csv(client, nghe_an, reviewer, admin, auth_headers):
    text = SAMPLE.read_text(encoding="utf-8")
    assert post(client, auth_headers(reviewer), text).status_code == 403
    response = client.post(
        "/api/v1/units/import-legacy", json={"csv": text}, headers=auth_headers(admin)
    )
    assert response.status_code == 415
    latin = client.post(
        "/api/v1/units/import-legacy",
        data=text.encode("utf-16"),
        headers={**auth_headers(admin), "Content-Type": "text/csv"},
    )
    assert latin.status_code == 400


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        # PostgreSQL cannot store NUL in text: refused as a row error, not a 500.
        (HEADER + "X1,Xã\x00 Một,XA,XA,40,,2025-06-30,16939,\n", "name", "BAD_CHARACTER"),
        (HEADER + "X1,Xã\x1b Một,XA,XA,40,,2025-06-30,16939,\n", "name", "BAD_CHARACTER"),
        # A field past the csv module's limit is a broken file, not a 500.
        (HEADER + 'X1,"' + "x" * 200_000 + '",XA,XA,40,,2025-06-30,,\n', None, "BAD_CSV"),
    ],
)
def test_a_file_that_cannot_be_stored_is_refused(
    client, nghe_an, admin, auth_headers, text, column, reason
):
    response = post(client, auth_headers(admin), text)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    rows = response.get_json()["error"]["details"]["rows"]
    assert {(row["line"], row["column"], row["reason"]) for row in rows} >= {(2, column, reason)}
    assert unit("X1") is None
