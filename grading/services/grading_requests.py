"""Grading requests: a final submission sent round again on purpose (a re-grade) or after a failure (a requeue).

Recorded when asked (who, when, why, the image to pin), completed by the grading that answers it. A
re-grade is pinned to the image digest the previous grading recorded (DESIGN.md, grading point 7), where
the grading host still holds that image; where it does not, it runs on the configured image and says so.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from assessments.models import CodeSubmission
from common.actors import actor_label, actor_user
from grading.models import GradingRequest, GradingResult
from grading.runner import image_available


def grading_request_open(*, submission: CodeSubmission, kind: str, reason: str, by: Any) -> GradingRequest:
    """Record the request, in the caller's transaction (the one that queued the submission again)."""
    GradingRequest.objects.filter(submission=submission, completed_at__isnull=True).update(
        completed_at=timezone.now(), note="Superseded by a later request before any grading answered it."
    )
    previous = GradingResult.objects.filter(submission=submission).order_by("-created_at", "-pk").first()
    request = GradingRequest(
        submission=submission,
        kind=kind,
        reason=reason,
        requested_by=actor_user(by),
        requested_by_label=actor_label(by) or "—",
        previous_result=previous,
        pinned_image_digest=previous.image_digest if previous and kind == "regrade" else "",
    )
    request.full_clean(exclude=["submission", "requested_by", "previous_result", "result"], validate_constraints=False)
    request.save()
    return request


def grading_request_pending(*, submission_id: int) -> GradingRequest | None:
    return GradingRequest.objects.filter(submission_id=submission_id, completed_at__isnull=True).first()


@dataclass(frozen=True)
class GradingImage:
    """Where a grading runs: ``image`` (None: the configured one), whether that honours a pin, and if not, why."""

    image: str | None = None
    pinned: bool | None = None  # None: nothing was pinned
    note: str = ""


def grading_image(request: GradingRequest | None) -> GradingImage:
    """The image to grade in: the pinned digest where this grading host still holds it, else the configured one."""
    digest = request.pinned_image_digest if request else ""
    if not digest:
        return GradingImage()
    if image_available(digest):
        return GradingImage(image=digest, pinned=True)
    note = (
        f"The image the previous grading used ({digest}) no longer exists on this grading host: "
        f"graded with the configured image ({settings.SANDBOX_IMAGE}) instead."
    )
    return GradingImage(pinned=False, note=note)


def grading_request_complete(*, submission_id: int, result: GradingResult, image: GradingImage) -> None:
    """The grading that answers the submission's open request, if any: what it found and on which image."""
    request = grading_request_pending(submission_id=submission_id)
    if request is None:
        return
    request.result = result
    request.image_pinned = image.pinned
    request.note = image.note
    request.completed_at = timezone.now()
    request.save(update_fields=["result", "image_pinned", "note", "completed_at", "updated_at"])
