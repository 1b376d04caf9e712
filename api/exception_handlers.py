"""The one DRF exception handler: every API error, ours or DRF's or Django's, leaves in the error shape."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.exceptions import ApplicationError, TooManyRequestsError, error_body


def _django_validation_details(exc: DjangoValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TooManyRequestsError):
        headers = {"Retry-After": str(exc.retry_after)}
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code, headers=headers)
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        details = _django_validation_details(exc)
        return Response(error_body("invalid", "The request is invalid.", details), status=400)
    if isinstance(exc, ValueError) and "NUL" in str(exc):  # the database driver's refusal, should a NUL get past
        return Response(error_body("nul_character", "Text may not contain NUL characters (\\u0000)."), status=400)
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
