from django.conf import settings
from django.db import models

from common.models import BaseModel


class Organisation(BaseModel):
    """A tenant. Every other object belongs to exactly one organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
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
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user_per_org"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Candidate(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    external_id = models.CharField(max_length=128, blank=True, default="", help_text="The ATS's id for this person.")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "updated_at", "id"], name="candidate_org_updated")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="candidate_unique_external_id_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
