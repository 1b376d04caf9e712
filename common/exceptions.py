"""One family of domain errors and the stable error shape they are answered in.

Shape: ``{"error": {"code": str, "message": str, "details": dict | list}}``. The API's exception
handler (``api.exception_handlers``) maps every error to it.
"""

import math
from typing import Any


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


class GoneError(ApplicationError):
    """It existed and is over for good (a used, expired or withdrawn one-time link): 410."""

    code = "gone"
    status_code = 410


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status_code = 403


class TooManyRequestsError(ApplicationError):
    """Not now: answered 429 with ``Retry-After`` (whole seconds, at least 1), also in ``details``."""

    code = "too_many_requests"
    status_code = 429

    def __init__(self, message: str, *, retry_after: float, code: str | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(message, code=code, details={"retry_after": self.retry_after})


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
