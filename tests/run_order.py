"""How long each test module took in a recorded run, to hand the longest out first.

xdist (`--dist loadfile --no-loadscope-reorder`) gives a free worker the next file in collection
order. Longest first keeps one worker from starting a long file while the others run out of work
(the pass then ends when that file ends). `tests/durations.json` holds each module's seconds per
database pass; `SOTAY_RECORD_DURATIONS=1 bash scripts/test.sh all` (`make durations`) updates it.
A module it doesn't list yet is ranked by kind; a stale number only changes the order.
"""

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")
# Seconds assumed for a module missing from the file: browser files are long, pure ones short.
BROWSER_S = 10.0
DATABASE_S = 1.0
PURE_S = 0.1


def pass_name() -> str:
    """Return the key of this run's database pass in the durations file."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _recorded() -> dict[str, dict[str, float]]:
    try:
        data = json.loads(DURATIONS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class RunOrder:
    """Rank modules by their recorded seconds in this pass (longest first)."""

    def __init__(self) -> None:
        self.seconds = _recorded().get(pass_name(), {})

    def rank(self, item: pytest.Item, *, browser: bool, database: bool) -> float:
        """Return the sort key of a test: minus its module's seconds."""
        module = item.nodeid.split("::", 1)[0]
        default = BROWSER_S if browser else DATABASE_S if database else PURE_S
        return -float(self.seconds.get(module, default))


class DurationRecorder:
    """Add up each module's set-up, call and teardown seconds; write them at the end of the run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count a phase of a test (on the controller, reports of every worker arrive here)."""
        self.seconds[report.nodeid.split("::", 1)[0]] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the modules of this run into the durations file."""
        if exitstatus != 0 or not self.seconds:
            return  # an interrupted or failing run's numbers would mislead the next order
        data = _recorded()
        # A run of some modules updates theirs; modules whose file is gone are dropped.
        merged = {**data.get(pass_name(), {}), **self.seconds}
        root = Path(session.config.rootpath)
        data[pass_name()] = {
            module: round(seconds, 1)
            for module, seconds in sorted(merged.items())
            if (root / module).exists()
        }
        text = json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False)
        DURATIONS.write_text(text + "\n", encoding="utf-8")


def register(config: pytest.Config) -> None:
    """Record durations in this run when SOTAY_RECORD_DURATIONS is set (not in xdist workers)."""
    if os.environ.get("SOTAY_RECORD_DURATIONS") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(DurationRecorder(), "sotay-durations")
