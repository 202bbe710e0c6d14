"""Run the real sync client against the Flask test client instead of a socket."""

import gzip

from sync.client import MemoryStore, SyncClient, Traffic
from tests.conftest import TEST_PASSWORD

# Other spellings of a record id, and the nil UUID: none of them names a record (§4.4).
NIL_UUID = "00000000-0000-0000-0000-000000000000"
SPELLINGS = {
    "upper case": str.upper,
    "braced": lambda u: "{" + u + "}",
    "32 hex digits": lambda u: u.replace("-", ""),
    "urn": lambda u: "urn:uuid:" + u,
    "nil": lambda u: NIL_UUID,
}


class FlaskTransport:
    """A Transport that sends requests through app.test_client()."""

    def __init__(self, client):
        self.client = client
        self.traffic = Traffic()
        # Set to make the next request fail after the server handled it, as a cut connection.
        self.drop_next_response = False

    def close(self) -> None:
        """Nothing to close."""

    def post(self, path: str, body: bytes, headers: dict):
        """Send one POST and return status, headers and the inflated body."""
        response = self.client.post(path, data=body, headers=headers)
        raw = response.get_data()
        self.traffic.requests += 1
        self.traffic.bytes_up += len(body)
        self.traffic.bytes_down += len(raw)
        if self.drop_next_response:
            self.drop_next_response = False
            raise ConnectionResetError("response lost on the way back")
        if response.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return response.status_code, dict(response.headers), raw


class TokenlessClient(SyncClient):
    """A client written before the scope token (§5.4): it never sends one back."""

    def _exchange(self, mutations: list[dict]) -> dict:
        self.state.scope = None
        return super()._exchange(mutations)


def device(
    client, username: str, *, store=None, name: str = "máy", kind=SyncClient, **kwargs
) -> SyncClient:
    """Sign a new device in as the user and return its sync client."""
    sync_client = kind(
        "http://test", transport=FlaskTransport(client), store=store or MemoryStore(), **kwargs
    )
    sync_client.login(username, TEST_PASSWORD, device_name=name)
    return sync_client
