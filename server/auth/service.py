"""Sign in, sign out, authenticate requests and revoke devices."""

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from server.actor import Actor
from server.audit import record_event
from server.auth.identity import TOKEN_ROWS, Identity, identity_of
from server.auth.limits import (
    HashBudget,
    Limits,
    address_key,
    forget,
    hit,
    pair_key,
    prune,
    refund,
)
from server.auth.passwords import verify_password
from server.auth.tokens import hash_token, new_token
from server.errors import ApiError
from server.models import Device, User
from server.models.types import utcnow
from server.scope import ADMIN_ROLE, can_administer_user, unit_filter

# Writing last_seen on every request would turn each no-op sync into a write; once a minute
# is precise enough for "who is active".
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# A refused sign-in is told to come back after this; one hash takes about half a second.
BUSY_RETRY_SECONDS = 1
# Expired counters are dropped now and then, by failed sign-ins: the flood pays for its rows.
PRUNE_ONE_IN = 64
# How long a rotated-away token keeps working while its successor is never used: long enough
# for a phone that lost the rotation's answer to come back online, short enough to bound a leak.
ROTATION_GRACE = timedelta(days=30)


def login(
    session: Session,
    *,
    username: str,
    password: str,
    device_name: str,
    app_version: str | None,
    remote_addr: str | None,
    limits: Limits,
    budget: HashBudget,
    lifetime_days: int,
) -> tuple[Device, str]:
    """Check credentials and register a new device; return it with its one-time token.

    The attempt first needs one of the host's hashing slots, and is refused at once without
    one: a flood costs the server a lock try per request, not a database write. Failures then
    count per address and user name together, so guesses from elsewhere never lock the real
    user out, and per address.
    """
    with budget.slot() as granted:
        if not granted:
            raise ApiError("SIGN_IN_BUSY", {"retry_after_seconds": BUSY_RETRY_SECONDS})
        now = utcnow()
        address = remote_addr or "unknown"
        keys = (
            (limits.address_max, limits.address_window, address_key(address), "address"),
            (limits.pair_max, limits.pair_window, pair_key(address, username), "user"),
        )
        counted = []
        for most, window, key, kind in keys:
            count, left = hit(session, key, now, window)
            counted.append(key)
            if count > most:
                session.commit()
                raise ApiError("LOGIN_RATE_LIMITED", {"retry_after_seconds": left, "limit": kind})
        user = session.execute(
            select(User.id, User.password_hash, User.active).where(User.username == username)
        ).first()
        # Counted and visible to every worker before the slow part, and no transaction (on
        # SQLite, the write lock) is held while hashing.
        session.commit()
        # An unknown name is checked against a dummy hash: the answer takes as long either way.
        valid = budget.run(verify_password, user.password_hash if user else None, password)
    if not (valid and user and user.active):
        if secrets.randbelow(PRUNE_ONE_IN) == 0:
            prune(session, now, max(limits.pair_window, limits.address_window))
        session.commit()
        raise ApiError("LOGIN_FAILED")
    refund(session, counted[0])
    forget(session, counted[1])
    device, token = issue_device(
        session, user.id, device_name, app_version, lifetime_days=lifetime_days, now=now
    )
    session.commit()
    return device, token


def issue_device(
    session: Session,
    user_id: int,
    name: str,
    app_version: str | None,
    *,
    lifetime_days: int,
    now: datetime,
) -> tuple[Device, str]:
    """Add a new device of the user with a fresh token; return it with the token, shown once."""
    token = new_token()
    device = Device(
        id=str(uuid.uuid4()),
        user_id=user_id,
        name=name,
        token_hash=hash_token(token),
        app_version=app_version,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    session.add(device)
    return device, token


def authenticate(
    session: Session, token: str, *, rotation_grace: timedelta = ROTATION_GRACE
) -> Identity:
    """Find the live device for a bearer token, as plain columns, or raise TOKEN_INVALID.

    A device holds its current token and, after a rotation, the previous one until the
    current one is first used, within `rotation_grace` of the rotation (PROTOCOL.md §2). No
    ORM object is built: the routes that need the device or the user load them
    (server/auth/identity.py).
    """
    digest = hash_token(token)
    # One query for the device, its user and the user's unit: every request needs all three.
    # Plain columns through the connection: the ORM's execution layer would only wrap them.
    row = session.connection().execute(TOKEN_ROWS, {"digest": digest}).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        raise ApiError("TOKEN_INVALID")
    changes: dict[str, object] = {}
    if row.previous_token_hash is not None:
        if row.token_hash == digest:
            # The phone holds the new token: the old one dies now.
            changes["previous_token_hash"] = None
        elif row.rotated_at is None or now - row.rotated_at > rotation_grace:
            raise ApiError("TOKEN_INVALID")
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        changes["last_seen_at"] = now
    if changes:
        # Guarded by the token read: a rotation committed since then is not undone.
        session.execute(
            update(Device)
            .where(Device.id == row.id, Device.token_hash == row.token_hash)
            .values(changes)
        )
        session.commit()
    return identity_of(row)


def rotate(session: Session, device: Device, *, lifetime_days: int) -> tuple[Device, str]:
    """Give an authenticated device a new token, keeping the one it called with until first use.

    Called with the previous token (the answer to an earlier rotation was lost), it replaces
    the never-used token with a fresh one: a retry answers a working token, and the grace
    period still counts from the first rotation.
    """
    # Rotations of one device are serialised: two at once must not both keep an old token.
    session.refresh(
        device, ["token_hash", "previous_token_hash", "rotated_at"], with_for_update=True
    )
    now = utcnow()
    token = new_token()
    if device.previous_token_hash is None:
        # Called with the current token (authenticate clears the previous one on first use).
        device.previous_token_hash = device.token_hash
        device.rotated_at = now
    device.token_hash = hash_token(token)
    device.expires_at = now + timedelta(days=lifetime_days)
    session.commit()
    return device, token


def logout(session: Session, device: Device) -> None:
    """Revoke the calling device's token."""
    device.revoked_at = utcnow()
    session.commit()


def visible_devices(session: Session, user: User) -> list[Device]:
    """Return the user's own devices and, for an admin, those of every user in its subtree."""
    query = (
        select(Device)
        .join(Device.user)
        .options(joinedload(Device.user).joinedload(User.unit))
        .order_by(Device.created_at.desc())
    )
    if user.has_role(ADMIN_ROLE):
        query = query.where(or_(Device.user_id == user.id, unit_filter(user, User.unit_id)))
    else:
        query = query.where(Device.user_id == user.id)
    return list(session.scalars(query))


def manageable_device(session: Session, user: User, device_id: str | None) -> Device:
    """Load a device the user may revoke: its own, or one in an admin's subtree; else NOT_FOUND."""
    device = session.get(Device, device_id) if device_id else None
    if device is None or not (device.user_id == user.id or can_administer_user(user, device.user)):
        raise ApiError("NOT_FOUND")
    return device


def revoke(session: Session, device: Device, actor: Actor | None = None) -> Device:
    """Revoke a device so its token stops working at once; audited under its user."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record_event(
            session,
            actor,
            table="users",
            record_id=device.user_id,
            action="revoke_device",
            after={"device_id": device.id, "pending_count": device.pending_count},
        )
        session.commit()
    return device
