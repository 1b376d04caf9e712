"""The OpenAPI schema's shared parts: every error an /api/v1/ operation can answer, and the headers.

drf-spectacular describes each view's success response from its serializers; this AutoSchema adds
what the base classes do to every request — authentication (401), scope and role checks (403),
rate limits (429 and the ``RateLimit-*`` headers), ``Idempotency-Key`` (422 on POST), validation
(400), lookups (404) and the conflicts a view declares in ``conflict_methods`` (409) — all in
the one error shape, each with an example.
"""

from typing import Any, Literal

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

API_PREFIX = "/api/v1/"
# What DRF's CharField accepts, as JSON Schema (ECMA-262) patterns: never a NUL character, and when
# blank is refused, at least one character that DRF's trimming (Python's wider idea of whitespace
# than ECMA's \s) leaves in place.
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK = r"^[^\u0000]*[^\s\u0000\u001c-\u001f\u0085][^\u0000]*$"


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: branch on this, not on the message.")
    message = serializers.CharField(help_text="For people; may change.")
    details = serializers.JSONField(help_text="Field errors (400) or facts about the refusal; {} when none.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _example(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: (
        "The request is invalid: `details` names each field and what is wrong with it.",
        _example("invalid", "The request is invalid.", {"expires_at": ["This field is required."]}),
    ),
    401: (
        "No credentials, or an API key that is unknown or revoked.",
        _example("api_key_revoked", "The API key has been revoked."),
    ),
    403: (
        "Authenticated, but not allowed: a read-only key writing, or a role that may not do this.",
        _example("scope_forbidden", "This API key may only read."),
    ),
    404: (
        "No such object in your organisation (another organisation's objects look the same).",
        _example("not_found", "No candidate with id 42."),
    ),
    409: (
        "The object's state does not allow this now; `code` says why.",
        _example("already_started", "The candidate has started; an attempt cannot be revoked."),
    ),
    413: (
        "Too large: the request body (over `REQUEST_BODY_MAX_BYTES`, 2.5 MB by default) or a value with a limit of"
        " its own; `details` gives the `size`, the `limit` and their `unit`.",
        _example(
            "too_large",
            "The request body is 3000000 bytes; the limit is 2621440 bytes.",
            {"size": 3000000, "limit": 2621440, "unit": "bytes"},
        ),
    ),
    415: (
        "The body is not JSON: send `Content-Type: application/json`.",
        _example("unsupported_media_type", 'Unsupported media type "text/plain" in request.'),
    ),
    422: (
        "This Idempotency-Key was used for a different request.",
        _example(
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
            {"method": "POST", "path": "/api/v1/invitations/"},
        ),
    ),
    429: (
        "Too many requests for this key in the current window; retry after `Retry-After` seconds.",
        _example("throttled", "Request was throttled. Expected available in 12 seconds."),
    ),
}

_INTEGER = {"type": "integer"}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"schema": _INTEGER, "description": "Requests allowed per window."},
    "RateLimit-Remaining": {"schema": _INTEGER, "description": "Requests left in this window."},
    "RateLimit-Reset": {"schema": _INTEGER, "description": "Seconds until the window resets."},
    "RateLimit-Policy": {"schema": {"type": "string"}, "description": "`<limit>;w=<window seconds>`."},
}
RETRY_AFTER = {"Retry-After": {"schema": _INTEGER, "description": "Seconds to wait before retrying."}}
REPLAYED = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present when this is the stored answer to an earlier request with the same key.",
    }
}


def error_response(status: int) -> OpenApiResponse:
    description, example = ERRORS[status]
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(f"{status} {example['error']['code']}", value=example, status_codes=[str(status)])],
    )


class LoopwrightAutoSchema(AutoSchema):
    def _is_api(self) -> bool:
        return self.path.startswith(API_PREFIX)

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        # drf-spectacular documents every PATCH body as partial (nothing required); a view whose PATCH
        # requires fields (an optimistic ``version``) says so with ``partial_patch = False``.
        if self.method != "PATCH" or getattr(self.view, "partial_patch", True):
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            bounds = (
                ("minItems", getattr(field, "min_length", None)),
                ("maxItems", getattr(field, "max_length", None)),
            )
            schema.update({name: value for name, value in bounds if value})
        is_text = isinstance(field, serializers.CharField) and schema.get("type") == "string"
        has_regex = any(isinstance(validator, RegexValidator) for validator in field.validators)
        if direction == "request" and is_text and not has_regex and not {"pattern", "format", "enum"} & set(schema):
            schema["pattern"] = NOT_BLANK if field.trim_whitespace and not field.allow_blank else NO_NUL
        return schema

    def error_statuses(self) -> list[int]:
        statuses = [401, 403, 429]
        has_query = self.method == "GET" and self._is_list_view()
        if self.method in ("POST", "PUT", "PATCH") or has_query:
            statuses.append(400)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += [413, 415]
        if "{" in self.path or self.method != "GET" or self.method in getattr(self.view, "lookup_in_query", ()):
            statuses.append(404)
        if self.method in getattr(self.view, "conflict_methods", ()):
            statuses.append(409)
        if self.method == "POST":
            statuses.append(422)
        return sorted(statuses)

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if not self._is_api():
            return responses
        for status in self.error_statuses():
            responses.setdefault(str(status), self._get_response_for_code(error_response(status), str(status)))
        return responses

    def _get_response_headers_for_code(self, status_code: Any, direction: str = "response") -> dict[str, Any]:
        headers = dict(super()._get_response_headers_for_code(status_code, direction))
        if not self._is_api() or str(status_code) == "401":
            return headers
        headers.update(RATE_LIMIT_HEADERS)
        if str(status_code) == "429":
            headers.update(RETRY_AFTER)
        if self.method == "POST" and str(status_code).startswith("2"):
            headers.update(REPLAYED)
        return headers
