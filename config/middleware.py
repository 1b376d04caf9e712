"""A request body over the size limit is refused before anything reads it, in the API's error shape.

Django would raise ``RequestDataTooBig`` only once something reads the body (a 400 HTML page and a
traceback), and DRF's parsers read past the limit without asking. Here the declared length is
checked first, for every route and every content type: 413 ``too_large`` with the size and the
limit, the same code the services use for an answer or code over its own limit. Greenhouse's
endpoints get their ``errors`` list beside it. The unread body is drained (bounded in bytes and
time) so that a client still sending sees the answer instead of a reset connection.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from common.exceptions import TooLargeError, error_body

DRAIN_MAX_BYTES = 16 * 1024 * 1024
DRAIN_MAX_SECONDS = 2.0
DRAIN_CHUNK = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large_response(request: HttpRequest, size: int, limit: int) -> JsonResponse:
    exc = TooLargeError("The request body", size=size, limit=limit, unit="bytes")
    body = error_body(exc.code, exc.message, exc.details)
    if request.path.startswith("/greenhouse/"):
        body["errors"] = [{"message": exc.message}]  # Greenhouse's own shape, beside ours
    return JsonResponse(body, status=exc.status_code)


def drain(request: HttpRequest, size: int) -> None:
    """Read and drop what the client sends, up to a bound, so it can read the answer."""
    left, stop_at = min(size, DRAIN_MAX_BYTES), time.monotonic() + DRAIN_MAX_SECONDS
    try:
        while left > 0 and time.monotonic() < stop_at:
            chunk = request.read(min(DRAIN_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except OSError:  # the client went away: nothing to answer
        return


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size, limit = declared_length(request), settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and size > limit:
            drain(request, size)
            return too_large_response(request, size, limit)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every dynamic answer that sets no policy of its own.

    Pages and API answers carry candidates' personal data, answers and scores; no browser or proxy
    may keep them on disk. Static files never reach here (WhiteNoise answers them first, with long
    caching). API reads with an ETag keep their own ``private, no-cache`` (conditional GET).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
