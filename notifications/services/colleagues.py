"""The team invitation: the one-time invite link an admin makes for a colleague, e-mailed to them."""

from integrations.sealing import seal
from notifications.models import EmailKind, OutgoingEmail
from notifications.services.outbox import email_record
from organisations.models import ColleagueInvite


def colleague_invite_email_record(*, invite: ColleagueInvite, token: str) -> OutgoingEmail | None:
    """In the transaction that made the invite: the link, e-mailed to the colleague (once per invite).

    The token exists nowhere else (the invite keeps its hash): it is kept sealed (encrypted with a key derived
    from SECRET_KEY, ``integrations.sealing``) so the message can be made when sent and resent while open.
    """
    creator = invite.created_by
    return email_record(
        kind=EmailKind.COLLEAGUE_INVITE,
        key=f"colleague_invite:{invite.pk}",
        to_email=invite.email,
        to_name=invite.name,
        organisation_id=invite.organisation_id,
        data={"invite_id": invite.pk, "token": seal(token), "reply_to": creator.email if creator else ""},
    )
