"""Read records: filtered, searched, scoped lists."""

from datetime import datetime, time

from sqlalchemy import Select, select

from server.models import ModelRecord, Unit, User
from server.records.tables import RecordTable
from server.scope import unit_filter
from server.search import search

# Query argument -> column name, for the filters that are plain equality.
EQUALITY_FILTERS = (
    "review_status",
    "field",
    "kind",
    "subject_type",
    "status",
    "period",
    "type",
    "format",
    "stage",
    "level",
    "subject_model_id",
    "result",
    "model_id",
    "set_id",
    "rating",
)


def list_query(table: RecordTable, user: User, args: dict, within: Unit | None) -> Select:
    """Build the scoped, filtered query behind a record list."""
    model = table.model
    query = select(model).where(unit_filter(user, model.owner_unit_id))
    if not args.get("include_deleted"):
        query = query.where(model.deleted.is_(False))
    if within is not None:
        subtree = select(Unit.id).where(Unit.path.startswith(within.path, autoescape=True))
        query = query.where(model.owner_unit_id.in_(subtree))
    for name in EQUALITY_FILTERS:
        if name in args and hasattr(model, name):
            query = query.where(getattr(model, name) == args[name])
    if "year" in args and issubclass(model, ModelRecord):  # only models have a year
        query = query.where(model.year_registered == args["year"])
    date_column = getattr(model, table.date_field)
    if "date_from" in args:
        start = args["date_from"]
        query = query.where(
            date_column
            >= (datetime.combine(start, time.min) if table.date_field.endswith("_at") else start)
        )
    if "date_to" in args:
        end = args["date_to"]
        query = query.where(
            date_column
            <= (datetime.combine(end, time.max) if table.date_field.endswith("_at") else end)
        )
    query = search(query, model.search_text, args.get("q"))
    return query.order_by(model.updated_at.desc(), model.id)
