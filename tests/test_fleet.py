"""A fleet of devices on two real servers behind a faulty balancer (PROTOCOL.md §4–§7).

Eight devices (officers of four communes, two provincial reviewers) work and sync at once
through a balancer without sticky sessions that drops answers, sends requests twice, cuts
uploads and kills workers and loses each reset answer once, while an administrator moves
records between communes, a commune between provinces and an officer between communes
(bench/fleet.py). Afterwards every device holds what a fresh pull gives (records and units),
every acknowledged value survives, nothing is doubled or out of scope, and history has one
event per applied mutation. A failure prints the seed and each broken record's trace.
"""

import os

import pytest
from sqlalchemy.engine import make_url

from bench.fleet import FleetConfig, run

pytestmark = pytest.mark.slow

SEED = 20261130
STEPS = 80  # about 40 s per database on a quiet 2-core machine
DEVICES = 8


def _config() -> FleetConfig:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return FleetConfig(seed=SEED, steps=STEPS, devices=DEVICES, db="sqlite")
    name = f"{make_url(url).database}_fleet"
    return FleetConfig(
        seed=SEED, steps=STEPS, devices=DEVICES, db="postgres", pg_url=url, pg_name=name
    )


def test_fleet_on_two_servers_converges_and_loses_or_doubles_nothing():
    outcome = run(_config())
    assert outcome.ok, outcome.report
