"""Publishing a coding question: its reference solution must pass every test in the sandbox."""

from django.db import transaction
from django.utils import timezone

from assessments.models import CodingSpec
from common.exceptions import ApplicationError
from grading.models import Verdict
from grading.runner import run_tests
from grading.services.grade import _verdicts


def coding_spec_publish(*, spec: CodingSpec) -> CodingSpec:
    """Run the reference on all tests (samples and hidden); publish only if every one is accepted.

    Raises ApplicationError listing the failing tests; sandbox errors propagate (try again later).
    """
    tests = list(spec.test_cases.order_by("position"))
    if not tests:
        raise ApplicationError("A coding question needs tests before it can be published.", code="no_tests")
    run = run_tests(spec, spec.reference_solution, tests)
    verdicts = _verdicts(spec, tests, run)
    failing = {
        test.name: f"{verdict.verdict}: {verdict.message}"
        for test, verdict in zip(tests, verdicts, strict=True)
        if verdict.verdict != Verdict.ACCEPTED
    }
    if failing:
        raise ApplicationError(
            "The reference solution does not pass every test.", code="reference_fails", details=failing
        )
    with transaction.atomic():
        CodingSpec.objects.filter(pk=spec.pk).update(published_at=timezone.now())
    spec.refresh_from_db(fields=["published_at"])
    return spec
