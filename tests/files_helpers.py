"""Files to upload and the calls a phone makes to upload them (PROTOCOL.md §12)."""

import hashlib
import io
import random
from typing import Any

from PIL import Image


def photo(width: int = 120, height: int = 90, seed: int = 1, fmt: str = "JPEG") -> bytes:
    """Return a small noisy image (noise keeps it from compressing to one chunk)."""
    rng = random.Random(seed)  # noqa: S311 - test pixels, not a secret
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def sha(data: bytes) -> str:
    """Return the hex SHA-256 of data."""
    return hashlib.sha256(data).hexdigest()


def item(data: bytes, mime: str = "image/jpeg", kind: str = "ANH", **extra: Any) -> dict:
    """Return the attachment a record declares for data."""
    return {"sha256": sha(data), "kind": kind, "mime": mime, "size": len(data), **extra}


def chunks(data: bytes, size: int) -> list[bytes]:
    """Split data as the server's chunk size does."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def put_chunk(client, headers, table, record_id, digest, index, body, chunk_sha=None):
    """PUT one chunk and return the response."""
    return client.put(
        f"/api/v1/files/{digest}/chunks/{index}?table={table}&record_id={record_id}",
        data=body,
        headers={
            **headers,
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": chunk_sha or sha(body),
        },
    )


def upload(client, headers, table, record_id, data, chunk_size):
    """Send every chunk of data in order; return the last response."""
    digest = sha(data)
    response = None
    for index, body in enumerate(chunks(data, chunk_size)):
        response = put_chunk(client, headers, table, record_id, digest, index, body)
        assert response.status_code == 200, response.get_json()
    return response


def status(client, headers, table, record_id, digest):
    """Ask the state of one file."""
    body = {"files": [{"table": table, "record_id": record_id, "sha256": digest}]}
    return client.post("/api/v1/files/status", json=body, headers=headers)
