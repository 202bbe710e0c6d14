"""Measure the PWA's budgets in headless Chromium and report them against the targets.

Runs bench/pwa_budgets.py (shell size on the wire, offline cold start, a 10,000-record list and
search with the CPU slowed 4×) and turns the numbers it records into a Markdown section.
"""

import json
import subprocess
import sys

from bench import report
from bench.report import REPO_ROOT, mark

RESULTS = REPO_ROOT / "test-results" / "pwa-budgets.json"
TIMEOUT_S = 600
SHELL_BUDGET = 60 * 1024


def run() -> dict:
    """Run the budget measurements and return what they recorded."""
    RESULTS.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "bench.browser",
            "bench/pwa_budgets.py",
            "--rootdir=.",
            "-c",
            "pyproject.toml",
        ],
        cwd=REPO_ROOT,
        timeout=TIMEOUT_S,
        check=False,
    )
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def markdown(data: dict, command: str) -> str:
    """Render the measurements against the issue's budgets."""
    searches = data.get("search_ms_cpu4x_10k", {})
    worst = max(searches.values()) if searches else None
    rows = [
        (
            "First-load shell, gzip bytes on the wire (sw.js SHELL)",
            data.get("shell_gzip_bytes"),
            f"≤ {SHELL_BUDGET:,}",
            lambda v: v <= SHELL_BUDGET,
        ),
        (
            "Cached right after the shell (sw.js LATER), gzip bytes",
            data.get("later_gzip_bytes"),
            "",
            None,
        ),
        (
            "First visit: response bodies, bytes",
            data.get("first_visit_body_bytes"),
            f"≤ {SHELL_BUDGET:,}",
            lambda v: v <= SHELL_BUDGET,
        ),
        ("First visit: response headers, bytes", data.get("first_visit_header_bytes"), "", None),
        (
            "First visit, then in the background: response bodies, bytes",
            data.get("background_body_bytes"),
            "",
            None,
        ),
        (
            "Offline cold start to the list, 10,000 records, ms",
            data.get("offline_cold_start_to_list_ms_10k_unthrottled"),
            "≤ 1,000",
            lambda v: v <= 1000,
        ),
        (
            "Offline cold start to the list, 10,000 records, CPU 4×, ms",
            data.get("offline_cold_start_to_list_ms_cpu4x_10k"),
            "",
            None,
        ),
        (
            "List render, 10,000 records, CPU 4×, ms",
            data.get("list_render_ms_cpu4x_10k"),
            "≤ 200",
            lambda v: v <= 200,
        ),
        ("Slowest search, 10,000 records, CPU 4×, ms", worst, "≤ 100", lambda v: v <= 100),
    ]
    body = ["| measurement | value | target | met |", "|---|---:|---|---|"]
    for name, value, target, check in rows:
        shown = "not measured" if value is None else f"{value:,}"
        ok = None if value is None or check is None else check(value)
        body.append(f"| {name} | {shown} | {target} | {mark(ok)} |")
    if searches:
        body.append("")
        body.append(
            "Searches (CPU 4×): " + ", ".join(f"“{q}” {ms} ms" for q, ms in searches.items())
        )
    info = {k: v for k, v in report.machine().items() if k != "Database"}
    info["Browser"] = "Debian Chromium, headless, via Playwright"
    return report.section("PWA budgets", command, info, body)
