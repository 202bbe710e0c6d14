"""Shapes of sync data besides records: the data of a resolve, the conflicts a pull sends."""

from marshmallow import RAISE, Schema, fields


class ResolveData(Schema):
    """The data of a `resolve` mutation (PROTOCOL.md §3.3, §6.3); unknown keys are refused.

    The resolution's value is checked by the conflict service, which the JSON API shares, so
    that both name the allowed values alike.
    """

    class Meta:
        unknown = RAISE

    id = fields.Raw(allow_none=True)
    resolution = fields.Raw(allow_none=True)


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
