"""The e-mail log under /manage/emails/ (config.urls)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.emails_view, name="manage-emails"),
    path("<int:pk>/resend/", views.email_resend_view, name="manage-email-resend"),
    path("settings/", views.mail_settings_view, name="manage-email-settings"),
    path("digest/", views.digest_view, name="manage-email-digest"),
]
