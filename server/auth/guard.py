"""The decorator that authenticates a request and the current user and device."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request

from server.actor import Actor
from server.auth import service
from server.errors import ApiError
from server.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def auth_required(*roles: str) -> Callable[[F], F]:
    """Require a valid bearer token, and one of the roles when any are given."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError("UNAUTHENTICATED")
            # Plain columns; g.device and g.user are loaded when first read (auth/identity.py).
            grace = timedelta(days=current_app.config["TOKEN_ROTATION_GRACE_DAYS"])
            identity = service.authenticate(db.session, token.strip(), rotation_grace=grace)
            g.identity = identity
            if roles and not identity.has_role(*roles):
                raise ApiError("FORBIDDEN", {"required_roles": list(roles)})
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def current_actor() -> Actor:
    """Return the actor of the signed-in request: its user and device, acting now."""
    return Actor.signed_in(g.user, g.device)
