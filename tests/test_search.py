"""Search ignores diacritics and case, on SQLite and PostgreSQL alike."""

import unicodedata

import pytest

from server.search import fold
from tests.conftest import meeting_payload, model_payload


@pytest.fixture
def headers(officer, auth_headers):
    """Return the commune officer's headers."""
    return auth_headers(officer)


@pytest.fixture
def records(client, tree, headers):
    """Create three models and a meeting; return their ids by nickname."""
    bodies = {
        "dvk": model_payload(tree["commune"], name="Mô hình Dân vận khéo bản Huồi Pủng"),
        "road": model_payload(
            tree["commune"], name="Đường giao thông nông thôn", locality="Bản Đồn"
        ),
        "other": model_payload(
            tree["commune"], name="Chi hội nuôi ong", collective_name="Hội Nông dân xã"
        ),
    }
    for body in bodies.values():
        assert client.post("/api/v1/models", json=body, headers=headers).status_code == 201
    meeting = meeting_payload(tree["commune"], title="Tọa đàm Dân vận khéo năm 2024")
    assert client.post("/api/v1/meetings", json=meeting, headers=headers).status_code == 201
    return {**{k: b["id"] for k, b in bodies.items()}, "meeting": meeting["id"]}


def found(client, headers, query: str, table: str = "models") -> set[str]:
    """Return the ids a search finds."""
    response = client.get(f"/api/v1/{table}", query_string={"q": query}, headers=headers)
    assert response.status_code == 200
    return {item["id"] for item in response.get_json()["items"]}


@pytest.mark.parametrize(
    "query",
    [
        "dan van kheo",
        "Dân vận khéo",
        "DAN VAN",
        "dân VẬN",
        "kheo dan",
        "  dan   van  ",
        unicodedata.normalize("NFD", "Dân vận khéo"),
    ],
)
def test_finds_dan_van_kheo(client, headers, records, query):
    assert found(client, headers, query) == {records["dvk"]}


@pytest.mark.parametrize("query", ["duong giao thong", "Đường", "ĐƯỜNG", "đuong", "ban don"])
def test_d_with_stroke_folds_to_d(client, headers, records, query):
    assert found(client, headers, query) == {records["road"]}


def test_searches_collective_name(client, headers, records):
    assert found(client, headers, "hoi nong dan") == {records["other"]}


def test_searches_meetings(client, headers, records):
    assert found(client, headers, "toa dam dan van", "meetings") == {records["meeting"]}


@pytest.mark.parametrize("query", ["%", "_", "\\", "dan%kheo", "d_n"])
def test_wildcards_are_literal(client, headers, records, query):
    assert found(client, headers, query) == set()


def test_no_match_is_empty(client, headers, records):
    assert found(client, headers, "khong co gi") == set()


def test_empty_query_lists_everything(client, headers, records):
    assert found(client, headers, "") == {records["dvk"], records["road"], records["other"]}


def test_search_follows_an_edit(client, headers, records):
    url = f"/api/v1/models/{records['other']}"
    client.patch(url, json={"version": 1, "name": "Nuôi ong lấy mật"}, headers=headers)
    assert found(client, headers, "lay mat") == {records["other"]}
    assert found(client, headers, "chi hoi nuoi") == set()


def test_search_stays_in_scope(client, tree, create_user, auth_headers, records):
    outsider = auth_headers(create_user("hatinh", tree["foreign"], ["CAN_BO_NHAP"]))
    assert found(client, outsider, "dan van kheo") == set()


@pytest.mark.parametrize("query", ["nam can", "NẬM CẮN", "Nam Căn"])
def test_unit_search_ignores_diacritics(client, tree, reviewer, auth_headers, query):
    headers = auth_headers(reviewer)  # sees the province and both of its communes
    response = client.get("/api/v1/units", query_string={"q": query}, headers=headers)
    assert [u["id"] for u in response.get_json()["items"]] == [tree["commune"].id]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Dân vận khéo", "dan van kheo"),
        ("ĐẢNG", "dang"),
        ("Nghệ  An\t", "nghe an"),
        ("Mường Xén", "muong xen"),
        (unicodedata.normalize("NFD", "Hà Tĩnh"), "ha tinh"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
