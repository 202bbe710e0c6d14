"""The two file stores the tests run against: the filesystem and S3 (moto's server)."""

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

from server.files.store import FileSystemStore, S3Store, Storage

BUCKET = "sotay-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Start moto's S3-compatible server on a free port for the session; yield its URL."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1"
    )
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        S3Store(BUCKET, url).client.create_bucket(Bucket=BUCKET)
        yield url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def make_store(kind: str, tmp_path, request) -> Storage:
    """Return an empty store of the kind: a fresh folder, or a fresh prefix in the bucket."""
    if kind == "fs":
        return FileSystemStore(str(tmp_path / "files"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Store(BUCKET, endpoint, prefix=f"{uuid.uuid4().hex}/")


@pytest.fixture(params=["fs", "s3"])
def file_store(request, tmp_path) -> Storage:
    """Yield each kind of store in turn."""
    return make_store(request.param, tmp_path, request)


@pytest.fixture
def app_store(app, file_store) -> Iterator[Storage]:
    """Make the app keep files in the parametrized store for the test."""
    saved = app.extensions["file_store"]
    app.extensions["file_store"] = file_store
    try:
        yield file_store
    finally:
        app.extensions["file_store"] = saved
