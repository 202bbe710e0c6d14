"""Fixtures of the report tests: Nghệ An with the legacy Thái Hòa town, and record factories.

Records are made through the same services the API uses, and walked through the review
workflow by a writer and a reviewer, so every count below is one a user could have produced.
"""

import functools

import pytest
from sqlalchemy import select

from server.actor import Actor
from server.extensions import db
from server.models import Unit, User
from server.records import service
from server.records.tables import INSPECTIONS, MEETINGS, MODELS, RECOGNITIONS
from tests.conftest import meeting_payload, model_payload, shared_layer
from tests.factories import (
    inspection_payload,
    make_device_headers,
    make_tree,
    make_unit,
    make_user,
    recognition_payload,
)

LEGACY_END = "2025-06-30"


def make_nghe_an(province: Unit) -> dict[str, Unit]:
    """Create the legacy town Thái Hòa in the province, two legacy communes and their successors."""
    from datetime import date

    ward = make_unit("Phường Thái Hòa", province, level="XA", code="16939")
    tay_hieu = make_unit("Phường Tây Hiếu", province, level="XA", code="16940")
    town = make_unit(
        "Thị xã Thái Hòa",
        province,
        level="HUYEN",
        code="H414",
        valid_to=date(2025, 6, 30),
    )
    town.valid_from = None
    old_tay_hieu = make_unit(
        "Xã Tây Hiếu", town, level="XA", code="X17005", valid_to=date(2025, 6, 30)
    )
    old_nghia_thuan = make_unit(
        "Xã Nghĩa Thuận", town, level="XA", code="X17006", valid_to=date(2025, 6, 30)
    )
    for unit in (town, old_tay_hieu, old_nghia_thuan):
        unit.valid_from = None
    # The town was split between two wards; each old commune went to one of them.
    town.successors = [ward, tay_hieu]
    old_tay_hieu.successors = [tay_hieu]
    old_nghia_thuan.successors = [ward]
    db.session.commit()
    return {
        "ward": ward,
        "tay_hieu": tay_hieu,
        "town": town,
        "old_tay_hieu": old_tay_hieu,
        "old_nghia_thuan": old_nghia_thuan,
    }


@pytest.fixture
def nghe_an(tree, create_unit):
    """Return the tree plus the legacy town Thái Hòa, two legacy communes and their successors."""
    return {**tree, **make_nghe_an(tree["province"])}


def make_writer(tree: dict[str, Unit]) -> User:
    """Create the officer at the province who records for any unit of it."""
    return make_user("chuyenvien", tree["province"], ["CAN_BO_NHAP"], full_name="Lê Văn Ghi")


def make_reviewer(tree: dict[str, Unit]) -> User:
    """Create the reviewer at the province (as `reviewer` in tests/conftest.py)."""
    return make_user("lanhdao", tree["province"], ["LANH_DAO_DUYET"], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def writer(tree, create_user):
    """Return an officer at the province who records for any unit of it."""
    return make_writer(tree)


def _walk(table, record, status: str, writer, reviewer) -> None:
    """Take a record from draft to a review status through the workflow."""

    def step(action: str, actor, comment: str | None = None) -> None:
        service.review(
            db.session,
            table,
            record,
            action=action,
            based_on=record.version,
            comment=comment,
            actor=Actor.signed_in(actor),
        )

    if status == "HUY":
        step("cancel", writer)
    if status in ("CHO_DUYET", "DA_DUYET", "TRA_LAI"):
        step("submit", writer)
    if status == "DA_DUYET":
        step("approve", reviewer)
    if status == "TRA_LAI":
        step("return", reviewer, "Bổ sung kết quả")


def make_model(writer, reviewer, owner, review: str = "DA_DUYET", **overrides):
    """Record a model as the writer and take it to a review status (approved by default)."""
    body = model_payload(owner, **overrides)
    record = service.create(db.session, MODELS, body, actor=Actor.signed_in(writer)).record
    db.session.flush()
    _walk(MODELS, record, review, writer, reviewer)
    db.session.commit()
    return record


@pytest.fixture
def add_model(writer, reviewer):
    """Return a factory of models in a review status (approved by default)."""
    return functools.partial(make_model, writer, reviewer)


def make_meeting(writer, reviewer, owner, review: str = "DA_DUYET", **overrides):
    """Record a meeting as the writer and take it to a review status (approved by default)."""
    body = meeting_payload(owner, **overrides)
    record = service.create(db.session, MEETINGS, body, actor=Actor.signed_in(writer)).record
    db.session.flush()
    _walk(MEETINGS, record, review, writer, reviewer)
    db.session.commit()
    return record


@pytest.fixture
def add_meeting(writer, reviewer):
    """Return a factory of meetings in a review status (approved by default)."""
    return functools.partial(make_meeting, writer, reviewer)


def in_2020(**overrides) -> dict:
    """Return the overrides of a model registered in 2020 (Thái Hòa's year in DOMAIN.md §3.1)."""
    return {
        "start_date": "2020-03-01",
        "year_registered": 2020,
        "period": "GD_2016_2020",
        **overrides,
    }


def make_recognition(writer, reviewer, model, review: str = "DA_DUYET", **overrides):
    """Record a recognition of a model and take it to a review status (approved by default)."""
    owner = db.session.get(Unit, model.owner_unit_id)
    body = recognition_payload(model.id, owner, **overrides)
    actor = Actor.signed_in(writer)
    record = service.create(db.session, RECOGNITIONS, body, actor=actor).record
    db.session.flush()
    _walk(RECOGNITIONS, record, review, writer, reviewer)
    db.session.commit()
    return record


@pytest.fixture
def add_recognition(writer, reviewer):
    """Return a factory of recognitions of a model, in a review status (approved by default)."""
    return functools.partial(make_recognition, writer, reviewer)


@pytest.fixture
def add_inspection(writer, reviewer):
    """Return a factory of inspections, in a review status (approved by default)."""

    def make(conducting, targets, review: str = "DA_DUYET", **overrides):
        body = inspection_payload(conducting, targets, **overrides)
        actor = Actor.signed_in(writer)
        record = service.create(db.session, INSPECTIONS, body, actor=actor).record
        db.session.flush()
        _walk(INSPECTIONS, record, review, writer, reviewer)
        db.session.commit()
        return record

    return make


# --- Shared layers (tests/conftest.py `shared_layer`), used through tests/test_reports/shared.py --


def unit_of(code: str) -> Unit:
    """Return the unit with a code (every unit of the shared world has one)."""
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


def units(ids: dict[str, int]) -> dict[str, Unit]:
    """Return the units of a name → id map, in the test's session."""
    found = {
        unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(ids.values())))
    }
    return {place: found[unit_id] for place, unit_id in ids.items()}


def writer_and_reviewer() -> tuple[User, User]:
    """Return the shared writer and reviewer, in the current session."""
    found = {u.username: u for u in db.session.scalars(select(User))}
    return found["chuyenvien"], found["lanhdao"]


def _reports_base() -> dict:
    """Make the small unit tree, the province's writer and reviewer, and the reviewer's device."""
    tree = make_tree()
    writer = make_writer(tree)
    reviewer = make_reviewer(tree)
    return {
        "units": {place: unit.id for place, unit in tree.items()},
        "writer": writer.id,
        "reviewer": reviewer.id,
        "headers": make_device_headers(reviewer),
    }


base_layer = shared_layer(_reports_base)


def _reports_nghe_an() -> dict[str, int]:
    """Add Nghệ An's legacy town Thái Hòa, its two old communes and their successors."""
    return {place: unit.id for place, unit in make_nghe_an(unit_of("40")).items()}


nghe_an_layer = shared_layer(_reports_nghe_an, below=base_layer)
