"""HTTP routes for photos and documents (PROTOCOL.md §12.2)."""

import re
import tempfile
import zipfile

from flask import Blueprint, Response, g, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from server.apidoc import doc
from server.auth.guard import auth_required
from server.errors import ApiError, request_language
from server.extensions import db
from server.files import ranges, service
from server.files.schemas import FileStateOut, FileStatusIn, FileStatusOut, RecordArgs
from server.files.store import store
from server.http import load, load_args, read_body
from server.records import service as records
from server.records.schemas import SHA256_PATTERN
from server.records.tables import TABLES

bp = Blueprint("files", __name__, url_prefix="/api/v1")

IMMUTABLE = "private, max-age=31536000, immutable"
SHA_ARG = {"type": "string", "pattern": SHA256_PATTERN}


def _sha(value: str, name: str = "sha256") -> str:
    if not re.fullmatch(SHA256_PATTERN, value or ""):
        raise ValidationError({name: ["Must be 64 lowercase hexadecimal digits."]})
    return value


@bp.post("/files/status")
@doc("Which chunks of declared files the server holds", body=FileStatusIn, response=FileStatusOut)
@auth_required()
def file_status() -> ResponseReturnValue:
    data = load(FileStatusIn())
    answer = service.status(db.session, g.user, data["files"], request_language())
    return jsonify(FileStatusOut().dump(answer))


@bp.put("/files/<sha256>/chunks/<int:index>")
@doc(
    "Send one chunk of a declared file (raw bytes)",
    query=RecordArgs,
    body={"type": "string", "format": "binary"},
    body_mimetype="application/octet-stream",
    headers={"X-Chunk-SHA256": SHA_ARG},
    response=FileStateOut,
)
@auth_required()
def put_chunk(sha256: str, index: int) -> ResponseReturnValue:
    # On 2G the body takes seconds to arrive. The token check opened a transaction, which on
    # SQLite holds the write lock: end it first, or every other request waits behind the link.
    db.session.commit()
    data = read_body()
    args = load_args(RecordArgs())
    sha = _sha(sha256)
    chunk_sha = _sha((request.headers.get("X-Chunk-SHA256") or "").lower(), "X-Chunk-SHA256")
    answer = service.put_chunk(
        db.session,
        store(),
        g.user,
        table_name=args["table"],
        record_id=args["record_id"],
        sha=sha,
        index=index,
        data=data,
        chunk_sha=chunk_sha,
    )
    return jsonify(FileStateOut().dump(answer))


def _serve(key: str, mime: str, etag: str, length: int | None = None) -> Response:
    """Answer the object whole or the one range asked, revalidated by its strong ETag."""
    objects = store()
    try:
        size = objects.size(key) if length is None else length
    except KeyError as exc:
        raise ApiError("FILE_NOT_FOUND") from exc
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        try:
            part = ranges.window(request, etag, size)
        except ApiError as exc:
            response, response.status_code = exc.to_response(request_language())
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        start, end = part or (0, size)
        try:
            body = objects.stream(key, start, end)
        except KeyError as exc:
            raise ApiError("FILE_NOT_FOUND") from exc
        response = Response(body, status=206 if part else 200, mimetype=mime)
        response.headers["Content-Length"] = str(end - start)
        if part:
            response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    response.set_etag(etag)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/files/<sha256>")
@doc(
    "A received file, for a readable record that declares it",
    query=RecordArgs,
    response={"type": "string", "format": "binary"},
    mimetype="application/octet-stream",
)
@auth_required()
def get_file(sha256: str) -> ResponseReturnValue:
    args = load_args(RecordArgs())
    row = service.readable_file(db.session, g.user, args["table"], args["record_id"], _sha(sha256))
    sha, mime, size = row.sha256, row.mime, row.size
    db.session.commit()
    return _serve(service.file_key(sha), mime, sha, size)


@bp.get("/files/<sha256>/thumb")
@doc(
    "The JPEG thumbnail (long edge 320 px) of a received image",
    query=RecordArgs,
    response={"type": "string", "format": "binary"},
    mimetype="image/jpeg",
)
@auth_required()
def get_thumb(sha256: str) -> ResponseReturnValue:
    args = load_args(RecordArgs())
    row = service.readable_file(db.session, g.user, args["table"], args["record_id"], _sha(sha256))
    if not row.has_thumb:
        raise ApiError("FILE_NOT_FOUND", {"reason": "no thumbnail"})
    sha = row.sha256
    db.session.commit()
    return _serve(service.thumb_key(sha), "image/jpeg", f"{sha}.thumb")


@bp.get("/records/<table>/<record_id>/files.zip")
@doc(
    "A ZIP of the record's received files",
    response={"type": "string", "format": "binary"},
    mimetype="application/zip",
)
@auth_required()
def record_zip(table: str, record_id: str) -> ResponseReturnValue:
    if table not in TABLES:
        raise ApiError("NOT_FOUND")
    record = records.visible(db.session, TABLES[table], record_id, g.user)
    items = service.record_files(record)
    db.session.commit()
    # Spooled: small archives stay in memory, large ones go to a temporary file.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    objects = store()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for item in items:
            with archive.open(item["zip_name"], "w") as entry:
                for piece in objects.stream(service.file_key(item["sha256"])):
                    entry.write(piece)
    out.seek(0)
    response = send_file(
        out, mimetype="application/zip", as_attachment=True, download_name=f"{record.id}.zip"
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.call_on_close(out.close)
    return response
