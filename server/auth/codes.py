"""One-time codes: made for one user, shown once, kept as a hash, redeemed once before expiry."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.auth.tokens import hash_token
from server.errors import ApiError
from server.models import OneTimeCode, User
from server.models.types import utcnow

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # 60 random bits; with the sign-in limits and a few minutes' life, out of reach
GROUP = 4
# What people type for the letters the alphabet leaves out.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})

ENROL = "enrol"
RESET = "reset"
LIFETIME = {ENROL: timedelta(minutes=10), RESET: timedelta(hours=24)}


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown once to the person who made it."""

    code: str
    display: str
    purpose: str
    user: User
    expires_at: datetime
    # An enrolment code's link and its QR, drawn by the route that shows them.
    url: str | None = None
    qr_svg: str | None = None


def normalise(text: str) -> str:
    """Return a typed code in its stored spelling: upper case, no spaces or dashes."""
    return "".join(c for c in text.upper().translate(LOOKALIKES) if c.isalnum())


def display(code: str) -> str:
    """Group a code for reading and typing: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def issue(session: Session, user: User, purpose: str, made_by: User | None) -> IssuedCode:
    """Make a new code for a user; earlier unused codes of the same purpose stop working."""
    now = utcnow()
    for earlier in session.scalars(
        select(OneTimeCode).where(
            OneTimeCode.user_id == user.id,
            OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None),
            OneTimeCode.expires_at > now,
        )
    ):
        # A new code replaces the old: only the latest QR or paper slip works.
        earlier.expires_at = now
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    expires_at = now + LIFETIME[purpose]
    session.add(
        OneTimeCode(
            code_hash=hash_token(code),
            purpose=purpose,
            user_id=user.id,
            created_by_id=made_by.id if made_by else None,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedCode(code, display(code), purpose, user, expires_at)


def redeem(session: Session, text: str, purpose: str) -> OneTimeCode:
    """Mark a code used and return it; a wrong, used or expired code is a coded error.

    The mark is a conditional UPDATE, so two phones sending the same code at once cannot both
    redeem it, on either database.
    """
    code = normalise(text)
    row = None
    if len(code) == LENGTH:
        row = session.scalar(
            select(OneTimeCode).where(
                OneTimeCode.code_hash == hash_token(code), OneTimeCode.purpose == purpose
            )
        )
    now = utcnow()
    if row is None or not row.user.active:
        raise ApiError("ONE_TIME_CODE_INVALID")
    if row.used_at is not None:
        raise ApiError("ONE_TIME_CODE_USED")
    if row.expires_at <= now:
        raise ApiError("ONE_TIME_CODE_EXPIRED")
    marked = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError("ONE_TIME_CODE_USED")
    row.used_at = now
    return row
