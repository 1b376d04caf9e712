"""A coding spec's validations, for the question bank's pages (the spec was read as the caller's already)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from assessments.models import CodingSpec
from assessments.services.coding import spec_fingerprint
from grading.models import SpecValidation, ValidationStatus

# A validation still queued after this long is waiting for a worker on the ``samples`` queue, not for the sandbox.
NO_WORKER_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class ValidationState:
    latest: SpecValidation | None
    is_current: bool  # the latest ran the spec's current content
    can_publish: bool

    @property
    def pending(self) -> bool:
        return self.latest is not None and self.latest.status in (ValidationStatus.QUEUED, ValidationStatus.RUNNING)

    @property
    def waiting_for_a_worker(self) -> bool:
        latest = self.latest
        return (
            latest is not None
            and latest.status == ValidationStatus.QUEUED
            and (timezone.now() - latest.created_at > NO_WORKER_AFTER)
        )


def spec_validation_state(*, spec: CodingSpec) -> ValidationState:
    validations = SpecValidation.objects.filter(spec=spec).select_related("requested_by")
    latest = validations.order_by("-created_at", "-pk").first()
    is_current = latest is not None and latest.fingerprint == spec_fingerprint(spec)
    passed = latest is not None and latest.status == ValidationStatus.PASSED
    return ValidationState(latest=latest, is_current=is_current, can_publish=passed and is_current)
