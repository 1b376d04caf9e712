from django.apps import AppConfig


class ManageConfig(AppConfig):
    """The hiring-manager pages (no models); its templates include the staff pages' layout, ``manage/base.html``."""

    name = "manage"
    default_auto_field = "django.db.models.BigAutoField"
