"""Extension objects, bound to an app in create_app."""

from typing import TYPE_CHECKING

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

# Deterministic constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for all models."""

    metadata = MetaData(naming_convention=NAMING)


class Database(SQLAlchemy):
    """Flask-SQLAlchemy whose scoped session is typed as the Session it stands for."""

    # Services take a Session and routes pass db.session: the scoped session proxies every
    # Session method to the request's session, so it is declared as one.
    session: Session  # type: ignore[assignment]


db = Database(model_class=Base)

# Models derive from db.Model at run time (Flask-SQLAlchemy adds its hooks to it); the type
# checker sees the typed declarative base it is built on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
