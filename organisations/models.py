"""Tenancy: the organisations, the people in them and their roles.

The tables keep the names they had when these models lived in ``assessments`` (``db_table``): the
move was a change of Django's bookkeeping only (``organisations/migrations/0001_initial.py``).
"""

from django.conf import settings
from django.db import models

from common.models import BaseModel


class Organisation(BaseModel):
    """A tenant. Every other object belongs to exactly one organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        db_table = "assessments_organisation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    INTERVIEWER = "interviewer", "Interviewer"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        """Memberships not deactivated: the only ones that let a person act in the organisation."""
        return self.filter(deactivated_at__isnull=True)


class Membership(BaseModel):
    """A person's role in one organisation. Deactivated, it lets them do nothing there; their past work stays."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        db_table = "assessments_membership"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user_per_org"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class ColleagueInvite(BaseModel):
    """A one-time link that lets someone join the organisation with a role: shown once, kept as a SHA-256 hash.

    Open until ``expires_at`` unless used (``used_at``, once: the row is locked while it is used) or
    withdrawn (``revoked_at``). The plaintext token exists only in the link given to the admin.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="colleague_invites")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="colleagueinvite_role_valid"),
            models.CheckConstraint(
                condition=models.Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106
                name="colleagueinvite_hash_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> → {self.organisation} ({self.role})"
