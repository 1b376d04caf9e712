"""Two final submissions side by side with the lines they share: evidence for a reviewer, never a verdict."""

from typing import Any

from assessments.models import CodeSubmission
from assessments.selectors.submissions import final_submission_get
from common.exceptions import NotFoundError
from grading.similarity import similar_pairs
from organisations.models import Organisation


def submission_similarity(*, organisation: Organisation, submission_a: int, submission_b: int) -> dict[str, Any]:
    """The question, the similarity score and each side's lines, marked where they match the other's.

    Both must be the organisation's final submissions to the same question (else ``NotFoundError``).
    """
    a = final_submission_get(organisation=organisation, pk=submission_a)
    b = final_submission_get(organisation=organisation, pk=submission_b)
    question = a.attempt_question.revision.question
    if a.pk == b.pk or b.attempt_question.revision.question_id != question.pk:
        raise NotFoundError("These submissions do not answer the same question.")
    spec = getattr(a.attempt_question.revision, "coding_spec", None)
    pairs = similar_pairs({a.pk: a.source, b.pk: b.source}, spec.starter_code if spec else "", 0.0)
    pair = pairs[0] if pairs else None
    lines_a = (pair.lines_a if pair.a == a.pk else pair.lines_b) if pair else []
    lines_b = (pair.lines_b if pair.a == a.pk else pair.lines_a) if pair else []
    return {
        "question": question,
        "score": pair.score if pair else None,
        "sides": [_side(a, lines_a), _side(b, lines_b)],
    }


def _side(submission: CodeSubmission, ranges: list[tuple[int, int]]) -> dict[str, Any]:
    return {
        "submission": submission,
        "candidate": submission.attempt_question.attempt.invitation.candidate,
        "ranges": ranges,
        "lines": _lines(submission.source, ranges),
    }


def _lines(source: str, ranges: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        {"number": number, "text": text, "matched": any(a <= number <= b for a, b in ranges)}
        for number, text in enumerate(source.splitlines(), start=1)
    ]
