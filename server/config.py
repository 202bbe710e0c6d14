"""Configuration read from the environment."""

import os
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """Raised when the environment cannot produce a safe configuration."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the configuration from the environment, then apply explicit overrides."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV") or os.environ.get("APP_ENV", "development")
    default_db = "sqlite:///" + str(Path(instance_path) / "sotay.sqlite3")
    config: dict[str, Any] = {
        "ENV": env,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        # A sync batch of 1,000 records compresses to well under 1 MB; 4 MB leaves room for
        # long texts while keeping a single request from exhausting a worker's memory.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024),
        # Limit on a gzip request body once inflated: guards against compression bombs.
        "MAX_INFLATED_LENGTH": _int("MAX_INFLATED_LENGTH", 16 * 1024 * 1024),
        # A sync body at least this long (or chunked) is applied while it streams in, on
        # PostgreSQL (PROTOCOL.md §4.8); below it the work after the last byte is too small.
        "SYNC_STREAM_MIN_BYTES": _int("SYNC_STREAM_MIN_BYTES", 16 * 1024),
        # Phones stay offline for weeks; a token must outlive that. Revocation is per device.
        "TOKEN_LIFETIME_DAYS": _int("TOKEN_LIFETIME_DAYS", 180),
        # After a rotation the old token works until the new one is first used, at most this
        # long: a phone whose answer was lost comes back within it (PROTOCOL.md §2).
        "TOKEN_ROTATION_GRACE_DAYS": _int("TOKEN_ROTATION_GRACE_DAYS", 30),
        # Failed sign-ins allowed per address and user name together in the window: someone
        # guessing from elsewhere never locks the real user out.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 10),
        "LOGIN_WINDOW_SECONDS": _int("LOGIN_WINDOW_SECONDS", 900),
        # Failed sign-ins allowed per address, whatever the names: a commune office behind one
        # address still has room for its officers' typos.
        "LOGIN_ADDRESS_MAX_FAILURES": _int("LOGIN_ADDRESS_MAX_FAILURES", 30),
        "LOGIN_ADDRESS_WINDOW_SECONDS": _int("LOGIN_ADDRESS_WINDOW_SECONDS", 900),
        # Password hashes computed at once on this host, across every worker: one Argon2 check
        # keeps a core busy for about half a second, so half the cores leave the rest free.
        "LOGIN_HASH_SLOTS": _int("LOGIN_HASH_SLOTS", max(1, (os.cpu_count() or 2) // 2)),
        # Where the slots' lock files live; every worker of the host must use the same one.
        # The key pair phones seal their exports for (made on first use); back it up with the
        # database: a sealed file, or a phone's PIN escrow, needs this exact key.
        "EXPORT_KEY_PATH": os.environ.get("EXPORT_KEY_PATH")
        or str(Path(instance_path) / "export-key.pem"),
        "LOGIN_SLOT_DIR": os.environ.get("LOGIN_SLOT_DIR")
        or str(Path(instance_path) / "sign-in-slots"),
        # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none). Behind
        # a proxy every sign-in would otherwise come from the proxy's own address.
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        # Photos and documents (PROTOCOL.md §12): a chunk is what a cut on 2G may cost again.
        "FILE_CHUNK_BYTES": _int("FILE_CHUNK_BYTES", 256 * 1024),
        # An upload with no chunk for this many days is abandoned: `flask files prune` removes
        # its chunks unless a record declaring the file was written within the same days.
        "FILE_UPLOAD_EXPIRY_DAYS": _int("FILE_UPLOAD_EXPIRY_DAYS", 7),
        # "fs" (files under FILE_DIR, by default the instance folder) or "s3" (S3_BUCKET at
        # S3_ENDPOINT_URL, credentials from the environment as boto3 reads them).
        "FILE_STORE": os.environ.get("FILE_STORE", "fs"),
        "FILE_DIR": os.environ.get("FILE_DIR") or str(Path(instance_path) / "files"),
        "S3_BUCKET": os.environ.get("S3_BUCKET"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL"),
        # An image over this many pixels is refused before it is decoded (decompression bombs);
        # a phone sends at most 1600 px on the long edge.
        "MAX_IMAGE_PIXELS": _int("MAX_IMAGE_PIXELS", 40_000_000),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides)
    if config["LOGIN_HASH_SLOTS"] < 1:
        raise ConfigError("LOGIN_HASH_SLOTS must be at least 1: no one could sign in.")
    if not config.get("SECRET_KEY"):
        if config["ENV"] == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set SECRET_KEY in the environment before starting "
                "in production (APP_ENV=production)."
            )
        # Outside production a per-process random key keeps development working without ever
        # shipping a fixed secret.
        config["SECRET_KEY"] = os.urandom(32).hex()
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql://"):
        # Use psycopg 3, the driver we pin, rather than SQLAlchemy's psycopg2 default.
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url[len("postgresql://") :]
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares a statement from its sixth run: an idle sync's one statement, the
        # token check, is then neither parsed nor planned again, which halves PostgreSQL's CPU
        # per idle sync (psycopg drops them all at a ROLLBACK, so the idle sync ends its read
        # with a COMMIT: SqlStore._record_status). After five runs PostgreSQL may keep one
        # generic plan for all values; the generic plans of the pull's scope read and record
        # queries walk the same indexes as plans for the values, because the scope's unit ids
        # and path prefix are written into the statements (SqlStore._unit_ids, store._under;
        # `python -m bench.plans` compares both plans of every sync statement on the national
        # database).
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"prepare_threshold": 5, **options.get("connect_args", {})}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
