"""E-mail as a kind of outgoing delivery: recorded in the causing transaction, sent over SMTP by a task.

Its life (claim under a lease, retries with backoff, dead, the sweep) is ``integrations.services.outgoing``'s.
Here is what is particular to e-mail: a row is once-only by its ``key``; one try renders the message and
hands it to Django's e-mail backend; SMTP's answer decides what happens next. The server refusing the
recipient, the sender or the message with a 5xx is final (the row is failed and shown, and a person can
resend it once the address is fixed); anything else (no connection, a timeout, a 4xx, an authentication
error) is tried again on the schedule, so an SMTP outage loses nothing.
"""

import logging
import smtplib
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Invitation
from assessments.services.invitations import invitation_touch
from common.exceptions import ConflictError
from integrations.services.http import PostResult
from integrations.services.outgoing import DeliverOutcome, Outgoing
from notifications.models import CANDIDATE_KINDS, EmailKind, OutgoingEmail
from notifications.services.compose import email_message

logger = logging.getLogger(__name__)
SMTP_ACCEPTED = 250
REPLY_MAX_CHARS = 1000


def smtp_outcome(result: PostResult) -> DeliverOutcome:
    """Accepted: done. A 5xx refusal of the recipient, sender or message: final. Anything else: try again."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        return DeliverOutcome.SUCCEEDED
    return DeliverOutcome.FAILED if result.permanent else DeliverOutcome.RETRY


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _reply(text: bytes | str) -> str:
    decoded = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    return decoded.replace("\x00", "\ufffd")[:REPLY_MAX_CHARS]


def _refusal(code: int, reply: bytes | str, started: float, what: str) -> PostResult:
    error = f"{what} refused: {code} {_reply(reply)}"
    return PostResult(code, _elapsed(started), excerpt=_reply(reply), error=error, permanent=code >= 500)


def smtp_send(email: OutgoingEmail) -> PostResult:
    """One try: render and hand the message to the configured backend; what SMTP answered."""
    started = time.monotonic()
    try:
        message = email_message(email)
    except Exception as exc:  # a message that cannot be made will not be made by trying again
        logger.exception("Could not compose e-mail %s", email.pk)
        return PostResult(None, _elapsed(started), error=f"could not compose: {exc}", permanent=True)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        return _refusal(code, reply, started, "recipient")
    except smtplib.SMTPSenderRefused as exc:
        return _refusal(exc.smtp_code, exc.smtp_error, started, "sender")
    except smtplib.SMTPDataError as exc:
        return _refusal(exc.smtp_code, exc.smtp_error, started, "message")
    except smtplib.SMTPResponseException as exc:  # a 4xx anywhere, authentication, a 5xx greeting: try again
        return PostResult(exc.smtp_code, _elapsed(started), error=f"{exc.smtp_code} {_reply(exc.smtp_error)}")
    except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, dropped connection
        return PostResult(None, _elapsed(started), error=f"connection failed: {type(exc).__name__}: {exc}")
    except SoftTimeLimitExceeded:
        return PostResult(None, _elapsed(started), error="timeout: the SMTP server took longer than the task's limit")
    return PostResult(SMTP_ACCEPTED, _elapsed(started), excerpt="accepted")


def _touch_invitation(email: OutgoingEmail, result: PostResult, outcome: DeliverOutcome, attempted_at: Any) -> None:
    """An invitation e-mail sent or refused changes what the API shows of the invitation (``email_status``)."""
    if email.kind == EmailKind.INVITATION and email.invitation_id and outcome != DeliverOutcome.RETRY:
        invitation_touch(invitation_id=email.invitation_id)


EMAILS: Outgoing[OutgoingEmail] = Outgoing(
    model=OutgoingEmail,
    task="notifications.tasks.deliver_email",
    send=smtp_send,
    related=("organisation", "invitation__candidate", "invitation__created_by", "user"),
    queue="mail",
    classify=smtp_outcome,
    log=_touch_invitation,
)


def email_record(
    *,
    kind: str,
    key: str,
    to_email: str,
    to_name: str = "",
    organisation_id: int | None = None,
    invitation: Invitation | None = None,
    user_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> OutgoingEmail | None:
    """In the caller's transaction: the message, due now and sent after commit. None if ``key`` was recorded."""
    if not to_email or OutgoingEmail.objects.filter(key=key).exists():
        return None
    now = timezone.now()
    email = OutgoingEmail(
        organisation_id=organisation_id,
        kind=kind,
        key=key,
        to_email=to_email,
        to_name=to_name[:200],
        invitation=invitation,
        user_id=user_id,
        data=data or {},
        **EMAILS.due_now(now),
    )
    try:
        with transaction.atomic():  # a savepoint: a racing twin's row makes ours a no-op, not a failed request
            email.save(force_insert=True)
    except IntegrityError:
        return None
    EMAILS.enqueue_on_commit(email.pk)
    return email


def email_deliver(*, email_id: int) -> DeliverOutcome:
    """Claim, render and send once, then record what happened."""
    return EMAILS.deliver(email_id)


def emails_sweep() -> list[int]:
    """Send a task for every e-mail due with no message on its way (retries, lost messages, expired leases)."""
    return EMAILS.sweep()


def _current_recipient(email: OutgoingEmail) -> tuple[str, str]:
    """Where the message goes now: the candidate's or colleague's address as it is today (it may be fixed)."""
    if email.kind in CANDIDATE_KINDS and email.invitation is not None:
        candidate = email.invitation.candidate
        return candidate.email, candidate.name
    if email.user is not None and email.user.email:
        return email.user.email, email.user.get_full_name()
    return email.to_email, email.to_name


@transaction.atomic
def email_resend(*, email: OutgoingEmail) -> OutgoingEmail:
    """Send again now, to the recipient's current address, with a fresh retry schedule (a new Message-ID)."""
    to_email, to_name = _current_recipient(email)
    OutgoingEmail.objects.filter(pk=email.pk).update(to_email=to_email, to_name=to_name[:200])
    if not EMAILS.restart(email.pk):
        raise ConflictError("This e-mail is being sent right now; resend it once it has finished.", code="in_flight")
    if email.kind == EmailKind.INVITATION and email.invitation_id:
        invitation_touch(invitation_id=email.invitation_id)
    email.refresh_from_db()
    return email
