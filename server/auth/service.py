"""Sign in, sign out, authenticate requests and revoke devices."""

import uuid
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from server.auth.passwords import verify_password
from server.auth.tokens import hash_token, new_token
from server.errors import ApiError
from server.models import Device, LoginFailure, User
from server.models.types import utcnow

# Writing last_seen on every request would turn each no-op sync into a write; once a minute
# is precise enough for "who is active".
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def login(
    session: Session,
    *,
    username: str,
    password: str,
    device_name: str,
    app_version: str | None,
    remote_addr: str | None,
    max_failures: int,
    window_seconds: int,
    lifetime_days: int,
) -> tuple[Device, str]:
    """Check credentials and register a new device; return it with its one-time token."""
    now = utcnow()
    since = now - timedelta(seconds=window_seconds)
    failures = (
        session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.username == username, LoginFailure.at >= since
            )
        )
        or 0
    )
    if failures >= max_failures:
        raise ApiError("LOGIN_RATE_LIMITED", {"retry_after_seconds": window_seconds})
    user = session.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password) or not (
        user and user.active
    ):
        session.add(LoginFailure(username=username, remote_addr=remote_addr, at=now))
        session.commit()
        raise ApiError("LOGIN_FAILED")
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    token = new_token()
    device = Device(
        id=str(uuid.uuid4()),
        user_id=user.id,
        name=device_name,
        token_hash=hash_token(token),
        app_version=app_version,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    session.add(device)
    session.commit()
    return device, token


def authenticate(session: Session, token: str) -> Device:
    """Find the live device for a bearer token or raise TOKEN_INVALID."""
    # One query for the device, its user and the user's unit: every request needs all three.
    device = session.scalar(
        select(Device)
        .options(joinedload(Device.user).joinedload(User.unit))
        .where(Device.token_hash == hash_token(token))
    )
    now = utcnow()
    if (
        device is None
        or device.revoked_at is not None
        or device.expires_at <= now
        or not device.user.active
    ):
        raise ApiError("TOKEN_INVALID")
    if now - device.last_seen_at >= LAST_SEEN_RESOLUTION:
        device.last_seen_at = now
        session.commit()
    return device


def logout(session: Session, device: Device) -> None:
    """Revoke the calling device's token."""
    device.revoked_at = utcnow()
    session.commit()


def revoke(session: Session, device: Device) -> Device:
    """Revoke a device so its token stops working at once."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        session.commit()
    return device
