"""Search ignores diacritics and case, on SQLite and PostgreSQL alike."""

import json
import subprocess
import unicodedata
from pathlib import Path

import pytest

from server.records.tables import TABLES
from server.search import fold, words
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


@pytest.mark.parametrize("query", ["%", "_", "\\", "%%", "-"])
def test_punctuation_alone_finds_nothing(client, headers, records, query):
    assert found(client, headers, query) == set()


@pytest.mark.parametrize("query", ["dan%kheo", "dan_kheo", "dan-kheo", "(dan) kheo!"])
def test_punctuation_separates_words_never_wildcards(client, headers, records, query):
    assert found(client, headers, query) == {records["dvk"]}


def test_words_match_from_their_beginning(client, headers, records, tree):
    cattle = model_payload(tree["commune"], name="Nuôi bò của đồng bào Mông")
    assert client.post("/api/v1/models", json=cattle, headers=headers).status_code == 201
    # "ong" inside "Mông" is no word beginning; "nuoi" and "mong" are.
    assert found(client, headers, "nuoi ong") == {records["other"]}
    assert found(client, headers, "mong") == {cattle["id"]}
    assert found(client, headers, "nuo") == {records["other"], cattle["id"]}


def test_whole_phrase_ranks_first(client, headers, tree):
    names = ["Nuôi ong lấy mật", "Ong mật và nuôi cá", "Hợp tác xã nuôi ong"]
    ids = []
    for name in names:
        body = model_payload(tree["commune"], name=name, collective_name="Tổ hợp tác")
        assert client.post("/api/v1/models", json=body, headers=headers).status_code == 201
        ids.append(body["id"])
    response = client.get("/api/v1/models", query_string={"q": "nuoi ong"}, headers=headers)
    order = [item["id"] for item in response.get_json()["items"]]
    # Both phrase matches (whole words) come before the words found apart, newest first.
    assert order == [ids[2], ids[0], ids[1]]


def test_searches_attendee_names_and_minutes_number(client, headers, tree):
    meeting = meeting_payload(
        tree["commune"],
        minutes_no="12-BB/ĐU",
        attendees=[
            {"full_name": "Vi Văn Sơn", "role": "CHU_TRI"},
            {"full_name": "Lầu Thị Mỷ", "role": "DAI_BIEU"},
        ],
    )
    assert client.post("/api/v1/meetings", json=meeting, headers=headers).status_code == 201
    assert found(client, headers, "lau thi my", "meetings") == {meeting["id"]}
    assert found(client, headers, "12 bb", "meetings") == {meeting["id"]}


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


def test_search_fields_are_the_phones(tmp_path):
    """The PWA searches the same fields as the server (pwa/js/lib/fold.js)."""
    script = tmp_path / "fields.mjs"
    module = Path(__file__).resolve().parents[1] / "pwa" / "js" / "lib" / "fold.js"
    script.write_text(
        f"import {{ SEARCH_FIELDS }} from {json.dumps(module.as_uri())};\n"
        "console.log(JSON.stringify(SEARCH_FIELDS));\n"
    )
    out = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
    phone = json.loads(out.stdout)
    assert phone == {name: list(t.search_fields) for name, t in TABLES.items()}


@pytest.mark.parametrize(
    ("text", "words_of"),
    [
        ("Đồng bào (Mông)", ["dong", "bao", "mong"]),
        ("nuôi-ong, lấy mật!", ["nuoi", "ong", "lay", "mat"]),
        ("12-BB/ĐU", ["12", "bb", "du"]),
        ("  ", []),
    ],
)
def test_words(text, words_of):
    assert words(text) == words_of


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


def test_fold_keeps_its_table_of_marks_small_whatever_the_text():
    """Folding remembers characters below U+3000 only: rare ones cannot grow it per process."""
    from server.search import _MARKS, fold

    assert fold("Chữ Nôm 𡨸喃 ＡＢＣ") == "chu nom 𡨸喃 ａｂｃ"
    rare = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2000))
    assert fold(rare) == rare
    assert all(code < 0x3000 for code in _MARKS)
