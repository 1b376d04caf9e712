"""Colleagues' roles and deactivation, as organisation admins change them; an organisation always keeps an admin.

Every change locks the organisation's row first, so two admins demoting or deactivating each other at
the same moment are serialised: the second sees the first's change and is refused with ``last_admin``.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError
from organisations.models import Membership, Organisation, Role


def _locked(membership: Membership) -> Membership:
    """The membership re-read under the organisation's lock (the lock every membership change takes)."""
    list(Organisation.objects.select_for_update().filter(pk=membership.organisation_id))
    return Membership.objects.select_related("user").get(pk=membership.pk)


def _is_active_admin(membership: Membership) -> bool:
    return membership.role == Role.ADMIN and membership.deactivated_at is None


def _check_an_admin_remains(membership: Membership) -> None:
    """Refuse, with 409 ``last_admin``, a change that would leave no active admin."""
    if not _is_active_admin(membership):
        return
    others = Membership.objects.active().filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
    if not others.exclude(pk=membership.pk).exists():
        raise ConflictError(
            "The organisation needs at least one active admin: make someone else an admin first.", code="last_admin"
        )


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str) -> Membership:
    """Give the colleague ``role``; refused for the last active admin's demotion."""
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}.", code="invalid_role", details={"role": list(Role.values)})
    membership = _locked(membership)
    if role == membership.role:
        return membership
    if role != Role.ADMIN:
        _check_an_admin_remains(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: AbstractBaseUser) -> Membership:
    """Stop the colleague acting in this organisation (pages and API at once); their past work stays."""
    membership = _locked(membership)
    if membership.deactivated_at is not None:
        return membership
    if membership.user_id == by.pk:
        raise ConflictError("You cannot deactivate yourself: ask another admin.", code="cannot_deactivate_self")
    _check_an_admin_remains(membership)
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["deactivated_at", "updated_at"])
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> Membership:
    """Let a deactivated colleague act in the organisation again, with the role they had."""
    membership = _locked(membership)
    if membership.deactivated_at is not None:
        membership.deactivated_at = None
        membership.save(update_fields=["deactivated_at", "updated_at"])
    return membership
