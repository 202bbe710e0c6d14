"""`GET /api/v1/openapi.json` describes every API endpoint the app serves, and only those."""

import json
import os
import re
import subprocess
import sys

import pytest

PUBLIC = {
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/enrol"),
    ("post", "/api/v1/auth/password-reset"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/enums"),
    ("get", "/api/v1/schema"),
    ("get", "/api/v1/export-key"),
}


@pytest.fixture
def spec(client) -> dict:
    """Return the served OpenAPI document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def openapi_path(rule: str) -> str:
    """Write a Werkzeug rule the way OpenAPI writes paths: <int:x> becomes {x}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def served(app) -> set[tuple[str, str]]:
    """Return (method, path) of every /api route in the URL map."""
    return {
        (method.lower(), openapi_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def documented(spec: dict) -> set[tuple[str, str]]:
    """Return (method, path) of every operation in the document."""
    return {
        (method, path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }


def operations(spec: dict):
    """Yield (method, path, operation) for every operation of the document."""
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield method, path, op


def test_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Sổ tay Dân vận API"


def test_every_api_route_is_documented(app, spec):
    assert served(app) - documented(spec) == set()


def test_nothing_undocumented_is_claimed(app, spec):
    assert documented(spec) - served(app) == set()


def test_healthz_is_documented(spec):
    assert "get" in spec["paths"]["/healthz"]


def test_every_operation_has_a_summary(spec):
    missing = [(m, p) for m, p, op in operations(spec) if not op.get("summary")]
    assert missing == []


def test_every_operation_documents_the_error_envelope(spec):
    for _, _, op in operations(spec):
        error = op["responses"]["default"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}


def test_protected_operations_require_a_bearer_token(spec):
    for method, path, op in operations(spec):
        if path.startswith("/api/") and (method, path) not in PUBLIC:
            assert op.get("security") == [{"bearer": []}], (method, path)


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC))
def test_public_operations_need_no_token(spec, method, path):
    assert "security" not in spec["paths"][path][method]


def test_every_path_parameter_is_declared(spec):
    for method, path, op in operations(spec):
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_integer_path_parameters_are_integers(spec):
    params = spec["paths"]["/api/v1/units/{unit_id}"]["get"]["parameters"]
    assert [p["schema"]["type"] for p in params if p["name"] == "unit_id"] == ["integer"]


def test_every_schema_reference_resolves(spec):
    names = set(spec["components"]["schemas"])
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', str(spec).replace("'", '"')))
    assert refs <= names


@pytest.mark.parametrize(
    ("path", "schema"),
    [("/api/v1/models", "ModelIn"), ("/api/v1/meetings", "MeetingIn"), ("/api/v1/units", "UnitIn")],
)
def test_create_bodies_name_their_schema(spec, path, schema):
    body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{schema}"}


def test_model_input_lists_required_fields(spec):
    required = set(spec["components"]["schemas"]["ModelIn"]["required"])
    assert {"id", "owner_unit_id", "name", "field", "start_date", "year_registered"} <= required


def test_enum_values_are_documented(spec):
    field = spec["components"]["schemas"]["ModelIn"]["properties"]["field"]
    assert field["enum"] == ["KINH_TE", "VAN_HOA_XA_HOI", "QP_AN", "XD_HTCT"]


@pytest.mark.parametrize("path", ["/api/v1/models", "/api/v1/meetings", "/api/v1/units"])
def test_list_query_arguments_are_documented(spec, path):
    params = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert {"q", "page", "per_page"} <= params


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/v1/models", "201"),
        ("post", "/api/v1/auth/login", "201"),
        ("delete", "/api/v1/models/{record_id}", "204"),
        ("get", "/api/v1/models/{record_id}", "200"),
    ],
)
def test_success_status_is_documented(spec, method, path, status):
    assert status in spec["paths"][path][method]["responses"]


def test_the_document_is_built_once_and_revalidates(app, client, monkeypatch):
    import server.meta

    built = []
    build = server.meta.build_spec
    monkeypatch.setattr(server.meta, "build_spec", lambda a: built.append(a) or build(a))
    app.extensions.pop("sotay.openapi", None)
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.get_json()["paths"]
    assert len(built) == 1
    assert first.headers["ETag"] == second.headers["ETag"]
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert again.headers["ETag"] == first.headers["ETag"]


@pytest.mark.no_database
def test_path_parameters_come_in_path_order_whatever_the_hash_seed():
    """The document is the same in every process: clients and tests may cache and compare it.

    Hash seed 4 ordered both two-parameter paths backwards when the order came from a set.
    """
    code = (
        "from server import create_app; app = create_app({'TESTING': True,"
        " 'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'});"
        " print(app.test_client().get('/api/v1/openapi.json').get_data(as_text=True))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    spec = json.loads(done.stdout)
    for path, operations in spec["paths"].items():
        named = re.findall(r"{([^}]+)}", path)
        for operation in operations.values():
            listed = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert listed == named, path
