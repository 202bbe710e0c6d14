"""The one sync endpoint (PROTOCOL.md)."""

import gzip
import time
from functools import partial

from flask import Blueprint, Response, g, request

from server.apidoc import doc
from server.auth.guard import auth_required
from server.errors import ApiError, localise_rejection, request_language
from server.extensions import db
from server.http import json_body
from server.records import wire
from server.sync_api import streamed
from server.sync_api.service import exchange
from sync.messages import ProtocolError, parse_request

bp = Blueprint("sync", __name__, url_prefix="/api/v1")

# Below this size gzip's own header and trailer outweigh what it saves.
GZIP_MIN_BYTES = 512


@bp.post("/sync")
@doc(
    "Push mutations and pull changes in one round trip (see sync/PROTOCOL.md)",
    body="SyncRequest",
    response="SyncResponse",
)
@auth_required()
def sync_endpoint():
    localise = partial(localise_rejection, lang=request_language())
    large = streamed.large()
    try:
        if large and streamed.wanted(db.session):
            # A large push is applied while its body arrives (PROTOCOL.md §4.8).
            body, arrived, applied_early = streamed.streamed_exchange(
                db.session, g.identity, localise
            )
        else:
            applied_early = False
            raw = request.get_data(cache=True)
            arrived = time.perf_counter()
            sync_request = parse_request(json_body(raw))
            body = exchange(db.session, g.identity, sync_request, localise)
    except ProtocolError as exc:
        raise ApiError(exc.code, exc.details) from exc
    # The page's records are their kept JSON text, written in without a parse (wire.dumps).
    payload = wire.dumps(body).encode()
    response = Response(payload, mimetype="application/json")
    if len(payload) >= GZIP_MIN_BYTES and "gzip" in (request.headers.get("Accept-Encoding") or ""):
        response.set_data(gzip.compress(payload, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
    if large:
        # How long the server worked after the body's last byte (the link's share is the rest);
        # an idle sync's answer stays as small as it was.
        timing = f"app;dur={(time.perf_counter() - arrived) * 1000:.1f}"
        response.headers["Server-Timing"] = timing + (", streamed" if applied_early else "")
    return response
