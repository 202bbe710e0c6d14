"""The browser harness: gunicorn over a seeded SQLite file, headless Chromium, page helpers.

Used as a pytest plugin by tests/browser/ (through its conftest) and by `python -m bench pwa`. The
server is gunicorn on a free loopback port, over a migrated SQLite file; units and users are made
in this process (the units service; users stored as `flask users create` stores them), records
through the API. One server per worker serves the tests that leave it running: before each of them
its database is put back to the seeded template. A test that stops or kills the server
(`@pytest.mark.fresh_server`) or deploys a new version of the app (it asks for `pwa_copy`, a
private copy of pwa/ served through PWA_DIR) gets a server of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.live import app_on, free_port, prepare_database, store_user

REPO = Path(__file__).resolve().parents[1]
# The headless shell (Debian's chromium-headless-shell) runs the same engine without the
# desktop browser around it: about half the CPU of a browser test. SOTAY_CHROMIUM picks another.
CHROMIUM = os.environ.get("SOTAY_CHROMIUM") or next(
    (p for p in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(p)),
    "/usr/bin/chromium",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "mat-khau-trinh-duyet"  # test accounts only
# The PIN key's PBKDF2 count (pwa/js/store/crypto.js), ~0.1 s of the renderer's CPU per PIN set,
# unlock or change: ~110 of them in the browser tests. Test phones derive with TEST_KDF_ITERATIONS
# instead, through a wrapper the harness puts around WebCrypto (the app itself is unchanged and
# still stores the production count in the key box); a module marked `production_kdf` keeps the
# real cost, so the PIN is still proven at production strength end to end.
KDF_ITERATIONS = int(
    re.search(
        r"KDF_ITERATIONS = (\d+)", (REPO / "pwa/js/store/crypto.js").read_text("utf-8")
    ).group(1)
)
TEST_KDF_ITERATIONS = 1000
CHEAP_KDF_JS = """(() => {
  const derive = SubtleCrypto.prototype.deriveKey;
  SubtleCrypto.prototype.deriveKey = function (algorithm, ...rest) {
    if (algorithm && algorithm.name === "PBKDF2" && algorithm.iterations === PRODUCTION) {
      algorithm = { ...algorithm, iterations: TEST };
    }
    return derive.call(this, algorithm, ...rest);
  };
})();""".replace("PRODUCTION", str(KDF_ITERATIONS)).replace("TEST", str(TEST_KDF_ITERATIONS))
# A browser that refuses service workers (a private window, a locked-down profile): register()
# rejects, as the app expects there (Playwright's service_workers="block" resolves it to nothing).
ONLINE_ONLY_JS = """(() => {
  if (!navigator.serviceWorker) return;
  navigator.serviceWorker.register = () =>
    Promise.reject(new DOMException("service workers refused", "SecurityError"));
})();"""
PHONE = {"width": 360, "height": 740}
# How often the helpers below check their condition, in ms. Playwright's default polls on every
# animation frame, which keeps the renderer and the GPU process painting while a test waits.
POLL_MS = 50
SCREENS = REPO / "docs" / "screens"

# The browser servers keep gunicorn's sync workers; like gunicorn.conf.py they build the app once
# in the master and fork the workers from it.
GUNICORN_CONF = """
preload_app = True


def post_fork(server, worker):
    from server.forking import forget_inherited_connections

    forget_inherited_connections(worker.app.wsgi())
"""

WSGI = """
import os
from server import create_app
app = create_app({"PWA_DIR": os.environ["PWA_DIR"]})
"""

UNITS = [
    ("TW", "Ban Dân vận Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
    ("17001", "Xã Mường Xén", "XA", "40"),
]


USERS = [
    ("canbo", "17000", "CAN_BO_NHAP", "Lò Văn Minh", "Cán bộ Ban Dân vận xã"),
    ("lanhdao", "40", "LANH_DAO_DUYET", "Nguyễn Thị Hoa"),
]


class Server:
    """gunicorn serving the app over one SQLite file; can be stopped, killed and restarted."""

    def __init__(self, workdir: Path, pwa_dir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.pwa_dir = pwa_dir
        self.port = free_port()
        self.db_url = "sqlite:///" + str(workdir / "browser.sqlite3")
        self.proc: subprocess.Popen | None = None
        self.log = workdir / "gunicorn.log"
        (workdir / "browser_wsgi.py").write_text(WSGI)
        (workdir / "gunicorn_conf.py").write_text(GUNICORN_CONF)
        self.units: dict[str, int] = {}
        # True for the worker's shared server, whose database tests restore instead of rebuild.
        self.shared = False
        # The template the test's database started from (set by the `server` fixture).
        self.base: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.db_url,
            SECRET_KEY="browser-test-secret",
            FLASK_APP="wsgi",
            APP_ENV="development",
            PWA_DIR=str(self.pwa_dir),
            # Servers of parallel tests must not take each other's hashing slots.
            LOGIN_SLOT_DIR=str(self.workdir / "sign-in-slots"),
            EXPORT_KEY_PATH=str(self.workdir / "export-key.pem"),
            PYTHONPATH=os.pathsep.join([str(self.workdir), str(REPO)]),
        )
        return env

    def add_user(
        self, username: str, full_name: str, unit_code: str, *roles: str, position=None
    ) -> None:
        """Add an active user with PASSWORD, stored as `flask users create` stores one.

        In this process and with a cheap hash, as `prepare` seeds its users: a `flask` process
        cost about a second of CPU and hashing at production cost another half on each sign-in.
        The command itself is tested in tests/test_auth.py.
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session

        engine = create_engine(self.db_url, connect_args={"timeout": 30})
        try:
            with Session(engine) as session:
                store_user(
                    session,
                    username,
                    unit_code,
                    roles,
                    full_name=full_name,
                    position=position,
                    password=PASSWORD,
                    cheap_hash=True,
                )
                session.commit()
        finally:
            engine.dispose()

    def app_context(self):
        """Open an app context on this server's database, in this process (no `python -c`)."""
        return app_on(self.db_url, SECRET_KEY="browser-test-secret", PWA_DIR=str(self.pwa_dir))

    def prepare(self) -> None:
        """Migrate and seed the database: the units and two users, as `flask users create` would.

        Their passwords are hashed cheaply: no browser test times sign-in, and at production
        cost each sign-in took 0.4–0.8 s of a loaded machine.
        """
        self.units = prepare_database(
            self.db_url, UNITS, USERS, password=PASSWORD, cheap_hashes=True
        )

    def start(self) -> None:
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(self.workdir / "gunicorn_conf.py"),
            "--no-control-socket",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "browser_wsgi:app",
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                args,
                cwd=REPO,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL the master and its workers together, like a power cut."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def snapshot(self, target: Path) -> None:
        """Copy the database, as it is now, to a file `restore` can take."""
        with (
            contextlib.closing(sqlite3.connect(self.db_url.removeprefix("sqlite:///"))) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)

    def restore(self, template: Path) -> None:
        """Put every table back to the template's rows while the server runs."""
        conn = sqlite3.connect(self.db_url.removeprefix("sqlite:///"), timeout=30)
        conn.isolation_level = None  # transactions below are explicit
        try:
            conn.execute("PRAGMA foreign_keys=OFF")  # rows come back in any order
            conn.execute("ATTACH DATABASE ? AS template", (str(template),))
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM template.sqlite_master WHERE type = 'table'"
                    " AND (name NOT LIKE 'sqlite_%' OR name = 'sqlite_sequence')"
                )
            ]
            conn.execute("BEGIN IMMEDIATE")
            for table in tables:
                conn.execute(f'DELETE FROM main."{table}"')
                conn.execute(f'INSERT INTO main."{table}" SELECT * FROM template."{table}"')
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE template")
        finally:
            conn.close()

    # --- API helpers for assertions and fixtures ---------------------------------------------

    def api(self, method: str, path: str, token: str | None = None, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def login(self, username: str) -> str:
        status, body = self.api(
            "POST",
            "/api/v1/auth/login",
            body={"username": username, "password": PASSWORD, "device_name": "pytest"},
        )
        assert status == 201, body
        return body["token"]

    def list(self, table: str, token: str, **query) -> list[dict]:
        qs = "&".join(
            f"{k}={urllib.request.quote(str(v))}" for k, v in {"per_page": 500, **query}.items()
        )
        status, body = self.api("GET", f"/api/v1/{table}?{qs}", token)
        assert status == 200, body
        return body["items"]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def pwa_copy(tmp_path) -> Path:
    """A private copy of pwa/ that a test may change (deploy a new version)."""
    target = tmp_path / "pwa"
    shutil.copytree(REPO / "pwa", target)
    return target


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> tuple[Path, dict]:
    """Migrate and seed one database per session; each test starts from a copy of it."""
    srv = Server(tmp_path_factory.mktemp("template"), REPO / "pwa")
    srv.prepare()
    return Path(srv.db_url.removeprefix("sqlite:///")), srv.units


def _copy_database(source: Path, target: str) -> None:
    shutil.copy(source, target)
    for suffix in ("-wal", "-shm"):
        if Path(str(source) + suffix).exists():
            shutil.copy(str(source) + suffix, target + suffix)


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory, template_db):
    """Start one server per worker on pwa/ itself, for the tests that leave it running."""
    srv = Server(tmp_path_factory.mktemp("shared"), REPO / "pwa")
    source, units = template_db
    _copy_database(source, srv.db_url.removeprefix("sqlite:///"))
    srv.units = units
    srv.shared = True
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(request, tmp_path, template_db):
    """Return a running server whose database holds only the seeded units and users.

    A test that asks for `returning_phone` or `returning_template` (every `seeded_once` fixture
    does) gets the returning template instead: the same, plus the devices and tokens of the
    phones that signed in before (RETURNING_USERS).
    """
    source, units = template_db
    if {"returning_phone", "returning_template"} & set(request.fixturenames):
        source = request.getfixturevalue("returning_template")[0]
    if "pwa_copy" in request.fixturenames or request.node.get_closest_marker("fresh_server"):
        srv = Server(tmp_path / "server", request.getfixturevalue("pwa_copy"))
        _copy_database(source, srv.db_url.removeprefix("sqlite:///"))
        srv.units = units
        srv.base = source
        srv.start()
        yield srv
        srv.stop()
        return
    srv = request.getfixturevalue("shared_server")
    srv.restore(source)
    srv.base = source
    yield srv


_SEEDED: dict[tuple[str, str, Path | None], Path] = {}


def seeded_once(seed):
    """Declare a fixture that seeds the server once per worker and restores that state after.

    `seed(server)` makes records through the API (seconds: each goes through sync and review);
    on the shared server its result is kept as a copy of the database, and later tests (of any
    module using the fixture) get that copy back instead of seeding again. The fixture returns
    the server. It seeds over the returning template, so that tests with and without a
    returning phone share one copy.
    """

    @pytest.fixture
    def fixture(request, server, tmp_path_factory, returning_template):
        # Asking for returning_template is what makes `server` restore it before the seed.
        # Keyed by the seed itself: a module that imports another's fixture gets its copy too.
        key = (seed.__module__, seed.__qualname__, server.base)
        if server.shared and key in _SEEDED:
            server.restore(_SEEDED[key])
            return server
        seed(server)
        if server.shared:
            target = tmp_path_factory.mktemp("seeded") / "seeded.sqlite3"
            server.snapshot(target)
            _SEEDED[key] = target
        return server

    fixture.__doc__ = seed.__doc__
    return fixture


def _phone(browser, server, contexts: list, cheap_kdf: bool, online_only=False, **options):
    """Open a new context at 360 px on `server`, failing on any dialog; return its page."""
    context = browser.new_context(
        **{
            "viewport": PHONE,
            "device_scale_factor": 1,
            "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh",
            "base_url": server.url,
            "accept_downloads": True,
            **options,
        }
    )
    contexts.append(context)
    if cheap_kdf:
        context.add_init_script(CHEAP_KDF_JS)
    if online_only:
        context.add_init_script(ONLINE_ONLY_JS)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "dialog",
        lambda dialog: (page.errors.append("dialog: " + dialog.message), dialog.dismiss()),
    )
    return page


@pytest.fixture
def new_phone(request, browser, server):
    """Return a factory of phones: fresh browser contexts at 360 px, failing on any dialog.

    Their PIN keys are derived at TEST_KDF_ITERATIONS unless the test is marked `production_kdf`.
    A test that never goes offline and is not about the service worker opens its phones with
    `online_only=True`: the browser refuses the app's service worker (ONLINE_ONLY_JS), so the app
    runs online only, as in a private window, without installing it and caching every file
    (about a third of a phone's CPU).
    """
    contexts = []
    cheap_kdf = not request.node.get_closest_marker("production_kdf")

    def make(**options):
        return _phone(browser, server, contexts, cheap_kdf, **options)

    yield make
    for context in contexts:
        context.close()


# The officers whose phones sign in once per worker and are then reopened by `returning_phone`.
RETURNING_USERS = ("canbo", "lanhdao")
# True once every officer's database on the page has a sealed snapshot of its last generation
# (written a moment after the last write): a phone kept before that would unlock the slow way.
SNAPSHOT_WRITTEN_JS = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('sotay-u'));
  if (!names.length) return false;
  for (const name of names) {
    const ready = await new Promise((ok, fail) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => {
        const meta = r.result.transaction('meta').objectStore('meta');
        const g = meta.get('\\u0000generation');
        const s = meta.get('\\u0000snapshot');
        s.onsuccess = () => { ok(!!s.result && s.result.generation === g.result); r.result.close(); };
        s.onerror = fail;
      };
      r.onerror = fail;
    });
    if (!ready) return false;
  }
  return true;
}"""


@pytest.fixture(scope="session")
def returning_template(browser, shared_server, template_db, tmp_path_factory):
    """Sign each of RETURNING_USERS in once, for real, on the worker's shared server.

    Returns the database after those sign-ins (their devices and tokens: the template of the
    tests that ask for `returning_phone`) and each phone's storage (cookies, local storage and
    IndexedDB: the key box, the sealed database with its session and first sync), by user name.
    """
    shared_server.restore(template_db[0])
    contexts: list = []
    states = {}
    try:
        for username in RETURNING_USERS:
            page = _phone(browser, shared_server, contexts, cheap_kdf=True)
            sign_in(page, username)
            page.wait_for_function(SNAPSHOT_WRITTEN_JS, polling=200, timeout=15000)
            assert not page.errors, page.errors
            states[username] = page.context.storage_state(indexed_db=True)
    finally:
        for context in contexts:
            context.close()
    target = tmp_path_factory.mktemp("returning") / "returning.sqlite3"
    shared_server.snapshot(target)
    return target, states, shared_server.url


@pytest.fixture
def returning_phone(request, new_phone, server, returning_template):
    """Return a factory of phones that signed in before: `returning_phone("lanhdao")`.

    The phone opens locked, as a real officer's does days later; the officer types the PIN, the
    app syncs and, unless `online_only`, the service worker has cached the app (it installs on
    this first load: its caches are not kept with the storage). Every phone of a user is the
    same device: a test needing two devices of one officer signs the second in. Not for tests
    about signing in, the PIN, the first sync or shared phones: those use `sign_in`.
    """
    if request.node.get_closest_marker("production_kdf"):
        raise pytest.UsageError("returning phones keep cheap PIN keys: use sign_in here")
    _, states, origin = returning_template

    def make(username: str = "canbo", init_script: str | None = None, **options):
        state = states[username]
        if server.url != origin:
            state = json.loads(json.dumps(state).replace(origin, server.url))
        page = new_phone(storage_state=state, **options)
        if init_script:
            page.add_init_script(init_script)
        started = time.time() * 1000
        page.goto("/")
        unlock_again(page)
        wait_synced_since(page, started)
        if not options.get("online_only"):
            # The test may go offline next: the app must be cached by then, as after a first
            # sign-in days ago (the service worker's caches are not in the storage state).
            wait_sw_ready(page)
        return page

    return make


PIN = "2580"  # test accounts only


def sign_in(page, username: str = "canbo", pin: str = PIN) -> None:
    """Open the app and sign in (setting the PIN on a first sign-in); wait for the first sync."""
    page.goto("/")
    screen = page.wait_for_selector(".screen-signin")
    if screen.evaluate("e => e.classList.contains('screen-unlock')"):
        page.click("[data-action=other-user]")
        page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.signin button[type=submit]")
    page.wait_for_selector(".screen-home, .screen-set-pin")
    if page.locator(".screen-set-pin").count():
        set_pin(page, pin)
        page.wait_for_selector(".screen-home")
    wait_synced(page)


def unlock_again(page, pin: str = PIN) -> None:
    """A reload or a new tab opens locked: type the PIN of the officer shown first (the last)."""
    page.wait_for_selector(".screen-unlock .who[aria-checked=true]")
    page.fill("#pin", pin)
    page.click(".screen-unlock form button[type=submit]")
    page.wait_for_selector(".screen-unlock", state="detached")


def session_device_id(page) -> str:
    """The device id of the unlocked officer's session (read through the app: it is sealed)."""
    return page.evaluate(
        "() => import('/js/store/db.js').then((m) => m.getSession()).then((s) => s.device.id)"
    )


def set_pin(page, pin: str = PIN) -> None:
    """Type a new PIN twice on the set-PIN screen."""
    page.fill("#pin-new", pin)
    page.fill("#pin-again", pin)
    page.click(".screen-set-pin button[type=submit]")


def unlock(page, full_name: str, pin: str = PIN) -> None:
    """On the lock screen, choose the officer and type the PIN."""
    page.wait_for_selector(".screen-unlock")
    page.click(f".who:has-text('{full_name}')")
    page.fill("#pin", pin)
    page.click(".screen-unlock form button[type=submit]")


def wait_synced(page, timeout: float = 15000) -> None:
    """Wait until the app says everything is synced."""
    page.wait_for_function(
        "() => { const c = document.getElementById('sync-chip');"
        " return c && !c.hidden && c.dataset.tone === 'ok'; }",
        polling=POLL_MS,
        timeout=timeout,
    )


def wait_synced_since(page, since_ms: float, timeout: float = 15000) -> None:
    """Wait until the app has finished a sync that ended after `since_ms` (epoch ms)."""
    page.wait_for_function(
        "since => { const c = document.getElementById('sync-chip');"
        " return c && !c.hidden && c.dataset.tone === 'ok' && Number(c.dataset.lastSync) >= since; }",
        arg=since_ms,
        polling=POLL_MS,
        timeout=timeout,
    )


def sync_now(page, action=None, timeout: float = 15000) -> None:
    """Trigger a sync (by default a tap on the header chip) and wait until it has finished."""
    before = page.get_attribute("#sync-chip", "data-last-sync") or "0"
    (action or (lambda: page.click("#sync-chip")))()
    page.wait_for_function(
        "before => { const c = document.getElementById('sync-chip');"
        " return c.dataset.lastSync !== before && c.dataset.tone === 'ok'; }",
        arg=before,
        polling=POLL_MS,
        timeout=timeout,
    )


def wait_sw_ready(page) -> None:
    """Wait until a service worker controls the page and has cached every file of the app."""
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null", polling=POLL_MS, timeout=15000
    )
    # The first-load shell is precached at install; the rest right after (sw.js LATER).
    page.wait_for_function(
        "() => document.documentElement.dataset.offline === 'complete'",
        polling=POLL_MS,
        timeout=30000,
    )


def outbox_count(page) -> int:
    """Count outbox entries on disk over every user's database (seq stays clear when sealed)."""
    return page.evaluate(
        """async () => {
          const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('sotay-u'));
          let total = 0;
          for (const name of names) {
            total += await new Promise((ok, fail) => {
              const r = indexedDB.open(name);
              r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').count();
                q.onsuccess = () => { ok(q.result); r.result.close(); }; q.onerror = fail; };
              r.onerror = fail;
            });
          }
          return total;
        }"""
    )


def shot(page, name: str, full_page: bool | None = False) -> None:
    """Save a 360-px screenshot of the current screen into docs/screens/ when SCREENSHOTS=1
    (so an ordinary test run leaves the working tree clean)."""
    if not os.environ.get("SCREENSHOTS"):
        return
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector("#toast", state="hidden", timeout=6000)
    if full_page is False:  # None keeps the current scroll position
        page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=bool(full_page))


def field(page, name: str, scope: str = ".screen-form"):
    """The control of a form field by its wire name."""
    return page.locator(f'{scope} [data-field="{name}"]').locator("input, textarea, select").first


def fill_model(page, name: str, **values) -> str:
    """Create a model through the form; return its id (from the URL after saving)."""
    return _create_through_form(
        page,
        "models",
        {
            "name": name,
            "field": "VAN_HOA_XA_HOI",
            "collective_name": "Chi hội Phụ nữ bản Huồi Pủng",
            "locality": "Bản Huồi Pủng",
            "start_date": "2024-03-01",
            "objective": "Giữ gìn vệ sinh môi trường bản làng",
            "method": "Phân công hội viên phụ trách từng cụm dân cư",
            **values,
        },
    )


def fill_meeting(page, title: str, **values) -> str:
    """Create a meeting through the form; return its id."""
    return _create_through_form(
        page,
        "meetings",
        {
            "title": title,
            "type": "TOA_DAM",
            "start_at": "2024-08-12T08:00",
            "location": "Hội trường UBND xã",
            "content_summary": "Trao đổi kinh nghiệm xây dựng mô hình",
            **values,
        },
    )


def _create_through_form(page, table: str, data: dict) -> str:
    """Open the new-record form of a table, fill it in, save; return the new record's id."""
    page.evaluate(f"() => {{ location.hash = '#/{table}/new'; }}")
    page.wait_for_selector(".screen-form")
    for key, value in data.items():
        control = field(page, key)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    return save_form(page, table)


def save_form(page, table: str) -> str:
    page.click('.screen-form [data-action="save"]')
    page.wait_for_selector(".screen-detail")
    return page.evaluate("() => location.hash").split("/")[2]
