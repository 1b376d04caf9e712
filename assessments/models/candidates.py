from django.db import models

from common.models import BaseModel
from common.time_zones import validate_time_zone


class Candidate(BaseModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    external_id = models.CharField(max_length=128, blank=True, default="", help_text="The ATS's id for this person.")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text="IANA name (Europe/Paris): times in the candidate's e-mails are given in it; empty: UTC.",
    )

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
