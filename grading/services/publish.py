"""Publishing a coding question: its reference solution must pass every test in the sandbox."""

from django.db import transaction
from django.utils import timezone

from assessments.models import CodingSpec, TestCase
from common.exceptions import ApplicationError
from grading.models import Verdict
from grading.runner import run_tests
from grading.services.grade import _verdicts
from grading.verdicts import TestVerdict
from organisations.models import Organisation
from sandbox.errors import SandboxError
from sandbox.types import RunResult


def reference_verdicts(spec: CodingSpec, tests: list[TestCase]) -> tuple[RunResult, list[TestVerdict]]:
    """The spec's reference solution run on ``tests`` in the sandbox and checked as a candidate's would be.

    Sandbox and checker failures propagate (the platform's fault: try again later).
    """
    run = run_tests(spec, spec.reference_solution, tests)
    return run, _verdicts(spec, tests, run)


def coding_spec_publish(*, spec: CodingSpec) -> CodingSpec:
    """Run the reference on all tests (samples and hidden); publish only if every one is accepted.

    Raises ApplicationError listing the failing tests; sandbox errors propagate (try again later).
    """
    tests = list(spec.test_cases.order_by("position"))
    if not tests:
        raise ApplicationError("A coding question needs tests before it can be published.", code="no_tests")
    _, verdicts = reference_verdicts(spec, tests)
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


def coding_specs_publish_pending(*, organisation: Organisation) -> dict[str, str]:
    """Try to publish every unpublished coding spec of an organisation; report each one's state.

    Without a Docker engine nothing is published and each spec says it is waiting for one.
    """
    report: dict[str, str] = {}
    pending = CodingSpec.objects.filter(revision__question__organisation=organisation, published_at__isnull=True)
    for spec in pending.select_related("revision__question"):
        try:
            coding_spec_publish(spec=spec)
            report[spec.function_name] = "published"
        except ApplicationError as exc:
            report[spec.function_name] = f"not published: {exc.message} {exc.details}"
        except SandboxError as exc:
            report[spec.function_name] = f"not published yet, waiting for the sandbox: {exc}"
    return report
