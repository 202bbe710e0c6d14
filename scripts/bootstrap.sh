#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the locked dependencies, each checked against its hash
# in requirements-dev.txt; safe to run again (what is installed at the locked version stays).
#
# uv (pinned with hashes in requirements-tools.txt) installs them: a fresh .venv takes seconds
# where pip takes ~40 s. pip installs them instead when uv cannot be had or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes)
if [ ! -x .venv/bin/uv ]; then
  "${PIP[@]}" -r requirements-tools.txt || true
fi
if [ -x .venv/bin/uv ] &&
  .venv/bin/uv pip install --quiet --python .venv/bin/python --require-hashes \
    -r requirements-dev.txt; then
  exit 0
fi
echo "uv could not install the dependencies: pip installs them" >&2
"${PIP[@]}" -r requirements-dev.txt
