"""A pull page is cheap to make: kept text spliced in, scope read once (PROTOCOL.md §5, #15)."""

import json
import re

import pytest
from sqlalchemy import event, update

from server.extensions import db
from server.records import wire
from server.records.tables import TABLES
from tests.conftest import meeting_payload, model_payload


def _sync(client, headers, mutations=(), cursor: int = 0) -> tuple[dict, bytes]:
    numbered = [{"seq": i + 1, **m} for i, m in enumerate(mutations)]
    body = {"protocol": 1, "schema": 1, "cursor": cursor, "limit": 1000, "mutations": numbered}
    response = client.post("/api/v1/sync", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), response.get_data()


def _put(table: str, data: dict) -> dict:
    return {"op": "put", "table": table, "base": 0, "data": data}


def test_pull_5_sends_the_kept_text_as_it_is(app, client, tree, officer, auth_headers):
    """§5: a record's kept JSON reaches the device byte for byte, never parsed and re-dumped."""
    record = model_payload(tree["commune"])
    _sync(client, auth_headers(officer, "Điện thoại"), [_put("models", record)])
    model = TABLES["models"].model
    row = db.session.get(model, record["id"])
    # The same record written with other (valid) spacing: a re-dump would close the gaps.
    spaced = json.dumps(json.loads(row.wire_json), ensure_ascii=False, separators=(", ", ": "))
    db.session.execute(update(model).where(model.id == record["id"]).values(wire_json=spaced))
    db.session.commit()
    body, raw = _sync(client, auth_headers(officer, "Máy mới"))
    assert [r["id"] for r in body["changes"]["models"]] == [record["id"]]
    assert spaced.encode() in raw


def test_dumps_splices_kept_texts_and_matches_json_dumps():
    """§3.3: a body with kept texts is written exactly as json.dumps writes the parsed body."""
    texts = ['{"id":"a","name":"Mô hình \\"hay\\"","metrics":[]}', '{"id":"b","deleted":true}']
    body = {
        "protocol": 1,
        "results": [{"seq": 1, "status": "applied", "version": 2}],
        "changes": {
            "models": [wire.Kept(texts[0]), {"id": "c", "version": 1}, wire.Kept(texts[1])],
            "units": [{"id": 7, "name": "Xã Nậm Cắn"}],
            "removed": {"meetings": ["d"]},
        },
    }
    parsed = json.loads(wire.dumps(body))
    expected = {**body, "changes": {**body["changes"]}}
    expected["changes"]["models"] = [json.loads(texts[0]), {"id": "c", "version": 1},
                                     json.loads(texts[1])]  # fmt: skip
    assert parsed == expected
    assert wire.dumps(expected) == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.commits
def test_pull_5_4_record_queries_name_the_scope_by_ids(app, client, tree, officer, auth_headers):
    """§5.4: the scope is read once; the record query carries unit ids, not a path subquery.

    A subquery on the unit path lets a prepared statement's generic plan walk the whole
    country's change index for a commune (docs/BENCHMARKS.md, national scale); with the ids,
    the (owner_unit_id, change_seq) index serves any values.
    """
    headers = auth_headers(officer, "Điện thoại")
    _sync(client, headers, [_put("models", model_payload(tree["commune"])),
                            _put("meetings", meeting_payload(tree["commune"]))])  # fmt: skip
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        body, _ = _sync(client, auth_headers(officer, "Máy mới"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert body["changes"]["models"] and body["changes"]["meetings"]
    # One statement for every record table's page, reading the kept text, scoped by ids.
    record_queries = [s for s in statements if "wire_json" in s]
    assert len(record_queries) == 1, statements
    assert all(f"FROM {t.model.__tablename__}" in record_queries[0] for t in TABLES.values())
    assert "units" not in record_queries[0], record_queries[0]
    scope_reads = [s for s in statements if " ".join(s.split()).startswith("SELECT units.id FROM")]
    assert len(scope_reads) == 1, scope_reads


@pytest.mark.commits
def test_pull_5_4_unit_path_prefixes_are_written_into_the_statements(
    app, client, tree, officer, auth_headers
):
    """§5.4: every path match of a pull carries its prefix in the text, not as a bound value.

    With psycopg's prepared statements a generic plan of `path LIKE $1 || '%'` cannot walk
    the path index and reads every unit in the country (bench/plans.py).
    """
    phone, other = auth_headers(officer, "Điện thoại"), auth_headers(officer, "Máy mới")
    start, _ = _sync(client, other)
    _sync(client, phone, [_put("models", model_payload(tree["commune"]))])
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        body, _ = _sync(client, other, cursor=start["cursor"])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert body["changes"]["models"]
    matches = [m for s in statements for m in re.findall(r"path LIKE (\S+)", s)]
    assert len(matches) >= 3, statements  # the scope's ids, the units sent, the criteria sets
    prefix = "'" + tree["commune"].path.replace("/", "//")
    assert all(m.startswith(prefix) for m in matches), matches


def test_pull_5_4_a_scope_too_wide_to_list_pulls_the_same(app, client, tree, officer,
                                                          auth_headers, monkeypatch):  # fmt: skip
    """§5.4: past SCOPE_IDS_MAX units the scope stays a subquery, and the page is the same."""
    from server.sync_api import store

    commune = tree["commune"]
    _sync(client, auth_headers(officer, "Điện thoại"),
          [_put("models", model_payload(commune)), _put("meetings", meeting_payload(commune))])  # fmt: skip
    listed, _ = _sync(client, auth_headers(officer, "Máy mới"))
    monkeypatch.setattr(store, "SCOPE_IDS_MAX", 0)
    subquery, _ = _sync(client, auth_headers(officer, "Máy mới nữa"))
    assert listed["changes"] == subquery["changes"]
    assert listed["changes"]["models"] and listed["changes"]["meetings"]
