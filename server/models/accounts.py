"""Users, their signed-in devices and the counters that limit sign-in attempts."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from server.extensions import Model
from server.models.types import UtcDateTime, utcnow
from server.models.units import Unit
from server.search import search_text


class User(Model):
    """A person who signs in; scoped to one unit and its descendants."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # Folded words of the user name and full name, kept by the ORM (below) for SQL search;
    # nullable so that adding it rebuilt no table.
    search_text: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()

    def has_role(self, *roles: str) -> bool:
        """Tell whether the user holds any of the given roles."""
        return any(r in self.roles for r in roles)

    @property
    def is_admin(self) -> bool:
        """Tell whether the user administers the whole system: an administrator at the root."""
        # An administrator of a province acts only inside the province's subtree, like any
        # other user there; only one sitting at the top of the tree is national.
        return "QUAN_TRI" in self.roles and self.unit is not None and self.unit.parent_id is None


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _refresh_user_search(_mapper: Mapper[User], _connection: object, user: User) -> None:
    # Every way a user is made or renamed (admin screens, CLI, demo) passes here.
    user.search_text = search_text(user.username, user.full_name)


class Device(Model):
    """One signed-in installation of the app; holds the hashed bearer token."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # After a rotation the old token stays valid until the new one is first used (or the grace
    # period ends): a phone that lost the rotation's answer still syncs (PROTOCOL.md §2).
    previous_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    app_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Sync bookkeeping: the last applied mutation sequence is written in the same transaction
    # as the mutations' effects, which is what makes a replayed push harmless.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_count: Mapped[int] = mapped_column(default=0)
    scope_key: Mapped[str | None] = mapped_column(String(64))
    # The cursor a reset was answered to: a request with this cursor again lost that answer and
    # is reset again (PROTOCOL.md §5.4); cleared by the next request with any other cursor.
    reset_from: Mapped[int | None] = mapped_column(BigInteger)

    user: Mapped[User] = relationship()


class SignInCounter(Model):
    """Sign-in attempts counted under one key in a fixed window, shared by every worker."""

    __tablename__ = "sign_in_counters"

    # "pair:<address> <username>" or "address:<address>" (server.auth.limits).
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    count: Mapped[int] = mapped_column(default=0)


class OneTimeCode(Model):
    """A short-lived code for one user, redeemed once: a phone's enrolment or a password reset."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the sha256 of the code is kept: a copy of the database enrols no phone.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "enrol" or "reset"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    device_id: Mapped[str | None] = mapped_column(String(36))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
