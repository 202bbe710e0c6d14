"""Run one sync exchange against the database, retrying what PostgreSQL ends on its own."""

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from server.auth.identity import Identity
from server.sync_api.store import SqlStore
from sync.engine import Localise, as_sent, sync
from sync.messages import SyncRequest

# PostgreSQL ends one of two transactions that wait on each other's rows (deadlock, 40P01) or
# that cannot be serialised (40001); run again from the start, the exchange then succeeds.
RETRYABLE_STATES = frozenset({"40P01", "40001"})
# Each retry re-reads everything; a third collision in a row is better reported than looped on.
ATTEMPTS = 3


def exchange(
    session: Session, identity: Identity, request: SyncRequest, localise: Localise = as_sent
) -> dict:
    """Push and pull for a device in one transaction; return the response body.

    localise renders rejected mutations in the caller's language (the route passes it).
    """
    attempt = 1
    while True:
        store = SqlStore(
            session,
            identity,
            pending=request.pending or 0,
            app_version=request.app_version,
            scope=request.scope,
            # Without mutations the counter the token check read serves the pull: nothing
            # this request wrote lies above it. After a rollback it is still a committed value.
            counter=None if request.mutations else identity.counter,
        )
        try:
            return sync(store, request, localise)
        except DBAPIError as exc:
            session.rollback()
            if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_STATES or attempt >= ATTEMPTS:
                raise
            attempt += 1
