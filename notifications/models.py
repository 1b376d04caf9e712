"""E-mail through the outbox: one row per message to one person, sent by the one delivery machinery.

A row holds who it goes to and what it is about (its kind and the ids its text is made from), not the text:
the message is rendered when it is sent, so no credential (a candidate link, a password-reset token) is kept
at rest beyond what the database already holds, and a resend shows what is true now.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from integrations.models import OutgoingDelivery, outgoing_constraints, outgoing_indexes


class EmailKind(models.TextChoices):
    INVITATION = "invitation", _("Candidate: invitation")
    REMINDER = "reminder", _("Candidate: window closing soon")
    RECEIPT = "receipt", _("Candidate: submission received")
    TIME_EXTENDED = "time_extended", _("Candidate: time extended")
    ATTEMPT_GRADED = "attempt_graded", _("Manager: attempt graded")
    GRADING_FAILED = "grading_failed", _("Manager: grading failed")
    INTERVIEWER_ASSIGNED = "interviewer_assigned", _("Interviewer: assigned to a stage")
    SCORECARD_DUE = "scorecard_due", _("Interviewer: scorecard due")
    PASSWORD_RESET = "password_reset", _("Colleague: password reset")
    COLLEAGUE_INVITE = "colleague_invite", _("Colleague: team invitation")
    DIGEST = "digest", _("Manager: daily digest of what needs attention")


CANDIDATE_KINDS = (EmailKind.INVITATION, EmailKind.REMINDER, EmailKind.RECEIPT, EmailKind.TIME_EXTENDED)


class OutgoingEmail(OutgoingDelivery):
    """One message to one address. ``key`` makes it once-only: one invitation e-mail per invitation, one
    reminder, one receipt… A resend on purpose sends the same row again (``email_resend``)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    kind = models.CharField(max_length=24, choices=EmailKind.choices)
    key = models.CharField(max_length=120, unique=True, help_text="What makes this message once-only.")
    to_email = models.EmailField(max_length=254)
    to_name = models.CharField(max_length=200, blank=True, default="")
    invitation = models.ForeignKey(
        "assessments.Invitation", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The colleague it is written to (staff e-mails).",
    )
    data = models.JSONField(default=dict, blank=True, help_text="Ids the message is made from (a stage, an attempt).")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            *outgoing_indexes("outgoingemail"),
            models.Index(fields=["organisation", "updated_at", "id"], name="outgoingemail_org_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EmailKind.values), name="outgoingemail_kind_valid"),
            *outgoing_constraints("outgoingemail"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class MailSettings(models.Model):
    """An organisation's e-mail settings: where replies go when no person is behind a message."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="mail_settings"
    )
    reply_to = models.EmailField(
        blank=True,
        default="",
        help_text="Reply-To of staff e-mails and of candidate e-mails of invitations no person made (API, Greenhouse).",
    )

    class Meta:
        verbose_name_plural = "mail settings"

    def __str__(self) -> str:
        return f"Mail settings of {self.organisation_id}"


class DigestSubscription(models.Model):
    """A hiring manager or admin who asked for the daily e-mail of what needs attention in one organisation."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="digest_one_per_person")]

    def __str__(self) -> str:
        return f"digest for {self.user} @ {self.organisation}"
