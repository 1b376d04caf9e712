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


class Membership(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        db_table = "assessments_membership"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user_per_org"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"
