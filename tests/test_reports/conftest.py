"""Fixtures of the report tests: Nghệ An with the legacy Thái Hòa town, and record factories.

Records are made through the same services the API uses, and walked through the review
workflow by a writer and a reviewer, so every count below is one a user could have produced.
"""

import pytest

from server.actor import Actor
from server.extensions import db
from server.models import Unit
from server.records import service
from server.records.tables import INSPECTIONS, MEETINGS, MODELS, RECOGNITIONS
from tests.conftest import meeting_payload, model_payload
from tests.factories import inspection_payload, recognition_payload

LEGACY_END = "2025-06-30"


@pytest.fixture
def nghe_an(tree, create_unit):
    """Return the tree plus the legacy town Thái Hòa, two legacy communes and their successors."""
    from datetime import date

    province = tree["province"]
    ward = create_unit("Phường Thái Hòa", province, level="XA", code="16939")
    tay_hieu = create_unit("Phường Tây Hiếu", province, level="XA", code="16940")
    town = create_unit(
        "Thị xã Thái Hòa",
        province,
        level="HUYEN",
        code="H414",
        valid_to=date(2025, 6, 30),
    )
    town.valid_from = None
    old_tay_hieu = create_unit(
        "Xã Tây Hiếu", town, level="XA", code="X17005", valid_to=date(2025, 6, 30)
    )
    old_nghia_thuan = create_unit(
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
        **tree,
        "ward": ward,
        "tay_hieu": tay_hieu,
        "town": town,
        "old_tay_hieu": old_tay_hieu,
        "old_nghia_thuan": old_nghia_thuan,
    }


@pytest.fixture
def writer(tree, create_user):
    """Return an officer at the province who records for any unit of it."""
    return create_user("chuyenvien", tree["province"], ["CAN_BO_NHAP"], full_name="Lê Văn Ghi")


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


@pytest.fixture
def add_model(writer, reviewer):
    """Return a factory of models in a review status (approved by default)."""

    def make(owner, review: str = "DA_DUYET", **overrides):
        body = model_payload(owner, **overrides)
        record = service.create(db.session, MODELS, body, actor=Actor.signed_in(writer)).record
        db.session.flush()
        _walk(MODELS, record, review, writer, reviewer)
        db.session.commit()
        return record

    return make


@pytest.fixture
def add_meeting(writer, reviewer):
    """Return a factory of meetings in a review status (approved by default)."""

    def make(owner, review: str = "DA_DUYET", **overrides):
        body = meeting_payload(owner, **overrides)
        record = service.create(db.session, MEETINGS, body, actor=Actor.signed_in(writer)).record
        db.session.flush()
        _walk(MEETINGS, record, review, writer, reviewer)
        db.session.commit()
        return record

    return make


def in_2020(**overrides) -> dict:
    """Return the overrides of a model registered in 2020 (Thái Hòa's year in DOMAIN.md §3.1)."""
    return {
        "start_date": "2020-03-01",
        "year_registered": 2020,
        "period": "GD_2016_2020",
        **overrides,
    }


@pytest.fixture
def add_recognition(writer, reviewer):
    """Return a factory of recognitions of a model, in a review status (approved by default)."""

    def make(model, review: str = "DA_DUYET", **overrides):
        owner = db.session.get(Unit, model.owner_unit_id)
        body = recognition_payload(model.id, owner, **overrides)
        actor = Actor.signed_in(writer)
        record = service.create(db.session, RECOGNITIONS, body, actor=actor).record
        db.session.flush()
        _walk(RECOGNITIONS, record, review, writer, reviewer)
        db.session.commit()
        return record

    return make


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
