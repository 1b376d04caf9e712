"""Forms of the organisation admins' integration pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from integrations.models import ApiKeyScope, WebhookEndpoint, WebhookEventType


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses this key, e.g. “Greenhouse production”.")
    scope = forms.ChoiceField(choices=ApiKeyScope.choices, initial=ApiKeyScope.READ, widget=forms.RadioSelect)


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        label="URL",
        help_text="Receives a POST per event. HTTPS in production.",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint) -> "WebhookEndpointForm":
        fields = ("url", "description", "events", "is_active")
        return cls(initial={name: getattr(endpoint, name) for name in fields})


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ``full_clean`` errors on the form: beside the field when the form has it."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)
