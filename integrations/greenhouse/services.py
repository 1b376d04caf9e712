"""list_tests, send_test, test_status and the callback outbox for invitations Greenhouse asked for.

A test is a loop's timed assessment stage: ``partner_test_id`` ``stage-<id>``. Ids handed out before
(a question set's bare number) keep working where one assessment stage uses that set (docs/greenhouse.md).

The callback is recorded on the :class:`~integrations.models.GreenhouseInterview` row in the
transaction that marks the attempt graded (never lost), then sent by a Celery task on the
``webhooks`` queue: a PATCH with no body (Greenhouse's "Mark Test as Completed"), retried with the
webhook schedule on timeouts, connection errors, 408/429 and 5xx. It has no ``Authorization`` header:
only a hash of the API key is kept (docs/greenhouse.md, "Not verified").
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Attempt, AttemptStatus, Invitation, Stage
from assessments.selectors.loops import assessment_stage_list, stages_using_question_set
from assessments.services.candidates import candidate_find_or_create
from assessments.services.invitations import LinkState, invitation_create, invitation_link_state
from common.links import attempt_page_url
from integrations.models import GreenhouseCallbackStatus, GreenhouseInterview
from integrations.sealing import seal, unseal
from integrations.services import http
from integrations.services.outgoing import DeliverOutcome, Outgoing, OutgoingFields
from organisations.models import Organisation
from rubrics.selectors.attempt_results import CodingScores, attempt_coding_scores

DEFAULT_WINDOW = timedelta(days=7)
STAGE_TEST_PREFIX = "stage-"
# Greenhouse defines one partner_status word, "complete" (lower case): it stops polling and shows the
# results. Any other value means "not yet"; ours is "pending" (docs/greenhouse.md, "Verified against").
STATUS_COMPLETE = "complete"
STATUS_PENDING = "pending"
LINK_STATE_LABELS = {
    LinkState.OPEN: "Not started",
    LinkState.NOT_OPEN: "Not open yet",
    LinkState.EXPIRED: "Expired without starting",
    LinkState.REVOKED: "Invitation revoked",
}


class GreenhouseError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _name(candidate: dict[str, Any]) -> str:
    return " ".join(str(candidate.get(k) or "").strip() for k in ("first_name", "last_name")).strip()


def partner_tests(*, organisation: Organisation) -> list[dict[str, str]]:
    """list_tests: every assessment stage of the organisation's loops that are not archived."""
    return [
        {
            "partner_test_id": f"{STAGE_TEST_PREFIX}{stage.pk}",
            "partner_test_name": f"{stage.loop.title} — {stage.title} ({stage.question_set})",
        }
        for stage in assessment_stage_list(organisation=organisation)
    ]


def partner_test_stage(*, organisation: Organisation, partner_test_id: str) -> Stage:
    """The stage a ``partner_test_id`` names: ``stage-<id>``, or an old bare question set id used by one stage."""
    if partner_test_id.startswith(STAGE_TEST_PREFIX) and partner_test_id[len(STAGE_TEST_PREFIX) :].isdigit():
        pk = int(partner_test_id[len(STAGE_TEST_PREFIX) :])
        # An archived loop's stage is found, so send_test says why it is refused (400), not "unknown".
        stage = assessment_stage_list(organisation=organisation, archived=True).filter(pk=pk).first()
        if stage is None:
            raise GreenhouseError(404, "Unknown partner_test_id.")
        return stage
    if not partner_test_id.isdigit():
        raise GreenhouseError(404, "Unknown partner_test_id.")
    stages = stages_using_question_set(organisation=organisation, question_set_id=int(partner_test_id))
    if len(stages) != 1:
        raise GreenhouseError(
            404,
            f"Unknown partner_test_id: {partner_test_id} names a question set that {len(stages)} loop stages use; "
            "choose the test again from the list (one per loop stage).",
        )
    return stages[0]


def send_test(
    *,
    organisation: Organisation,
    partner_test_id: str,
    candidate: dict[str, Any],
    callback_url: str,
    authorization: str = "",
) -> GreenhouseInterview:
    """Invite the candidate; a retry with the same callback URL returns the first interview.

    A retry can race the first request (Greenhouse retries on a timeout): both pass the lookup, the
    second's insert then waits on the unique (organisation, callback URL) index and fails once the
    first commits. Its whole transaction (candidate, invitation) is rolled back, and it answers with
    the first request's interview, read after the rollback.
    """
    try:
        return _send_test_once(
            organisation=organisation,
            partner_test_id=partner_test_id,
            candidate=candidate,
            callback_url=callback_url,
            authorization=authorization,
        )
    except IntegrityError:
        existing = GreenhouseInterview.objects.filter(organisation=organisation, callback_url=callback_url).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _send_test_once(
    *,
    organisation: Organisation,
    partner_test_id: str,
    candidate: dict[str, Any],
    callback_url: str,
    authorization: str,
) -> GreenhouseInterview:
    existing = GreenhouseInterview.objects.filter(organisation=organisation, callback_url=callback_url).first()
    if existing is not None:
        return existing
    stage = partner_test_stage(organisation=organisation, partner_test_id=partner_test_id)
    email = str(candidate.get("email") or "").strip().lower()
    name = (_name(candidate) or email)[:200]
    person, _ = candidate_find_or_create(organisation=organisation, name=name, email=email)
    invitation = invitation_create(
        organisation=organisation, candidate=person, stage=stage, expires_at=timezone.now() + DEFAULT_WINDOW
    )
    return GreenhouseInterview.objects.create(
        organisation=organisation,
        invitation=invitation,
        callback_url=callback_url,
        callback_credential=seal(authorization),  # the PATCH sends it back, as Greenhouse's example does
    )


def interview_get(*, organisation: Organisation, partner_interview_id: str) -> GreenhouseInterview:
    interview = (
        GreenhouseInterview.objects.select_related("invitation__candidate", "invitation__attempt__organisation")
        .filter(organisation=organisation, public_id=partner_interview_id)
        .first()
    )
    if interview is None:
        raise GreenhouseError(404, "Unknown partner_interview_id.")
    return interview


def report_url(attempt: Attempt) -> str:
    """``partner_profile_url``: the staff page about the attempt, as the API's ``report_url``."""
    return attempt_page_url(attempt_id=attempt.pk, organisation_slug=attempt.organisation.slug)


def _display_time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else None


def _progress_label(invitation: Invitation, attempt: Attempt | None) -> str:
    if attempt is not None:
        return AttemptStatus(attempt.status).label
    return LINK_STATE_LABELS.get(invitation_link_state(invitation), "Not started")


def test_status(*, interview: GreenhouseInterview) -> dict[str, Any]:
    """Greenhouse's test_status object: the profile URL and score once complete, null (not absent) before."""
    invitation = interview.invitation
    attempt: Attempt | None = getattr(invitation, "attempt", None)
    complete = attempt is not None and attempt.status == AttemptStatus.GRADED
    scores = attempt_coding_scores(attempt_id=attempt.pk) if complete and attempt else None
    return {
        "partner_status": STATUS_COMPLETE if complete else STATUS_PENDING,
        "partner_profile_url": report_url(attempt) if complete and attempt else None,
        "partner_score": scores.score if scores else None,
        # Shown by Greenhouse as label: value rows, so the keys are labels and the values primitives.
        "metadata": {
            "Status": _progress_label(invitation, attempt),
            "Invitation expires": _display_time(invitation.expires_at),
            "Started": _display_time(attempt.started_at if attempt else None),
            "Submitted": _display_time(attempt.submitted_at if attempt else None),
            **(_score_rows(scores) if scores else {}),
        },
    }


def _score_rows(scores: CodingScores) -> dict[str, Any]:
    """Once complete: whether a reviewer's override is in the score, and the graded score beside it."""
    return {
        "Score overridden by a reviewer": "Yes" if scores.overridden else "No",
        "Graded score": scores.graded_score,
    }


# --- the callback outbox ----------------------------------------------------------------------


def patch(url: str, authorization: str | None = None) -> http.PostResult:
    """The completion callback: PATCH with no body, as a webhook is sent (same limits, same refusals)."""
    return http.send(method="PATCH", url=url, headers={"Authorization": authorization} if authorization else {})


def _patch_callback(interview: GreenhouseInterview) -> http.PostResult:
    return patch(interview.callback_url, unseal(interview.callback_credential))


# The state lives on the interview, under its own names: ``callback_next_at`` is the due time while pending
# and the lease's end while delivering, and there is no replay and no record of a message on its way.
GREENHOUSE_CALLBACKS: Outgoing[GreenhouseInterview] = Outgoing(
    model=GreenhouseInterview,
    task="integrations.greenhouse.tasks.deliver_greenhouse_callback",
    send=_patch_callback,
    fields=OutgoingFields(
        status="callback_status",
        attempts="callback_attempts",
        cycle_start=None,
        due="callback_next_at",
        lease="callback_next_at",
        enqueued=None,
        last_status_code="callback_last_status",
        last_error="callback_last_error",
        delivered="callback_delivered_at",
    ),
)


def callback_record(*, attempt_id: int) -> bool:
    """In the caller's (grading) transaction: mark the interview's PATCH due and send it after commit."""
    now = timezone.now()
    interview = GreenhouseInterview.objects.filter(
        invitation__attempt__id=attempt_id, callback_status=GreenhouseCallbackStatus.NONE
    ).first()
    if interview is None:
        return False
    GreenhouseInterview.objects.filter(pk=interview.pk).update(**GREENHOUSE_CALLBACKS.due_now(now), updated_at=now)
    GREENHOUSE_CALLBACKS.enqueue_on_commit(interview.pk)
    return True


def callback_deliver(*, interview_id: int, now: datetime | None = None) -> DeliverOutcome:
    """Claim the due callback under a lease, PATCH once, record the outcome."""
    return GREENHOUSE_CALLBACKS.deliver(interview_id, now=now)


def callbacks_sweep(*, now: datetime | None = None) -> list[int]:
    """Send a task for every due callback (retries later than a minute, lost messages, expired leases)."""
    return GREENHOUSE_CALLBACKS.sweep(now=now)
