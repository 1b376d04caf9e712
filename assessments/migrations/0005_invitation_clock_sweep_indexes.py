"""Partial indexes for the sweep that touches invitations the clock opened or expired.

Each holds only the unrevoked links not yet touched since that moment, so the sweep reads the
few rows it must touch, however many invitations there are.
"""

from django.db import migrations, models
from django.db.models import F, Q


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_api_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(
                fields=["opens_at"],
                condition=Q(revoked_at__isnull=True, updated_at__lt=F("opens_at")),
                name="invitation_opens_untouched",
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(
                fields=["expires_at"],
                condition=Q(revoked_at__isnull=True, updated_at__lt=F("expires_at")),
                name="invitation_expires_untouched",
            ),
        ),
    ]
