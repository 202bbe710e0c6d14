"""The published record schema: served, current in the PWA, and agreeing with both validators."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from marshmallow import ValidationError

from server.records import export_schema, jsonschema, rules
from server.records.schemas import MeetingIn, ModelIn

ROOT = Path(__file__).resolve().parents[1]
CASES = json.loads((ROOT / "tests" / "js" / "fixtures" / "record-cases.json").read_text("utf-8"))
MODEL, MEETING = CASES["model_base"], CASES["meeting_base"]
NAMELESS_CHAIR = {"full_name": " ", "role": "CHU_TRI"}

# (name, table, change, the rule it breaks or None). A None value removes the key.
SAMPLES = [
    ("valid model", "models", {}, None),
    ("valid meeting", "meetings", {}, None),
    ("blank name", "models", {"name": "   "}, "models.name.not_blank"),
    ("blank locality", "models", {"locality": " "}, "models.locality.not_blank"),
    ("blank objective", "models", {"objective": "\t"}, "models.objective.not_blank"),
    ("blank method", "models", {"method": " "}, "models.method.not_blank"),
    (
        "collective without its name",
        "models",
        {"collective_name": None},
        "models.collective_name.required_if_tap_the",
    ),
    (
        "individual without a name",
        "models",
        {"subject_type": "CA_NHAN", "person_name": " "},
        "models.person_name.required_if_ca_nhan",
    ),
    ("individual with a name", "models", {"subject_type": "CA_NHAN", "person_name": "A"}, None),
    ("blank title", "meetings", {"title": " "}, "meetings.title.not_blank"),
    ("blank location", "meetings", {"location": "  "}, "meetings.location.not_blank"),
    ("blank content", "meetings", {"content_summary": " "}, "meetings.content_summary.not_blank"),
    ("end before start", "meetings", {"end_at": "2024-08-12T07:59"}, "meetings.end_at.after_start"),
    (
        "end equal to start in another offset",
        "meetings",
        {"end_at": "2024-08-12T01:00:30Z"},
        "meetings.end_at.after_start",
    ),
    ("end after start", "meetings", {"end_at": "2024-08-12T08:01"}, None),
    (
        "review meeting without a period",
        "meetings",
        {"type": "TONG_KET"},
        "meetings.report_period.required_if_report",
    ),
    (
        "online meeting without sites",
        "meetings",
        {"format": "TRUC_TUYEN", "sites": []},
        "meetings.sites.required_if_online",
    ),
    (
        "no chair",
        "meetings",
        {"attendees": [{"full_name": "A", "role": "DAI_BIEU"}]},
        "meetings.attendees.needs_chair",
    ),
    (
        "chair without a name",
        "meetings",
        {"attendees": [{"full_name": "B", "role": "CHU_TRI"}, {"role": "THU_KY"}]},
        "attendees.full_name.required_if_named_role",
    ),
    ("unknown enum code", "models", {"field": "KHAC"}, "field"),
    ("name too long", "models", {"name": "x" * 501}, "field"),
    ("missing required field", "meetings", {"organizer_unit_id": None}, "field"),
    ("count out of range", "meetings", {"actual_count": -1}, "field"),
    ("bad period", "models", {"period": "2021-2025"}, "field"),
    ("bad tag", "models", {"topic_tags": ["NOPE"]}, "field"),
    (
        "time with seconds and an offset",
        "meetings",
        {"start_at": "2024-08-12T08:00:59+07:00"},
        None,
    ),
    ("time in another spelling", "meetings", {"start_at": "12/08/2024 08:00"}, "field"),
]


def _payload(table: str, change: dict) -> dict:
    body = dict(MODEL if table == "models" else MEETING)
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _flatten(errors, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in errors.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            # A bad code in a list of codes is the list's error on both sides.
            if all(str(k).isdigit() and isinstance(v, list) for k, v in value.items()):
                keys.add(path)
            else:
                keys |= _flatten(value, path + ".")
        else:
            keys.add(path)
    return keys


def _server_errors(table: str, body: dict) -> set[str]:
    schema = ModelIn() if table == "models" else MeetingIn()
    try:
        schema.load(body)
    except ValidationError as exc:
        return _flatten(exc.messages)
    return set()


def _pwa_errors(bodies: list[tuple[str, dict]]) -> list[set[str]]:
    script = (
        f"import {{ validateRecord }} from {json.dumps((ROOT / 'pwa/js/lib/record-rules.js').as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const input = JSON.parse(readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(input.map(([t, b]) => Object.keys(validateRecord(t, b)))));\n"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(bodies),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [set(keys) for keys in json.loads(result.stdout)]


def test_every_rule_has_a_sample():
    every = {r.code for r in (*rules.MODEL_RULES, *rules.MEETING_RULES, *rules.ATTENDEE_RULES)}
    assert every <= {rule for *_, rule in SAMPLES}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_server_and_pwa_agree_on_every_sample():
    """A record the phone accepts the server accepts, and each refusal names the same fields."""
    bodies = [(table, _payload(table, change)) for _, table, change, _ in SAMPLES]
    pwa = _pwa_errors(bodies)
    for (name, table, _, rule), (_, body), phone in zip(SAMPLES, bodies, pwa, strict=True):
        server = _server_errors(table, body)
        assert server == phone, name
        assert bool(server) == (rule is not None), name


@pytest.mark.parametrize(("name", "table", "change", "rule"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_json_schema_agrees_with_the_server(name, table, change, rule):
    """The published schema accepts what the server accepts; only `after` needs code."""
    doc = jsonschema.document()
    create = doc["tables"][table]["create"]["$ref"].split("/")[-1]
    validator = Draft202012Validator({**doc, **doc["$defs"][create]})
    body = _payload(table, change)
    published = not list(validator.iter_errors(body))
    if rule is not None and rule.endswith("after_start"):
        assert published  # published in x-rules only
    else:
        assert published == (not _server_errors(table, body)), name


def test_document_is_valid_json_schema():
    doc = jsonschema.document()
    Draft202012Validator.check_schema(doc)
    for shape in doc["$defs"].values():
        Draft202012Validator.check_schema(shape)


def test_cross_field_rules_are_published_with_codes():
    doc = jsonschema.document()
    codes = {r["code"] for r in doc["tables"]["meetings"]["rules"]}
    assert "meetings.attendees.needs_chair" in codes
    assert {r["code"] for r in doc["$defs"]["AttendeeIn"]["x-rules"]} == {
        "attendees.full_name.required_if_named_role"
    }


def test_pwa_copy_is_current():
    """pwa/js/lib/record-schema.js and record-registry.js are generated: regenerate them."""
    for path, text in export_schema.outputs().items():
        assert path.read_text("utf-8") == text, "run: python -m server.records.export_schema"


def test_schema_is_served_publicly_with_an_etag(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    assert response.get_json() == jsonschema.document()
    tag = response.headers["ETag"]
    again = client.get("/api/v1/schema", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
