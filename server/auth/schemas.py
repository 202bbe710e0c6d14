"""Wire schemas for sign-in and devices."""

from marshmallow import Schema, fields, validate

from server.schemas import InputSchema


class LoginIn(InputSchema):
    """Credentials and the name of the device signing in."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    device_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    app_version = fields.String(validate=validate.Length(max=64), load_default=None)
    # A shared phone's random salt for this user: the answer then carries the escrow key that
    # unwraps the user's data key there after a forgotten PIN (PROTOCOL.md §13).
    key_salt = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9+/=_-]{16,64}$"), load_default=None
    )


class EscrowIn(InputSchema):
    """A shared phone's salt for the signed-in user."""

    key_salt = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9+/=_-]{16,64}$"))


class EscrowOut(Schema):
    """The escrow key for the signed-in user on one phone."""

    escrow_key = fields.String()


class UnitRefOut(Schema):
    """A unit named in another object."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()
    path = fields.String()


class UserOut(Schema):
    """The signed-in user as the app needs it."""

    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    position = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    unit = fields.Nested(UnitRefOut)


class DeviceUserOut(Schema):
    """Whose device it is, for the administrators' list."""

    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    active = fields.Boolean()
    unit_name = fields.Function(lambda user: user.unit.name)


class DeviceOut(Schema):
    """A device as admins and its owner see it."""

    id = fields.String()
    user_id = fields.Integer()
    name = fields.String()
    app_version = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    last_sync_at = fields.DateTime(allow_none=True)
    pending_count = fields.Integer()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    user = fields.Nested(DeviceUserOut)


class LoginOut(Schema):
    """The token (shown once), the device it is bound to, and the user."""

    token = fields.String()
    device = fields.Nested(DeviceOut)
    user = fields.Nested(UserOut)
    escrow_key = fields.String()
