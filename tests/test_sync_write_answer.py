"""A JSON API write answers with the version it wrote, whatever commits right after it.

The fleet saw an administrator's move answered "version 3" when it had written version 2 and a
phone's delete (PROTOCOL.md §4.4), committed between the move's commit and its answer, made
version 3: the answer showed another writer's version as the move's own. Here the other write
is made, in another thread and session, exactly in that gap, through the Flask test client.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.extensions import db
from server.models import ModelRecord
from tests.conftest import model_payload


@contextmanager
def between_commit_and_answer(action: Callable[[], None]) -> Iterator[list]:
    """Run action in another thread once, right after the first commit that writes a record."""
    done: list = []

    def note_write(session, _context, _instances) -> None:
        if any(isinstance(o, ModelRecord) for o in (*session.new, *session.dirty)):
            session.info["wrote_record"] = True

    def after_commit(session) -> None:
        if done or not session.info.pop("wrote_record", False):
            return
        done.append(True)
        worker = threading.Thread(target=action)
        worker.start()
        worker.join(30)

    event.listen(Session, "before_flush", note_write)
    event.listen(Session, "after_commit", after_commit)
    try:
        yield done
    finally:
        event.remove(Session, "after_commit", after_commit)
        event.remove(Session, "before_flush", note_write)


def test_patch_answers_its_own_version_not_a_delete_committed_after_it(
    app, client, tree, officer, admin, auth_headers
):
    """§4.4: a delete committed after a PATCH, before its answer, is not shown as the PATCH's."""
    admin_headers, officer_headers = auth_headers(admin), auth_headers(officer)
    body = model_payload(tree["commune"])
    created = client.post("/api/v1/models", json=body, headers=officer_headers)
    assert created.status_code == 201, created.get_json()
    outcomes: list = []

    def delete_seen_version() -> None:
        # Another session: a request in a new thread has its own application context.
        other = app.test_client()
        outcomes.append(
            other.delete(
                f"/api/v1/models/{body['id']}", json={"version": 2}, headers=officer_headers
            ).status_code
        )

    with between_commit_and_answer(delete_seen_version) as done:
        answer = client.patch(
            f"/api/v1/models/{body['id']}",
            json={"version": 1, "results": "Thu nhập tăng 30%"},
            headers=admin_headers,
        )
    assert done and outcomes == [204]
    assert answer.status_code == 200, answer.get_json()
    got = answer.get_json()
    assert (got["version"], got["results"], got.get("deleted", False)) == (
        2,
        "Thu nhập tăng 30%",
        False,
    )
    db.session.expire_all()
    row = db.session.get(ModelRecord, body["id"])
    assert (row.version, row.deleted) == (3, True)
