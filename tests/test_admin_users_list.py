"""The users list is one SQL query per page: scoped, filtered, folded and counted in the database."""

import pytest
from sqlalchemy import event

from server.extensions import db


@pytest.fixture
def headers(tree, create_user, auth_headers):
    """Return the headers of an administrator of the province."""
    return auth_headers(create_user("quantritinh", tree["province"], ["QUAN_TRI"]))


@pytest.fixture
def crowd(tree, create_user):
    """Make more users than a page: 7 in the commune, 5 in its sibling, 3 abroad."""
    for i in range(7):
        create_user(f"xa{i:02d}", tree["commune"], ["CAN_BO_NHAP"], full_name=f"Lò Văn Đức {i}")
    for i in range(5):
        create_user(f"bên{i:02d}", tree["sibling"], ["XEM"], full_name=f"Vi Thị Hồng {i}")
    for i in range(3):
        create_user(f"ngoai{i}", tree["foreign_commune"], ["XEM"], full_name="Lò Văn Đức")


def page(client, headers, **args) -> dict:
    """Return one page of the users list."""
    response = client.get("/api/v1/users", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_pages_cover_the_subtree_once_in_order(client, headers, crowd):
    seen = []
    first = page(client, headers, per_page=5)
    total = first["total"]
    assert total == 13  # 12 officers and the administrator; none from the other province
    for number in range(1, total // 5 + 2):
        seen += [u["username"] for u in page(client, headers, per_page=5, page=number)["items"]]
    assert len(seen) == total == len(set(seen))
    assert not any(name.startswith("ngoai") for name in seen)
    assert page(client, headers, per_page=5, page=4)["items"] == []


def test_search_folds_diacritics_and_counts_matches(client, headers, crowd):
    found = page(client, headers, q="lo van duc", per_page=3)
    assert found["total"] == 7
    assert [u["username"] for u in found["items"]] == ["xa00", "xa01", "xa02"]
    assert page(client, headers, q="ĐỨC 6")["total"] == 1


def test_search_matches_the_unit_name_and_filters(client, tree, headers, crowd):
    assert page(client, headers, q="muong xen")["total"] == 5
    assert page(client, headers, q="muong", unit_id=tree["commune"].id)["total"] == 0
    assert page(client, headers, q="%")["total"] == 0


def test_list_is_a_fixed_number_of_queries(client, app, headers, crowd):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page(client, headers, per_page=50)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # The token check, the signed-in user (loaded when the route reads it), the count and the
    # page: never a query per user.
    assert len(statements) <= 5
