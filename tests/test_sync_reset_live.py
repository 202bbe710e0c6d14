"""A reset whose answer is lost on a real connection is answered again (PROTOCOL.md §5.4).

gunicorn on loopback behind the fault proxy of bench/live.py, which lets the server finish and
commit the reset's exchange and then closes the phone's connection without an answer.
"""

import http.client
import types

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.live import (
    LIVE_PASSWORD,
    FaultProxy,
    LiveServer,
    live_database_url,
    prepare_database,
)
from sync.client import FileStore, SyncClient
from tests.conftest import model_payload
from tests.sync_helpers import TokenlessClient

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
    ("17001", "Xã Mường Xén", "XA", "40"),
]
NETWORK_ERRORS = (OSError, http.client.HTTPException)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn on a migrated database with an officer in each of two communes."""
    tmp = tmp_path_factory.mktemp("live")
    url = live_database_url(tmp)
    users = [(f"canbo{i}", "17000", "CAN_BO_NHAP") for i in range(2)]
    units = prepare_database(url, UNITS, [*users, ("xaben", "17001", "CAN_BO_NHAP")])
    server = LiveServer(url, tmp / "gunicorn.log", workers=1)
    engine = create_engine(url, poolclass=NullPool)
    try:
        server.start()
        with FaultProxy(server.port) as proxy:
            yield server, proxy, engine, units
    finally:
        server.stop()
        engine.dispose()


@pytest.mark.parametrize("kind", [SyncClient, TokenlessClient], ids=["token", "no token"])
def test_reset_answer_dropped_by_the_network_is_answered_again_5_4(live, tmp_path, kind):
    """§5.4: a user moved to the next commune; the reset's answer never arrives; the retry
    resets, and the phone ends with exactly the new commune's records."""
    _, proxy, engine, units = live
    username = "canbo0" if kind is SyncClient else "canbo1"
    phone = kind(proxy.url, store=FileStore(str(tmp_path / "phone.json")))
    neighbour = SyncClient(proxy.url, store=FileStore(str(tmp_path / "neighbour.json")))
    try:
        phone.login(username, LIVE_PASSWORD)
        neighbour.login("xaben", LIVE_PASSWORD)
        theirs = neighbour.create("models", model_payload_for(units["17001"]))["id"]
        neighbour.sync()
        phone.create("models", model_payload_for(units["17000"]))
        phone.sync()
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE users SET unit_id = :unit WHERE username = :name"),
                {"unit": units["17001"], "name": username},
            )
        dropped = proxy.next_index
        proxy.fault(dropped, "drop")
        with pytest.raises(NETWORK_ERRORS):
            phone.sync()
        assert proxy.exchanges[dropped].response_json()["reset"] is True

        report = phone.sync()

        assert report.reset is True
        with engine.connect() as connection:
            scope = set(
                connection.scalars(
                    text("SELECT id FROM dvk_models WHERE owner_unit_id = :unit"),
                    {"unit": units["17001"]},
                )
            )
        assert theirs in scope
        assert set(phone.state.records["models"]) == scope
        assert phone.sync().reset is False
    finally:
        phone.transport.close()
        neighbour.transport.close()


def model_payload_for(unit_id: int) -> dict:
    """Return a new model of a commune given by id."""
    return model_payload(types.SimpleNamespace(id=unit_id))
