"""Password reset by e-mail through the outbox: Django's form and views, the message sent like every other."""

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone

from notifications.models import EmailKind
from notifications.services.outbox import email_record

# One message per account in this many seconds, however often the form is sent: nobody's inbox is flooded.
RESEND_WINDOW_SECONDS = 300


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form, but each matching account gets an outbox row instead of a message sent in the request.

    The token is made when the message is sent (``compose``), so none is stored. The answer is the same
    whether or not an account has the address, as in Django; a request within RESEND_WINDOW_SECONDS of the
    last one for the same account sends nothing more.
    """

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        window = int(timezone.now().timestamp() // RESEND_WINDOW_SECONDS)
        for user in self.get_users(email):
            membership = user.memberships.order_by("pk").first()
            email_record(
                kind=EmailKind.PASSWORD_RESET,
                key=f"password_reset:{user.pk}:{window}",
                to_email=getattr(user, user.get_email_field_name()),
                to_name=user.get_full_name(),
                organisation_id=membership.organisation_id if membership else None,
                user_id=user.pk,
            )
