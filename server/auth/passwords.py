"""Password hashing with Argon2id."""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Return the hash verified against when the username is unknown, so both take as long."""
    # Made on first use, not at import: every CLI command and server process imports this
    # module, and one Argon2 hash costs ~0.15 s by design.
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password against its stored hash in constant-ish time."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
