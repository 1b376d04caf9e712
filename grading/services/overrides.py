"""A reviewer's score for a coding question (an override), with why; the graded score is kept beside it.

The score that counts (``common.scoring.question_score``) is the newest override's where there is one,
else the graded score: the report, the API's result and Greenhouse all read it that way.
"""

from typing import Any

from django.db import transaction

from assessments.models import (
    Attempt,
    AttemptQuestion,
    CodeSubmission,
    QuestionKind,
    SubmissionPurpose,
    SubmissionStatus,
)
from assessments.services.events import AttemptChange, attempt_event_record
from common.actors import actor_label, actor_user
from common.exceptions import ApplicationError, ConflictError, NotFoundError
from grading.models import GradingResult, ScoreOverride


@transaction.atomic
def score_override_record(
    *, attempt: Attempt, question_id: int, score: float | None, reason: str, by: Any
) -> ScoreOverride:
    """Set (``score`` 0..1) or withdraw (``score`` None) the override of one coding question of the attempt.

    Only once its final submission is graded (409 ``not_graded``): the graded score is what it is set
    beside. Webhooks get ``attempt.updated`` (``change: score_overridden``).
    """
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)  # one override of an attempt at a time
    question = _coding_question(attempt, question_id)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the score is overridden.", code="reason_required")
    if score is not None and not 0 <= score <= 1:
        raise ApplicationError("A score is between 0 and 1.", code="invalid", details={"score": score})
    graded = _graded_score(question)
    current = ScoreOverride.objects.filter(attempt_question=question).order_by("-created_at", "-pk").first()
    if score is None and (current is None or current.score is None):
        raise ConflictError("This question's score is not overridden.", code="no_override")
    override = ScoreOverride(
        attempt_question=question,
        score=score,
        graded_score=graded,
        reason=reason[:2000],
        created_by=actor_user(by),
        created_by_label=actor_label(by) or "—",
    )
    override.full_clean(exclude=["attempt_question", "created_by"])
    override.save()
    attempt_event_record(attempt_id=attempt.pk, type="attempt.updated", change=AttemptChange.SCORE_OVERRIDDEN)
    return override


def _coding_question(attempt: Attempt, question_id: int) -> AttemptQuestion:
    question = (
        AttemptQuestion.objects.select_related("revision__question")
        .filter(attempt=attempt, revision__question_id=question_id)
        .first()
    )
    if question is None:
        raise NotFoundError(f"Question {question_id} is not part of attempt {attempt.pk}.")
    if question.revision.question.kind != QuestionKind.CODING:
        raise ApplicationError("Only a coding question's graded score can be overridden.", code="not_coding")
    return question


def _graded_score(question: AttemptQuestion) -> float:
    final = CodeSubmission.objects.filter(attempt_question=question, purpose=SubmissionPurpose.FINAL).first()
    if final is None or final.status != SubmissionStatus.GRADED:
        raise ConflictError(
            "This question is not graded (or is being graded again): wait for its result.", code="not_graded"
        )
    result = GradingResult.objects.filter(submission=final).order_by("-created_at", "-pk").first()
    assert result is not None  # a graded submission has its result (written in the same transaction)
    return result.score
