.PHONY: help run test lint test-js test-sqlite test-pg durations schema lock
# Extra pytest arguments for the test targets, e.g. make test-sqlite ARGS="-k search".
ARGS ?=

help:  ## list the targets (the default)
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*## /\t/'
run:  ## install, migrate, import units, load demo data, serve on http://127.0.0.1:5000
	bash scripts/run.sh
test:  ## what CI runs: ruff, mypy, tsc, JavaScript tests, pytest on SQLite then on PostgreSQL
	bash scripts/test.sh all $(ARGS)
lint:  ## ruff check, ruff format --check, mypy (strict on sync/), tsc --checkJs over pwa/js
	bash scripts/test.sh lint
test-js:  ## the JavaScript unit tests (node --test)
	bash scripts/test.sh js
test-sqlite:  ## pytest on SQLite, browser tests included
	bash scripts/test.sh sqlite $(ARGS)
test-pg:  ## pytest on PostgreSQL (installs and starts it if needed)
	bash scripts/test.sh pg $(ARGS)
durations:  ## run the suite and record each module's seconds (tests/durations.json: longest first)
	SOTAY_RECORD_DURATIONS=1 bash scripts/test.sh all $(ARGS)
schema:  ## regenerate pwa/js/lib/record-schema.js from the server's record schemas and rules
	.venv/bin/python -m server.records.export_schema
lock:  ## recompile the hashed requirements*.txt from requirements*.in (needs PyPI)
	bash scripts/lock.sh
