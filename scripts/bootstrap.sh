#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the locked dependencies, each checked against its hash
# in requirements-dev.txt; safe to run again (what is installed at the locked version stays).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
  -r requirements-dev.txt
