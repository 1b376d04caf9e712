"""Conditional GET for the reads an ATS polls: validators on the 200, ``304 Not Modified`` when they match.

The ETag is a hash of the data the view answers and the media type it is rendered as, so it
changes exactly when the body does, whatever the body is computed from. It is weak (``W/"…"``):
it stands for the data, not for the bytes of one rendering. ``Last-Modified`` is sent where the
view knows when its data last changed, and only once that moment is ``SETTLE`` old: an HTTP date
has whole seconds, and a change committed later within the same second (its ``updated_at`` is
taken before its transaction commits) must not hide behind it. ``If-None-Match`` decides alone
when present (RFC 9110 §13.2.2); ``If-Modified-Since`` only without it.

Django's ``get_conditional_response`` is not used: it also evaluates ``If-Match`` and
``If-Unmodified-Since`` and answers them with an empty 412 outside the API's error shape; a read
needs only the two validators a poller sends.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

SETTLE = timedelta(seconds=10)
CACHE_CONTROL = "private, no-cache"  # the caller's data: any cache may keep it, but must ask again each time


def conditional_response(request: Request, data: Any, *, last_modified: datetime | None = None) -> HttpResponseBase:
    """``data`` as a 200 with its validators, or a bodiless 304 when the request's validator still matches."""
    etag = data_etag(data, media_type=request.accepted_media_type)
    modified = settled(last_modified)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified.timestamp())
    if not_modified(request, etag=etag, last_modified=modified):
        return HttpResponseNotModified(headers=headers)
    return Response(data, headers=headers)


def data_etag(data: Any, *, media_type: str) -> str:
    digest = hashlib.blake2b(JSONRenderer().render(data), digest_size=16)
    digest.update(media_type.encode())
    return "W/" + quote_etag(digest.hexdigest())


def settled(last_modified: datetime | None, now: datetime | None = None) -> datetime | None:
    """``last_modified`` once it is ``SETTLE`` in the past, else None (send no Last-Modified yet)."""
    if last_modified is None or last_modified > (now or timezone.now()) - SETTLE:
        return None
    return last_modified


def not_modified(request: Request, *, etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    if since is None or last_modified is None or since > timezone.now().timestamp():  # a date from the future is void
        return False
    return int(last_modified.timestamp()) <= since


def etag_matches(header: str, etag: str) -> bool:
    """The weak comparison RFC 9110 prescribes for If-None-Match; ``*`` matches any current representation."""
    tags = parse_etags(header)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


# --- the schema ---------------------------------------------------------------------------------------

_OK_AND_NOT_MODIFIED = [200, 304]
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `ETag` of the copy you hold: `304` with no body while it is still current.",
)
IF_MODIFIED_SINCE = OpenApiParameter(
    "If-Modified-Since",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `Last-Modified` of the copy you hold: `304` with no body unless it changed since "
    "(ignored when `If-None-Match` is sent).",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=_OK_AND_NOT_MODIFIED,
    required=True,
    description="Weak validator of this body: it changes whenever the body would. Send it back in `If-None-Match`.",
)
LAST_MODIFIED = OpenApiParameter(
    "Last-Modified",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=_OK_AND_NOT_MODIFIED,
    description="When the data last changed (HTTP date), once that is at least 10 seconds ago; "
    "send it back in `If-Modified-Since`.",
)
CACHE_CONTROL_HEADER = OpenApiParameter(
    "Cache-Control",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=_OK_AND_NOT_MODIFIED,
    required=True,
    description=f"`{CACHE_CONTROL}`: keep the body if you like, but revalidate it on every use.",
)
NOT_MODIFIED = OpenApiResponse(description="Not Modified: the copy your validator names is current. No body.")


def conditional_schema(serializer: Any, *, last_modified: bool) -> dict[str, Any]:
    """``extend_schema`` arguments for a read answered by :func:`conditional_response`."""
    parameters = [IF_NONE_MATCH, ETAG, CACHE_CONTROL_HEADER]
    if last_modified:
        parameters += [IF_MODIFIED_SINCE, LAST_MODIFIED]
    return {"parameters": parameters, "responses": {200: serializer, 304: NOT_MODIFIED}}
