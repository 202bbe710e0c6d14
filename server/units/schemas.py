"""Wire schemas for units."""

from marshmallow import Schema, fields, validate

from server.enums import ADMIN_KIND, UNIT_LEVEL, UNIT_TYPE
from server.models import Unit
from server.schemas import InputSchema, id_arg, id_field, page_arg


class UnitOut(Schema):
    """A unit as clients see it."""

    id = fields.Integer()
    code = fields.String()
    admin_code = fields.String(allow_none=True)
    name = fields.String()
    level = fields.String()
    type = fields.String(allow_none=True)
    admin_kind = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    path = fields.String()
    depth = fields.Integer()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    is_border = fields.Boolean()
    is_dbkk = fields.Boolean()
    approves_records = fields.Boolean()
    requires_minutes = fields.Boolean()
    aliases = fields.List(fields.String())
    successor_ids = fields.Method("_successor_ids")

    def _successor_ids(self, unit: Unit) -> list[int]:
        return sorted(s.id for s in unit.successors)


class UnitIn(InputSchema):
    """A unit an admin creates: a legacy district, an intermediate office, a hamlet."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    level = fields.String(required=True, validate=validate.OneOf(UNIT_LEVEL))
    type = fields.String(validate=validate.OneOf(UNIT_TYPE), allow_none=True)
    admin_kind = fields.String(validate=validate.OneOf(ADMIN_KIND), allow_none=True)
    parent_id = id_field(required=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    is_border = fields.Boolean()
    is_dbkk = fields.Boolean()
    approves_records = fields.Boolean()
    requires_minutes = fields.Boolean()
    aliases = fields.List(fields.String(validate=validate.Length(max=255)))
    successor_ids = fields.List(id_field())


class UnitPatch(UnitIn):
    """Changes an admin makes to a unit; every field optional, the code fixed."""

    class Meta:
        exclude = ("code",)


class UnitQuery(InputSchema):
    """Filters for the unit list."""

    q = fields.String(validate=validate.Length(max=200))
    parent_id = id_arg()
    within = id_arg()
    level = fields.String(validate=validate.OneOf(UNIT_LEVEL))
    page = page_arg()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class UnitPageOut(Schema):
    """A page of units."""

    items = fields.List(fields.Nested(UnitOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
