"""The Python client follows the golden fixtures shared with the PWA's tests."""

import json
from pathlib import Path

import pytest

from sync.client import LocalState, MemoryStore, SyncClient, SyncReport

FIXTURES = Path(__file__).resolve().parent.parent / "sync" / "fixtures"


def cases(name: str) -> list[dict]:
    """Load the cases of one fixture file."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["cases"]


def client_with(state: LocalState) -> SyncClient:
    """Return a client holding the given state, with no network."""
    store = MemoryStore()
    store.save(state)
    return SyncClient("http://unused", store=store, transport=object())


@pytest.mark.parametrize("case", cases("apply_response.json"), ids=lambda c: c["name"])
def test_apply_response(case):
    """PROTOCOL.md §4.6, §5.4, §5.6."""
    before = case["before"]
    client = client_with(
        LocalState(records=before["records"], outbox=before["outbox"], cursor=before["cursor"])
    )
    client._apply_response(case["response"], SyncReport())
    after = case["after"]
    # Tables the fixture does not name (added since it was written) stay empty.
    assert {t: r for t, r in client.state.records.items() if r or t in after["records"]} == after[
        "records"
    ]
    assert [m["seq"] for m in client.state.outbox] == after["outbox_seqs"]
    assert client.state.cursor == after["cursor"]
    assert sorted(client.state.errors) == after["error_keys"]


@pytest.mark.parametrize("case", cases("outbox_collapse.json"), ids=lambda c: c["name"])
def test_outbox_collapse(case):
    """PROTOCOL.md §4.1."""
    client = client_with(LocalState(outbox=case["outbox"], next_seq=case["next_seq"]))
    mutation = case["enqueue"]
    client._enqueue(mutation["op"], mutation["table"], mutation["base"], dict(mutation["data"]))
    assert client.state.outbox == case["expect_outbox"]
    assert client.state.next_seq == case["expect_next_seq"]
