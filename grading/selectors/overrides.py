"""Reviewers' score overrides as the attempt result reads them (the report prefetches the same rows)."""

from collections import defaultdict
from collections.abc import Iterable

from grading.models import ScoreOverride


def score_overrides_by_question(*, attempt_question_ids: Iterable[int]) -> dict[int, list[ScoreOverride]]:
    """Every override of these questions, newest first, by attempt question id. One query."""
    found: defaultdict[int, list[ScoreOverride]] = defaultdict(list)
    rows = ScoreOverride.objects.filter(attempt_question_id__in=list(attempt_question_ids)).order_by(
        "-created_at", "-pk"
    )
    for override in rows:
        found[override.attempt_question_id].append(override)
    return dict(found)


def score_override_current(overrides: list[ScoreOverride]) -> ScoreOverride | None:
    """The override in force: the newest, unless it withdrew the one before."""
    newest = overrides[0] if overrides else None
    return newest if newest is not None and newest.score is not None else None
