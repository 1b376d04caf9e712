"""One family of domain errors and one handler that maps every API error to a stable shape.

Shape: ``{"error": {"code": str, "message": str, "details": dict | list}}``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A domain rule said no. Services raise it; the API turns it into a 4xx with a stable shape."""

    code = "invalid"
    status_code = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details if details is not None else {}


class NotFoundError(ApplicationError):
    code = "not_found"
    status_code = 404


class ConflictError(ApplicationError):
    code = "conflict"
    status_code = 409


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status_code = 403


class TooLargeError(ApplicationError):
    """Something sent is over its limit. One answer for every "too big": 413, ``too_large``, size and limit."""

    code = "too_large"
    status_code = 413

    def __init__(self, what: str, *, size: int, limit: int, unit: str) -> None:
        super().__init__(
            f"{what} is {size} {unit}; the limit is {limit} {unit}.",
            details={"size": size, "limit": limit, "unit": unit},
        )


def size_check(what: str, *, size: int, limit: int, unit: str) -> None:
    """Raise ``TooLargeError`` when ``size`` is over ``limit``."""
    if size > limit:
        raise TooLargeError(what, size=size, limit=limit, unit=unit)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def _django_validation_details(exc: DjangoValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        details = _django_validation_details(exc)
        return Response(error_body("invalid", "The request is invalid.", details), status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        response.data = error_body("invalid", "The request is invalid.", exc.detail)
    elif isinstance(exc, drf_exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else "The request failed."
        response.data = error_body(
            str(exc.get_codes()) if isinstance(exc.get_codes(), str) else exc.default_code, message
        )
    return response
