"""Browser fixtures and helpers; the harness is bench/browser.py, shared with `python -m bench pwa`."""

from bench.browser import *  # noqa: F403 - the fixtures and the helpers the tests import
