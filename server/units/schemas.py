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
    # Tells same-named units apart ("Xã Đông Hiếu" under two parents).
    parent_name = fields.Method("_parent_name")

    def _successor_ids(self, unit: Unit) -> list[int]:
        return sorted(s.id for s in unit.successors)

    def _parent_name(self, unit: Unit) -> str | None:
        return unit.parent.name if unit.parent is not None else None


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


class MovePreviewQuery(InputSchema):
    """The parent a unit would move under."""

    parent_id = id_arg(required=True)


class UnitBriefOut(Schema):
    """A unit named in a preview."""

    id = fields.Integer()
    name = fields.String()
    path = fields.String()


class MovePreviewOut(Schema):
    """What moving a unit changes, and for whom, before the administrator confirms."""

    unit = fields.Nested(UnitBriefOut)
    old_parent = fields.Nested(UnitBriefOut, allow_none=True)
    new_parent = fields.Nested(UnitBriefOut)
    units = fields.Integer()
    users = fields.Integer()
    records = fields.Dict(keys=fields.String(), values=fields.Integer())
    users_losing = fields.Integer()
    users_gaining = fields.Integer()


class LegacyImportQuery(InputSchema):
    """The pre-2025 units import's arguments: only the rows inside one unit (a province)."""

    province = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "Code of a unit: import only the rows inside it"},
    )


class LegacyImportOut(Schema):
    """What the import did: units created, updated, unchanged, and rows left out."""

    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
