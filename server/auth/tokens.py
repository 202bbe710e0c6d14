"""Bearer tokens: random, shown once, stored only as a hash."""

import hashlib
import secrets


def new_token() -> str:
    """Make a new random bearer token."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Hash a token for storage and lookup.

    A fast hash is right here: tokens carry 256 random bits, so there is nothing to brute-force.
    """
    return hashlib.sha256(token.encode()).hexdigest()
