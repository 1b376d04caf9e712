"""Forms of the organisation admins' integration pages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from integrations.models import ApiKeyScope, WebhookEndpoint, WebhookEventType
from integrations.services.form_nonces import nonce_issue, nonce_read


class SubmitOnceForm(forms.Form):
    """A form whose POST makes a secret (a key, an endpoint, a rotation): re-sending it must not make another.

    Every rendering carries a fresh nonce in a hidden field; the view spends it in the transaction
    that does the work (``services.form_nonces.nonce_spent``), so the same POST again (a refresh, a double click)
    finds it spent. A missing or expired nonce is an error, and the form comes back with a fresh one.
    Nothing secret is stored: the nonce is random and the spent ones are kept in the database.
    """

    purpose = ""
    nonce = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, purpose: str = "", **kwargs: Any) -> None:
        self.purpose = purpose or self.purpose
        self.nonce_id = None if data is None else nonce_read(data.get("nonce", ""), self.purpose)
        if data is not None and self.nonce_id is None:
            data = data.copy()
            data["nonce"] = nonce_issue(self.purpose)  # so that submitting the corrected form works
        super().__init__(data, initial={"nonce": nonce_issue(self.purpose)} if data is None else None, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned.pop("nonce", None)
        if self.nonce_id is None:
            raise ValidationError("This form had expired: check it and submit it again.", code="nonce")
        return cleaned


class ApiKeyCreateForm(SubmitOnceForm):
    purpose = "api-key-create"
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


class WebhookEndpointCreateForm(SubmitOnceForm, WebhookEndpointForm):
    purpose = "webhook-endpoint-create"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ``full_clean`` errors on the form: beside the field when the form has it."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)
