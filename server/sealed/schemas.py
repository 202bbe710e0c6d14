"""Wire schemas for the export key and sealed imports."""

from marshmallow import Schema, fields, validate

from server.schemas import InputSchema

MAX_B64 = 64 * 1024 * 1024


class ExportKeyOut(Schema):
    """The server's public key for sealed exports."""

    key_id = fields.String()
    algorithm = fields.String()
    spki = fields.String()


class SealedFileIn(InputSchema):
    """A file sealed for this server by a phone (PROTOCOL.md §13)."""

    format = fields.String(required=True, validate=validate.Length(max=32))
    header = fields.String(required=True, validate=validate.Length(max=4096))
    key = fields.String(required=True, validate=validate.Length(max=2048))
    iv = fields.String(required=True, validate=validate.Length(max=64))
    ciphertext = fields.String(required=True, validate=validate.Length(max=MAX_B64))


class ImportCountsOut(Schema):
    """How many of the file's mutations ended how."""

    applied = fields.Integer()
    conflict = fields.Integer()
    rejected = fields.Integer()
    duplicate = fields.Integer()


class ImportOut(Schema):
    """What an import did, per seq as a sync response would say it."""

    user_id = fields.Integer()
    device_id = fields.String()
    last_seq = fields.Integer()
    counts = fields.Nested(ImportCountsOut)
    results = fields.List(fields.Dict())
