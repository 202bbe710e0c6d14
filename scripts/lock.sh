#!/usr/bin/env bash
# Compile requirements.in, requirements-dev.in and requirements-tools.in into the hashed lockfiles
# requirements.txt, requirements-dev.txt and requirements-tools.txt with pip-tools (run by
# `make lock` after editing a .in file). Pins already in a lockfile are kept while they still fit,
# so only what changed moves.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
TOOLS=$(mktemp -d)
trap 'rm -rf "$TOOLS"' EXIT
# Hashes come from PyPI alone: no machine-wide find-links, extra indexes or constraints.
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_INDEX_URL PIP_CONSTRAINT
"$PYTHON" -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check pip-tools==7.6.2
COMPILE=("$TOOLS/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras
  --no-emit-index-url --no-emit-find-links --resolver=backtracking)
"${COMPILE[@]}" --output-file requirements.txt requirements.in
"${COMPILE[@]}" --output-file requirements-dev.txt requirements-dev.in
"${COMPILE[@]}" --output-file requirements-tools.txt requirements-tools.in
