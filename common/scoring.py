"""Every aggregate score Loopwright shows, computed in one place: pure functions on plain numbers.

The candidate report, the API's attempt result and Greenhouse's ``partner_score`` all call these,
so one attempt never has two scores. Callers read the numbers (a model instance's fields or a
``values()`` row, whichever they have); nothing here knows Django or the database.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

CODING_SCORE_DECIMALS = 2


def coding_score(questions: Iterable[tuple[float, float]]) -> float | None:
    """An attempt's coding score, 0–100: (points, score 0..1) of each graded coding question, weighted by points.

    Questions not graded yet are left out by the caller; None while none is (or their points sum to
    nothing). Rounded to two decimals: the figure an ATS stores, the same everywhere.
    """
    scored = list(questions)
    total = sum(points for points, _ in scored)
    if total <= 0:
        return None
    return round(100 * sum(points * score for points, score in scored) / total, CODING_SCORE_DECIMALS)


def question_score(graded: float | None, override: float | None) -> float | None:
    """A coding question's score, 0..1: a reviewer's override where there is one, else the graded score.

    None while the question is not graded (or is being graded again): an override counts only beside
    a graded score, as the graded score alone would.
    """
    if graded is None:
        return None
    return graded if override is None else override


def criterion_weighted_mean(ratings: Iterable[tuple[float, float]]) -> float | None:
    """The mean rating (1–4) of (criterion weight, rating) pairs, weighted by criterion; None without any."""
    pairs = list(ratings)
    weight = sum(weight for weight, _ in pairs)
    return sum(weight * score for weight, score in pairs) / weight if weight else None


def rating_mean(scores: Iterable[float]) -> float | None:
    """The plain mean of ratings (one question's, across criteria and interviewers); None without any."""
    values = list(scores)
    return sum(values) / len(values) if values else None


def stage_weighted_overall(stages: Iterable[tuple[float, float | None]]) -> float | None:
    """The loop's overall rating from (stage weight, stage score) pairs; stages without a score or weight left out."""
    scored = [(weight, score) for weight, score in stages if score is not None and weight > 0]
    total = sum(weight for weight, _ in scored)
    return sum(weight * score for weight, score in scored) / total if total else None


def recommendation_counts(recommendations: Iterable[str], choices: Sequence[str]) -> dict[str, int]:
    """How many submitted scorecards recommend each choice, in the choices' order (zeros included)."""
    counts = Counter(recommendations)
    return {choice: counts[choice] for choice in choices}
