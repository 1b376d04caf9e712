"""A message made from its row when it is sent: templates for the subject, the plain text and the HTML.

Every message: the organisation's name as the sender's name (the address is ``DEFAULT_FROM_EMAIL``), a
Reply-To to a person where there is one, times in the recipient's time zone where known (else UTC, said
so), absolute links without tracking, and the candidate's link only in the candidate's own messages.
"""

from collections.abc import Callable
from datetime import datetime
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode

from assessments.models import Attempt, Invitation, Stage
from assessments.selectors.invitations import invitation_link
from common.links import site_url
from integrations.sealing import unseal
from notifications.models import CANDIDATE_KINDS, EmailKind, MailSettings, OutgoingEmail
from organisations.models import ColleagueInvite
from organisations.selectors import colleague_invite_state
from rubrics.selectors.attempt_results import attempt_coding_score, report_url
from rubrics.selectors.attention import attention

PLATFORM_NAME = "Loopwright"
UTC_NAME = "UTC"


def one_line(text: str) -> str:
    """A header value: no line breaks (a name cannot add a header)."""
    return " ".join(text.split())


def moment(value: datetime | None, zone: str = UTC_NAME) -> str:
    """``Wednesday 2 December 2026, 17:00 UTC``: the time in ``zone``, which is always named."""
    if value is None:
        return ""
    local = timezone.localtime(value, ZoneInfo(zone))
    return f"{date_format(local, 'l j F Y, H:i')} {zone}"


def _staff_link(email: OutgoingEmail, url: str) -> str:
    slug = email.organisation.slug if email.organisation else ""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'org': slug})}" if slug else url


def _invitation_context(email: OutgoingEmail) -> dict[str, Any]:
    invitation: Invitation = email.invitation  # type: ignore[assignment]
    attempt: Attempt | None = getattr(invitation, "attempt", None)
    zone = invitation.candidate.time_zone or UTC_NAME  # the candidate's, when the ATS or the manager gave it
    return {
        "invitation": invitation,
        "assessment": invitation.question_set.title,
        "duration_minutes": invitation.duration_minutes,
        "opens_at": moment(invitation.opens_at, zone),
        "expires_at": moment(invitation.expires_at, zone),
        "submitted_at": moment(attempt.submitted_at if attempt else None, zone),
        "deadline": moment(attempt.deadline if attempt else None, zone),
        # The candidate's link, a credential: only ever in the candidate's own message.
        "link": invitation_link(invitation) if email.kind in CANDIDATE_KINDS else "",
    }


def _attempt_context(email: OutgoingEmail) -> dict[str, Any]:
    invitation: Invitation = email.invitation  # type: ignore[assignment]
    attempt: Attempt = invitation.attempt
    score = attempt_coding_score(attempt_id=attempt.pk) if email.kind == EmailKind.ATTEMPT_GRADED else None
    return {
        "candidate": invitation.candidate.name,
        "assessment": invitation.question_set.title,
        "submitted_at": moment(attempt.submitted_at),
        "coding_score": None if score is None else round(score),
        "report_url": report_url(attempt),  # the attempt's page, with its organisation (``attempt_page_url``)
    }


def _stage_context(email: OutgoingEmail) -> dict[str, Any]:
    stage = Stage.objects.select_related("loop").get(pk=email.data["stage_id"])
    context: dict[str, Any] = {"stage": stage.title, "loop": stage.loop.title, "role": stage.loop.role}
    context["queue_url"] = _staff_link(email, site_url("interviews-queue"))
    if email.kind == EmailKind.SCORECARD_DUE:
        invitation: Invitation = email.invitation  # type: ignore[assignment]
        context["candidate"] = invitation.candidate.name
        context["graded_hours"] = settings.EMAIL_SCORECARD_DUE_HOURS
        url = site_url("interviews-scorecard", stage.pk, invitation.candidate_id)
        context["scorecard_url"] = _staff_link(email, url)
    return context


def _password_reset_context(email: OutgoingEmail) -> dict[str, Any]:
    user = email.user
    assert user is not None
    # Made now, not stored: the token is valid until the password changes or PASSWORD_RESET_TIMEOUT passes.
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    return {"username": user.get_username(), "reset_url": site_url("password_reset_confirm", uid, token)}


def _colleague_invite_context(email: OutgoingEmail) -> dict[str, Any]:
    invite = ColleagueInvite.objects.select_related("created_by").get(pk=email.data["invite_id"])
    state = colleague_invite_state(invite)
    if state != "open":  # a withdrawn, used or expired link is not worth a message
        raise ValueError(f"the invite link is {state}")
    token = unseal(email.data["token"])
    if token is None:
        raise ValueError("the invite link cannot be read back (DJANGO_SECRET_KEY changed): make a new one")
    inviter = invite.created_by.get_full_name() or invite.created_by.get_username() if invite.created_by else ""
    return {
        "join_url": site_url("colleague-join", token),
        "role": invite.get_role_display().lower(),
        "inviter": inviter,
        "expires_at": moment(invite.expires_at),
    }


def _digest_context(email: OutgoingEmail) -> dict[str, Any]:
    """What needs attention now (at sending, not at recording), each row with its absolute link."""
    found = attention(organisation=email.organisation, now=timezone.now())  # type: ignore[arg-type]

    def report(candidate_id: int, loop_id: int) -> str:
        return _staff_link(email, f"{site_url('manage-candidate-report', candidate_id)}?loop={loop_id}")

    failed = []
    for submission in found.failed_gradings:
        attempt = submission.attempt_question.attempt
        url = report_url(attempt)  # the attempt's page: its loop's report, or the one outside loops
        failed.append({"candidate": attempt.invitation.candidate.name, "submission": submission.pk, "url": url})
    return {
        "awaiting": [
            {
                "candidate": row.candidate.name,
                "loop": row.loop.title,
                "missing": row.missing,
                "assigned": row.assigned,
                "url": report(row.candidate.pk, row.loop.pk),
            }
            for row in found.awaiting_scorecards
        ],
        "failed": failed,
        "expiring": [
            {"candidate": invitation.candidate.name, "closes": moment(invitation.expires_at)}
            for invitation in found.expiring_invitations
        ],
        "home_url": _staff_link(email, site_url("home")),
    }


CONTEXTS: dict[str, Callable[[OutgoingEmail], dict[str, Any]]] = {
    EmailKind.INVITATION: _invitation_context,
    EmailKind.REMINDER: _invitation_context,
    EmailKind.RECEIPT: _invitation_context,
    EmailKind.TIME_EXTENDED: _invitation_context,
    EmailKind.ATTEMPT_GRADED: _attempt_context,
    EmailKind.GRADING_FAILED: _attempt_context,
    EmailKind.INTERVIEWER_ASSIGNED: _stage_context,
    EmailKind.SCORECARD_DUE: _stage_context,
    EmailKind.PASSWORD_RESET: _password_reset_context,
    EmailKind.COLLEAGUE_INVITE: _colleague_invite_context,
    EmailKind.DIGEST: _digest_context,
}


def _reply_to(email: OutgoingEmail) -> list[str]:
    """The inviting person for a candidate; else the organisation's reply-to setting; else none."""
    creator = email.invitation.created_by if email.invitation is not None else None
    if email.kind in CANDIDATE_KINDS and creator is not None and creator.email:
        return [creator.email]
    if email.kind == EmailKind.COLLEAGUE_INVITE and email.data.get("reply_to"):
        return [email.data["reply_to"]]
    if email.organisation_id is None:
        return []
    mail_settings = MailSettings.objects.filter(organisation_id=email.organisation_id).first()
    return [mail_settings.reply_to] if mail_settings and mail_settings.reply_to else []


def sender(email: OutgoingEmail) -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    name = email.organisation.name if email.organisation else PLATFORM_NAME
    return formataddr((one_line(name), address))


def message_id(email: OutgoingEmail) -> str:
    """The same for every try of one sending (a receiver can drop a duplicate); new when resent on purpose."""
    domain = (parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "localhost").rpartition("@")[2] or "localhost"
    return f"<loopwright.{email.pk}.{email.cycle_start_count}@{domain}>"


def email_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The message for ``email``: subject, plain text and HTML from ``notifications/email/<kind>.*``."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "organisation": email.organisation.name if email.organisation else PLATFORM_NAME,
            "name": email.to_name or email.to_email,
            "site_url": settings.SITE_URL,
            **CONTEXTS[email.kind](email),
        }
        base = f"notifications/email/{email.kind}"
        subject = one_line(render_to_string(f"{base}.subject.txt", context))
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(email),
        to=[formataddr((one_line(email.to_name), email.to_email))],
        reply_to=_reply_to(email),
        headers={"Message-ID": message_id(email), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
