"""Grading end to end against the real Docker engine: verdicts, scores, exactly-once, platform failures."""

from pathlib import Path

import pytest
from django.utils import timezone

from assessments.models import CodeSubmission, SubmissionStatus
from assessments.services.submissions import submission_create
from common.exceptions import ApplicationError
from grading.models import GradingResult, Verdict
from grading.services import (
    GradeOutcome,
    coding_spec_publish,
    submission_grade,
    submission_requeue,
    submissions_sweep,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox, pytest.mark.usefixtures("docker_engine", "no_enqueue")]
WRONG = Path(__file__).resolve().parent.parent / "assessments" / "wrong_solutions"


def grade(attempt_question, source: str, purpose: str = "final") -> GradingResult:
    submission = submission_create(attempt_question=attempt_question, source=source, purpose=purpose)
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.GRADED
    return submission.results.get()


def verdicts(result: GradingResult) -> dict[str, str]:
    return dict(result.test_results.values_list("test_case__name", "verdict"))


@pytest.mark.parametrize("fixture", ["cosine_question", "beam_question"])
def test_reference_solution_is_accepted_and_recorded_reproducibly(fixture, request):
    attempt_question = request.getfixturevalue(fixture)
    spec = attempt_question.revision.coding_spec
    result = grade(attempt_question, spec.reference_solution)
    assert result.verdict == Verdict.ACCEPTED and result.score == 1.0
    assert result.test_results.count() == spec.test_cases.filter(visibility="hidden").count() >= 15
    assert result.image_digest.startswith("sha256:")
    assert result.test_revision.startswith("r1-") and result.limits["cpu_seconds"] == spec.cpu_seconds
    assert result.runtime == "runc"


def test_samples_run_only_visible_tests(cosine_question):
    spec = cosine_question.revision.coding_spec
    result = grade(cosine_question, spec.reference_solution, purpose="samples")
    assert set(result.test_results.values_list("test_case__visibility", flat=True)) == {"sample"}


@pytest.mark.parametrize(
    ("fixture", "wrong_file", "expected_overall"),
    [
        ("cosine_question", "cosine_no_zero_guard.py", Verdict.RUNTIME_ERROR),
        ("cosine_question", "cosine_off_by_one.py", Verdict.WRONG_ANSWER),
        ("cosine_question", "cosine_no_sqrt.py", Verdict.WRONG_ANSWER),
        ("beam_question", "beam_greedy.py", Verdict.WRONG_ANSWER),
        ("beam_question", "beam_worst_first.py", Verdict.WRONG_ANSWER),
        ("beam_question", "beam_length_normalised.py", Verdict.WRONG_ANSWER),
    ],
)
def test_wrong_solutions_get_partial_scores(fixture, wrong_file, expected_overall, request):
    attempt_question = request.getfixturevalue(fixture)
    result = grade(attempt_question, (WRONG / wrong_file).read_text())
    assert 0.0 < result.score < 1.0
    assert Verdict.ACCEPTED in verdicts(result).values()
    assert expected_overall in verdicts(result).values()


def test_unnormalised_product_scores_fail_every_test(beam_question):
    # Probabilities multiplied instead of summed log-probabilities: every reported score is wrong.
    result = grade(beam_question, (WRONG / "beam_product_scores.py").read_text())
    assert result.verdict == Verdict.WRONG_ANSWER and result.score == 0.0
    assert set(verdicts(result).values()) == {Verdict.WRONG_ANSWER}


def test_missing_zero_guard_fails_exactly_the_zero_vector_tests(cosine_question):
    result = grade(cosine_question, (WRONG / "cosine_no_zero_guard.py").read_text())
    failing = {name for name, verdict in verdicts(result).items() if verdict != Verdict.ACCEPTED}
    # Every zero-norm input (an empty vector has norm zero too), and nothing else.
    assert failing == {
        "both vectors zero",
        "empty vectors",
        "first vector is zero",
        "second vector is zero",
        "single element, zero",
    }
    assert set(verdicts(result).values()) == {Verdict.ACCEPTED, Verdict.RUNTIME_ERROR}


def test_syntax_error_is_a_compile_error_with_the_line(cosine_question):
    result = grade(cosine_question, "def cosine_similarity(a, b):\n    return (\n")
    assert result.verdict == Verdict.COMPILE_ERROR and result.score == 0.0
    assert result.compile_message.startswith("SyntaxError on line 2, column ")
    assert result.test_results.first().summary == result.compile_message


def test_missing_function_is_a_compile_error(cosine_question):
    result = grade(cosine_question, "def cosine(a, b):\n    return 0.0\n")
    assert result.verdict == Verdict.COMPILE_ERROR
    assert "cosine_similarity" in result.compile_message


def test_too_slow_is_time_limit_exceeded(cosine_question):
    slow = "def cosine_similarity(a, b):\n    while True:\n        pass\n"
    result = grade(cosine_question, slow)
    assert result.verdict == Verdict.TIME_LIMIT_EXCEEDED and result.score == 0.0


def test_a_second_delivery_grades_nothing(cosine_question):
    source = cosine_question.revision.coding_spec.reference_solution
    submission = submission_create(attempt_question=cosine_question, source=source, purpose="samples")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.NOT_CLAIMED
    assert GradingResult.objects.filter(submission=submission).count() == 1


def test_no_engine_keeps_the_submission_queued_without_charging_it(cosine_question, settings):
    settings.DOCKER_HOST = "unix:///tmp/loopwright-no-such-docker.sock"
    source = cosine_question.revision.coding_spec.reference_solution
    submission = submission_create(attempt_question=cosine_question, source=source, purpose="final")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.RETRY
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED and submission.delivery_count == 0
    assert "waiting for the sandbox" in submission.last_error
    settings.DOCKER_HOST = "unix:///var/run/docker.sock"
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    assert submission.results.get().verdict == Verdict.ACCEPTED


def test_broken_checker_is_an_internal_error_retried_then_failed(beam_question, settings):
    settings.GRADING_MAX_DELIVERIES = 2
    spec = beam_question.revision.coding_spec
    type(spec).objects.filter(pk=spec.pk).update(custom_checker_source="def check(actual, expected):\n    1/0\n")
    submission = submission_create(attempt_question=beam_question, source=spec.reference_solution, purpose="final")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.RETRY
    assert CodeSubmission.objects.get(pk=submission.pk).status == SubmissionStatus.QUEUED
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.FAILED
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED and "CheckerError" in submission.last_error
    assert submission.results.get().verdict == Verdict.INTERNAL_ERROR


def test_sweep_requeues_an_expired_lease(cosine_question, no_enqueue):
    source = cosine_question.revision.coding_spec.reference_solution
    submission = submission_create(attempt_question=cosine_question, source=source, purpose="final")
    CodeSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.RUNNING, lease_expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    no_enqueue.clear()
    assert submissions_sweep() == [submission.pk]
    assert no_enqueue == [submission.pk]
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED


def test_publish_requires_the_reference_to_pass(cosine_question):
    spec = cosine_question.revision.coding_spec
    assert coding_spec_publish(spec=spec).published_at is not None
    spec.reference_solution = (WRONG / "cosine_off_by_one.py").read_text()
    spec.save()
    with pytest.raises(ApplicationError) as caught:
        coding_spec_publish(spec=spec)
    assert caught.value.code == "reference_fails" and caught.value.details


def test_requeue_after_a_fix_grades_and_keeps_counting_deliveries(beam_question, settings):
    settings.GRADING_MAX_DELIVERIES = 1
    spec = beam_question.revision.coding_spec
    good_checker = spec.custom_checker_source
    type(spec).objects.filter(pk=spec.pk).update(custom_checker_source="def check(actual, expected):\n    1/0\n")
    submission = submission_create(attempt_question=beam_question, source=spec.reference_solution, purpose="final")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.FAILED
    type(spec).objects.filter(pk=spec.pk).update(custom_checker_source=good_checker)
    assert submission_requeue(submission=submission)
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    submission.refresh_from_db()
    assert submission.delivery_count == 2 and submission.status == SubmissionStatus.GRADED
    assert submission.results.order_by("created_at").last().verdict == Verdict.ACCEPTED
