"""Who a bearer token speaks for, read as plain columns, and the request globals built on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask.ctx import _AppCtxGlobals
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from server.models import Device, SyncCounter, Unit, User

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(slots=True)
class Identity:
    """A live device, its user and the user's unit: what every request needs, without ORM objects.

    Also the device's sync status as read at the token check, so that an idle sync decides
    whether to write it without loading the device.
    """

    device_id: str
    user_id: int
    unit_id: int
    unit_path: str
    roles: tuple[str, ...]
    is_admin: bool
    last_seq: int
    last_cursor: int
    pending_count: int
    app_version: str | None
    last_sync_at: datetime | None
    scope_key: str | None
    # The cursor of the request the last reset answered, until another cursor comes (§5.4).
    reset_from: int | None
    # The committed change counter as the token check read it (None when not read): a sync
    # with nothing to push pulls up to it without reading it again.
    counter: int | None = None

    @classmethod
    def of_device(cls, device: Device) -> Identity:
        """Return the identity of a device already loaded as an ORM object."""
        user = device.user
        return cls(
            device_id=device.id,
            user_id=user.id,
            unit_id=user.unit_id,
            unit_path=user.unit.path,
            roles=tuple(user.roles or ()),
            is_admin=user.is_admin,
            last_seq=device.last_seq,
            last_cursor=device.last_cursor,
            pending_count=device.pending_count,
            app_version=device.app_version,
            last_sync_at=device.last_sync_at,
            scope_key=device.scope_key,
            reset_from=device.reset_from,
        )

    def has_role(self, *roles: str) -> bool:
        """Tell whether the user holds any of the given roles."""
        return any(r in self.roles for r in roles)


# The token check: one statement, built once, for every request.
TOKEN_ROWS = (
    select(
        Device.id,
        Device.token_hash,
        Device.previous_token_hash,
        Device.rotated_at,
        Device.last_seen_at,
        Device.expires_at,
        Device.revoked_at,
        Device.last_seq,
        Device.last_cursor,
        Device.pending_count,
        Device.app_version,
        Device.last_sync_at,
        Device.scope_key,
        Device.reset_from,
        User.id.label("user_id"),
        User.active,
        User.roles,
        User.unit_id,
        Unit.path.label("unit_path"),
        Unit.parent_id.label("unit_parent_id"),
        # One index lookup of a one-row table: an idle sync then needs no second statement.
        select(SyncCounter.value).where(SyncCounter.id == 1).scalar_subquery().label("counter"),
    )
    .join(User, User.id == Device.user_id)
    .join(Unit, Unit.id == User.unit_id)
    .where(
        (Device.token_hash == bindparam("digest"))
        | (Device.previous_token_hash == bindparam("digest"))
    )
)


def identity_of(row: Any) -> Identity:
    """Build the identity from a row of TOKEN_ROWS."""
    roles = tuple(row.roles or ())
    return Identity(
        device_id=row.id,
        user_id=row.user_id,
        unit_id=row.unit_id,
        unit_path=row.unit_path,
        roles=roles,
        # As User.is_admin: an administrator sitting at the top of the tree.
        is_admin="QUAN_TRI" in roles and row.unit_parent_id is None,
        last_seq=row.last_seq,
        last_cursor=row.last_cursor,
        pending_count=row.pending_count,
        app_version=row.app_version,
        last_sync_at=row.last_sync_at,
        scope_key=row.scope_key,
        reset_from=row.reset_from,
        counter=row.counter,
    )


def load_device(session: Session, identity: Identity) -> Device:
    """Load the identity's device with its user and unit as ORM objects, in one statement."""
    return session.execute(
        select(Device)
        .options(joinedload(Device.user).joinedload(User.unit))
        .where(Device.id == identity.device_id)
    ).scalar_one()


class RequestGlobals(_AppCtxGlobals):
    """Flask's g, where the signed-in device and user are loaded only when a route reads them.

    The guard sets g.identity; most syncs need nothing more, and build no ORM object.
    """

    identity: Identity | None = None

    @property
    def device(self) -> Device:
        """Return the signed-in device, loading it (with its user and unit) on first use."""
        identity = self.identity
        if identity is None:
            raise AttributeError("device")
        # Kept with the identity it was loaded for: one app context may serve several
        # requests (an app context pushed around a test client's calls).
        loaded: tuple[Identity, Device] | None = self.__dict__.get("_device")
        if loaded is None or loaded[0] is not identity:
            from server.extensions import db

            loaded = (identity, load_device(db.session, identity))
            self.__dict__["_device"] = loaded
        return loaded[1]

    @property
    def user(self) -> User:
        """Return the signed-in user, loading it on first use."""
        return self.device.user
