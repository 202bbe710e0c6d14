"""The OpenAPI document and the enumerations clients show."""

import hashlib

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from server import enums
from server.apidoc import build_spec, doc
from server.records import jsonschema

bp = Blueprint("meta", __name__, url_prefix="/api/v1")


def _openapi_document(app: Flask) -> tuple[bytes, str]:
    """Return the app's OpenAPI document as served, and its tag, built on first use."""
    # The routes are fixed once the app serves: building the document walks every route and
    # schema (~0.1 s of CPU), once per process instead of on every request.
    cached = app.extensions.get("sotay.openapi")
    if cached is None:
        body = (app.json.dumps(build_spec(app)) + "\n").encode("utf-8")
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        app.extensions["sotay.openapi"] = cached
    return cached


def _revalidated(body: bytes, tag: str, mimetype: str) -> Response:
    """Serve a document that changes only with a new version: 304 to a client holding it."""
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}
    if tag in (request.if_none_match or ()):
        return Response(status=304, headers=headers)
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get("/openapi.json")
@doc("This OpenAPI document", auth=False)
def openapi():
    body, tag = _openapi_document(current_app)
    return _revalidated(body, tag, "application/json")


@bp.get("/enums")
@doc("Every enumeration with Vietnamese and English labels", auth=False)
def enum_labels():
    return jsonify(
        {
            name: {code: {"vi": vi, "en": en} for code, (vi, en) in values.items()}
            for name, values in enums.ALL.items()
        }
    )


@bp.get("/schema")
@doc(
    "JSON Schema (draft 2020-12) of every record type: fields, limits, enums, cross-field rules",
    auth=False,
    response={"type": "object", "description": "A JSON Schema document with `tables` and `$defs`"},
    mimetype="application/schema+json",
)
def record_schema():
    # Public like the enums: nothing in it is secret, and a client may check input signed out.
    return _revalidated(jsonschema.document_bytes(), jsonschema.etag(), "application/schema+json")
