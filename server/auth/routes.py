"""HTTP routes for sign-in, sign-out, the current user and devices."""

from flask import Blueprint, current_app, g, request
from flask.typing import ResponseReturnValue

from server.apidoc import doc
from server.auth import service
from server.auth.guard import auth_required, current_actor
from server.auth.limits import HashBudget, Limits
from server.auth.schemas import DeviceOut, EscrowIn, EscrowOut, LoginIn, LoginOut, UserOut
from server.extensions import db
from server.http import load, respond
from server.schemas import canonical_uuid
from server.sealed.keys import escrow_key, server_key

bp = Blueprint("auth", __name__, url_prefix="/api/v1")


@bp.post("/auth/login")
@doc("Sign in and register this device", body=LoginIn, response=LoginOut, status=201, auth=False)
def login():
    data = load(LoginIn())
    key_salt = data.pop("key_salt")
    cfg = current_app.config
    device, token = service.login(
        db.session,
        **data,
        remote_addr=request.remote_addr,
        limits=Limits(
            pair_max=cfg["LOGIN_MAX_FAILURES"],
            pair_window=cfg["LOGIN_WINDOW_SECONDS"],
            address_max=cfg["LOGIN_ADDRESS_MAX_FAILURES"],
            address_window=cfg["LOGIN_ADDRESS_WINDOW_SECONDS"],
        ),
        budget=HashBudget(cfg["LOGIN_SLOT_DIR"], cfg["LOGIN_HASH_SLOTS"]),
        lifetime_days=cfg["TOKEN_LIFETIME_DAYS"],
    )
    body = {"token": token, "device": device, "user": device.user}
    if key_salt:
        key = server_key(cfg["EXPORT_KEY_PATH"])
        body["escrow_key"] = escrow_key(key, device.user_id, key_salt)
    return respond(LoginOut(), body, 201)


@bp.post("/auth/escrow")
@doc("The signed-in user's escrow key for a shared phone's salt", body=EscrowIn, response=EscrowOut)
@auth_required()
def escrow() -> ResponseReturnValue:
    salt = load(EscrowIn())["key_salt"]
    key = server_key(current_app.config["EXPORT_KEY_PATH"])
    return respond(EscrowOut(), {"escrow_key": escrow_key(key, g.user.id, salt)})


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
    return respond(DeviceOut(many=True), service.visible_devices(db.session, g.user))


@bp.post("/devices/<device_id>/revoke")
@doc("Revoke a device (admin, or the device's own user)", response=DeviceOut)
@auth_required()
def revoke_device(device_id: str) -> ResponseReturnValue:
    device = service.manageable_device(db.session, g.user, canonical_uuid(device_id))
    return respond(DeviceOut(), service.revoke(db.session, device, current_actor()))
