"""HTTP routes for sign-in, sign-out, the current user and devices."""

from flask import Blueprint, current_app, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from server.apidoc import doc
from server.auth import service
from server.auth.guard import auth_required
from server.auth.schemas import DeviceOut, LoginIn, LoginOut, UserOut
from server.errors import ApiError
from server.extensions import db
from server.http import load, respond
from server.models import Device
from server.schemas import canonical_uuid
from server.scope import can_administer_user

bp = Blueprint("auth", __name__, url_prefix="/api/v1")


@bp.post("/auth/login")
@doc("Sign in and register this device", body=LoginIn, response=LoginOut, status=201, auth=False)
def login():
    data = load(LoginIn())
    cfg = current_app.config
    device, token = service.login(
        db.session,
        **data,
        remote_addr=request.remote_addr,
        max_failures=cfg["LOGIN_MAX_FAILURES"],
        window_seconds=cfg["LOGIN_WINDOW_SECONDS"],
        lifetime_days=cfg["TOKEN_LIFETIME_DAYS"],
    )
    return respond(LoginOut(), {"token": token, "device": device, "user": device.user}, 201)


@bp.post("/auth/logout")
@doc("Sign out: revoke this device's token", status=204)
@auth_required()
def logout():
    service.logout(db.session, g.device)
    return "", 204


@bp.get("/me")
@doc("The signed-in user", response=UserOut)
@auth_required()
def me():
    return respond(UserOut(), g.user)


@bp.get("/devices")
@doc(
    "Devices of the signed-in user, or of every user in scope for an admin",
    response=DeviceOut(many=True),
)
@auth_required()
def list_devices():
    query = select(Device).order_by(Device.created_at.desc())
    if not g.user.is_admin:
        query = query.where(Device.user_id == g.user.id)
    devices = [
        d
        for d in db.session.scalars(query)
        if can_administer_user(g.user, d.user) or d.user_id == g.user.id
    ]
    return respond(DeviceOut(many=True), devices)


@bp.post("/devices/<device_id>/revoke")
@doc("Revoke a device (admin, or the device's own user)", response=DeviceOut)
@auth_required()
def revoke_device(device_id: str) -> ResponseReturnValue:
    key = canonical_uuid(device_id)
    device = db.session.get(Device, key) if key else None
    if device is None or not (
        device.user_id == g.user.id or can_administer_user(g.user, device.user)
    ):
        raise ApiError("NOT_FOUND")
    return respond(DeviceOut(), service.revoke(db.session, device))
