from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ApiConfig(AppConfig):
    """DRF plumbing (no models): a bad rate limit stops start-up with the setting named."""

    name = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api.throttling import parse_rate

        for name in ("API_KEY_RATE_LIMIT", "API_USER_RATE_LIMIT", "CANDIDATE_PREVIEW_RATE_LIMIT"):
            try:
                parse_rate(getattr(settings, name))
            except ValueError as exc:
                raise ImproperlyConfigured(f"{name}: {exc}") from exc
