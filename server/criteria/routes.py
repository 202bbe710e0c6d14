"""HTTP routes for criteria sets: list, read, issue, edit (a new version once one is used)."""

from flask import Blueprint, g, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema

from server.apidoc import doc
from server.auth.guard import auth_required, current_actor
from server.criteria import service
from server.criteria.schemas import (
    CriteriaSetEdit,
    CriteriaSetIn,
    CriteriaSetOut,
    CriteriaSetQuery,
)
from server.extensions import db
from server.http import load, load_args, respond

bp = Blueprint("criteria", __name__, url_prefix="/api/v1/criteria-sets")
ERRORS = ("VALIDATION_FAILED", "NOT_FOUND", "FORBIDDEN")


@bp.get("")
@doc(
    "List the criteria sets of your unit, the units above and below it",
    query=CriteriaSetQuery,
    response=CriteriaSetOut(many=True),
)
@auth_required()
def list_sets() -> ResponseReturnValue:
    args = load_args(CriteriaSetQuery())
    rows = list(db.session.scalars(service.list_query(g.user, args)))
    return respond(CriteriaSetOut(many=True), service.filter_applies(rows, args.get("applies_to")))


@bp.get("/<set_id>")
@doc("One criteria set version", response=CriteriaSetOut, errors=("NOT_FOUND",))
@auth_required()
def get_set(set_id: str) -> ResponseReturnValue:
    return respond(CriteriaSetOut(), service.visible(db.session, g.user, set_id))


@bp.post("")
@doc(
    "Issue a criteria set for your unit (reviewer of the unit, or administrator)",
    body=CriteriaSetIn,
    response=CriteriaSetOut,
    status=201,
    errors=ERRORS,
)
@auth_required()
def create_set() -> ResponseReturnValue:
    data = load(CriteriaSetIn())
    row = service.create(db.session, data, current_actor())
    return _commit_and_respond(CriteriaSetOut(), row, 201)


@bp.put("/<set_id>")
@doc(
    "Edit a set's latest version; once evaluations use it, the edit makes the next version",
    body=CriteriaSetEdit,
    response=CriteriaSetOut,
    errors=(*ERRORS, "VERSION_MISMATCH", "CRITERIA_SET_SUPERSEDED"),
)
@auth_required()
def edit_set(set_id: str) -> ResponseReturnValue:
    data = load(CriteriaSetEdit())
    row = service.visible(db.session, g.user, set_id, for_update=True)
    result = service.edit(db.session, row, data, current_actor())
    return _commit_and_respond(CriteriaSetOut(), result)


def _commit_and_respond(schema: Schema, row: object, status: int = 200) -> ResponseReturnValue:
    db.session.flush()
    body = schema.dump(row)
    db.session.commit()
    return jsonify(body), status
