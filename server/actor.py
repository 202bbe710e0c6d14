"""Who acted, from which device, and when: what every write carries into services and audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.models import Device, User
    from sync.clock import ActionTime


@dataclass(frozen=True)
class Actor:
    """A person acting on the server: their account, the device they used, their time of action.

    The device is the one the action came from, not the way to find the person: a phone shared
    by several officers carries a different user in each of their actors.
    """

    user: User
    device: Device | None = None
    # When the person acted; None means the moment of the write (a signed-in web request).
    at: datetime | None = None
    # Why the kept time differs from the one the phone sent (sync/clock.py FLAGS), if it does.
    clock_flag: str | None = None

    @classmethod
    def signed_in(cls, user: User, device: Device | None = None) -> Actor:
        """Return the actor of a request made now by a signed-in user."""
        return cls(user=user, device=device)

    @classmethod
    def syncing(cls, user: User, device: Device, when: ActionTime) -> Actor:
        """Return the actor of one sync mutation, at the action time kept for it."""
        return cls(user=user, device=device, at=when.at, clock_flag=when.flag)

    @property
    def user_id(self) -> int:
        """Return the acting user's id."""
        return self.user.id

    @property
    def device_id(self) -> str | None:
        """Return the id of the device the action came from, if any."""
        return self.device.id if self.device is not None else None

    @property
    def unit_id(self) -> int:
        """Return the unit the person acts for."""
        return self.user.unit_id

    def acted_at(self, now: datetime) -> datetime:
        """Return when the person acted, given the moment of the write."""
        return self.at if self.at is not None else now
