"""Who may act in which organisation: the caller's membership and what its role allows; colleagues and invites.

Pages (``organisations.pages``) and the API (``organisations.permissions``, ``api.base``) ask here.
A deactivated membership lets its person do nothing in its organisation: it is never returned as
the caller's, nor offered as an interviewer. What each role reaches, by resource and action, is the
table in docs/security.md; which objects a member may see are the selectors that take the membership
(``assessments.selectors.candidates.candidate_list_visible``, ``rubrics.selectors.scorecards.scorecard_list_visible``).
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F
from django.utils import timezone

from common.exceptions import PermissionDeniedError
from common.lookups import one_or_not_found
from common.tokens import token_hash
from organisations.models import ColleagueInvite, Membership, MembershipQuerySet, Organisation, Role

MEMBER_ROLES = frozenset(Role)
MANAGER_ROLES = frozenset({Role.ADMIN, Role.HIRING_MANAGER})
ADMIN_ROLES = frozenset({Role.ADMIN})
INVITE_TOKEN_MAX_LENGTH = 64


def membership_get(*, user: AbstractBaseUser | AnonymousUser, organisation_slug: str | None = None) -> Membership:
    """The caller's active membership: in the named organisation, or in their only one."""
    if not user.is_authenticated:
        raise PermissionDeniedError("Authentication required.")
    memberships = Membership.objects.select_related("organisation").filter(user_id=user.pk)
    if organisation_slug:
        memberships = memberships.filter(organisation__slug=organisation_slug)
    found = list(memberships.active()[:2])
    if not found:
        raise _no_active_membership(memberships)
    if len(found) > 1:
        raise PermissionDeniedError(
            "You belong to several organisations: name one with the X-Organisation header.",
            code="organisation_required",
        )
    return found[0]


def _no_active_membership(memberships: MembershipQuerySet) -> PermissionDeniedError:
    if memberships.exists():  # only deactivated ones
        return PermissionDeniedError(
            "Your membership of this organisation is deactivated: ask one of its admins.", code="membership_deactivated"
        )
    return PermissionDeniedError("You are not a member of this organisation.", code="not_a_member")


def membership_list(*, organisation: Organisation) -> list[Membership]:
    """The organisation's active members with their user, by username (who can be assigned as an interviewer)."""
    memberships = Membership.objects.active().filter(organisation=organisation)
    return list(memberships.select_related("user").order_by("user__username"))


def member_user_find(*, organisation: Organisation, pk: int) -> AbstractBaseUser | None:
    """The user ``pk`` if they are an active member of the organisation, else None."""
    users = get_user_model().objects.filter(pk=pk)
    return users.filter(memberships__organisation=organisation, memberships__deactivated_at__isnull=True).first()


def membership_is_active_member(*, organisation_id: int, user_id: int) -> bool:
    """Whether the user holds an active membership of the organisation (services check it before acting)."""
    return Membership.objects.active().filter(organisation_id=organisation_id, user_id=user_id).exists()


def membership_is_manager(membership: Membership) -> bool:
    """Admins and hiring managers: the organisation's loops, questions, candidates, invitations and reports."""
    return membership.role in MANAGER_ROLES


def membership_is_admin(membership: Membership) -> bool:
    """Admins: the managers' reach plus colleagues, roles, API keys and webhooks."""
    return membership.role in ADMIN_ROLES


def colleague_list(*, organisation: Organisation) -> list[Membership]:
    """Everyone in the organisation, deactivated ones included (last), by username: the admins' people page."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return list(memberships.order_by(F("deactivated_at").asc(nulls_first=True), "user__username"))


def colleague_get(*, organisation: Organisation, pk: int) -> Membership:
    """The membership ``pk`` of the organisation, or ``NotFoundError`` (another organisation's looks missing)."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return one_or_not_found(memberships, pk, "colleague")


def colleague_invite_list_open(*, organisation: Organisation) -> list[ColleagueInvite]:
    """The organisation's invite links not used, withdrawn or expired, newest first."""
    invites = ColleagueInvite.objects.filter(organisation=organisation, used_at__isnull=True, revoked_at__isnull=True)
    return list(invites.filter(expires_at__gt=timezone.now()).select_related("created_by"))


def colleague_invite_get(*, organisation: Organisation, pk: int) -> ColleagueInvite:
    return one_or_not_found(ColleagueInvite.objects.filter(organisation=organisation), pk, "invite")


def colleague_invite_find(*, token: str) -> ColleagueInvite | None:
    """The invite a link's token names (by its hash), whatever its state; None for an unknown token."""
    if not token or len(token) > INVITE_TOKEN_MAX_LENGTH:
        return None
    return ColleagueInvite.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()


def colleague_invite_state(invite: ColleagueInvite, *, now: datetime | None = None) -> str:
    """``used``, ``revoked``, ``expired`` or ``open``: only an open link lets someone join."""
    if invite.used_at is not None:
        return "used"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"
