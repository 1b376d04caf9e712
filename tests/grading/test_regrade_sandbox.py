"""A re-grade against the real Docker engine: pinned to the image digest the last grading recorded, where it exists."""

import pytest

from assessments.services.submissions import submission_create
from grading.models import GradingResult, Verdict
from grading.services import GradeOutcome, submission_grade
from grading.services.submissions import submission_regrade

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox, pytest.mark.usefixtures("docker_engine", "no_enqueue")]
GONE = "sha256:" + "0" * 64  # an image id no engine holds


def test_a_regrade_runs_in_the_recorded_image_and_says_so_when_it_is_gone(cosine_question, settings):
    spec = cosine_question.revision.coding_spec
    submission = submission_create(attempt_question=cosine_question, source=spec.reference_solution, purpose="final")
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    first = submission.results.get()
    assert first.image_digest.startswith("sha256:")

    pinned = submission_regrade(submission=submission, reason="Checker fixed", by=None)
    assert pinned.pinned_image_digest == first.image_digest
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    pinned.refresh_from_db()
    assert pinned.image_pinned is True and pinned.note == ""
    assert pinned.result.image_digest == first.image_digest and pinned.result.verdict == Verdict.ACCEPTED

    # The recorded image has since been removed from this grading host: graded with the configured one.
    GradingResult.objects.filter(pk=pinned.result.pk).update(image_digest=GONE)
    fallback = submission_regrade(submission=submission, reason="Again", by=None)
    assert fallback.pinned_image_digest == GONE
    assert submission_grade(submission_id=submission.pk) == GradeOutcome.GRADED
    fallback.refresh_from_db()
    assert fallback.image_pinned is False
    assert GONE in fallback.note and settings.SANDBOX_IMAGE in fallback.note
    assert fallback.result.image_digest == first.image_digest  # the configured image, still the same here
    assert fallback.result.score == 1.0 and submission.results.count() == 3
