"""The organisation's invitations, their link state as a filter, and a link's invitation by its token."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.models import Invitation
from common.links import site_url
from common.lookups import one_or_not_found
from organisations.models import Organisation


def invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("attempt").order_by("-pk")


def invitation_state_q(state: str, now: datetime | None = None) -> Q:
    """The rows whose link state (``services.invitations.invitation_link_state``) is ``state``, as a filter."""
    now = now or timezone.now()
    unused = Q(revoked_at__isnull=True, attempt__isnull=True)
    return {
        "revoked": Q(revoked_at__isnull=False),
        "started": Q(revoked_at__isnull=True, attempt__isnull=False),
        "not_open": unused & Q(opens_at__gt=now),
        "expired": unused & Q(expires_at__lte=now),
        "open": unused & Q(opens_at__lte=now, expires_at__gt=now),
    }[state]


def invitation_list_latest(*, organisation: Organisation, limit: int) -> list[Invitation]:
    """The newest ``limit`` invitations with their candidate, question set and stage, for the invitations page."""
    related = ("candidate", "question_set", "stage__loop")
    return list(invitation_list(organisation=organisation).select_related(*related)[:limit])


def invitation_get(*, organisation: Organisation, pk: int) -> Invitation:
    return one_or_not_found(invitation_list(organisation=organisation), pk, "invitation")


def invitation_last_changed(invitation: Invitation, now: datetime | None = None) -> datetime:
    """When what the API shows of ``invitation`` last changed: its row, its attempt's, or the clock.

    The clock moves its link state at ``opens_at`` and ``expires_at`` before the sweep touches the
    row (up to half a minute later), so a passed one of those counts as a change at that moment.
    """
    now = now or timezone.now()
    clocks = (invitation.opens_at, invitation.expires_at)
    moments = [invitation.updated_at, *(clock for clock in clocks if clock <= now)]
    attempt = getattr(invitation, "attempt", None)
    if attempt is not None:
        moments.append(attempt.updated_at)
    return max(moments)


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a candidate's link names; the token is the candidate's only credential."""
    if not token or len(token) > 64:
        return None
    return (
        Invitation.objects.select_related("candidate", "question_set", "stage__loop", "organisation")
        .filter(token=token)
        .first()
    )


def invitation_link(invitation: Invitation) -> str:
    """The candidate's link (absolute): the token in it is their only credential."""
    return site_url("candidate-landing", invitation.token)
