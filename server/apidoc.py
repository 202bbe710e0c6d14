"""Describe routes for the OpenAPI document, straight from their marshmallow schemas."""

from collections.abc import Callable
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema


@dataclass
class RouteDoc:
    """What the OpenAPI document says of one view function."""

    summary: str
    body: type[Schema] | Schema | None = None
    query: type[Schema] | Schema | None = None
    response: type[Schema] | Schema | None = None
    status: int = 200
    auth: bool = True
    errors: tuple[str, ...] = field(default_factory=tuple)


def doc(summary: str, **kwargs) -> Callable:
    """Attach an OpenAPI description to a view function."""

    def wrap(fn):
        fn.apidoc = RouteDoc(summary=summary, **kwargs)
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


def build_spec(app: Flask) -> dict:
    """Build the OpenAPI 3 document of every documented /api route."""
    spec = APISpec(
        title="Sổ tay Dân vận API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        info: RouteDoc | None = getattr(view, "apidoc", None)
        if info is None:
            continue
        path = rule.rule
        params = []
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", f"{{{arg}}}")
            for conv in ("int", "string", "uuid"):
                path = path.replace(f"<{conv}:{arg}>", f"{{{arg}}}")
            kind = "integer" if f"<int:{arg}>" in rule.rule else "string"
            params.append({"in": "path", "name": arg, "required": True, "schema": {"type": kind}})
        if info.query is not None:
            params.append({"in": "query", "schema": info.query})
        responses = {
            str(info.status): {
                "description": "OK",
                **(
                    {"content": {"application/json": {"schema": info.response}}}
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
                    "content": {"application/json": {"schema": info.body}},
                }
            if info.auth:
                op["security"] = [{"bearer": []}]
            operations[method.lower()] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()
