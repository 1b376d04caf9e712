"""The Django admin's app, with the platform operators' site (``config.admin_site``) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "config.admin_site.PlatformAdminSite"
