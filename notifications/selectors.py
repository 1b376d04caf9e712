"""Organisation-scoped reads of the e-mail log, for the managers' page and the API alike."""

from django.db.models import Prefetch, QuerySet

from assessments.models import Invitation
from common.lookups import one_or_not_found
from notifications.models import EmailKind, MailSettings, OutgoingEmail
from organisations.models import Organisation


def email_list(
    *, organisation: Organisation, status: str = "", kind: str = "", invitation_id: int | None = None
) -> QuerySet[OutgoingEmail]:
    """Newest first: who each message went to, about what, and how its sending went."""
    emails = OutgoingEmail.objects.filter(organisation=organisation)
    if status:
        emails = emails.filter(status=status)
    if kind:
        emails = emails.filter(kind=kind)
    if invitation_id is not None:
        emails = emails.filter(invitation_id=invitation_id)
    return emails.order_by("-created_at", "-pk")


def email_get(*, organisation: Organisation, pk: int) -> OutgoingEmail:
    """Raises ``NotFoundError`` for a missing e-mail and another organisation's alike."""
    return one_or_not_found(email_list(organisation=organisation), pk, "e-mail")


INVITATION_EMAILS = "invitation_emails"  # where ``with_invitation_email`` puts each invitation's e-mail


def with_invitation_email(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Each invitation with its invitation e-mail (status and error) fetched alongside: one more query a page."""
    emails = OutgoingEmail.objects.filter(kind=EmailKind.INVITATION).only("pk", "invitation_id", "status", "last_error")
    return invitations.prefetch_related(Prefetch("emails", queryset=emails, to_attr=INVITATION_EMAILS))


def invitation_email(invitation: Invitation) -> OutgoingEmail | None:
    """The invitation's e-mail to the candidate: fetched with it (``with_invitation_email``), else read now."""
    prefetched = getattr(invitation, INVITATION_EMAILS, None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return OutgoingEmail.objects.filter(kind=EmailKind.INVITATION, invitation=invitation).first()


def mail_settings_get(*, organisation: Organisation) -> MailSettings:
    return MailSettings.objects.filter(organisation=organisation).first() or MailSettings(organisation=organisation)


def invitation_emails_by_id(*, invitation_ids: list[int]) -> dict[int, OutgoingEmail]:
    """The invitation e-mails of these invitations, by invitation id (for a page's rows)."""
    emails = OutgoingEmail.objects.filter(kind=EmailKind.INVITATION, invitation_id__in=invitation_ids)
    return {email.invitation_id: email for email in emails if email.invitation_id is not None}
