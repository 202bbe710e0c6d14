"""Old and new administrative boundaries: units abolished in 2025 keep their history.

Thị xã Thái Hòa (legacy, to 30/06/2025) had two communes: Xã Tây Hiếu went to Phường Tây
Hiếu, Xã Nghĩa Thuận to Phường Thái Hòa; the town itself was split between both wards.
"""

import pytest

from tests.test_reports.conftest import in_2020
from tests.test_reports.test_summary import r1, row


@pytest.fixture
def headers(reviewer, auth_headers):
    """Return the provincial reviewer's headers."""
    return auth_headers(reviewer)


@pytest.fixture
def history(nghe_an, add_model):
    """Record 2020 models at the town (3), Xã Tây Hiếu (2) and Xã Nghĩa Thuận (1)."""
    for owner, count in (("town", 3), ("old_tay_hieu", 2), ("old_nghia_thuan", 1)):
        for _ in range(count):
            add_model(nghe_an[owner], **in_2020())
    return nghe_an


def names(report: dict) -> list[str]:
    """Return the row names of a report."""
    return [r["unit_name"] for r in report["rows"]]


def test_old_boundaries_keep_the_abolished_town(client, headers, history):
    report = r1(
        client, headers, unit_id=history["province"].id, period="NAM_2020", boundaries="old"
    )
    assert names(report) == ["Thị xã Thái Hòa"]
    assert row(report, "Thị xã Thái Hòa")["total"] == 6
    assert "Đơn vị cũ (đến ngày 30/06/2025)" in row(report, "Thị xã Thái Hòa")["ghi_chu"]


def test_periods_before_the_reform_default_to_old_boundaries(client, headers, history):
    report = r1(client, headers, unit_id=history["province"].id, period="NAM_2020")
    assert report["boundaries"] == "old"
    assert names(report) == ["Thị xã Thái Hòa"]


def test_periods_after_the_reform_default_to_new_boundaries(client, headers, history):
    report = r1(client, headers, unit_id=history["province"].id, period="NAM_2025")
    assert report["boundaries"] == "new"


def test_new_boundaries_roll_records_up_to_successors(client, headers, history):
    report = r1(
        client, headers, unit_id=history["province"].id, period="NAM_2020", boundaries="new"
    )
    assert "Thị xã Thái Hòa" not in names(report)
    # The town's own 3 go to its first successor; each commune's go to its own.
    assert row(report, "Phường Thái Hòa")["total"] == 3 + 1
    assert row(report, "Phường Tây Hiếu")["total"] == 2
    assert report["totals"]["total"] == 6


def test_new_boundaries_say_where_numbers_came_from(client, headers, history):
    report = r1(
        client, headers, unit_id=history["province"].id, period="NAM_2020", boundaries="new"
    )
    ward = row(report, "Phường Thái Hòa")["ghi_chu"]
    assert "Gồm 3 mô hình của Thị xã Thái Hòa (cũ)" in ward
    assert "có 2 đơn vị kế thừa, số liệu tính cho đơn vị đầu tiên (Phường Thái Hòa)" in ward
    assert "Gồm 1 mô hình của Xã Nghĩa Thuận (cũ)" in ward
    assert row(report, "Phường Tây Hiếu")["ghi_chu"] == "Gồm 2 mô hình của Xã Tây Hiếu (cũ)"


def test_a_successor_commune_reports_its_predecessors(client, headers, history):
    report = r1(
        client, headers, unit_id=history["tay_hieu"].id, period="NAM_2020", boundaries="new"
    )
    assert report["totals"]["total"] == 2


def test_the_abolished_town_on_old_boundaries_has_its_communes_as_rows(client, headers, history):
    report = r1(client, headers, unit_id=history["town"].id, period="NAM_2020", boundaries="old")
    assert names(report) == [
        "Thị xã Thái Hòa (trực tiếp quản lý)",
        "Xã Tây Hiếu",
        "Xã Nghĩa Thuận",
    ]
    assert [r["total"] for r in report["rows"]] == [3, 2, 1]


def test_the_abolished_town_on_new_boundaries_is_empty(client, headers, history):
    report = r1(client, headers, unit_id=history["town"].id, period="NAM_2020", boundaries="new")
    assert report["totals"]["total"] == 0


def test_an_abolished_unit_without_successors_keeps_its_row(
    client, headers, nghe_an, add_model, create_unit
):
    from datetime import date

    gone = create_unit(
        "Huyện Kỳ Sơn", nghe_an["province"], level="HUYEN", code="H411", valid_to=date(2025, 6, 30)
    )
    add_model(gone, **in_2020())
    report = r1(
        client, headers, unit_id=nghe_an["province"].id, period="NAM_2020", boundaries="new"
    )
    assert row(report, "Huyện Kỳ Sơn")["total"] == 1
    assert report["totals"]["total"] == 1


def test_new_boundaries_follow_a_chain_of_mergers(client, headers, nghe_an, add_model, create_unit):
    from datetime import date

    from server.extensions import db

    # Xã Tây Hiếu → Phường Tây Hiếu, which a later merger folded into Phường Thái Hòa.
    nghe_an["tay_hieu"].valid_to = date(2026, 1, 1)
    nghe_an["tay_hieu"].successors = [nghe_an["ward"]]
    db.session.commit()
    add_model(nghe_an["old_tay_hieu"], **in_2020())
    report = r1(
        client, headers, unit_id=nghe_an["province"].id, period="NAM_2020", boundaries="new"
    )
    assert row(report, "Phường Thái Hòa")["total"] == 1


def test_history_outside_the_caller_scope_does_not_count(
    client, history, create_user, auth_headers
):
    # The old commune lay under the old town, outside the new ward's subtree.
    officer = create_user("phuong", history["tay_hieu"], ["CAN_BO_NHAP"])
    report = r1(client, auth_headers(officer), period="NAM_2020", boundaries="new")
    assert report["unit"]["id"] == history["tay_hieu"].id
    assert report["totals"]["total"] == 0


def test_a_row_gathering_many_old_units_names_a_few(
    client, headers, nghe_an, add_model, create_unit
):
    from datetime import date

    from server.extensions import db

    for index in range(5):
        old = create_unit(f"Xã cũ {index}", nghe_an["town"], level="XA", valid_to=date(2025, 6, 30))
        old.successors = [nghe_an["ward"]]
        db.session.commit()
        add_model(old, **in_2020())
    report = r1(
        client, headers, unit_id=nghe_an["province"].id, period="NAM_2020", boundaries="new"
    )
    assert row(report, "Phường Thái Hòa")["ghi_chu"] == (
        "Gồm 5 mô hình của 5 đơn vị cũ (Xã cũ 0, Xã cũ 1, Xã cũ 2…)"
    )
