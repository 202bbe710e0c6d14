.PHONY: help run test lint test-sqlite test-pg
help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*## /\t/'
run:  ## install, import units, load demo data, serve on http://127.0.0.1:5000
	bash scripts/run.sh
test:  ## the whole suite: lint, JS, SQLite and PostgreSQL
	bash scripts/test.sh
lint:  ## ruff check and format check
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
test-sqlite:  ## pytest on SQLite only
	.venv/bin/python -m pytest -q
test-pg:  ## pytest on PostgreSQL only (starts it)
	bash scripts/postgres.sh sotay_test && TEST_DATABASE_URL=postgresql+psycopg://app:app@127.0.0.1:5432/sotay_test .venv/bin/python -m pytest -q -m "not browser"
