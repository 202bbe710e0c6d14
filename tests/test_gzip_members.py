"""Gzip bodies of several members are inflated whole (PROTOCOL.md §2)."""

import gzip
import json

import pytest

BODY = json.dumps({"protocol": 1, "schema": 1, "cursor": 0, "mutations": []}).encode()


def post(client, headers, raw: bytes):
    """Post raw gzip bytes to the sync endpoint."""
    extra = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return client.post("/api/v1/sync", data=raw, headers={**headers, **extra})


def test_body_of_two_members_is_read_whole(client, officer, login):
    """§2: a body compressed in two members (as a streaming client may send) is one body."""
    half = len(BODY) // 2
    raw = gzip.compress(BODY[:half]) + gzip.compress(BODY[half:])
    response = post(client, login("canbo"), raw)
    assert response.status_code == 200, response.get_json()


def test_second_member_counts_towards_the_limit(client, officer, login, app):
    """§2: the inflated limit holds for the whole body, whatever the number of members."""
    app.config["MAX_INFLATED_LENGTH"] = 1024 * 1024
    member = gzip.compress(b" " * (700 * 1024))
    response = post(client, login("canbo"), member + member + gzip.compress(BODY))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    "tail", [b"trailing junk", b"\x1f\x8b", gzip.compress(b"{}")[:-4]], ids=["junk", "magic", "cut"]
)
def test_bytes_after_a_member_must_be_a_whole_member(client, officer, login, tail):
    """§2: anything after a member that is not a complete member is MALFORMED_BODY."""
    response = post(client, login("canbo"), gzip.compress(BODY) + tail)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "MALFORMED_BODY"
