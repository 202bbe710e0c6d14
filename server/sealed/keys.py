"""The server's key pair for sealed exports, kept in one PEM file in the instance directory.

The same private key also derives the per-user escrow keys that let an online sign-in recover
a phone's data key after a forgotten PIN: one secret to back up, not two.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where a key is made or loaded: most server processes never touch one.
    from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 3072
ESCROW_LABEL = b"sotay escrow v1"


@dataclass(frozen=True)
class ServerKey:
    """The loaded private key, its public half as base64 SPKI, and the id files name it by."""

    private: "rsa.RSAPrivateKey"
    spki: str
    key_id: str
    escrow_secret: bytes


_cache: dict[str, ServerKey] = {}


def _create(path: Path) -> None:
    """Write a new key file once: a concurrent worker that wins the race keeps its own."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temp, path)  # fails if another worker linked first: theirs is the key
    except FileExistsError:
        pass
    finally:
        temp.unlink()


def server_key(path: str) -> ServerKey:
    """Load the key pair at path, making it on first use."""
    cached = _cache.get(path)
    if cached is not None:
        return cached
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    file = Path(path)
    if not file.exists():
        _create(file)
    pem = file.read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    secret = hmac.new(pem, ESCROW_LABEL, hashlib.sha256).digest()
    loaded = ServerKey(
        private=private,
        spki=base64.b64encode(der).decode(),
        key_id=hashlib.sha256(der).hexdigest()[:32],
        escrow_secret=secret,
    )
    _cache[path] = loaded
    return loaded


def escrow_key(key: ServerKey, user_id: int, salt: str) -> str:
    """Return the user's escrow key for a phone's salt (base64, 32 bytes), the same every time."""
    digest = hmac.new(key.escrow_secret, f"{user_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
