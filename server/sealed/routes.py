"""HTTP routes: the public export key, and an admin's import of a sealed export."""

from functools import partial

from flask import Blueprint, current_app, g
from flask.typing import ResponseReturnValue

from server.apidoc import doc
from server.auth.guard import auth_required
from server.errors import localise_rejection, request_language
from server.extensions import db
from server.http import load, respond
from server.scope import ADMIN_ROLE
from server.sealed import service
from server.sealed.keys import server_key
from server.sealed.schemas import ExportKeyOut, ImportOut, SealedFileIn

bp = Blueprint("sealed", __name__, url_prefix="/api/v1")


@bp.get("/export-key")
@doc("The public key phones seal their exports for", response=ExportKeyOut, auth=False)
def export_key() -> ResponseReturnValue:
    key = server_key(current_app.config["EXPORT_KEY_PATH"])
    body = {"key_id": key.key_id, "algorithm": "RSA-OAEP-256", "spki": key.spki}
    return respond(ExportKeyOut(), body)


@bp.post("/imports")
@doc("Apply a phone's sealed export under its user (admin)", body=SealedFileIn, response=ImportOut)
@auth_required(ADMIN_ROLE)
def import_export() -> ResponseReturnValue:
    data = load(SealedFileIn())
    key = server_key(current_app.config["EXPORT_KEY_PATH"])
    localise = partial(localise_rejection, lang=request_language())
    return respond(ImportOut(), service.import_sealed(db.session, g.user, key, data, localise))
