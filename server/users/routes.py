"""HTTP routes for user administration, one-time codes, own passwords and token rotation."""

from dataclasses import replace

from flask import Blueprint, current_app, g, request
from flask.typing import ResponseReturnValue

from server.apidoc import doc
from server.auth import codes
from server.auth.guard import auth_required, current_actor
from server.auth.qr import enrolment_qr
from server.auth.schemas import LoginOut
from server.errors import ApiError, field_error
from server.extensions import db
from server.http import load, load_args, respond
from server.models import Unit, User
from server.records.references import OUT_OF_SCOPE
from server.schemas import MAX_ID
from server.scope import sees_unit
from server.users import service
from server.users.schemas import (
    AdminUserOut,
    CodeOut,
    EnrolIn,
    PasswordChangeIn,
    PasswordResetIn,
    TokenOut,
    UserIn,
    UserPageOut,
    UserPatch,
    UserQuery,
)

bp = Blueprint("users", __name__, url_prefix="/api/v1")

MANAGERS = ("QUAN_TRI", "LANH_DAO_DUYET")


def _visible_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or not sees_unit(g.user, user.unit):
        raise ApiError("NOT_FOUND")
    return user


def _unit_in_scope(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not sees_unit(g.user, unit):
        raise field_error("NOT_FOUND", {"unit_id": [OUT_OF_SCOPE]})
    return unit


def _limits() -> tuple[int, int]:
    cfg = current_app.config
    return cfg["LOGIN_ADDRESS_MAX_FAILURES"], cfg["LOGIN_ADDRESS_WINDOW_SECONDS"]


@bp.get("/users")
@doc("Users in scope (admin, reviewer)", query=UserQuery, response=UserPageOut)
@auth_required(*MANAGERS)
def list_users():
    args = load_args(UserQuery())
    if "unit_id" in args:
        _unit_in_scope(args["unit_id"])
    return respond(UserPageOut(), service.visible_users(db.session, g.user, args))


@bp.get("/users/<int:user_id>")
@doc("One user in scope (admin, reviewer)", response=AdminUserOut)
@auth_required(*MANAGERS)
def get_user(user_id: int) -> ResponseReturnValue:
    return respond(AdminUserOut(), _visible_user(user_id))


@bp.post("/users")
@doc("Create a user in a unit in scope (admin)", body=UserIn, response=AdminUserOut, status=201)
@auth_required("QUAN_TRI")
def create_user():
    data = load(UserIn())
    _unit_in_scope(data["unit_id"])
    user = service.create_user(db.session, actor=current_actor(), data=data)
    return respond(AdminUserOut(), user, 201)


@bp.patch("/users/<int:user_id>")
@doc(
    "Change a user's details, unit or roles, or deactivate it: its records stay (admin)",
    body=UserPatch,
    response=AdminUserOut,
)
@auth_required("QUAN_TRI")
def update_user(user_id: int) -> ResponseReturnValue:
    data = load(UserPatch(), partial=True)
    user = _visible_user(user_id)
    if "unit_id" in data:
        _unit_in_scope(data["unit_id"])
    return respond(
        AdminUserOut(), service.update_user(db.session, user, actor=current_actor(), data=data)
    )


@bp.post("/users/<int:user_id>/password-reset")
@doc("Make a one-time password reset code for a user (admin)", response=CodeOut, status=201)
@auth_required("QUAN_TRI")
def make_reset_code(user_id: int) -> ResponseReturnValue:
    user = _visible_user(user_id)
    issued = service.issue_code(db.session, user, actor=current_actor(), purpose=codes.RESET)
    return respond(CodeOut(), issued, 201)


@bp.post("/users/<int:user_id>/enrolment")
@doc(
    "Make a one-time enrolment code for a user's phone, with its QR (admin, reviewer)",
    response=CodeOut,
    status=201,
)
@auth_required(*MANAGERS)
def make_enrolment_code(user_id: int) -> ResponseReturnValue:
    user = _visible_user(user_id)
    issued = service.issue_code(db.session, user, actor=current_actor(), purpose=codes.ENROL)
    url, svg = enrolment_qr(request.host_url, issued.code)
    return respond(CodeOut(), replace(issued, url=url, qr_svg=svg), 201)


@bp.post("/auth/enrol")
@doc(
    "Redeem an enrolment code once for this device's credential",
    body=EnrolIn,
    response=LoginOut,
    status=201,
    auth=False,
)
def enrol():
    data = load(EnrolIn())
    service.count_code_attempt(db.session, request.remote_addr, *_limits())
    device, token = service.enrol(
        db.session, **data, lifetime_days=current_app.config["TOKEN_LIFETIME_DAYS"]
    )
    return respond(LoginOut(), {"token": token, "device": device, "user": device.user}, 201)


@bp.post("/auth/password-reset")
@doc("Set a new password with a one-time reset code", body=PasswordResetIn, status=204, auth=False)
def reset_password():
    data = load(PasswordResetIn())
    service.count_code_attempt(db.session, request.remote_addr, *_limits())
    service.reset_password(db.session, code=data["code"], new_password=data["new_password"])
    return "", 204


@bp.post("/me/password")
@doc("Change the signed-in user's own password", body=PasswordChangeIn, status=204)
@auth_required()
def change_password():
    data = load(PasswordChangeIn())
    service.change_password(
        db.session,
        actor=current_actor(),
        current=data["current_password"],
        new=data["new_password"],
    )
    return "", 204


@bp.post("/auth/rotate")
@doc(
    "Replace this device's token; the old one works until the new one is first used",
    response=TokenOut,
)
@auth_required()
def rotate_token():
    device, token = service.rotate_token(
        db.session, g.device, lifetime_days=current_app.config["TOKEN_LIFETIME_DAYS"]
    )
    return respond(TokenOut(), {"token": token, "expires_at": device.expires_at})
