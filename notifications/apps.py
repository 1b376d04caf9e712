from django.apps import AppConfig

from common.events import event_subscribe


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "E-mail notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications import checks  # noqa: F401 - registers the deploy check
        from notifications.services.events import email_events_record

        event_subscribe(email_events_record)  # the domain's events become e-mails in the outbox
