"""Wire schemas of the file endpoints (PROTOCOL.md §12.2): input and output apart."""

from marshmallow import Schema, fields, validate

from server.records.schemas import SHA256_PATTERN, UuidString
from server.records.tables import TABLES
from server.schemas import InputSchema

MAX_STATUS_ITEMS = 100


class FileRefIn(InputSchema):
    """A file as one record declares it."""

    table = fields.String(required=True, validate=validate.OneOf(list(TABLES)))
    record_id = UuidString(required=True)
    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256_PATTERN))


class FileStatusIn(InputSchema):
    """The files a phone is about to upload."""

    files = fields.List(
        fields.Nested(FileRefIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_STATUS_ITEMS),
    )


class RecordArgs(InputSchema):
    """The record a file request is made for: its scope decides who may read the file."""

    table = fields.String(required=True, validate=validate.OneOf(list(TABLES)))
    record_id = UuidString(required=True)


class FileErrorOut(Schema):
    """Why one file of a status request was refused."""

    code = fields.String()
    message = fields.String()


class FileStateOut(Schema):
    """What the server holds of one file."""

    sha256 = fields.String()
    state = fields.String(metadata={"enum": ["complete", "partial", "absent"]})
    received = fields.List(fields.Integer())


class FileStatusItemOut(FileStateOut):
    """One file's state, or the error that refused it."""

    error = fields.Nested(FileErrorOut, allow_none=True)


class FileStatusOut(Schema):
    """The chunk size to use and each file's state."""

    chunk_size = fields.Integer()
    files = fields.List(fields.Nested(FileStatusItemOut))
