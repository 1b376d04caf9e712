"""Code submissions: as the candidate may see them (sample runs in full, hidden tests as the set's policy allows),
and the organisation's final submissions for its reviewers (one to re-grade, the failed gradings to requeue)."""

from typing import Any

from django.db.models import QuerySet

from assessments.models import (
    Attempt,
    CodeSubmission,
    HiddenFeedback,
    QuestionSet,
    SubmissionPurpose,
    SubmissionStatus,
)
from common.exceptions import NotFoundError
from organisations.models import Organisation


def attempt_submission_get(*, attempt: Attempt, pk: int) -> CodeSubmission:
    """One of the attempt's submissions; another attempt's and a missing one look the same."""
    submission = CodeSubmission.objects.filter(attempt_question__attempt=attempt, pk=pk).first()
    if submission is None:
        raise NotFoundError(f"No submission {pk} in this assessment.")
    return submission


def attempt_final_submission_get(*, attempt: Attempt, question_id: int) -> CodeSubmission:
    """The attempt's final submission for one question (``question_id``: the question, as the result names it)."""
    submission = (
        CodeSubmission.objects.select_related("attempt_question__attempt")
        .filter(attempt_question__attempt=attempt, attempt_question__revision__question_id=question_id)
        .filter(purpose=SubmissionPurpose.FINAL)
        .first()
    )
    if submission is None:
        raise NotFoundError(f"Attempt {attempt.pk} has no final submission for question {question_id}.")
    return submission


def failed_gradings_list(*, organisation: Organisation) -> QuerySet[CodeSubmission]:
    """The organisation's final submissions whose grading failed (the platform's fault, retries spent), newest first."""
    return (
        CodeSubmission.objects.filter(
            attempt_question__attempt__organisation=organisation,
            purpose=SubmissionPurpose.FINAL,
            status=SubmissionStatus.FAILED,
        )
        .select_related("attempt_question__revision__question", "attempt_question__attempt__invitation__candidate")
        .select_related("attempt_question__attempt__invitation__stage__loop")
        .order_by("-updated_at", "-pk")
    )


def submission_view(submission: CodeSubmission) -> dict[str, Any]:
    """A submission as the candidate may see it: sample runs in full; hidden tests as the question set's
    ``hidden_feedback`` allows (each verdict, only "N of M accepted", or only that it was submitted)."""
    samples = submission.purpose == SubmissionPurpose.SAMPLES
    feedback = HiddenFeedback.PER_TEST if samples else _hidden_feedback(submission)
    result = submission.results.order_by("-created_at").first()
    view: dict[str, Any] = {
        "id": submission.pk,
        "question_id": submission.attempt_question_id,
        "purpose": submission.purpose,
        "status": submission.status,
        "feedback": feedback,
        "verdict": None,
        "score": None,
        "compile_message": "",
        "tests": [],
    }
    if result is None or feedback == HiddenFeedback.NONE:
        return view
    rows = result.test_results.select_related("test_case").order_by("test_case__position")
    if samples:
        view.update(verdict=result.verdict, score=result.score, compile_message=result.compile_message)
        view["tests"] = [_sample_row(row) for row in rows]
        return view
    # a compile or import error is about the candidate's code; an internal error's message is the platform's
    view["compile_message"] = "" if result.verdict == "internal_error" else result.compile_message
    if feedback == HiddenFeedback.COUNT:
        view["verdict"] = result.verdict if result.verdict in ("accepted", "compile_error") else None
        view["accepted"] = sum(1 for row in rows if row.verdict == "accepted")
        view["total"] = len(rows)
        return view
    view.update(verdict=result.verdict, score=result.score)
    view["tests"] = [{"index": index, "verdict": row.verdict} for index, row in enumerate(rows, start=1)]
    return view


def _hidden_feedback(submission: CodeSubmission) -> str:
    """The policy of the question set the submission's attempt was invited to."""
    policy = (
        QuestionSet.objects.filter(invitations__attempt__questions=submission.attempt_question_id)
        .values_list("hidden_feedback", flat=True)
        .first()
    )
    return policy or HiddenFeedback.NONE  # no set found: show the least


def _sample_row(row: Any) -> dict[str, Any]:
    test = row.test_case
    return {
        "name": test.name,
        "verdict": row.verdict,
        "args": test.args,
        "expected": test.expected_exception or test.expected,
        "actual": row.actual,
        "stdout": row.stdout,
        "stderr": row.stderr,
        "message": row.checker_message,
    }


def final_submission_get(*, organisation: Organisation, pk: int) -> CodeSubmission:
    """A final submission of the organisation with its question, coding spec and candidate.

    Another organisation's submission, a sample run and a missing one look the same.
    """
    submission = (
        CodeSubmission.objects.filter(
            pk=pk, purpose=SubmissionPurpose.FINAL, attempt_question__attempt__organisation=organisation
        )
        .select_related(
            "attempt_question__revision__question",
            "attempt_question__revision__coding_spec",
            "attempt_question__attempt__invitation__candidate",
        )
        .first()
    )
    if submission is None:
        raise NotFoundError(f"No submission with id {pk}.")
    return submission
