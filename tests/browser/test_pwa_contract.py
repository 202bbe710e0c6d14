"""The PWA's offline copies agree with the server: enum codes and record rules."""

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from server import enums
from server.records.schemas import MeetingIn, ModelIn

ROOT = Path(__file__).resolve().parents[2]
ENUMS_JS = ROOT / "pwa" / "js" / "i18n" / "enums.js"
CASES = json.loads((ROOT / "tests" / "js" / "fixtures" / "record-cases.json").read_text("utf-8"))


def _pwa_enums() -> dict:
    text = ENUMS_JS.read_text("utf-8")
    start = text.index("/* JSON */") + len("/* JSON */")
    end = text.index("/* END */")
    return json.loads(text[start:end])


def test_enum_codes_match_the_server():
    copy = _pwa_enums()
    assert set(copy) == set(enums.ALL)
    for name, values in enums.ALL.items():
        assert list(copy[name]) == list(values), name


def test_enum_labels_match_the_server():
    copy = _pwa_enums()
    for name, values in enums.ALL.items():
        for code, (vi, en) in values.items():
            assert copy[name][code] == [vi, en], (name, code)


def _flatten(errors: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in errors.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            keys.extend(_flatten(value, path + "."))
        else:
            keys.append(path)
    return keys


def _payload(base: dict, change: dict) -> dict:
    body = dict(base)
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _server_errors(schema, body: dict) -> list[str]:
    try:
        schema.load(body)
    except ValidationError as exc:
        return sorted(_flatten(exc.messages))
    return []


@pytest.mark.parametrize("case", CASES["models"], ids=lambda c: c["name"])
def test_server_model_rules_agree_with_the_phone(case):
    assert (
        _server_errors(ModelIn(), _payload(CASES["model_base"], case["change"])) == case["errors"]
    )
    if case.get("repeat_name"):
        body = _payload(CASES["model_base"], {"name": "x" * case["repeat_name"]})
        assert _server_errors(ModelIn(), body) == case["repeat_errors"]


@pytest.mark.parametrize("case", CASES["meetings"], ids=lambda c: c["name"])
def test_server_meeting_rules_agree_with_the_phone(case):
    body = _payload(CASES["meeting_base"], case["change"])
    assert _server_errors(MeetingIn(), body) == case["errors"]


@pytest.mark.parametrize("name", ["icon.svg", "icon-192.png"])
def test_icons_are_what_the_generator_draws(name):
    from tests.browser.icons import FILES, ICONS

    assert (ICONS / name).read_bytes() == FILES[name]()
