"""Request parsing shared by the blueprints: JSON bodies, gzip bodies, schema loading."""

import gzip
import json
import zlib
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask.sessions import SessionInterface
from marshmallow import Schema, ValidationError

from server.errors import ApiError


def read_body(raw: bytes | None = None) -> bytes:
    """Return the raw request body (or raw, as read already), inflating gzip within the limit."""
    if raw is None:
        raw = request.get_data(cache=True)
    encoding = (request.headers.get("Content-Encoding") or "identity").lower()
    if encoding == "identity":
        return raw
    if encoding != "gzip":
        raise ApiError("UNSUPPORTED_MEDIA_TYPE", {"content_encoding": encoding})
    limit = current_app.config["MAX_INFLATED_LENGTH"]
    out = bytearray()
    rest = raw
    try:
        # A gzip file may hold several members, one after another (RFC 1952 §2.2); the body is
        # all of them. Bytes after a member that are not a whole member are a broken body.
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            # Inflate at most limit+1 bytes: a compression bomb is refused without being expanded.
            out += inflater.decompress(rest, limit + 1 - len(out))
            if len(out) > limit or inflater.unconsumed_tail:
                raise ApiError("PAYLOAD_TOO_LARGE", {"max_inflated_bytes": limit})
            if not inflater.eof:
                raise ApiError("MALFORMED_BODY", {"reason": "truncated gzip stream"})
            rest = inflater.unused_data
            if not rest:
                return bytes(out)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ApiError("MALFORMED_BODY", {"reason": "invalid gzip stream"}) from exc


NOT_AN_OBJECT = "Expected a JSON object."
# The deepest body the API reads nests six containers (sync request, mutations, mutation, data,
# attendees, attendee). Deeper ones would only put every recursive walk of them (validation,
# error messages) at risk of running out of stack.
MAX_DEPTH = 32
TOO_DEEP = "nested too deeply"


def _integer(text: str) -> int:
    # int() refuses more than sys.get_int_max_str_digits() (4,300) digits with a ValueError.
    try:
        return int(text)
    except ValueError as exc:
        raise ApiError("MALFORMED_JSON", {"reason": "a number has too many digits"}) from exc


def _depth_within(value: object, limit: int) -> bool:
    # Level by level, without recursion: the check must not itself run out of stack.
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(limit):
        level = [
            item
            for node in level
            for item in (node.values() if isinstance(node, dict) else node)
            if isinstance(item, dict | list)
        ]
        if not level:
            return True
    return False


def json_body(raw: bytes | None = None) -> object:
    """Parse the request body (or raw, as read already) as JSON or raise MALFORMED_JSON."""
    body = read_body(raw)
    if not body:
        raise ApiError("MALFORMED_JSON", {"reason": "empty body"})
    try:
        data = json.loads(body, parse_int=_integer)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError("MALFORMED_JSON", {"reason": str(exc)}) from exc
    except RecursionError as exc:  # thousands of nested brackets
        raise ApiError("MALFORMED_JSON", {"reason": TOO_DEEP}) from exc
    if not _depth_within(data, MAX_DEPTH):
        raise ApiError("MALFORMED_JSON", {"reason": TOO_DEEP, "max_depth": MAX_DEPTH})
    return data


def load(schema: Schema, data: object | None = None, **kwargs: Any) -> dict[str, Any]:
    """Validate data (the JSON body by default) with a marshmallow input schema."""
    if data is None:
        data = json_body()
    if not isinstance(data, dict):
        raise ValidationError(NOT_AN_OBJECT)
    return schema.load(data, **kwargs)


def load_args(schema: Schema) -> dict:
    """Validate query-string arguments with a marshmallow schema."""
    args = {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}
    return schema.load(args)


def respond(
    schema: Schema, obj: object, status: int = 200, **dump_kwargs: Any
) -> tuple[Response, int]:
    """Dump an object with an output schema into a JSON response."""
    return jsonify(schema.dump(obj, **dump_kwargs)), status


class NoCookieSession(SessionInterface):
    """Open no cookie session: the API authenticates with bearer tokens and keeps none.

    Flask's default builds a signing serializer for every request, an idle sync's included.
    Flask then hands out its null session, which refuses any write.
    """

    def open_session(self, app: Flask, request: Any) -> None:
        """Return no session (None)."""
