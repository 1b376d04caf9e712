"""Password reset by e-mail (Django's views, our form and pages), offered only when e-mail is configured."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path

from notifications.services.passwords import OutboxPasswordResetForm

_reset_form = auth_views.PasswordResetView.as_view(
    form_class=OutboxPasswordResetForm, template_name="notifications/password_reset_form.html"
)


def password_reset_view(request: HttpRequest) -> HttpResponseBase:
    """404 while e-mail is not configured: the form would promise a message that never leaves the machine."""
    if not settings.EMAIL_CONFIGURED:
        raise Http404("Password reset by e-mail is not set up on this server; ask an organisation admin.")
    return _reset_form(request)


# /accounts/ (config.urls), before django.contrib.auth.urls so these win.
urlpatterns = [
    path("password_reset/", password_reset_view, name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="notifications/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="notifications/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="notifications/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
