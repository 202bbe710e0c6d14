"""The one sync endpoint (PROTOCOL.md)."""

import gzip
from functools import partial

from flask import Blueprint, Response, g, request

from server.apidoc import doc
from server.auth.guard import auth_required
from server.errors import ApiError, localise_rejection, request_language
from server.extensions import db
from server.http import json_body
from server.records import wire
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
    try:
        sync_request = parse_request(json_body())
    except ProtocolError as exc:
        raise ApiError(exc.code, exc.details) from exc
    try:
        localise = partial(localise_rejection, lang=request_language())
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
    return response
