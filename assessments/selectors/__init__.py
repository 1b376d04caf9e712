"""Organisation-scoped reads. Every read of tenant data goes through one of these."""

from datetime import datetime
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from assessments.models import (
    Attempt,
    Candidate,
    Invitation,
    Membership,
    Organisation,
    Question,
    QuestionSet,
    Role,
    Stage,
)
from common.exceptions import NotFoundError, PermissionDeniedError

M = TypeVar("M", bound=Model)

MANAGER_ROLES = frozenset({Role.ADMIN, Role.HIRING_MANAGER})


def membership_get(*, user: AbstractBaseUser | AnonymousUser, organisation_slug: str | None = None) -> Membership:
    """The caller's membership: in the named organisation, or in their only one."""
    if not user.is_authenticated:
        raise PermissionDeniedError("Authentication required.")
    memberships = Membership.objects.select_related("organisation").filter(user_id=user.pk)
    if organisation_slug:
        memberships = memberships.filter(organisation__slug=organisation_slug)
    found = list(memberships[:2])
    if not found:
        raise PermissionDeniedError("You are not a member of this organisation.", code="not_a_member")
    if len(found) > 1:
        raise PermissionDeniedError(
            "You belong to several organisations: name one with the X-Organisation header.",
            code="organisation_required",
        )
    return found[0]


def question_list(*, organisation: Organisation) -> QuerySet[Question]:
    return Question.objects.filter(organisation=organisation).prefetch_related("revisions").order_by("title", "pk")


def question_get(*, organisation: Organisation, pk: int) -> Question:
    return _get_or_404(question_list(organisation=organisation), pk, "question")


def question_set_list(*, organisation: Organisation) -> QuerySet[QuestionSet]:
    return QuestionSet.objects.filter(organisation=organisation).prefetch_related("sections__items").order_by("pk")


def question_set_get(*, organisation: Organisation, pk: int) -> QuestionSet:
    return _get_or_404(question_set_list(organisation=organisation), pk, "question set")


def candidate_list(*, organisation: Organisation) -> QuerySet[Candidate]:
    return Candidate.objects.filter(organisation=organisation).order_by("pk")


def candidate_get(*, organisation: Organisation, pk: int) -> Candidate:
    return _get_or_404(candidate_list(organisation=organisation), pk, "candidate")


def _get_or_404(queryset: QuerySet[M], pk: int, what: str) -> M:
    # Another organisation's object and a missing one look the same: no existence leak.
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise NotFoundError(f"No {what} with id {pk}.")
    return obj


def invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("attempt").order_by("-pk")


def invitation_state_q(state: str, now: datetime | None = None) -> Q:
    """The rows whose link state (``services.attempts.invitation_link_state``) is ``state``, as a filter."""
    now = now or timezone.now()
    unused = Q(revoked_at__isnull=True, attempt__isnull=True)
    return {
        "revoked": Q(revoked_at__isnull=False),
        "started": Q(revoked_at__isnull=True, attempt__isnull=False),
        "not_open": unused & Q(opens_at__gt=now),
        "expired": unused & Q(expires_at__lte=now),
        "open": unused & Q(opens_at__lte=now, expires_at__gt=now),
    }[state]


def invitation_get(*, organisation: Organisation, pk: int) -> Invitation:
    return _get_or_404(invitation_list(organisation=organisation), pk, "invitation")


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


def stage_get(*, organisation: Organisation, pk: int) -> Stage:
    return _get_or_404(Stage.objects.filter(loop__organisation=organisation).select_related("loop"), pk, "stage")


def attempt_list(*, organisation: Organisation) -> QuerySet[Attempt]:
    return Attempt.objects.filter(organisation=organisation).select_related("invitation__stage")


def attempt_get(*, organisation: Organisation, pk: int) -> Attempt:
    return _get_or_404(attempt_list(organisation=organisation), pk, "attempt")
