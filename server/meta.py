"""The OpenAPI document and the enumerations clients show."""

from flask import Blueprint, current_app, jsonify

from server import enums
from server.apidoc import build_spec, doc

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
