"""Who may act in which organisation: the caller's membership and what its role allows.

Pages (``organisations.pages``) and the API (``organisations.permissions``, ``api.base``) ask here.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from common.exceptions import PermissionDeniedError
from organisations.models import Membership, Organisation, Role

MEMBER_ROLES = frozenset(Role)
MANAGER_ROLES = frozenset({Role.ADMIN, Role.HIRING_MANAGER})
ADMIN_ROLES = frozenset({Role.ADMIN})


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


def membership_list(*, organisation: Organisation) -> list[Membership]:
    """The organisation's members with their user, by username (who can be assigned as an interviewer)."""
    return list(Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__username"))


def member_user_find(*, organisation: Organisation, pk: int) -> AbstractBaseUser | None:
    """The user ``pk`` if they are a member of the organisation, else None."""
    return get_user_model().objects.filter(pk=pk, memberships__organisation=organisation).first()


def membership_is_manager(membership: Membership) -> bool:
    """Admins and hiring managers: the organisation's loops, questions, candidates, invitations and reports."""
    return membership.role in MANAGER_ROLES


def membership_is_admin(membership: Membership) -> bool:
    """Admins: the managers' reach plus colleagues, roles, API keys and webhooks."""
    return membership.role in ADMIN_ROLES
