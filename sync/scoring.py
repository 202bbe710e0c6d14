"""An evaluation's total and rating from a criteria set's thresholds (DOMAIN.md §2.6).

The one declaration of the rule: the server computes every evaluation's `total` and `rating`
with it, `GET /api/v1/schema` publishes RATINGS and CENTS to the phone, whose copy
(`pwa/js/lib/scoring.js`) reads the same case file (`sync/fixtures/scoring_cases.json`) in its
tests. Points are counted in hundredths, as integers, so both sides add them exactly.
"""

from collections.abc import Mapping, Sequence

# Ratings from the highest; a set gives each but the last a minimum total (or none: unused).
RATINGS: tuple[str, ...] = ("XUAT_SAC", "TOT", "KHA", "DAT", "CHUA_DAT")
THRESHOLD_RATINGS: tuple[str, ...] = RATINGS[:-1]
LOWEST = RATINGS[-1]
# Points carry at most two decimals (half and quarter points are common on score sheets).
CENTS = 100


def cents(points: float) -> int | None:
    """Return points in hundredths, or None when they have more than two decimals."""
    scaled = round(points * CENTS)
    return scaled if abs(points * CENTS - scaled) < 1e-6 else None


def total(points: Sequence[float]) -> float:
    """Return the sum of the points, exact to the hundredth."""
    return sum(cents(p) or round(p * CENTS) for p in points) / CENTS


def rating(score: float, thresholds: Mapping[str, float | None]) -> str:
    """Return the highest rating whose minimum the total reaches, else the lowest."""
    reached = cents(score) or round(score * CENTS)
    for name in THRESHOLD_RATINGS:
        minimum = thresholds.get(name)
        if minimum is not None and reached >= round(minimum * CENTS):
            return name
    return LOWEST


def threshold_errors(thresholds: Mapping[str, float | None], max_score: float) -> dict[str, str]:
    """Return {rating: problem} for thresholds not strictly descending or above the max score.

    Problems: "missing_dat" (the pass mark DAT is required), "above_max", "not_descending",
    "negative", "precision" (more than two decimals).
    """
    errors: dict[str, str] = {}
    if thresholds.get("DAT") is None:
        errors["DAT"] = "missing_dat"
    previous: float | None = None
    for name in THRESHOLD_RATINGS:
        value = thresholds.get(name)
        if value is None:
            continue
        if cents(value) is None:
            errors[name] = "precision"
        elif value < 0:
            errors[name] = "negative"
        elif value > max_score:
            errors[name] = "above_max"
        elif previous is not None and value >= previous:
            errors[name] = "not_descending"
        previous = value
    return errors


def score_errors(
    criteria: Sequence[Mapping[str, object]], scores: Sequence[Mapping[str, object]]
) -> tuple[dict[int, str], list[str]]:
    """Check scores against criteria: every criterion scored once, within its points.

    Returns ({score index: problem}, [codes of criteria not scored]). Problems: "unknown"
    (no such criterion), "twice", "above_max", "negative", "precision".
    """
    maxima = {str(c["code"]): float(str(c["max_points"])) for c in criteria}
    seen: set[str] = set()
    problems: dict[int, str] = {}
    for index, score in enumerate(scores):
        code = str(score.get("code"))
        points = float(str(score.get("points")))
        if code not in maxima:
            problems[index] = "unknown"
        elif code in seen:
            problems[index] = "twice"
        elif points < 0:
            problems[index] = "negative"
        elif cents(points) is None:
            problems[index] = "precision"
        elif points > maxima[code]:
            problems[index] = "above_max"
        seen.add(code)
    missing = [code for code in maxima if code not in seen]
    return problems, missing
