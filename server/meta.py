"""The OpenAPI document and the enumerations clients show."""

from flask import Blueprint, Response, current_app, jsonify, request

from server import enums
from server.apidoc import build_spec, doc
from server.records import jsonschema

bp = Blueprint("meta", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@doc("This OpenAPI document", auth=False)
def openapi():
    return jsonify(build_spec(current_app))


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
    tag = jsonschema.etag()
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}
    if tag in (request.if_none_match or ()):
        return Response(status=304, headers=headers)
    return Response(
        jsonschema.document_bytes(),
        mimetype="application/schema+json",
        headers=headers,
    )
