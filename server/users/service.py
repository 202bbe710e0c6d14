"""Create and change user accounts, inside the administrator's subtree; every change audited."""

from sqlalchemy import Text, false, func, literal, select, type_coerce
from sqlalchemy.orm import Session, contains_eager

from server.actor import Actor
from server.audit import record_event
from server.auth import codes
from server.auth.limits import hit
from server.auth.passwords import hash_password, verify_password
from server.auth.service import issue_device, rotate
from server.errors import ApiError
from server.models import Device, Unit, User
from server.models.types import utcnow
from server.scope import ADMIN_ROLE, REVIEWER_ROLES, unit_filter
from server.search import word_prefix, words

# A user made without a password signs in only through an enrolment or reset code.
NO_PASSWORD = "!"  # noqa: S105 - no Argon2 hash: nothing verifies against it


def user_snapshot(user: User) -> dict:
    """Return the audited values of a user; never its password hash."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "phone": user.phone,
        "unit_id": user.unit_id,
        "roles": sorted(user.roles),
        "active": user.active,
    }


def visible_users(session: Session, viewer: User, args: dict) -> dict:
    """Return one page of the users in the viewer's subtree, filtered by unit, state and words."""
    query = select(User).join(User.unit).where(unit_filter(viewer, User.unit_id))
    if "unit_id" in args:
        query = query.where(User.unit_id == args["unit_id"])
    if "active" in args:
        query = query.where(User.active.is_(args["active"]))
    if args.get("q") and args["q"].strip():
        terms = words(args["q"])
        # A word matches the beginning of a word of the user's names or of its unit's name.
        names = type_coerce(func.coalesce(User.search_text, ""), Text)
        text = names + literal(" ") + Unit.search_text
        query = query.where(*(word_prefix(text, t) for t in terms) if terms else [false()])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page, per_page = args["page"], args["per_page"]
    items = session.scalars(
        query.options(contains_eager(User.unit))
        .order_by(Unit.path, User.username)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return {"items": list(items), "total": total, "page": page, "per_page": per_page}


def create_user(session: Session, *, actor: Actor, data: dict) -> User:
    """Create a user in a unit the caller has checked is in scope."""
    if session.scalar(select(User.id).where(User.username == data["username"])) is not None:
        raise ApiError("DUPLICATE", {"fields": {"username": ["already used"]}})
    password = data.pop("password", None)
    roles = sorted(set(data.pop("roles")))
    user = User(
        **data,
        roles=roles,
        password_hash=hash_password(password) if password else NO_PASSWORD,
        active=True,
    )
    session.add(user)
    session.flush()
    record_event(
        session, actor, table="users", record_id=user.id, action="create", after=user_snapshot(user)
    )
    session.commit()
    return user


def update_user(session: Session, user: User, *, actor: Actor, data: dict) -> User:
    """Change a user's details, unit, roles or whether it may sign in; its records stay."""
    if data.get("active") is False and user.id == actor.user_id:
        raise ApiError("CANNOT_DEACTIVATE_SELF")
    before = user_snapshot(user)
    was_national = user.is_admin and user.active
    if "roles" in data:
        data["roles"] = sorted(set(data["roles"]))
    for key, value in data.items():
        setattr(user, key, value)
    session.flush()
    session.refresh(user, ["unit"])
    if was_national and not (user.is_admin and user.active):
        _keep_a_national_admin(session)
    record_event(
        session,
        actor,
        table="users",
        record_id=user.id,
        action="update",
        before=before,
        after=user_snapshot(user),
    )
    session.commit()
    return user


def _keep_a_national_admin(session: Session) -> None:
    """Refuse a change that leaves no active administrator at the root of the tree."""
    at_root = session.scalars(
        select(User).join(User.unit).where(Unit.parent_id.is_(None), User.active.is_(True))
    )
    if not any(ADMIN_ROLE in u.roles for u in at_root):
        raise ApiError("LAST_NATIONAL_ADMIN")


def issue_code(session: Session, user: User, *, actor: Actor, purpose: str) -> codes.IssuedCode:
    """Make a one-time code for a user: an enrolment for a phone or a password reset."""
    # A reviewer enrols officers and viewers, never someone who could approve or administer.
    reviewer = not actor.user.has_role(ADMIN_ROLE)
    if purpose == codes.ENROL and reviewer and user.has_role(*REVIEWER_ROLES):
        raise ApiError("FORBIDDEN", {"required_roles": [ADMIN_ROLE]})
    issued = codes.issue(session, user, purpose, actor.user)
    record_event(
        session,
        actor,
        table="users",
        record_id=user.id,
        action=f"code_{purpose}",
        after={"expires_at": issued.expires_at.isoformat()},
    )
    session.commit()
    return issued


def count_code_attempt(session: Session, address: str | None, most: int, window: int) -> None:
    """Count a code typed from an address, kept even if the code is wrong; refuse past the limit.

    Codes carry 60 random bits and live minutes, but guesses still cost: they share the
    address budget of sign-in attempts.
    """
    count, left = hit(session, f"code:{address or 'unknown'}", utcnow(), window)
    session.commit()
    if count > most:
        raise ApiError("LOGIN_RATE_LIMITED", {"retry_after_seconds": left, "limit": "address"})


def enrol(
    session: Session,
    *,
    code: str,
    device_name: str,
    app_version: str | None,
    lifetime_days: int,
) -> tuple[Device, str]:
    """Redeem an enrolment code for a new device of its user; return it with its token."""
    row = codes.redeem(session, code, codes.ENROL)
    device, token = issue_device(
        session, row.user_id, device_name, app_version, lifetime_days=lifetime_days, now=utcnow()
    )
    row.device_id = device.id
    record_event(
        session,
        Actor.signed_in(row.user, device),
        table="users",
        record_id=row.user_id,
        action="enrol",
        after={"device_id": device.id, "device_name": device_name},
    )
    session.commit()
    return device, token


def reset_password(session: Session, *, code: str, new_password: str) -> User:
    """Set a new password with an administrator's reset code."""
    row = codes.redeem(session, code, codes.RESET)
    user = row.user
    user.password_hash = hash_password(new_password)
    record_event(
        session, Actor.signed_in(user), table="users", record_id=user.id, action="password_reset"
    )
    session.commit()
    return user


def change_password(session: Session, *, actor: Actor, current: str, new: str) -> None:
    """Change the signed-in user's own password after checking the current one, if it has one."""
    user = actor.user
    # A user made without a password and enrolled by a code sets a first one from its phone.
    if user.password_hash != NO_PASSWORD and not verify_password(user.password_hash, current):
        raise ApiError("PASSWORD_WRONG")
    user.password_hash = hash_password(new)
    record_event(session, actor, table="users", record_id=user.id, action="password_change")
    session.commit()


def rotate_token(session: Session, device: Device, *, lifetime_days: int) -> tuple[Device, str]:
    """Give a device a new token; the old one works until the new one is first used."""
    return rotate(session, device, lifetime_days=lifetime_days)
