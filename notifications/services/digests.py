"""The daily digest: what needs a hiring manager's attention (the home page's list), e-mailed to those who ask.

A person opts in per organisation on the home page. Beat's sweep records, once the day's
``EMAIL_DIGEST_HOUR`` (UTC) has come, one digest per subscriber per day, and only when something needs
attention; a subscriber who is no longer an active manager or admin there gets nothing. Once-only by its
key (``digest:<organisation>:<user>:<date>``), so the sweep can run as often as it likes.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import PermissionDeniedError
from notifications.models import DigestSubscription, EmailKind
from notifications.services.outbox import email_record
from organisations.models import Membership
from organisations.selectors import membership_is_manager
from rubrics.selectors.attention import Attention, attention


def digest_subscribed(*, membership: Membership) -> bool:
    return DigestSubscription.objects.filter(
        organisation_id=membership.organisation_id, user_id=membership.user_id
    ).exists()


def digest_set(*, membership: Membership, enabled: bool) -> None:
    """Subscribe the member to the organisation's digest, or unsubscribe them (hiring managers and admins)."""
    if not membership_is_manager(membership):
        raise PermissionDeniedError("The digest is for hiring managers and admins.", code="role_forbidden")
    mine = DigestSubscription.objects.filter(organisation_id=membership.organisation_id, user_id=membership.user_id)
    if not enabled:
        mine.delete()
        return
    if mine.exists():
        return
    try:
        with transaction.atomic():
            DigestSubscription.objects.create(organisation_id=membership.organisation_id, user_id=membership.user_id)
    except IntegrityError:  # a second click raced the first: subscribed either way
        pass


def needs_attention(found: Attention) -> bool:
    return bool(found.awaiting_scorecards or found.failed_gradings or found.expiring_invitations)


@transaction.atomic
def digests_record(now: datetime | None = None) -> int:
    """Record today's digest for every subscriber with something to read (beat, ``sweeps`` queue)."""
    now = now or timezone.now()
    if now.hour < settings.EMAIL_DIGEST_HOUR:
        return 0
    recorded = 0
    active = Membership.objects.active()
    for subscription in DigestSubscription.objects.select_related("organisation", "user").order_by("pk"):
        member = active.filter(organisation_id=subscription.organisation_id, user_id=subscription.user_id).first()
        if member is None or not membership_is_manager(member) or not subscription.user.email:
            continue
        if not needs_attention(attention(organisation=subscription.organisation, now=now)):
            continue
        user = subscription.user
        email = email_record(
            kind=EmailKind.DIGEST,
            key=f"digest:{subscription.organisation_id}:{user.pk}:{now.date().isoformat()}",
            to_email=user.email,
            to_name=user.get_full_name(),
            organisation_id=subscription.organisation_id,
            user_id=user.pk,
        )
        recorded += email is not None
    return recorded
