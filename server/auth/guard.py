"""The decorator that authenticates a request and the current user and device."""

from functools import wraps

from flask import g, request

from server.actor import Actor
from server.auth import service
from server.errors import ApiError
from server.extensions import db


def auth_required(*roles: str):
    """Require a valid bearer token, and one of the roles when any are given."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError("UNAUTHENTICATED")
            device = service.authenticate(db.session, token.strip())
            g.device = device
            g.user = device.user
            if roles and not g.user.has_role(*roles):
                raise ApiError("FORBIDDEN", {"required_roles": list(roles)})
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_actor() -> Actor:
    """Return the actor of the signed-in request: its user and device, acting now."""
    return Actor.signed_in(g.user, g.device)
