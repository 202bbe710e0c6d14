"""Who may report on what, and bad arguments: coded 404 and 422 answers, never a 500."""

import pytest

ROUTES = [
    "/api/v1/reports/r1",
    "/api/v1/reports/r2",
    "/api/v1/reports/r3",
    "/api/v1/reports/r4",
    "/api/v1/reports/r4/list",
    "/api/v1/reports/r7",
    "/api/v1/dashboard",
]
route_param = pytest.mark.parametrize("route", ROUTES)


def get(client, route: str, headers: dict, **args):
    """Fetch a report and return the response."""
    return client.get(route, query_string=args, headers=headers)


@route_param
def test_needs_sign_in(client, tree, route):
    response = client.get(route)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "UNAUTHENTICATED"


@route_param
def test_a_commune_officer_cannot_report_on_the_province(
    client, tree, officer, auth_headers, route
):
    response = get(client, route, auth_headers(officer), unit_id=tree["province"].id)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


@route_param
def test_a_commune_officer_reports_on_their_commune(client, tree, officer, auth_headers, route):
    response = get(client, route, auth_headers(officer), unit_id=tree["commune"].id)
    assert response.status_code == 200
    assert response.get_json()["unit"]["id"] == tree["commune"].id


@route_param
def test_a_reviewer_at_the_province_reports_on_it(client, tree, reviewer, auth_headers, route):
    response = get(client, route, auth_headers(reviewer), unit_id=tree["province"].id)
    assert response.status_code == 200


@route_param
def test_the_caller_unit_is_the_default(client, tree, reviewer, auth_headers, route):
    response = get(client, route, auth_headers(reviewer))
    assert response.get_json()["unit"]["name"] == "Tỉnh Nghệ An"


@route_param
@pytest.mark.parametrize("place", ["foreign", "foreign_commune"])
def test_another_province_is_not_found(client, tree, reviewer, auth_headers, route, place):
    response = get(client, route, auth_headers(reviewer), unit_id=tree[place].id)
    assert response.status_code == 404


@route_param
def test_an_admin_reports_on_anything(client, tree, admin, auth_headers, route):
    response = get(client, route, auth_headers(admin), unit_id=tree["foreign"].id)
    assert response.status_code == 200


@route_param
@pytest.mark.parametrize("unit_id", [999_999, 2**31 - 1])
def test_an_unknown_unit_is_not_found(client, tree, reviewer, auth_headers, route, unit_id):
    response = get(client, route, auth_headers(reviewer), unit_id=unit_id)
    assert response.status_code == 404


BAD = [
    ({"unit_id": "abc"}, "unit_id"),
    ({"unit_id": "0"}, "unit_id"),
    ({"unit_id": str(2**31)}, "unit_id"),
    ({"period": "NAM_1999"}, "period"),
    ({"period": "NAM_20245"}, "period"),
    ({"period": "nam_2024"}, "period"),
    ({"period": "QUY_1_2024"}, "period"),
    ({"period": "GD_2025_2021"}, "period"),
    ({"period": "GD_2000_2040"}, "period"),
    ({"period": "6THANG_GIUA_2024"}, "period"),
    ({"period": ""}, "period"),
    ({"date_from": "2024-13-01", "date_to": "2024-12-31"}, "date_from"),
    ({"date_from": "01/03/2024", "date_to": "2024-12-31"}, "date_from"),
    ({"date_from": "2024-03-01", "date_to": "2024-02-30"}, "date_to"),
    ({"date_from": "2024-03-02", "date_to": "2024-03-01"}, "date_to"),
    ({"date_from": "1999-12-31", "date_to": "2024-03-01"}, "date_from"),
    ({"date_from": "2024-03-01"}, "date_to"),
    ({"date_to": "2024-03-01"}, "date_from"),
    ({"period": "NAM_2024", "date_from": "2024-01-01", "date_to": "2024-02-01"}, "period"),
    ({"records": "some"}, "records"),
    ({"boundaries": "mixed"}, "boundaries"),
    ({"bogus": "1"}, "bogus"),
]


@route_param
@pytest.mark.parametrize(("args", "field"), BAD)
def test_bad_arguments_are_refused(client, tree, reviewer, auth_headers, route, args, field):
    if route.endswith("r7") and "records" in args:
        field = "records"  # R7 has no records filter: the argument itself is unknown
    response = get(client, route, auth_headers(reviewer), **args)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert field in error["details"]["fields"]


def test_errors_are_in_vietnamese(client, tree, reviewer, auth_headers):
    response = get(
        client,
        "/api/v1/reports/r1",
        auth_headers(reviewer),
        date_from="2024-03-02",
        date_to="2024-03-01",
    )
    fields = response.get_json()["error"]["details"]["fields"]
    assert fields == {"date_to": ["Ngày kết thúc không được trước ngày bắt đầu"]}


def test_unknown_period_message(client, tree, reviewer, auth_headers):
    response = get(client, "/api/v1/reports/r1", auth_headers(reviewer), period="NAM_1999")
    assert response.get_json()["error"]["details"]["fields"] == {
        "period": ["Kỳ báo cáo không hợp lệ"]
    }


@pytest.mark.parametrize(
    "route", ["/api/v1/reports/r1", "/api/v1/reports/r3", "/api/v1/reports/r4/list"]
)
def test_bad_format_is_refused(client, tree, reviewer, auth_headers, route):
    response = get(client, route, auth_headers(reviewer), format="pdf")
    assert response.status_code == 422


def test_the_dashboard_has_no_format(client, tree, reviewer, auth_headers):
    response = get(client, "/api/v1/dashboard", auth_headers(reviewer), format="xlsx")
    assert response.status_code == 422


@pytest.mark.parametrize("args", [{"page": "0"}, {"per_page": "501"}, {"field": "NTM"}])
def test_list_arguments_are_checked(client, tree, reviewer, auth_headers, args):
    response = get(client, "/api/v1/reports/r3", auth_headers(reviewer), **args)
    assert response.status_code == 422


def test_period_choices(client, tree, reviewer, auth_headers):
    from server.reports.periods import vn_today

    response = client.get("/api/v1/reports/periods", headers=auth_headers(reviewer))
    body = response.get_json()
    year = vn_today().year
    assert body["default"] == f"NAM_{year}"
    codes = [item["code"] for item in body["items"]]
    assert {"GD_2021_2025", "GD_2016_2020", f"NAM_{year}", "6THANG_DAU_2016"} <= set(codes)
    assert next(i for i in body["items"] if i["code"] == "6THANG_CUOI_2024") == {
        "code": "6THANG_CUOI_2024",
        "kind": "6_THANG",
        "label": "6 tháng cuối năm 2024",
        "date_from": "2024-07-01",
        "date_to": "2024-12-31",
    }
