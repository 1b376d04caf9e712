"""The Django admin is for platform operators (superusers) only, and says so.

Organisation admins do their work in the product (/manage/: colleagues, roles, API keys, webhooks),
scoped to their organisation; the Django admin is not scoped and so is no place for them. A
platform operator is made with ``manage.py createsuperuser``; no organisation role implies it.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

OPERATORS_ONLY = (
    "This is the platform operators' administration. Organisation admins manage colleagues, roles, "
    "API keys and webhooks in Loopwright itself, at /manage/."
)


def is_platform_operator(user: AbstractBaseUser | object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


class PlatformOperatorLoginForm(AdminAuthenticationForm):
    """The admin's login form: refuses a correct password of anyone who is not a platform operator."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not is_platform_operator(user):
            raise ValidationError(OPERATORS_ONLY, code="not_a_platform_operator")


class PlatformAdminSite(admin.AdminSite):
    site_header = "Loopwright platform operations"
    site_title = "Loopwright operations"
    index_title = "Platform operators only: organisation admins use /manage/"
    login_form = PlatformOperatorLoginForm
    login_template = "admin/platform_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return super().login(request, {**(extra_context or {}), "operators_only": OPERATORS_ONLY})
