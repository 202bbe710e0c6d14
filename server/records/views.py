"""Output schemas for what the API shows about records besides the records themselves."""

from marshmallow import Schema, fields


class AuditEventOut(Schema):
    """One step in a record's history."""

    id = fields.Integer()
    # When the server received the change, and when the person made it (the phone's clock,
    # checked; PROTOCOL.md §3.2); clock_flag names a clock the server did not believe.
    at = fields.DateTime()
    acted_at = fields.DateTime()
    clock_flag = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    user_name = fields.Function(lambda e: e.user.full_name if e.user else None)
    device_id = fields.String(allow_none=True)
    action = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    comment = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    base_version = fields.Integer(allow_none=True)
