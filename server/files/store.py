"""Where file bytes live: a small object-store interface, on the filesystem or S3.

Keys are plain relative names (`chunks/<sha>/<index>`, `files/<sha>`, `thumbs/<sha>`). A put is
atomic and durable before it returns: a reader sees the whole object or none, so a database row
that names an object is committed only after the object is stored.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

STREAM_BYTES = 64 * 1024


class Storage(Protocol):
    """Objects by key: put, get, ranged or streamed reads, exists, delete."""

    def put(self, key: str, data: bytes) -> None:
        """Store data under key, replacing any object there, atomically and durably."""

    def get(self, key: str) -> bytes:
        """Return the whole object; raise KeyError when there is none."""

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Return bytes [start, end) of the object; raise KeyError when there is none."""

    def stream(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Yield bytes [start, end) of the object in pieces; raise KeyError (at once) if none."""

    def exists(self, key: str) -> bool:
        """Tell whether an object is stored under key."""

    def delete(self, key: str) -> None:
        """Remove the object; removing a missing one is harmless."""

    def size(self, key: str) -> int:
        """Return the object's length in bytes; raise KeyError when there is none."""

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """Yield (key, last written) of every object whose key starts with prefix."""


class FileSystemStore:
    """Objects as files under one directory (the default, for one machine)."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key outside the store: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Write to a temporary file, flush it to disk, then rename it into place."""
        path = self._path(key)
        for _ in range(3):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                break
            except FileNotFoundError:
                continue  # a delete emptied and removed the folder in between: make it again
        else:
            raise OSError(f"cannot create a file beside {key!r}")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)

    def get(self, key: str) -> bytes:
        """Return the whole file."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Return a slice of the file."""
        try:
            with self._path(key).open("rb") as src:
                src.seek(start)
                return src.read(max(0, end - start))
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def stream(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Open the file now and yield the range in pieces."""
        try:
            src = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise KeyError(key) from exc
        src.seek(start)
        return _pieces(src, None if end is None else max(0, end - start))

    def exists(self, key: str) -> bool:
        """Tell whether the file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file if it is there, and its folder under the root once empty."""
        path = self._path(key)
        path.unlink(missing_ok=True)
        # chunks/<sha>/ folders would otherwise pile up, one per file ever uploaded.
        folder = path.parent
        if folder.parent != self.root.resolve():
            # Not empty (other chunks, or a put under way) or gone already: leave it.
            with contextlib.suppress(OSError):
                folder.rmdir()

    def size(self, key: str) -> int:
        """Return the file's length."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """Walk the folder under prefix, temporary files of interrupted puts included."""
        top = self.root / prefix
        if not top.is_dir():
            return
        for folder, _dirs, names in os.walk(top):
            for name in names:
                path = Path(folder) / name
                try:
                    written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                except FileNotFoundError:
                    continue  # removed while walking
                yield path.relative_to(self.root).as_posix(), written


def _pieces(src: Any, left: int | None = None) -> Iterator[bytes]:
    with src:
        while left is None or left > 0:
            piece = src.read(STREAM_BYTES if left is None else min(STREAM_BYTES, left))
            if not piece:
                return
            if left is not None:
                left -= len(piece)
            yield piece


class S3Store:
    """Objects in an S3-compatible bucket, for deployments past one machine.

    Credentials come from the environment as boto3 reads them (AWS_ACCESS_KEY_ID, …). An S3
    PUT is atomic: the object appears whole once the request succeeds.
    """

    def __init__(self, bucket: str, endpoint_url: str | None = None, prefix: str = "") -> None:
        import boto3  # type: ignore[import-untyped]

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _missing(self, exc: Exception) -> bool:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        return code in ("NoSuchKey", "404", "NotFound")

    def put(self, key: str, data: bytes) -> None:
        """PUT the object."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def _get(self, key: str, **kw: Any) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key), **kw)["Body"]
        except self.client.exceptions.ClientError as exc:
            if self._missing(exc):
                raise KeyError(key) from exc
            raise

    def get(self, key: str) -> bytes:
        """GET the whole object."""
        body = self._get(key)
        with body:
            data: bytes = body.read()
            return data

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """GET a byte range of the object."""
        if end <= start:
            return b""
        body = self._get(key, Range=f"bytes={start}-{end - 1}")
        with body:
            data: bytes = body.read()
            return data

    def stream(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """GET the object (or only the range) and yield its body in pieces."""
        if end is not None and end <= start:
            self.size(key)  # still KeyError for a missing object
            return iter(())
        if start or end is not None:
            last = "" if end is None else str(end - 1)
            body = self._get(key, Range=f"bytes={start}-{last}")
        else:
            body = self._get(key)

        def pieces() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(STREAM_BYTES)

        return pieces()

    def exists(self, key: str) -> bool:
        """HEAD the object."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """DELETE the object (S3 answers the same for a missing one)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def size(self, key: str) -> int:
        """HEAD the object for its length."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as exc:
            if self._missing(exc):
                raise KeyError(key) from exc
            raise
        return int(head["ContentLength"])

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """List the objects under prefix, page by page."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix)
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :], item["LastModified"]


def make_store(config: dict[str, Any], instance_path: str) -> Storage:
    """Build the store the configuration names: FILE_STORE=fs (default) or s3."""
    kind = config.get("FILE_STORE") or "fs"
    if kind == "s3":
        return S3Store(
            config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_PREFIX") or ""
        )
    if kind != "fs":
        raise ValueError(f"FILE_STORE must be fs or s3, not {kind!r}")
    return FileSystemStore(config.get("FILE_DIR") or os.path.join(instance_path, "files"))


def init_app(app: Flask) -> None:
    """Build the app's store once."""
    app.extensions["file_store"] = make_store(app.config, app.instance_path)


def store() -> Storage:
    """Return the current app's store."""
    found: Storage = current_app.extensions["file_store"]
    return found
