"""Hiring decisions: who advances, who is rejected, who waits. Managers only (checked by the caller)."""

from django.contrib.auth.models import User
from django.db import transaction

from assessments.models import Candidate, Decision, DecisionOutcome, Loop
from common.events import event_record, iso
from common.exceptions import ApplicationError, NotFoundError
from organisations.models import Organisation


@transaction.atomic
def decision_record(
    *,
    organisation: Organisation,
    candidate: Candidate,
    loop: Loop,
    outcome: str,
    reason: str,
    decided_by: User,
) -> Decision:
    """Record a decision and emit ``candidate.decided`` in the same transaction (both or neither)."""
    if candidate.organisation_id != organisation.pk:
        raise NotFoundError(f"No candidate with id {candidate.pk}.")
    if loop.organisation_id != organisation.pk:
        raise NotFoundError(f"No loop with id {loop.pk}.")
    if outcome not in DecisionOutcome.values:
        raise ApplicationError(f"Outcome must be one of {', '.join(DecisionOutcome.values)}.", code="invalid_outcome")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("A decision needs a reason.", code="reason_required")
    decision = Decision(
        organisation=organisation, candidate=candidate, loop=loop, outcome=outcome, reason=reason, decided_by=decided_by
    )
    decision.full_clean()
    decision.save()
    _event_candidate_decided(decision)
    return decision


def _event_candidate_decided(decision: Decision) -> None:
    # The reason stays out of the payload (docs/webhooks.md): it may hold judgements about the person.
    event_record(
        organisation_id=decision.organisation_id,
        type="candidate.decided",
        payload={
            "decision_id": decision.pk,
            "candidate_id": decision.candidate_id,
            "candidate_external_id": decision.candidate.external_id,
            "loop_id": decision.loop_id,
            "outcome": decision.outcome,
            "decided_at": iso(decision.created_at),
        },
    )
