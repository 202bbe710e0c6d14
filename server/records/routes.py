"""HTTP routes for models and meetings."""

import uuid
from collections.abc import Callable

from flask import Blueprint, g, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError

from server.apidoc import doc
from server.auth.guard import auth_required, current_actor
from server.errors import ApiError
from server.extensions import db
from server.http import NOT_AN_OBJECT, json_body, load, load_args, respond
from server.models import Unit
from server.pagination import paginate
from server.records import queries, service
from server.records.schemas import (
    EvaluationIn,
    EvaluationOut,
    EvaluationPageOut,
    EvaluationQuery,
    InspectionIn,
    InspectionOut,
    InspectionPageOut,
    InspectionQuery,
    MeetingIn,
    MeetingOut,
    MeetingPageOut,
    MeetingQuery,
    ModelIn,
    ModelOut,
    ModelPageOut,
    ModelQuery,
    RecognitionIn,
    RecognitionOut,
    RecognitionPageOut,
    RecognitionQuery,
    ReviewIn,
    WriteMeta,
)
from server.records.tables import (
    EVALUATIONS,
    INSPECTIONS,
    MEETINGS,
    MODELS,
    RECOGNITIONS,
    RecordTable,
)
from server.records.views import AuditEventOut
from server.scope import sees_unit

bp = Blueprint("records", __name__, url_prefix="/api/v1")


View = Callable[..., ResponseReturnValue]


def _split_version(body: object) -> tuple[int, dict]:
    if not isinstance(body, dict):
        raise ValidationError(NOT_AN_OBJECT)
    body = dict(body)
    meta = WriteMeta().load({"version": body.pop("version", None)})
    return meta["version"], body


def _register(
    table: RecordTable,
    in_schema: type[Schema],
    out_schema: type[Schema],
    query_schema: type[Schema],
    page_schema: type[Schema],
    label: str,
) -> None:
    base = f"/{table.name}"
    # The OpenAPI components of the record shapes are their JSON Schema, rules included.
    shape = in_schema.__name__.removesuffix("In")

    def list_records():
        args = load_args(query_schema())
        within = None
        if "unit_id" in args:
            within = db.session.get(Unit, args["unit_id"])
            if not sees_unit(g.user, within):
                raise ApiError("NOT_FOUND")
        query = queries.list_query(table, g.user, args, within)
        return respond(page_schema(), paginate(db.session, query, args["page"], args["per_page"]))

    def create_record():
        body = json_body()
        if isinstance(body, dict) and "id" not in body:
            body = {**body, "id": str(uuid.uuid4())}
        if isinstance(body, dict) and service.find(db.session, table, str(body.get("id"))):
            raise ApiError("DUPLICATE", {"id": body["id"]})
        result = service.create(db.session, table, load_dict(body), actor=current_actor())
        return _commit_and_respond(out_schema(), result.record, 201)

    def get_record(record_id: str) -> ResponseReturnValue:
        return respond(out_schema(), service.visible(db.session, table, record_id, g.user))

    def update_record(record_id: str) -> ResponseReturnValue:
        version, body = _split_version(json_body())
        record = service.visible(db.session, table, record_id, g.user, for_update=True)
        service.update(
            db.session,
            table,
            record,
            body,
            base_version=version,
            actor=current_actor(),
            strict=True,
        )
        return _commit_and_respond(out_schema(), record)

    def delete_record(record_id: str) -> ResponseReturnValue:
        version, _ = _split_version(json_body())
        record = service.visible(db.session, table, record_id, g.user, for_update=True)
        service.delete(
            db.session,
            table,
            record,
            base_version=version,
            actor=current_actor(),
            strict=True,
        )
        db.session.commit()
        return "", 204

    def review_record(record_id: str) -> ResponseReturnValue:
        data = load(ReviewIn())
        # A tombstone answers RECORD_DELETED to every step but restore (PROTOCOL.md §7).
        record = service.visible(
            db.session, table, record_id, g.user, include_deleted=True, for_update=True
        )
        service.review(
            db.session,
            table,
            record,
            action=data["action"],
            based_on=data["version"],
            comment=data.get("comment"),
            actor=current_actor(),
        )
        return _commit_and_respond(out_schema(), record)

    def record_history(record_id: str) -> ResponseReturnValue:
        record = service.visible(db.session, table, record_id, g.user, include_deleted=True)
        return respond(AuditEventOut(many=True), service.history(db.session, table, record))

    routes: list[tuple[str, str, View, Callable[[View], View]]] = [
        (
            "GET",
            base,
            list_records,
            doc(f"List {label} in scope", query=query_schema, response=f"{shape}Page"),
        ),
        (
            "POST",
            base,
            create_record,
            doc(
                f"Create a {label[:-1]}",
                body=f"{shape}In",
                response=f"{shape}Out",
                status=201,
            ),
        ),
        (
            "GET",
            f"{base}/<record_id>",
            get_record,
            doc(f"One {label[:-1]}", response=f"{shape}Out"),
        ),
        (
            "PATCH",
            f"{base}/<record_id>",
            update_record,
            doc(
                f"Edit some fields of a {label[:-1]}; 'version' must be the current version",
                body=f"{shape}Patch",
                response=f"{shape}Out",
            ),
        ),
        (
            "DELETE",
            f"{base}/<record_id>",
            delete_record,
            doc(f"Delete a {label[:-1]} (soft); body {{'version': n}}", body=WriteMeta, status=204),
        ),
        (
            "POST",
            f"{base}/<record_id>/review",
            review_record,
            doc(
                f"Take a workflow step on a {label[:-1]}, or restore a deleted one",
                body=ReviewIn,
                response=f"{shape}Out",
            ),
        ),
        (
            "GET",
            f"{base}/<record_id>/history",
            record_history,
            doc(f"Audit history of a {label[:-1]}", response=AuditEventOut(many=True)),
        ),
    ]
    for method, rule, view, describe in routes:
        view.__name__ = f"{table.name}_{view.__name__}"
        bp.add_url_rule(rule, view_func=describe(auth_required()(view)), methods=[method])


def _commit_and_respond(schema: Schema, record: object, status: int = 200) -> ResponseReturnValue:
    """Answer with the record as this request wrote it, then commit.

    Dumped after the commit, the expired record would be read again in a new transaction, and
    show whatever another writer committed meanwhile: its version, even its tombstone, as if
    this request had written them.
    """
    db.session.flush()  # the column defaults and the change stamp the answer shows
    body = schema.dump(record)
    db.session.commit()
    return jsonify(body), status


def load_dict(body: object) -> dict:
    """Refuse a body that is not a JSON object."""
    if not isinstance(body, dict):
        raise ValidationError(NOT_AN_OBJECT)
    return body


_register(MODELS, ModelIn, ModelOut, ModelQuery, ModelPageOut, "models")
_register(MEETINGS, MeetingIn, MeetingOut, MeetingQuery, MeetingPageOut, "meetings")
_register(
    RECOGNITIONS,
    RecognitionIn,
    RecognitionOut,
    RecognitionQuery,
    RecognitionPageOut,
    "recognitions",
)
_register(
    INSPECTIONS, InspectionIn, InspectionOut, InspectionQuery, InspectionPageOut, "inspections"
)
_register(
    EVALUATIONS, EvaluationIn, EvaluationOut, EvaluationQuery, EvaluationPageOut, "evaluations"
)
