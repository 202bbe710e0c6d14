"""The upgrade from the unencrypted store of the version before shared phones loses nothing."""

import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from bench.browser import REPO, Server
from tests.browser.conftest import fill_model, outbox_count, set_pin, sign_in, wait_synced

pytestmark = pytest.mark.browser


def previous_pwa(target: Path) -> Path:
    """Check out pwa/ as it was just before the encrypted store came in."""
    try:
        added = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H", "--", "pwa/js/store/vault.js"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()
        if not added:
            pytest.skip("no history of pwa/js/store/vault.js")
        archive = subprocess.run(
            ["git", "archive", f"{added[-1]}^", "pwa"],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"git history not available: {exc}")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "pwa"


def test_an_unsynced_edit_made_by_the_previous_version_survives_the_upgrade(
    browser, tmp_path, template_db
):
    """A profile written by the previous app, offline edit pending, opens sealed after the PIN."""
    source, units = template_db
    old_pwa = previous_pwa(tmp_path / "old")
    srv = Server(tmp_path / "server", old_pwa)
    shutil.copy(source, srv.db_url.removeprefix("sqlite:///"))
    srv.units = units
    srv.start()
    context = None
    try:
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="vi-VN",
            base_url=srv.url,
            service_workers="block",
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, "canbo")
        assert page.locator(".screen-set-pin").count() == 0, "the previous version has no PIN"
        context.set_offline(True)
        record_id = fill_model(page, "Sửa khi chưa có mạng")
        assert outbox_count(page) == 0, "the previous version keeps it in 'sotay', unsealed"
        legacy = page.evaluate("() => indexedDB.databases()")
        assert [d["name"] for d in legacy] == ["sotay"]
        srv.stop()
        srv.pwa_dir = REPO / "pwa"
        srv.start()
        context.set_offline(False)
        page.goto("/healthz")  # leave the old page: a hash change alone would keep it
        page.goto("/#/models")
        page.wait_for_selector(".screen-set-pin")
        set_pin(page)
        page.wait_for_selector(f'a[data-id="{record_id}"]')
        names = sorted(d["name"] for d in page.evaluate("() => indexedDB.databases()"))
        assert names[0] == "sotay-phone" and names[1].startswith("sotay-u") and len(names) == 2
        wait_synced(page)
        token = srv.login("canbo")
        assert [m["name"] for m in srv.list("models", token)] == ["Sửa khi chưa có mạng"]
        # Blocked service workers make registration answer nothing: that error is the harness's.
        assert [e for e in errors if "reading 'waiting'" not in e] == []
    finally:
        if context is not None:
            context.close()
        srv.stop()  # also when the browser failed to open a context
