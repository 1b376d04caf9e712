"""Code submissions as the candidate may see them: sample runs in full, hidden tests as verdicts only."""

from typing import Any

from assessments.models import Attempt, CodeSubmission, SubmissionPurpose
from common.exceptions import NotFoundError
from organisations.models import Organisation


def attempt_submission_get(*, attempt: Attempt, pk: int) -> CodeSubmission:
    """One of the attempt's submissions; another attempt's and a missing one look the same."""
    submission = CodeSubmission.objects.filter(attempt_question__attempt=attempt, pk=pk).first()
    if submission is None:
        raise NotFoundError(f"No submission {pk} in this assessment.")
    return submission


def submission_view(submission: CodeSubmission) -> dict[str, Any]:
    """A submission as the candidate may see it: sample runs in full, hidden tests as verdicts only."""
    result = submission.results.order_by("-created_at").first()
    view: dict[str, Any] = {
        "id": submission.pk,
        "question_id": submission.attempt_question_id,
        "purpose": submission.purpose,
        "status": submission.status,
        "verdict": result.verdict if result else None,
        "score": result.score if result else None,
        "compile_message": result.compile_message if result else "",
        "tests": [],
    }
    if result is None:
        return view
    rows = result.test_results.select_related("test_case").order_by("test_case__position")
    if submission.purpose == SubmissionPurpose.SAMPLES:
        view["tests"] = [_sample_row(row) for row in rows]
    else:
        if result.verdict == "internal_error":
            view["compile_message"] = ""  # platform detail; a compile or import error is about the candidate's code
        view["tests"] = [{"index": index, "verdict": row.verdict} for index, row in enumerate(rows, start=1)]
    return view


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
