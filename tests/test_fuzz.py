"""Random input never causes a 500, and a refused write leaves nothing behind."""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Meeting, ModelRecord
from tests.conftest import meeting_payload, model_payload

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: CI must not flake
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Strings that have broken servers before: NUL, lone surrogates, huge numbers as text, SQL,
# control and direction characters.
NASTY = [
    "\x00",
    "\ud800",
    "a\udfffb",
    "99999999999999999999999",
    "' OR 1=1 --",
    "%_\\",
    "Đ" * 600,
    "",
    " ",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "2024-02-30",
    "chuông\x07",  # control and direction characters once broke every XLSX export
    "dọc\x0b",
    "\u202eexe.fdp",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(NASTY)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
DROP = object()


def edits(fields: list[str]):
    """Return a strategy of edits: some fields replaced by random values or removed."""
    keys = st.sampled_from([*fields, "khong_biet"])
    # Half of the values come from the nasty list, so each field meets each of them often.
    values = st.sampled_from(NASTY) | JSON_VALUES | st.just(DROP)
    return st.dictionaries(keys, values, min_size=1, max_size=4)


def apply(body: dict, changes: dict) -> bytes:
    """Apply edits to a payload and encode it the way a careless client might."""
    body = dict(body)
    for key, value in changes.items():
        if value is DROP:
            body.pop(key, None)
        else:
            body[key] = value
    return json.dumps(body, allow_nan=True).encode()


def counts() -> tuple[int, int, int]:
    """Count models, meetings and audit events."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (ModelRecord, Meeting, AuditEvent)
    )


@pytest.fixture
def headers(officer, auth_headers):
    """Return the commune officer's headers."""
    return auth_headers(officer)


MODEL_FIELDS = [
    "id",
    "owner_unit_id",
    "kind",
    "subject_type",
    "name",
    "field",
    "collective_name",
    "person_name",
    "person_birth_year",
    "commune_unit_id",
    "locality",
    "start_date",
    "status",
    "period",
    "year_registered",
    "objective",
    "method",
    "metrics",
    "topic_tags",
    "geo_lat",
    "replicated_from_id",
]
MEETING_FIELDS = [
    "id",
    "owner_unit_id",
    "type",
    "title",
    "format",
    "organizer_unit_id",
    "co_organizer_ids",
    "start_at",
    "end_at",
    "location",
    "sites",
    "actual_count",
    "audience",
    "content_summary",
    "attendees",
    "linked_model_ids",
]


def check_create(client, headers, url: str, body: bytes) -> None:
    """Post a body; a refusal must not be a 500 and must write nothing."""
    before = counts()
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code < 500, response.get_json()
    db.session.expire_all()
    if response.status_code == 201:
        assert counts()[2] == before[2] + 1
    else:
        assert counts() == before


@FUZZ
@given(changes=edits(MODEL_FIELDS))
def test_random_model_never_500(client, tree, headers, changes):
    check_create(client, headers, "/api/v1/models", apply(model_payload(tree["commune"]), changes))


@FUZZ
@given(changes=edits(MEETING_FIELDS))
def test_random_meeting_never_500(client, tree, headers, changes):
    body = apply(meeting_payload(tree["commune"]), changes)
    check_create(client, headers, "/api/v1/meetings", body)


@pytest.fixture
def model(client, tree, headers):
    """Create a model and return its JSON."""
    response = client.post("/api/v1/models", json=model_payload(tree["commune"]), headers=headers)
    return response.get_json()


@FUZZ
@given(changes=edits([*MODEL_FIELDS, "version"]))
def test_random_edit_never_500(client, headers, model, changes):
    url = f"/api/v1/models/{model['id']}"
    before = client.get(url, headers=headers).get_json()
    body = apply({"version": before["version"]}, changes)
    response = client.patch(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code < 500, response.get_json()
    if response.status_code != 200:
        assert client.get(url, headers=headers).get_json() == before


@FUZZ
@given(changes=edits(["action", "version", "comment"]))
def test_random_review_never_500(client, headers, model, changes):
    url = f"/api/v1/models/{model['id']}/review"
    body = apply({"action": "submit", "version": 1}, changes)
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code < 500, response.get_json()


QUERY_KEYS = ["q", "unit_id", "page", "per_page", "review_status", "date_from", "year", "x"]


@FUZZ
@given(
    args=st.dictionaries(
        st.sampled_from(QUERY_KEYS), st.text(max_size=30) | st.sampled_from(NASTY), max_size=3
    )
)
def test_random_query_never_500(client, headers, args):
    clean = {k: v.encode("utf-8", "surrogatepass") for k, v in args.items()}
    for table in ("models", "meetings", "units"):
        response = client.get(f"/api/v1/{table}?{urlencode(clean)}", headers=headers)
        assert response.status_code < 500, response.get_json()


@FUZZ
@given(changes=edits(["username", "password", "device_name", "app_version"]))
def test_random_login_never_500(client, officer, changes):
    credentials = {"username": "canbo", "password": "sai-mat-khau", "device_name": "Máy"}
    data = apply(credentials, changes)
    response = client.post("/api/v1/auth/login", data=data, content_type="application/json")
    assert response.status_code in (401, 422, 429)
