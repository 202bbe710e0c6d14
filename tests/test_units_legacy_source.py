"""`flask units legacy-csv` turns the vietnamadminunits package's data into the import's CSV.

The package's data is faked here in its own layout (a SQLite dataset and the converter JSON),
so the test needs no extra dependency; a last test reads the real package when installed.
"""

import json
import sqlite3
from importlib.util import find_spec

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Unit
from server.units import legacy_source

LEGACY_COLUMNS = (
    "province, provinceCode, provinceKey, district, districtCode, districtKey, districtType, "
    "ward, wardCode, wardKey, wardType"
)
LEGACY = [
    (
        "Tỉnh Nghệ An",
        "40",
        "tinhnghean",
        "Thị xã Thái Hòa",
        "414",
        "thixathaihoa",
        "Thị xã",
        "Phường Hòa Hiếu",
        "16939",
        "phuonghoahieu",
        "Phường",
    ),
    (
        "Tỉnh Nghệ An",
        "40",
        "tinhnghean",
        "Thị xã Thái Hòa",
        "414",
        "thixathaihoa",
        "Thị xã",
        "Xã Nghĩa Tiến",
        "17005",
        "xanghiatien",
        "Xã",
    ),
    (
        "Tỉnh Nghệ An",
        "40",
        "tinhnghean",
        "Thị xã Thái Hòa",
        "414",
        "thixathaihoa",
        "Thị xã",
        "Xã Nghĩa Thuận",
        "17014",
        "xanghiathuan",
        "Xã",
    ),
    (
        "Tỉnh Bà Rịa - Vũng Tàu",
        "77",
        "tinhbariavungtau",
        "Thành phố Bà Rịa",
        "748",
        "thanhphobaria",
        "Thành phố",
        "Phường Phước Hiệp",
        "26563",
        "phuongphuochiep",
        "Phường",
    ),
    (
        "Tỉnh Bà Rịa - Vũng Tàu",
        "77",
        "tinhbariavungtau",
        "Huyện Côn Đảo",
        "755",
        "huyencondao",
        "Huyện",
        None,
        None,
        None,
        None,
    ),
]
CONVERTER = {
    "DICT_PROVINCE": {
        "tinhnghean": ["tinhnghean"],
        "thanhphohochiminh": ["tinhbinhduong", "tinhbariavungtau", "thanhphohochiminh"],
    },
    "DICT_PROVINCE_WARD_NO_DIVIDED": {
        "tinhnghean": {
            "phuongthaihoa": ["tinhnghean_thixathaihoa_phuonghoahieu"],
            "phuongtayhieu": ["tinhnghean_thixathaihoa_xanghiatien"],
        },
        "thanhphohochiminh": {"phườngbàrịa": ["tinhbariavungtau_thanhphobaria_phuongphuochiep"]},
    },
    "DICT_PROVINCE_WARD_DIVIDED": {
        "tinhnghean": {
            "tinhnghean_thixathaihoa_xanghiathuan": [
                {"newWardKey": "xadonghieu", "isDefaultNewWard": True},
                {"newWardKey": "phuongthaihoa", "isDefaultNewWard": False},
            ]
        }
    },
}


@pytest.fixture
def package_data(tmp_path, monkeypatch):
    """Lay out a small copy of the package's data and point the reader at it."""
    with sqlite3.connect(tmp_path / "dataset.db") as conn:
        conn.execute(f"CREATE TABLE admin_units_legacy ({LEGACY_COLUMNS})")
        conn.executemany(
            "INSERT INTO admin_units_legacy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", LEGACY
        )
    (tmp_path / "converter_2025.json").write_text(json.dumps(CONVERTER), encoding="utf-8")
    monkeypatch.setattr(legacy_source, "_data_dir", lambda: tmp_path)
    return tmp_path


@pytest.fixture
def new_units(tree, create_unit):
    """Return the tree with the 2025 units the old ones went to, coded as `units import` does."""
    province = tree["province"]
    for code, name in (("16939", "Phường Thái Hòa"), ("16994", "Phường Tây Hiếu")):
        create_unit(name, province, level="XA", code=code)
    create_unit("Xã Đông Hiếu", province, level="XA", code="17017")
    hcm = create_unit("Thành phố Hồ Chí Minh", tree["root"], level="TINH", code="79")
    create_unit("Phường Bà Rịa", hcm, level="XA", code="26560")
    return tree


def csv_lines(runner, *args) -> list[str]:
    """Run legacy-csv and return its lines."""
    result = runner.invoke(args=["units", "legacy-csv", *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_rows_carry_codes_parents_and_successors(runner, package_data):
    lines = csv_lines(runner)
    assert lines[0] == ",".join(legacy_source.COLUMNS)
    assert set(lines[1:]) == {
        # The package writes Phường Tây Hiếu 17011; the tree (vietnam-provinces) has 16994.
        "X16939,Phường Hòa Hiếu,XA,PHUONG,H414,,2025-06-30,16939,16939",
        "X17005,Xã Nghĩa Tiến,XA,XA,H414,,2025-06-30,16994,17005",
        # A split commune names every part; the key with diacritics is folded too.
        "X17014,Xã Nghĩa Thuận,XA,XA,H414,,2025-06-30,16939 17017,17014",
        "H414,Thị xã Thái Hòa,HUYEN,THI_XA,40,,2025-06-30,16939 16994 17017,414",
        "T77,Tỉnh Bà Rịa - Vũng Tàu,TINH,TINH,TW,,2025-06-30,79,77",
        "X26563,Phường Phước Hiệp,XA,PHUONG,H748,,2025-06-30,26560,26563",
        "H748,Thành phố Bà Rịa,HUYEN,THANH_PHO_THUOC_TINH,T77,,2025-06-30,26560,748",
        "H755,Huyện Côn Đảo,HUYEN,HUYEN,T77,,2025-06-30,,755",
    }


def test_one_province(runner, package_data):
    lines = csv_lines(runner, "--province", "40")
    assert {line.split(",")[0] for line in lines[1:]} == {"X16939", "X17005", "X17014", "H414"}


def test_the_file_imports_and_reimports_as_nothing(runner, package_data, new_units, tmp_path):
    out = tmp_path / "legacy.csv"
    csv_lines(runner, "-o", str(out))
    first = runner.invoke(args=["units", "import-legacy", str(out)])
    assert first.exit_code == 0, first.output
    assert "tạo mới 8, cập nhật 0, giữ nguyên 0" in first.output
    town = db.session.scalar(select(Unit).where(Unit.code == "H414"))
    assert town.parent.code == "40"
    assert town.valid_to.isoformat() == "2025-06-30"
    brvt = db.session.scalar(select(Unit).where(Unit.code == "T77"))
    assert [s.code for s in brvt.successors] == ["79"]
    again = runner.invoke(args=["units", "import-legacy", str(out)])
    assert "tạo mới 0, cập nhật 0, giữ nguyên 8" in again.output


def test_without_the_package_the_command_says_what_to_install(runner, monkeypatch):
    monkeypatch.setattr(legacy_source, "find_spec", lambda name: None)
    result = runner.invoke(args=["units", "legacy-csv"])
    assert result.exit_code != 0
    assert "vietnamadminunits==1.0.4" in result.output


@pytest.mark.skipif(find_spec("vietnamadminunits") is None, reason="package not installed")
def test_the_real_package_covers_nghe_an(runner):
    lines = csv_lines(runner, "--province", "40")
    assert "H414,Thị xã Thái Hòa,HUYEN,THI_XA,40,,2025-06-30,16939 16994 17017,414" in lines
    assert all(line.split(",")[7] for line in lines[1:])  # every old unit has a successor


@pytest.mark.skipif(find_spec("vietnamadminunits") is None, reason="package not installed")
def test_the_real_package_imports_nghe_an_over_the_official_units(runner, tmp_path):
    assert runner.invoke(args=["units", "import"]).exit_code == 0
    out = tmp_path / "nghe-an.csv"
    csv_lines(runner, "--province", "40", "-o", str(out))
    result = runner.invoke(args=["units", "import-legacy", str(out)])
    assert result.exit_code == 0, result.output
    assert "tạo mới 432, cập nhật 0, giữ nguyên 0" in result.output
    town = db.session.scalar(select(Unit).where(Unit.code == "H414"))
    assert sorted(s.name for s in town.successors) == [
        "Phường Thái Hòa",
        "Phường Tây Hiếu",
        "Xã Đông Hiếu",
    ]
