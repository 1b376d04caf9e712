"""The OpenAPI schema's shared parts: every error an /api/v1/ operation can answer, and the headers.

drf-spectacular describes each view's success response from its serializers. Through its public
hooks this module adds what the base classes do to every request, all in the one error shape and
each with an example: authentication (401), scope and role checks (403), rate limits (429),
``Idempotency-Key`` on the operations that take it (422), validation of bodies and query parameters
(400, 413, 415) and lookups (404), in :meth:`LoopwrightAutoSchema.get_response_serializers`; the
``RateLimit-*``, ``Retry-After`` and ``Idempotent-Replayed`` response headers in the postprocessing
hook :func:`add_response_headers`. A view declares the errors only it can answer (a conflict, 409;
a lookup of an id sent in the query, 404) with ``extend_schema(responses={409: error_response(409)})``.
Two private ``AutoSchema`` methods are still overridden, for want of a public hook: see there.
"""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_examples_list, build_media_type_object
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from api.idempotency import IDEMPOTENCY_HEADER

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


def error_example(status: int, example: dict[str, Any]) -> OpenApiExample:
    return OpenApiExample(f"{status} {example['error']['code']}", value=example, status_codes=[str(status)])


def error_response(status: int) -> OpenApiResponse:
    """For ``extend_schema(responses=...)``: an error a view can answer that the base classes do not."""
    description, example = ERRORS[status]
    return OpenApiResponse(ErrorSerializer, description=description, examples=[error_example(status, example)])


class LoopwrightAutoSchema(AutoSchema):
    def _is_api(self) -> bool:
        return self.path.startswith(API_PREFIX)

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        # Private, for want of a public hook: drf-spectacular documents every PATCH body as partial
        # (nothing required, a "Patched" component) inside this method, with no setting or extension
        # to say otherwise for one view (tfranzel/drf-spectacular#1246). A view whose PATCH requires
        # fields (an optimistic ``version``) says so with ``partial_patch = False``, and its body is
        # documented as a PUT's would be.
        if self.method != "PATCH" or getattr(self.view, "partial_patch", True):
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        # Private, for want of a public hook: what is added here depends on the DRF field (a list
        # serializer's min_length/max_length, a CharField's allow_blank and trim_whitespace), which a
        # postprocessing hook no longer sees, and a field extension would need this very method for
        # the default mapping it adds to. drf-spectacular inserts the validators' constraints after
        # this, and wraps a blank-allowed string with a pattern in a oneOf with the empty string.
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

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        """The operation as drf-spectacular builds it, plus every error the base classes can answer to it."""
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not self._is_api():
            return operation
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        declared = operation["responses"]
        errors = {code: response for code, response in declared.items() if int(code) >= 400}
        for status in error_statuses(method, path, operation):
            errors.setdefault(str(status), self._error_response(status, error))
        successes = {code: response for code, response in declared.items() if int(code) < 400}
        operation["responses"] = {**successes, **dict(sorted(errors.items()))}
        return operation

    def _error_response(self, status: int, error_ref: dict[str, str]) -> dict[str, Any]:
        description, example = ERRORS[status]
        examples = build_examples_list([error_example(status, example)])
        content = {
            media_type: build_media_type_object(error_ref, examples) for media_type in self.map_renderers("media_type")
        }
        return {"content": content, "description": description}


def error_statuses(method: str, path: str, operation: dict[str, Any]) -> list[int]:
    """What the base classes can answer: credentials, scope and role, rate limit, body, lookup, idempotency."""
    method, parameters = method.upper(), operation.get("parameters", [])
    statuses = [401, 403, 429]
    takes_query = any(parameter["in"] == "query" for parameter in parameters)
    if method in ("POST", "PUT", "PATCH") or (method == "GET" and takes_query):
        statuses.append(400)  # the body or the query parameters fail validation
    if method in ("POST", "PUT", "PATCH"):
        statuses += [413, 415]
    if "{" in path or method != "GET":
        statuses.append(404)
    if any(parameter["name"] == IDEMPOTENCY_HEADER for parameter in parameters):
        statuses.append(422)
    return statuses


def add_response_headers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the rate-limit headers on every /api/v1/ answer but a 401 (no caller, no budget),
    ``Retry-After`` on a 429, and ``Idempotent-Replayed`` on the successes of an operation taking ``Idempotency-Key``.
    """
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for operation in operations.values():
            takes_key = any(p.get("name") == IDEMPOTENCY_HEADER for p in operation.get("parameters", []))
            for status, response in operation.get("responses", {}).items():
                headers = _headers_for(str(status), takes_key)
                if headers:  # first, where drf-spectacular puts a response's own headers
                    rest = {key: value for key, value in response.items() if key != "headers"}
                    operation["responses"][status] = {"headers": {**response.get("headers", {}), **headers}, **rest}
    return result


def _headers_for(status: str, takes_key: bool) -> dict[str, Any]:
    if status == "401":
        return {}
    headers = dict(RATE_LIMIT_HEADERS)
    if status == "429":
        headers.update(RETRY_AFTER)
    if takes_key and status.startswith("2"):
        headers.update(REPLAYED)
    return headers
