#!/usr/bin/env bash
# Install, prepare the SQLite database with official units and demo data, serve on :5000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export FLASK_APP=wsgi
.venv/bin/flask db upgrade
.venv/bin/flask units import
.venv/bin/flask demo
echo "Sổ tay Dân vận: http://${BIND:-127.0.0.1:5000}"
exec .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app
