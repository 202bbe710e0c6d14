"""Output shapes of what a pull sends besides records: units are UnitOut, conflicts here."""

from marshmallow import Schema, fields


class ConflictOut(Schema):
    """A conflict record (PROTOCOL.md §6.2)."""

    id = fields.String()
    table = fields.String(attribute="table_name")
    record_id = fields.String()
    field = fields.String()
    kept_value = fields.Raw(allow_none=True)
    lost_value = fields.Raw(allow_none=True)
    reason = fields.String()
    base_version = fields.Integer()
    record_version = fields.Integer()
    lost_by_id = fields.Integer(allow_none=True)
    lost_device_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by_id = fields.Integer(allow_none=True)
    resolution = fields.String(allow_none=True)
