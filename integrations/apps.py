from django.apps import AppConfig

from common.events import event_subscribe


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations import schema  # noqa: F401 - registers the API key scheme with drf-spectacular
        from integrations.services import event_fan_out

        event_subscribe(event_fan_out)  # the domain's events become webhook deliveries and ATS callbacks
