"""An organisation's e-mail settings."""

from django.db import transaction

from notifications.models import MailSettings
from organisations.models import Organisation


@transaction.atomic
def mail_settings_update(*, organisation: Organisation, reply_to: str) -> MailSettings:
    mail_settings, _ = MailSettings.objects.get_or_create(organisation=organisation)
    mail_settings.reply_to = reply_to.strip()
    mail_settings.full_clean()
    mail_settings.save(update_fields=["reply_to"])
    return mail_settings
