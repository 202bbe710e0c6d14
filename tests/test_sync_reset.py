"""A reset whose answer never reached the phone is answered again (PROTOCOL.md §5.4)."""

import pytest

from server.extensions import db
from sync.client import SyncClient
from tests.conftest import model_payload
from tests.sync_helpers import TokenlessClient, device

# A client that sends the scope token back, and a protocol-1 client written before it existed.
TOKEN, NO_TOKEN = "scope token", "no scope token"


def sync_raw(client, phone, cursor: int, *, scope: str | None = None, limit: int | None = None):
    """Send one sync with nothing to push as the phone; return the answer's JSON."""
    body: dict = {"protocol": 1, "schema": 2, "cursor": cursor, "mutations": []}
    if scope is not None:
        body["scope"] = scope
    if limit is not None:
        body["limit"] = limit
    response = client.post(
        "/api/v1/sync", json=body, headers={"Authorization": f"Bearer {phone.token}"}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(answer: dict, table: str = "models") -> set[str]:
    """Return the ids of a table's records in an answer."""
    return {r["id"] for r in answer["changes"].get(table, [])}


@pytest.fixture
def scopes(client, phone, tree, create_user):
    """A model of the officer's commune on the phone, and one of the sibling commune."""
    mine = model_payload(tree["commune"])
    phone.create("models", mine)
    phone.sync()
    create_user("canbo2", tree["sibling"], ["CAN_BO_NHAP"])
    neighbour = device(client, "canbo2")
    theirs = model_payload(tree["sibling"], name="Mô hình xã bên")
    neighbour.create("models", theirs)
    neighbour.sync()
    phone.sync()
    return mine["id"], theirs["id"]


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_lost_reset_for_a_moved_user_is_answered_again_5_4(
    client, phone, tree, officer, scopes, kind
):
    """§5.4: the officer moves to the sibling commune; the reset's answer is lost; the retry
    with the old cursor (and the old scope token) is reset again and carries only the new scope."""
    mine, theirs = scopes
    cursor = phone.state.cursor
    token = sync_raw(client, phone, cursor)["scope"] if kind == TOKEN else None
    officer.unit_id = tree["sibling"].id
    db.session.commit()

    lost = sync_raw(client, phone, cursor, scope=token)
    assert lost["reset"] is True
    retry = sync_raw(client, phone, cursor, scope=token)

    assert retry["reset"] is True
    assert theirs in ids(retry) and mine not in ids(retry)
    assert retry["scope"] == lost["scope"] != token
    assert retry["cursor"] != cursor


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_lost_reset_for_a_removed_role_is_answered_again_5_4(
    client, phone, tree, officer, scopes, kind
):
    """§5.4: the officer loses a role; the reset's answer is lost; the retry is reset again."""
    mine, theirs = scopes
    officer.roles = ["CAN_BO_NHAP", "LANH_DAO_DUYET"]
    db.session.commit()
    phone.sync()  # the phone holds the scope of both roles
    cursor = phone.state.cursor
    token = sync_raw(client, phone, cursor)["scope"] if kind == TOKEN else None
    officer.roles = ["CAN_BO_NHAP"]
    db.session.commit()

    assert sync_raw(client, phone, cursor, scope=token)["reset"] is True
    retry = sync_raw(client, phone, cursor, scope=token)

    assert retry["reset"] is True
    assert mine in ids(retry) and theirs not in ids(retry)


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_a_stored_reset_is_not_answered_again_5_4(client, phone, tree, officer, scopes, kind):
    """§5.4: a device that stored the reset's page sends its cursor (and token): no reset."""
    cursor = phone.state.cursor
    token = sync_raw(client, phone, cursor)["scope"] if kind == TOKEN else None
    officer.unit_id = tree["sibling"].id
    db.session.commit()

    reset = sync_raw(client, phone, cursor, scope=token)
    assert reset["reset"] is True and reset["more"] is False
    # Nothing was written since the phone's last pull, yet the reset's cursor is another.
    assert reset["cursor"] != cursor
    after = sync_raw(client, phone, reset["cursor"], scope=reset["scope"] if token else None)

    assert after["reset"] is False
    assert after["changes"] == {}
    again = sync_raw(client, phone, after["cursor"], scope=after["scope"] if token else None)
    assert again["reset"] is False


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_paged_reset_whose_first_page_ends_at_the_old_cursor_finishes_5_4(
    client, phone, tree, officer, create_user, kind
):
    """§5.3, §5.4: a reset in small pages, the first of which would end exactly at the cursor
    the device sent, neither loops nor loses a row."""
    create_user("canbo2", tree["sibling"], ["CAN_BO_NHAP"])
    neighbour = device(client, "canbo2")
    first = model_payload(tree["sibling"], name="Mô hình thứ nhất")
    neighbour.create("models", first)
    neighbour.sync()
    phone.sync()
    cursor = phone.state.cursor  # the first model's change_seq: nothing was written after it
    token = sync_raw(client, phone, cursor)["scope"] if kind == TOKEN else None
    second = model_payload(tree["sibling"], name="Mô hình thứ hai")
    neighbour.create("models", second)
    neighbour.sync()
    # How many rows of the sibling commune's scope lie at or below the phone's cursor.
    below, at = 0, 0
    while at < cursor:
        page = sync_raw(client, neighbour, at, limit=1)
        at = page["cursor"]
        below += 1
    assert at == cursor
    officer.unit_id = tree["sibling"].id
    db.session.commit()

    pages, seen, at, sent = [], set(), cursor, token
    while not pages or pages[-1]["more"]:
        assert len(pages) < below + 5, "the reset does not finish"
        page = sync_raw(client, phone, at, scope=sent, limit=below)
        pages.append(page)
        seen |= ids(page)
        at, sent = page["cursor"], page["scope"] if token else None

    assert pages[0]["reset"] is True and pages[0]["cursor"] != cursor
    assert [p["reset"] for p in pages[1:]] == [False] * (len(pages) - 1)
    assert seen == {first["id"], second["id"]}


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_reference_client_converges_after_a_lost_reset_answer_5_4(
    client, officer, tree, scopes, kind
):
    """§5.4: the Python client, moved to the sibling commune, loses the reset's answer and
    ends with exactly the new scope's records, whether or not it sends the token back."""
    made = device(client, "canbo", kind=SyncClient if kind == TOKEN else TokenlessClient)
    made.sync()
    mine, theirs = scopes
    assert set(made.state.records["models"]) == {mine}
    officer.unit_id = tree["sibling"].id
    db.session.commit()
    made.transport.drop_next_response = True
    with pytest.raises(ConnectionResetError):
        made.sync()

    report = made.sync()

    assert report.reset is True
    assert set(made.state.records["models"]) == {theirs}
    assert made.sync().reset is False


def test_scope_token_is_checked_3_1(client, phone):
    """§3.1: the scope token is a string of at most 64 characters."""
    for bad in (7, "x" * 65, ["a"]):
        response = client.post(
            "/api/v1/sync",
            json={"protocol": 1, "schema": 2, "cursor": 0, "mutations": [], "scope": bad},
            headers={"Authorization": f"Bearer {phone.token}"},
        )
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_lost_reset_is_answered_again_to_a_retry_with_new_writes_5_4(
    client, officer, tree, scopes, kind
):
    """§5.4: the retry after a lost reset also pushes a record typed meanwhile: still reset,
    and the new record is kept."""
    made = device(client, "canbo", kind=SyncClient if kind == TOKEN else TokenlessClient)
    made.sync()
    mine, theirs = scopes
    officer.unit_id = tree["sibling"].id
    db.session.commit()
    made.transport.drop_next_response = True
    with pytest.raises(ConnectionResetError):
        made.sync()
    typed = model_payload(tree["sibling"], name="Mô hình gõ trong lúc mất sóng")
    made.create("models", typed)

    report = made.sync()

    assert report.reset is True
    assert [r["status"] for r in report.results] == ["applied"]
    assert set(made.state.records["models"]) == {theirs, typed["id"]}


@pytest.mark.parametrize("kind", [TOKEN, NO_TOKEN])
def test_lost_reset_for_a_cursor_never_handed_out_is_answered_again_5_4(
    client, phone, tree, scopes, kind
):
    """§5.4: a cursor above the counter (data from before a restore) is reset; its answer is
    lost; by the retry the counter has passed that cursor, and the retry is reset still."""
    mine, _ = scopes
    ahead = phone.state.cursor + 2
    token = sync_raw(client, phone, phone.state.cursor)["scope"] if kind == TOKEN else None
    assert sync_raw(client, phone, ahead, scope=token)["reset"] is True
    other = device(client, "canbo2")  # writes elsewhere meanwhile
    for name in ("Mô hình một", "Mô hình hai", "Mô hình ba"):
        other.create("models", model_payload(tree["sibling"], name=name))
    other.sync()
    assert other.state.cursor > ahead

    retry = sync_raw(client, phone, ahead, scope=token)

    assert retry["reset"] is True
    assert mine in ids(retry)
