"""Wire schemas for user administration and one-time codes."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from server.auth.schemas import UnitRefOut
from server.enums import ROLE
from server.schemas import InputSchema, id_arg, id_field, page_arg

PASSWORD_MIN = 8
SHORT_PASSWORD = "The password needs at least 8 characters."  # noqa: S105 - a message
NO_ROLE = "At least one role is needed."
USERNAME = validate.Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def _roles_field(**kwargs: object) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(ROLE)), **kwargs)  # type: ignore[arg-type]


def _password_field(**kwargs: object) -> fields.String:
    return fields.String(
        validate=validate.Length(min=PASSWORD_MIN, max=256, error=SHORT_PASSWORD),
        **kwargs,  # type: ignore[arg-type]
    )


class UserIn(InputSchema):
    """A user an administrator creates; without a password the user is enrolled by a code."""

    username = fields.String(required=True, validate=USERNAME)
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    unit_id = id_field(required=True)
    roles = _roles_field(required=True)
    position = fields.String(validate=validate.Length(max=255), allow_none=True)
    phone = fields.String(validate=validate.Length(max=32), allow_none=True)
    password = _password_field()

    @validates("roles")
    def _some_role(self, value: list[str], **kwargs: object) -> None:
        if not value:
            raise ValidationError(NO_ROLE)


class UserPatch(InputSchema):
    """What an administrator changes on a user: its unit, roles, details, or whether it works."""

    full_name = fields.String(validate=validate.Length(min=1, max=255))
    unit_id = id_field()
    roles = _roles_field()
    position = fields.String(validate=validate.Length(max=255), allow_none=True)
    phone = fields.String(validate=validate.Length(max=32), allow_none=True)
    active = fields.Boolean()

    @validates("roles")
    def _some_role(self, value: list[str], **kwargs: object) -> None:
        if not value:
            raise ValidationError(NO_ROLE)


class UserQuery(InputSchema):
    """Filters for the user list."""

    q = fields.String(validate=validate.Length(max=200))
    unit_id = id_arg()
    active = fields.Boolean()
    page = page_arg()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AdminUserOut(Schema):
    """A user as an administrator sees it."""

    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    position = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    active = fields.Boolean()
    unit = fields.Nested(UnitRefOut)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class UserPageOut(Schema):
    """A page of users."""

    items = fields.List(fields.Nested(AdminUserOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class CodeOut(Schema):
    """A one-time code, shown once: typed as `display`, or scanned from `qr_svg`."""

    code = fields.String()
    display = fields.String()
    purpose = fields.String()
    user_id = fields.Function(lambda issued: issued.user.id)
    username = fields.Function(lambda issued: issued.user.username)
    expires_at = fields.DateTime()
    url = fields.String(allow_none=True)
    qr_svg = fields.String(allow_none=True)


class PasswordChangeIn(InputSchema):
    """The signed-in user's current password and the new one."""

    # Empty for a user enrolled by a code who never had a password.
    current_password = fields.String(load_default="", validate=validate.Length(max=256))
    new_password = _password_field(required=True)


class PasswordResetIn(InputSchema):
    """A reset code from an administrator and the new password."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    new_password = _password_field(required=True)


class EnrolIn(InputSchema):
    """An enrolment code and the name of the device redeeming it."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    device_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    app_version = fields.String(validate=validate.Length(max=64), load_default=None)


class TokenOut(Schema):
    """A new bearer token, shown once."""

    token = fields.String()
    expires_at = fields.DateTime()
