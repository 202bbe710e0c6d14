"""HTTP routes for the unit tree."""

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.apidoc import doc
from server.auth.guard import auth_required, current_actor
from server.errors import ApiError, field_error, request_language
from server.extensions import db
from server.http import load, load_args, read_body, respond
from server.models import Unit
from server.pagination import paginate
from server.records.references import OUT_OF_SCOPE
from server.schemas import MAX_ID
from server.scope import sees_unit, unit_filter
from server.search import search
from server.units import legacy, service
from server.units.preview import preview_move
from server.units.schemas import (
    LegacyImportOut,
    LegacyImportQuery,
    MovePreviewOut,
    MovePreviewQuery,
    UnitIn,
    UnitOut,
    UnitPageOut,
    UnitPatch,
    UnitQuery,
)

bp = Blueprint("units", __name__, url_prefix="/api/v1/units")


def _visible_unit(unit_id: int, field: str | None = None) -> Unit:
    # The URL converter accepts any size of number; the database does not.
    unit = db.session.get(Unit, unit_id) if 0 < unit_id <= MAX_ID else None
    if unit is None or not sees_unit(g.user, unit):
        # An admin acts only inside its unit's subtree; a unit named in the body says which.
        raise field_error("NOT_FOUND", {field: [OUT_OF_SCOPE]}) if field else ApiError("NOT_FOUND")
    return unit


@bp.get("")
@doc("List units in scope", query=UnitQuery, response=UnitPageOut)
@auth_required()
def list_units():
    args = load_args(UnitQuery())
    query = (
        select(Unit)
        .where(unit_filter(g.user, Unit.id))
        .options(selectinload(Unit.parent), selectinload(Unit.successors))
    )
    if "within" in args:
        query = query.where(Unit.path.startswith(_visible_unit(args["within"]).path))
    if "parent_id" in args:
        query = query.where(Unit.parent_id == args["parent_id"])
    if "level" in args:
        query = query.where(Unit.level == args["level"])
    query = search(query, Unit.search_text, args.get("q")).order_by(Unit.path)
    return respond(UnitPageOut(), paginate(db.session, query, args["page"], args["per_page"]))


@bp.get("/<int:unit_id>")
@doc("One unit", response=UnitOut)
@auth_required()
def get_unit(unit_id: int) -> ResponseReturnValue:
    return respond(UnitOut(), _visible_unit(unit_id))


@bp.post("")
@doc("Create a unit (admin)", body=UnitIn, response=UnitOut, status=201)
@auth_required("QUAN_TRI")
def create_unit():
    data = load(UnitIn())
    _visible_unit(data["parent_id"], "parent_id")
    unit = service.create_unit(db.session, actor=current_actor(), data=data)
    return respond(UnitOut(), unit, 201)


@bp.patch("/<int:unit_id>")
@doc("Change a unit, its parent or its successors (admin)", body=UnitPatch, response=UnitOut)
@auth_required("QUAN_TRI")
def update_unit(unit_id: int) -> ResponseReturnValue:
    data = load(UnitPatch(), partial=True)
    unit = _visible_unit(unit_id)
    if data.get("parent_id"):
        _visible_unit(data["parent_id"], "parent_id")
    for successor_id in data.get("successor_ids") or []:
        _visible_unit(successor_id, "successor_ids")
    return respond(
        UnitOut(), service.update_unit(db.session, unit, actor=current_actor(), data=data)
    )


@bp.get("/<int:unit_id>/move-preview")
@doc(
    "What moving a unit under another parent changes, and for whom (admin)",
    query=MovePreviewQuery,
    response=MovePreviewOut,
)
@auth_required("QUAN_TRI")
def move_preview(unit_id: int) -> ResponseReturnValue:
    args = load_args(MovePreviewQuery())
    unit = _visible_unit(unit_id)
    parent = _visible_unit(args["parent_id"], "parent_id")
    return respond(MovePreviewOut(), preview_move(db.session, unit, parent))


@bp.post("/import-legacy")
@doc(
    "Import pre-2025 units with their successors from a CSV body (text/csv; admin, own subtree; "
    "format: docs/UNITS_LEGACY.md). All rows or, on any bad row, none; running it again "
    "changes nothing",
    query=LegacyImportQuery,
    response=LegacyImportOut,
    errors=("LEGACY_IMPORT_INVALID", "UNSUPPORTED_MEDIA_TYPE"),
)
@auth_required("QUAN_TRI")
def import_legacy_units() -> ResponseReturnValue:
    args = load_args(LegacyImportQuery())
    if request.mimetype != "text/csv":
        raise ApiError("UNSUPPORTED_MEDIA_TYPE", {"expected": "text/csv"})
    try:
        text = read_body().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError("MALFORMED_BODY", {"reason": "the file is not UTF-8"}) from exc
    try:
        result = legacy.import_legacy(
            db.session,
            text,
            actor=current_actor(),
            scope=None if g.user.is_admin else g.user.unit.path,
            province=args.get("province"),
        )
    except ApiError as error:
        raise legacy.with_messages(error, request_language()) from None
    return respond(LegacyImportOut(), result)
