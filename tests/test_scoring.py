"""An evaluation's total and rating: the shared cases the PWA's copy also reads."""

import json
from pathlib import Path

import pytest

from sync import scoring

CASES = json.loads(
    (Path(__file__).parent.parent / "sync" / "fixtures" / "scoring_cases.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES["totals"], ids=str)
def test_total_is_exact_to_the_hundredth(case):
    """0.1 + 0.2 is 0.3: points are added in hundredths."""
    assert scoring.total(case["points"]) == case["total"]


@pytest.mark.parametrize("case", CASES["ratings"], ids=str)
def test_rating_is_the_highest_threshold_reached(case):
    """A rating without a threshold is skipped; below DAT is CHUA_DAT."""
    assert scoring.rating(case["total"], case["thresholds"]) == case["rating"]


@pytest.mark.parametrize("case", CASES["thresholds"], ids=str)
def test_thresholds_descend_within_the_max_score(case):
    """Thresholds strictly descend from XUAT_SAC to DAT and stay within the max score."""
    assert scoring.threshold_errors(case["thresholds"], case["max_score"]) == case["errors"]


@pytest.mark.parametrize("case", CASES["scores"], ids=str)
def test_every_criterion_is_scored_once_within_its_points(case):
    """Scores above the points, negative, twice, unknown or missing are reported."""
    problems, missing = scoring.score_errors(case["criteria"], case["scores"])
    assert {str(k): v for k, v in problems.items()} == case["problems"]
    assert missing == case["missing"]
