"""Invite links for colleagues: an admin makes one (shown once), may withdraw it, and the invitee uses it once.

Until e-mail exists the admin passes the link on. Only the token's SHA-256 hash is stored
(``common.tokens``); the token is 256 random bits, so the public page that takes it cannot be
brute-forced. Using a link locks its row: two submits at once make one account, the second is told
the link was used.
"""

from datetime import timedelta

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError, GoneError, NotFoundError
from common.tokens import token_hash, token_new
from organisations.models import ColleagueInvite, Membership, Organisation, Role
from organisations.selectors import INVITE_TOKEN_MAX_LENGTH, colleague_invite_state

INVITE_LIFETIME = timedelta(days=7)
CLOSED_MESSAGES = {
    "used": "This invite link has already been used.",
    "revoked": "This invite link was withdrawn by an admin of the organisation.",
    "expired": "This invite link has expired.",
}


@transaction.atomic
def colleague_invite_create(
    *, organisation: Organisation, name: str, email: str, role: str, created_by: User | None
) -> tuple[ColleagueInvite, str]:
    """A new invite link for ``email`` with ``role``: the invite and its token (the only copy of it)."""
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}.", code="invalid_role", details={"role": list(Role.values)})
    email = BaseUserManager.normalize_email(email.strip())
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk))  # one invite per address at a time
    _check_new_colleague(organisation, email)
    token = token_new()
    invite = ColleagueInvite(
        organisation=organisation,
        name=name.strip(),
        email=email,
        role=role,
        token_hash=token_hash(token),
        expires_at=timezone.now() + INVITE_LIFETIME,
        created_by=created_by,
    )
    invite.full_clean()
    invite.save()
    return invite, token


def _check_new_colleague(organisation: Organisation, email: str) -> None:
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ConflictError(
            f"{email} is already a colleague here (reactivate them if they are deactivated).", code="already_member"
        )
    invites = ColleagueInvite.objects.filter(organisation=organisation, email__iexact=email, used_at__isnull=True)
    if invites.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).exists():
        raise ConflictError(
            f"{email} already has an open invite link: withdraw it to make a new one.", code="already_invited"
        )


@transaction.atomic
def colleague_invite_revoke(*, invite: ColleagueInvite) -> ColleagueInvite:
    """Withdraw the link (idempotent); a used link cannot be withdrawn, deactivate the colleague instead."""
    invite = ColleagueInvite.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise ConflictError("This link was used already: deactivate the colleague instead.", code="invite_used")
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at", "updated_at"])
    return invite


@transaction.atomic
def colleague_invite_accept(*, token: str, username: str, password: str) -> User:
    """Use the link once: a new account (``username``, ``password``) with the invite's role; returns the user.

    ``NotFoundError`` for an unknown token, ``GoneError`` (410) for a used, withdrawn or expired link,
    Django's ``ValidationError`` for a username or password the validators refuse.
    """
    invite = _invite_locked(token)
    state = colleague_invite_state(invite)
    if state != "open":
        raise GoneError(CLOSED_MESSAGES[state], code=f"invite_{state}")
    user = _user_create(invite, username, password)
    membership = Membership(organisation=invite.organisation, user=user, role=invite.role)
    membership.full_clean()
    membership.save()
    invite.used_at, invite.used_by = timezone.now(), user
    invite.save(update_fields=["used_at", "used_by", "updated_at"])
    return user


def _invite_locked(token: str) -> ColleagueInvite:
    if not token or len(token) > INVITE_TOKEN_MAX_LENGTH:
        raise NotFoundError("This invite link is not valid.", code="invite_not_found")
    invites = ColleagueInvite.objects.select_for_update(of=("self",)).select_related("organisation")
    invite = invites.filter(token_hash=token_hash(token)).first()
    if invite is None:
        raise NotFoundError("This invite link is not valid.", code="invite_not_found")
    return invite


def _user_create(invite: ColleagueInvite, username: str, password: str) -> User:
    first, _, last = invite.name.partition(" ")
    user = User(username=username, email=invite.email, first_name=first, last_name=last)
    user.full_clean(exclude=["password"])  # the username's validators and uniqueness
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same username chosen on another link at this moment
        raise ConflictError("That username is taken: choose another.", code="username_taken") from exc
    return user
