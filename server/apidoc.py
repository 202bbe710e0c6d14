"""Describe routes for the OpenAPI document, straight from their marshmallow schemas."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask
from marshmallow import Schema

if TYPE_CHECKING:
    # Imported by build_spec: every route module imports this one for @doc.
    from apispec import APISpec

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class RouteDoc:
    """What the OpenAPI document says of one view function."""

    summary: str
    # A marshmallow schema, or the name of a component registered by hand (record shapes).
    body: type[Schema] | Schema | str | None = None
    query: type[Schema] | Schema | None = None
    response: type[Schema] | Schema | str | dict | None = None
    mimetype: str = "application/json"
    body_mimetype: str = "application/json"
    # Request headers the route reads: name -> JSON Schema.
    headers: dict[str, dict] = field(default_factory=dict)
    status: int = 200
    auth: bool = True
    errors: tuple[str, ...] = field(default_factory=tuple)


def doc(summary: str, **kwargs: Any) -> Callable[[F], F]:
    """Attach an OpenAPI description to a view function."""

    def wrap(fn: F) -> F:
        # A function attribute the spec builder reads; functions declare no such attribute.
        fn.apidoc = RouteDoc(summary=summary, **kwargs)  # type: ignore[attr-defined]
        return fn

    return wrap


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
            "required": ["code", "message", "details"],
        }
    },
}


def _page(item: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
        "required": ["items", "total", "page", "per_page"],
    }


def _components(spec: "APISpec") -> None:
    """Register the shapes written as JSON Schema: records (from their rules) and sync."""
    # Imported here: the record and sync modules import this one for @doc.
    from server.criteria.schemas import CriteriaSetOut
    from server.records.jsonschema import definitions
    from server.sync_api.openapi import SCHEMAS
    from server.sync_api.schemas import ConflictOut

    for name, schema in definitions("#/components/schemas/").items():
        spec.components.schema(name, schema)
    spec.components.schema("ModelPage", _page("ModelOut"))
    spec.components.schema("MeetingPage", _page("MeetingOut"))
    spec.components.schema("RecognitionPage", _page("RecognitionOut"))
    spec.components.schema("InspectionPage", _page("InspectionOut"))
    spec.components.schema("EvaluationPage", _page("EvaluationOut"))
    spec.components.schema("ConflictOut", schema=ConflictOut)
    if "CriteriaSetOut" not in spec.components.schemas:
        spec.components.schema("CriteriaSetOut", schema=CriteriaSetOut)
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)


_PATH_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _schema(value):
    # A string names a component registered by hand; marshmallow must not resolve it.
    return {"$ref": f"#/components/schemas/{value}"} if isinstance(value, str) else value


def build_spec(app: Flask) -> dict:
    """Build the OpenAPI 3.1 document of every documented /api route.

    3.1 because its schemas are JSON Schema 2020-12: the record shapes, with their cross-field
    rules, are the very ones `GET /api/v1/schema` publishes.
    """
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec(
        title="Sổ tay Dân vận API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    _components(spec)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        info: RouteDoc | None = getattr(view, "apidoc", None)
        if info is None:
            continue
        path = rule.rule
        params = []
        # In the order the path names them: rule.arguments is a set, whose order changes with
        # the hash seed, and so would the document from one process to the next.
        for arg in _PATH_ARGUMENT.findall(rule.rule):
            path = path.replace(f"<{arg}>", f"{{{arg}}}")
            for conv in ("int", "string", "uuid"):
                path = path.replace(f"<{conv}:{arg}>", f"{{{arg}}}")
            kind = "integer" if f"<int:{arg}>" in rule.rule else "string"
            params.append({"in": "path", "name": arg, "required": True, "schema": {"type": kind}})
        if info.query is not None:
            params.append({"in": "query", "schema": info.query})
        for name, header in info.headers.items():
            params.append({"in": "header", "name": name, "required": True, "schema": header})
        responses = {
            str(info.status): {
                "description": "OK",
                **(
                    {"content": {info.mimetype: {"schema": _schema(info.response)}}}
                    if info.response is not None
                    else {}
                ),
            },
            "default": {
                "description": "Error envelope with a stable code",
                "content": {"application/json": {"schema": "Error"}},
            },
        }
        operations = {}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = {"summary": info.summary, "parameters": params, "responses": responses}
            if info.body is not None:
                op["requestBody"] = {
                    "required": True,
                    "content": {info.body_mimetype: {"schema": _schema(info.body)}},
                }
            if info.auth:
                op["security"] = [{"bearer": []}]
            operations[method.lower()] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()
