"""A reset whose answer the phone never read is applied on the next sync (PROTOCOL.md §5.4)."""

import gzip
import json

import pytest

from tests.browser.conftest import fill_model, sign_in, sync_now

pytestmark = pytest.mark.browser


def move_officer(server) -> None:
    """Move the officer canbo to the next commune (17001)."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Unit, User

    with server.app_context():
        user = db.session.scalar(select(User).where(User.username == "canbo"))
        user.unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "17001"))
        db.session.commit()


def _body(request) -> dict:
    raw = request.post_data_buffer
    if request.headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def test_lost_reset_answer_is_repeated_and_the_scope_token_stored_5_4(new_phone, server):
    page = new_phone(online_only=True)
    sign_in(page)
    fill_model(page, "Mô hình của xã Nậm Cắn")
    sync_now(page)
    page.evaluate("() => { location.hash = '#/models'; }")
    page.wait_for_selector("[data-testid=record-list] a.record-row")
    move_officer(server)  # the officer now works in the next commune
    sent = []

    def first_answer_lost(route):
        sent.append(_body(route.request))
        if len(sent) > 1:
            route.continue_()
            return
        # The server resets the phone and commits; the answer never reaches the phone.
        assert route.fetch().json()["reset"] is True
        route.abort("connectionreset")

    page.route("**/api/v1/sync", first_answer_lost)
    page.click("#sync-chip")
    page.wait_for_function("() => document.getElementById('sync-chip').dataset.tone === 'error'")
    assert page.locator("[data-testid=record-list] a.record-row").count() == 1
    sync_now(page)

    # The retry is reset again: the old commune's record is gone.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=record-list] a.record-row').length === 0",
        timeout=5000,
    )
    # It carried the token stored before the move.
    assert sent[0]["scope"] and sent[1]["scope"] == sent[0]["scope"]
    assert sent[1]["cursor"] == sent[0]["cursor"]
    sync_now(page)
    assert sent[-1]["scope"] != sent[0]["scope"]
    assert page.errors == []
