#!/usr/bin/env bash
# Run the whole suite as CI does: lint, JavaScript unit tests, pytest on SQLite (with the
# browser tests), then pytest again on PostgreSQL. Installs what a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
PG_URL=postgresql+psycopg://app:app@127.0.0.1:5432/sotay_test
if ! bash scripts/postgres.sh sotay_test; then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL could not be started: in CI that is a failure" >&2; exit 1
  fi
  echo "PostgreSQL unavailable: running on SQLite only" >&2
  PG_URL=""
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
if command -v node >/dev/null 2>&1 && [ -d tests/js ]; then
  node --test tests/js/
fi
echo "== pytest on SQLite"
.venv/bin/python -m pytest -q -p no:cacheprovider
if [ -n "$PG_URL" ]; then
  echo "== pytest on PostgreSQL"
  TEST_DATABASE_URL=$PG_URL .venv/bin/python -m pytest -q -p no:cacheprovider -m "not browser"
fi
