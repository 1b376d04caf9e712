"""Form fields the question bank's pages share: multi-line text kept as typed, and JSON typed by hand."""

import json
from typing import Any

from django import forms

MAX_JSON_CHARS = 100_000


class TextField(forms.CharField):
    """A textarea's text exactly as typed (code and Markdown), with the browser's CRLF line ends made LF,
    so that saving an unchanged page changes nothing."""

    def __init__(self, *, rows: int = 8, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows, "spellcheck": "false"}))
        super().__init__(strip=False, **kwargs)

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if self.required and not text.strip():
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str, *, what: str) -> Any:
    """JSON as a person typed it, or a ValidationError saying what is wrong (NaN and Infinity are not JSON)."""
    if len(text) > MAX_JSON_CHARS:
        raise forms.ValidationError(f"{what} is longer than {MAX_JSON_CHARS} characters.")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise forms.ValidationError(f"{what} is not valid JSON: {exc}") from None


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_text_field(*, label: str, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=True,
        max_length=MAX_JSON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24, "spellcheck": "false"}),
        help_text=help_text,
    )
