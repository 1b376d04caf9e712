"""`manage.py check --deploy`: production without EMAIL_URL writes its e-mail to files instead of sending it."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def email_configured(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.EMAIL_CONFIGURED or settings.DEBUG:
        return []
    return [
        Warning(
            "EMAIL_URL is not an SMTP URL: no e-mail leaves this server (messages are written under "
            f"{settings.EMAIL_FILE_PATH}) and password reset is not offered.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587 (docs/email.md).",
            id="loopwright.W001",
        )
    ]
