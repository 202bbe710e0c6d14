"""Apply a large push while its request body streams in (PROTOCOL.md §4.8).

On a slow link most of a push of 1,000 is the upload; applied only after its last byte, the
server's work adds to it. Here the (gzip) body is inflated and split as it arrives, and each
part's mutations are checked and applied in the request's one transaction. The device row is
held from the first part on (§5.2), the change counter only once the whole body is in: a slow
upload holds up no other device. At the end the whole body is parsed and checked as it always
was; only if it is exactly what was applied is the push committed, else the transaction is
rolled back and the request applied as usual. So every error, and its code, is what it was.
"""

import time
import zlib

from flask import current_app, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server import audit, changes
from server.auth.identity import Identity
from server.errors import ApiError
from server.http import json_body
from server.records import newrow
from server.sync_api.service import exchange
from server.sync_api.store import SqlStore
from sync.engine import Localise, sync
from sync.messages import (
    MAX_MUTATIONS,
    REQUEST_KEYS,
    Mutation,
    ProtocolError,
    check_versions,
    parse_mutation,
    parse_request,
)
from sync.streamed import StreamedPush
from sync.streaming import MUTATION, RequestSplitter, UnstreamableError

# Bytes read from the socket at a time: about 25 mutations of a gzip body, so what is left to
# apply after the last byte is small.
READ_SIZE = 2048


def large() -> bool:
    """Tell whether the request's body is long enough (or chunked) to apply as it arrives."""
    length = request.content_length
    return length is None or length >= current_app.config["SYNC_STREAM_MIN_BYTES"]


def wanted(session: Session) -> bool:
    """Tell whether this large sync request's body should be applied as it arrives.

    A large body's wait for its last byte starts with no transaction open: on SQLite the token
    check's holds the database's one write lock (every transaction begins IMMEDIATE), so every
    other device's push would wait for the upload to end.
    """
    # The identity is plain columns, already read. A COMMIT, not a ROLLBACK: psycopg drops
    # its prepared statements at every ROLLBACK.
    session.commit()
    if session.get_bind().dialect.name != "postgresql":
        # One writer at a time: applying while the phone uploads would hold up every push.
        return False
    encoding = (request.headers.get("Content-Encoding") or "identity").lower()
    return encoding in ("identity", "gzip")


class _Inflater:
    """Inflate a gzip body (every member of it) as it arrives, never beyond the limit."""

    def __init__(self, gzip: bool, limit: int) -> None:
        self.gzip = gzip
        self.left = limit
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        """Return what data inflates to; raise UnstreamableError on anything unusual."""
        if not self.gzip:
            return data
        out = b""
        try:
            while data:
                # One byte over the limit says it is too large, without inflating a bomb.
                piece = self._inflater.decompress(data, self.left + 1)
                self.left -= len(piece)
                out += piece
                if self.left < 0 or self._inflater.unconsumed_tail:
                    raise UnstreamableError("too large")
                data = b""
                if self._inflater.eof:
                    data = self._inflater.unused_data
                    self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise UnstreamableError("invalid gzip stream") from exc
        return out


def _discard(session: Session) -> None:
    """Roll back what was applied so far, and the batch state the session carries."""
    session.rollback()
    session.info.pop(changes.DEFERRED, None)
    session.info.pop(audit.DEFERRED, None)
    newrow.forget(session)


class _Stream:
    """One request body, read piece by piece, its push applied as it comes."""

    def __init__(self, session: Session, identity: Identity, localise: Localise) -> None:
        self.session = session
        self.store = SqlStore(session, identity)
        self.push = StreamedPush(self.store, localise)
        self.splitter = RequestSplitter()
        encoding = (request.headers.get("Content-Encoding") or "identity").lower()
        limit = current_app.config["MAX_INFLATED_LENGTH"]
        self.inflater = _Inflater(encoding == "gzip", limit)
        self.header: dict[str, object] = {}
        self.count = 0
        self.live = True
        self.started = False
        # Whether the push was committed as it streamed in (not applied again after the body).
        self.committed = False

    def take(self, data: bytes) -> None:
        """Split and apply what a piece of the body completes; stop streaming on any doubt."""
        try:
            ready: list[Mutation] = []
            for key, value in self.splitter.feed(self.inflater.feed(data)):
                if key != MUTATION:
                    self.header[key] = value
                    continue
                if not self.count:
                    self._check_header()
                if self.count >= MAX_MUTATIONS:
                    raise UnstreamableError("too many mutations")
                ready.append(parse_mutation(self.count, value))
                self.count += 1
            if ready:
                self.started = True
                if not self.push.add(ready):
                    raise UnstreamableError("not the device's next seqs")
        except (UnstreamableError, ProtocolError, ApiError, SQLAlchemyError):
            self.stop()

    def _check_header(self) -> None:
        # The versions say how to read the mutations: they must come first (§4.8).
        if set(self.header) - REQUEST_KEYS:
            raise UnstreamableError("unknown key")
        check_versions(self.header)

    def stop(self) -> None:
        """Give up streaming: undo what was applied; the body is then read to its end."""
        if self.live and self.started:
            _discard(self.session)
        self.live = False

    def finish(self, raw: bytes, localise: Localise) -> dict:
        """Check the whole body as usual; commit the streamed push if it is all of it."""
        try:
            sync_request = parse_request(json_body(raw))
        except BaseException:
            self.stop()
            raise
        if self.live:
            try:
                self.splitter.finish()
            except UnstreamableError:
                self.stop()
        if not (self.live and self.push.matches(sync_request)):
            self.stop()
            return exchange(self.session, self.store.identity, sync_request, localise)
        self.store.pending = sync_request.pending or 0
        self.store.app_version = sync_request.app_version
        try:
            pushed = self.push.finish()
            self.committed = True
            return sync(self.store, sync_request, localise, pushed)
        except SQLAlchemyError:
            # Committed or not, the exchange sorts it out: a committed push is answered as
            # replayed (§4.2), and PostgreSQL's ended transactions are run again.
            _discard(self.session)
            return exchange(self.session, self.store.identity, sync_request, localise)


def streamed_exchange(
    session: Session, identity: Identity, localise: Localise
) -> tuple[dict, float, bool]:
    """Read the body, applying its push as it comes.

    Return the response body, when the last byte came, and whether the push was applied as
    it streamed in.
    """
    stream = _Stream(session, identity, localise)
    raw = bytearray()
    source = request.stream
    try:
        while True:
            data = source.read(READ_SIZE)
            if not data:
                break
            raw += data
            if stream.live:
                stream.take(data)
    except BaseException:
        # A client gone mid-body, or any other failure: nothing of the push stays.
        stream.stop()
        raise
    arrived = time.perf_counter()
    answer = stream.finish(bytes(raw), localise)
    return answer, arrived, stream.committed
