"""Small admin building blocks shared by the assessments, grading and rubrics admins."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest

# BaseModel's auto_now/auto_now_add stamps: shown, never edited.
TIMESTAMPS = ("created_at", "updated_at")

# JSON fields in tabular inlines: a small textarea instead of the default 10×40 one.
COMPACT_JSON: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
}


class CodeTextField(forms.CharField):
    """Code as typed: not stripped, and the browser's CRLF line ends made LF, so a spec saved unchanged is unchanged
    (and stays published)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["strip"] = False
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


CODE_TEXT: Mapping[type[models.Field], Mapping[str, Any]] = {models.TextField: {"form_class": CodeTextField}}


class ReadOnlyAdminMixin:
    """For rows the system writes (attempts, grading evidence, audit trails): viewable, never made or edited by hand.

    Deletion keeps Django's default so that deleting a parent (an organisation, a candidate) still works.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyInlineMixin:
    """Lists related rows on the parent's page without letting them be added, edited or deleted there."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class RecordsAuthorMixin:
    """Sets the user field named ``author_field`` to whoever adds the object here (list it in readonly_fields)."""

    author_field = "created_by"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and getattr(obj, f"{self.author_field}_id") is None:
            setattr(obj, self.author_field, request.user)
        super().save_model(request, obj, form, change)  # type: ignore[misc]


def excerpt(text: str, length: int = 80) -> str:
    return text if len(text) <= length else f"{text[: length - 1]}…"
