#!/usr/bin/env bash
# Run the suite as CI does: ruff, mypy and tsc --checkJs, the JavaScript unit tests, pytest on SQLite (with the browser
# tests), then pytest again on PostgreSQL. Installs and starts what a fresh machine lacks.
#
#   bash scripts/test.sh [all|lint|js|sqlite|pg] [extra pytest arguments]
#
# SOTAY_TEST_DB names the PostgreSQL database (default sotay_test); give concurrent runs on one
# machine different names, since each run empties its database.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every worker, gunicorn and CLI process would otherwise compile the project (and pytest rewrite
# every test module) afresh: let them keep their bytecode (__pycache__ is ignored by git).
unset PYTHONDONTWRITEBYTECODE

STAGE=${1:-all}
[ $# -gt 0 ] && shift
case "$STAGE" in
  all | lint | js | sqlite | pg) ;;
  *) echo "usage: bash scripts/test.sh [all|lint|js|sqlite|pg] [pytest arguments]" >&2; exit 2 ;;
esac
PG_DB=${SOTAY_TEST_DB:-sotay_test}
# Commits in the tests need not wait for the WAL to reach the disk (nothing here survives a crash
# of PostgreSQL itself; a killed gunicorn still finds every commit): ~5 % of the commit-heavy live
# tests' time. Set per connection, so the cluster's own settings stay as they are.
PG_URL="postgresql+psycopg://app:app@127.0.0.1:5432/$PG_DB?options=-c+synchronous_commit%3Doff"
# No .pytest_cache in the work tree; pytest exits 5 when it collects nothing, which fails here.
# Tests run in parallel (PYTEST_WORKERS; default one per core, one more for the SQLite pass),
# each worker with its own databases; a file's tests stay on one worker so module-scoped live
# servers start once.
# Files go out in the order tests/conftest.py sorts them (the long ones first), not by test count.
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider -n "${PYTEST_WORKERS:-auto}" --dist loadfile
  --no-loadscope-reorder)

wants() { [ "$STAGE" = all ] || [ "$STAGE" = "$1" ]; }
in_ci() { [ "${CI:-}" = true ]; }
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=false
apt_install() {
  if ! $apt_updated; then
    apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

bash scripts/bootstrap.sh

# A fresh .venv holds no bytecode (uv installs none): the first pytest workers would each compile
# every module they import, at once (~10 s of CPU apiece). One collection in the background while
# the linters run compiles them once.
warm_pid=
if wants sqlite || wants pg; then
  .venv/bin/python -m pytest --collect-only -q -p no:cacheprovider >/dev/null 2>&1 &
  warm_pid=$!
fi

# The browser tests run in Chromium's headless shell (same engine, about half the CPU of the
# full browser); bench/browser.py falls back to /usr/bin/chromium where the shell is missing.
if wants sqlite && [ ! -x /usr/bin/chromium-headless-shell ] && is_root; then
  echo "== installing Chromium's headless shell for the browser tests"
  apt_install chromium-headless-shell
fi

pg_ready=false
if wants pg; then
  if bash scripts/postgres.sh "$PG_DB"; then
    pg_ready=true
  elif in_ci || [ "$STAGE" = pg ]; then
    echo "PostgreSQL could not be started: the PostgreSQL pass cannot run" >&2
    exit 1
  else
    echo "PostgreSQL unavailable: skipping the PostgreSQL pass (CI fails here)" >&2
  fi
fi

if (wants lint || wants js) && ! command -v node >/dev/null 2>&1 && is_root; then
  echo "== installing Node.js for tsc and the JavaScript tests"
  apt_install nodejs npm
fi

if wants lint; then
  echo "== ruff"
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  # Every checker runs, so one report shows all that fails.
  lint_ok=true
  echo "== mypy (strict on sync/)"
  .venv/bin/mypy || lint_ok=false
  if command -v npm >/dev/null 2>&1; then
    # TypeScript is a test-only devDependency (package.json): nothing of it is served.
    [ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error
    echo "== tsc --checkJs (pwa/js, pwa/sw.js)"
    node_modules/.bin/tsc -p tsconfig.json || lint_ok=false
    node_modules/.bin/tsc -p tsconfig.sw.json || lint_ok=false
  elif in_ci || [ "$STAGE" = lint ]; then
    echo "npm is missing: tsc cannot run" >&2
    lint_ok=false
  else
    echo "npm is missing: skipping tsc (CI fails here)" >&2
  fi
  $lint_ok
fi

if wants js && [ -d tests/js ]; then
  if command -v node >/dev/null 2>&1; then
    echo "== node --test"
    node --test tests/js/
  elif in_ci || [ "$STAGE" = js ]; then
    echo "Node.js is missing: the JavaScript tests cannot run" >&2
    exit 1
  else
    echo "Node.js is missing: skipping the JavaScript tests (CI fails here)" >&2
  fi
fi

if [ -n "$warm_pid" ]; then
  wait "$warm_pid" || true # a collection error shows in the pytest runs below
fi

if wants sqlite; then
  echo "== pytest on SQLite"
  # One worker more than cores: browser tests spend much of their time waiting on Chromium,
  # gunicorn and timers (5 min 31 s against 5 min 59 s with one per core, quiet 2-core machine).
  workers=${PYTEST_WORKERS:-$(($(nproc) + 1))}
  "${PYTEST[@]}" -n "$workers" "$@"
fi

if wants pg && $pg_ready; then
  echo "== pytest on PostgreSQL ($PG_DB)"
  # Tests that use no database ran in the SQLite pass (tests/conftest.py says which).
  TEST_DATABASE_URL=$PG_URL "${PYTEST[@]}" -m "not browser" --database-tests-only "$@"
fi

echo "== $STAGE passed in ${SECONDS}s"
