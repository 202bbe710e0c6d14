"""The phone rotates its token after a good sync and keeps syncing, even when the rotation's
answer is lost on the way (PROTOCOL.md §2)."""

import pytest

from tests.browser.conftest import fill_model, outbox_count, sign_in, sync_now

pytestmark = pytest.mark.browser

ROTATE = "**/api/v1/auth/rotate"
SESSION_TOKEN = (
    "() => import('/js/store/db.js').then((m) => m.getSession()).then((s) => s && s.token)"
)


def token(page) -> str:
    """Return the token the phone holds (read through the app: the session is sealed)."""
    return page.evaluate(SESSION_TOKEN)


def works(page, server, value: str) -> bool:
    """Tell whether the server accepts a token."""
    answer = page.request.get(
        f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {value}"}
    )
    return answer.status == 200


def is_rotation(request) -> bool:
    """Tell whether a request is a token rotation."""
    return request.url.endswith("/api/v1/auth/rotate")


def rotated_after(page, action, outcome: str = "requestfinished") -> None:
    """Run an action that syncs and wait for the rotation that follows the good sync."""
    with page.expect_event(outcome, predicate=is_rotation, timeout=15000):
        action()


def test_s2_phone_rotates_and_survives_a_lost_answer(new_phone, server):
    page = new_phone()
    # Every good sync finds the token due: the threshold knob the app reads, for tests only.
    page.add_init_script("globalThis.SOTAY_ROTATE_AFTER_MS = 0")
    rotated_after(page, lambda: sign_in(page))
    page.wait_for_timeout(200)  # the answer is stored after the request finishes
    first = token(page)
    assert works(page, server, first)

    # The server rotates but the answer never reaches the phone.
    def lose_answer(route):
        route.fetch()
        route.abort("connectionreset")

    page.route(ROTATE, lose_answer)
    rotated_after(page, lambda: sync_now(page), "requestfailed")
    assert token(page) == first
    assert works(page, server, first)
    fill_model(page, "Mô hình sau câu trả lời bị mất")
    rotated_after(page, lambda: sync_now(page), "requestfailed")
    assert outbox_count(page) == 0
    assert token(page) == first
    page.unroute(ROTATE)

    # The next good sync retries with the old token and stores the fresh answer.
    rotated_after(page, lambda: sync_now(page))
    page.wait_for_function(f"old => ({SESSION_TOKEN})().then((t) => t && t !== old)", arg=first)
    second = token(page)
    page.route(ROTATE, lambda route: route.abort())  # hold this token for the checks below
    fill_model(page, "Mô hình sau khi đổi mã")
    rotated_after(page, lambda: sync_now(page), "requestfailed")
    assert outbox_count(page) == 0
    assert token(page) == second
    assert works(page, server, second)
    assert not works(page, server, first)
    assert page.errors == []
