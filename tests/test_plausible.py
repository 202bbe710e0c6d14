"""Plausible values (PROTOCOL.md §3.5): the cases tests/js/plausible.test.js checks on the phone."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from marshmallow import ValidationError

from server.errors import CATALOGUE, validation_error
from server.extensions import db
from server.models import Meeting, ModelRecord
from server.records import plausible
from server.records.plausible import Bound, Plausible
from server.records.schemas import MeetingIn, ModelIn
from tests.conftest import meeting_payload, model_payload

FIXTURES = Path(__file__).resolve().parent / "js" / "fixtures"
BASES = json.loads((FIXTURES / "record-cases.json").read_text("utf-8"))
CASES = json.loads((FIXTURES / "plausible-cases.json").read_text("utf-8"))
TODAY = plausible.today_in_vietnam()
SCHEMAS = {"models": ModelIn, "meetings": MeetingIn}
BASE = {"models": BASES["model_base"], "meetings": BASES["meeting_base"]}
ALL = [(table, case) for table in ("models", "meetings") for case in CASES[table]]
IDS = [f"{table}: {case['name']}" for table, case in ALL]


def value(v):
    """Resolve the fixture's relative values against today, as the phone's test does."""
    if isinstance(v, dict) and "$years" in v:
        return TODAY.year + v["$years"]
    if isinstance(v, dict) and "$days" in v:
        day = (TODAY + timedelta(days=v["$days"])).isoformat()
        return f"{day}T{v['time']}" if "time" in v else day
    return v


def apply(body: dict, change: dict | None) -> dict:
    """Return body with the change applied; a null value removes the key."""
    out = dict(body)
    for key, v in (change or {}).items():
        if v is None:
            out.pop(key, None)
        else:
            out[key] = value(v)
    return out


def message(text: str) -> str:
    """Fill the fixture's {year±n} and {day±n} tokens."""
    import re

    text = re.sub(r"\{year([+-]\d+)\}", lambda m: str(TODAY.year + int(m[1])), text)
    return re.sub(
        r"\{day([+-]\d+)\}",
        lambda m: (TODAY + timedelta(days=int(m[1]))).strftime("%d/%m/%Y"),
        text,
    )


def check(table: str, record: dict, touched: list[str] | None) -> dict:
    """Load a record as a create, or as service._validate_whole checks an edit; return details in Vietnamese."""
    schema = SCHEMAS[table]()
    try:
        if touched is None:
            schema.load(record)
        else:
            with plausible.touching(frozenset(touched)):
                schema.load(record)
    except ValidationError as err:
        return validation_error(err).body("vi")["error"]["details"]
    return {}


@pytest.mark.parametrize(("table", "case"), ALL, ids=IDS)
def test_case_on_the_server(table, case):
    """The server refuses each implausible value with its code and the phone's message."""
    record = apply(apply(BASE[table], case.get("stored")), case["change"])
    details = check(table, record, case.get("touched"))
    assert details.get("codes", {}) == case["codes"]
    for key, text in case.get("message", {}).items():
        node = details["fields"]
        for part in key.split("."):
            node = node[int(part) if part.isdigit() else part]
        assert node == [message(text)]


def test_every_code_is_in_the_catalogue():
    """Each plausibility code has its Vietnamese and English wording in server.errors."""
    for code in plausible.MESSAGES:
        assert code in CATALOGUE


def test_relative_bounds_are_taken_at_check_time(monkeypatch):
    """A birth year fine this year becomes fine or not as the year turns, not as generated."""
    rule = Plausible("BIRTH_YEAR_RANGE", "range", "y", Bound("fixed", 1900), Bound("years", -15))
    from datetime import date

    assert rule.breaches({"y": 2011}, date(2026, 6, 1)) == {}
    assert rule.breaches({"y": 2011}, date(2025, 6, 1)) == {"y": {"min": "1900", "max": "2010"}}


# --- through HTTP, on SQLite and PostgreSQL ---------------------------------------------------

CREATES = [(t, c) for t, c in ALL if "touched" not in c]
EDITS = [(t, c) for t, c in ALL if "touched" in c]
PAYLOADS = {"models": model_payload, "meetings": meeting_payload}
MODELS = {"models": ModelRecord, "meetings": Meeting}


@pytest.mark.parametrize(("table", "case"), CREATES, ids=[f"{t}: {c['name']}" for t, c in CREATES])
def test_create_over_http(client, tree, officer, auth_headers, table, case):
    """A create with an implausible value answers 422 VALIDATION_FAILED with details.codes."""
    body = apply(PAYLOADS[table](tree["commune"]), case["change"])
    response = client.post(f"/api/v1/{table}", json=body, headers=auth_headers(officer))
    if not case["codes"]:
        assert response.status_code == 201, response.get_json()
        return
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert error["details"]["codes"] == case["codes"]


@pytest.mark.parametrize(("table", "case"), EDITS, ids=[f"{t}: {c['name']}" for t, c in EDITS])
def test_edit_over_http(client, tree, officer, auth_headers, table, case):
    """PROTOCOL.md §3.5: an edit is held to a plausibility rule only if it sets one of its fields.

    The stored record holds values from before the rules (written here straight to the database).
    """
    headers = auth_headers(officer)
    body = PAYLOADS[table](tree["commune"])
    created = client.post(f"/api/v1/{table}", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    row = db.session.get(MODELS[table], body["id"])
    for key, v in case["stored"].items():
        setattr(row, key, value(v))
    db.session.commit()
    edit = {"version": 1, **{k: value(v) for k, v in case["change"].items()}}
    response = client.patch(f"/api/v1/{table}/{body['id']}", json=edit, headers=headers)
    if not case["codes"]:
        assert response.status_code == 200, response.get_json()
        return
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"]["codes"] == case["codes"]


def test_english_message_states_the_range(client, tree, officer, auth_headers):
    """With Accept-Language: en the message is the English wording, the range stated."""
    body = model_payload(
        tree["commune"], subject_type="CA_NHAN", person_name="A", person_birth_year=2099
    )
    headers = {**auth_headers(officer), "Accept-Language": "en"}
    response = client.post("/api/v1/models", json=body, headers=headers)
    fields = response.get_json()["error"]["details"]["fields"]
    assert fields["person_birth_year"] == [
        f"The birth year must be from 1900 to {TODAY.year - 15}."
    ]
