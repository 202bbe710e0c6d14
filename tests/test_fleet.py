"""A fleet of devices on two real servers behind a faulty balancer (PROTOCOL.md §4–§7).

Eight devices (officers of four communes, two provincial reviewers) work and sync at once
through a balancer without sticky sessions that drops answers, sends requests twice, cuts
uploads and kills workers, while an administrator moves records between communes and a
commune between provinces (bench/fleet.py). Afterwards every device holds what a fresh pull
gives, every acknowledged value survives, nothing is doubled or out of scope, and history has
one event per applied mutation. A failure prints the seed and each broken record's trace.
"""

import os

import pytest
from sqlalchemy.engine import make_url

from bench.fleet import FleetConfig, run

pytestmark = pytest.mark.slow

SEED = 20261130
STEPS = 24
DEVICES = 8


def _config() -> FleetConfig:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return FleetConfig(seed=SEED, steps=STEPS, devices=DEVICES, db="sqlite")
    name = f"{make_url(url).database}_fleet"
    return FleetConfig(
        seed=SEED, steps=STEPS, devices=DEVICES, db="postgres", pg_url=url, pg_name=name
    )


@pytest.mark.xfail(
    strict=False,
    raises=AssertionError,  # a broken invariant; a crash of the harness still fails
    reason=(
        "open sync bugs of issue 9: a record moved out of a commune and back is pulled and"
        " removed in one response (§5.4, scope); a commune moved to another province leaves its"
        " records on the old reviewer's phone (diverged, scope); server-filled defaults and"
        " meeting times cut to the minute never reach the writer (diverged, lost); a stale delete"
        " destroys newer edits (lost); an upper-case id is stored lower-case and held twice"
        " (doubled); on PostgreSQL a request sent on two connections is applied twice or answered"
        " 500 (doubled, server_error), and two devices' pushes to one record both get the same"
        " version (lost)"
    ),
)
def test_fleet_on_two_servers_converges_and_loses_or_doubles_nothing():
    outcome = run(_config())
    assert outcome.ok, outcome.report
