"""``Idempotency-Key`` on POST: a retry with the same key and body gets the first answer; nothing runs twice.

The record is inserted in the transaction that runs the view, so a concurrent duplicate waits on
the unique (organisation, caller, key) index until the first commits, then replays its answer (or,
if the first failed and rolled back, runs itself). Only successful (2xx) answers are kept: a request
that failed changed nothing and may be retried with the same key. Records live 24 hours.

A key belongs to its caller (the API key, or the signed-in person within the organisation): the
same key from anyone else is a fresh key for them, so nobody replays, or learns about, another
caller's request.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from common.exceptions import ApplicationError
from integrations.models import ApiKey, IdempotencyRecord
from organisations.models import Organisation

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    type={"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": r"\S"},
    location=OpenApiParameter.HEADER,
    required=False,
    description="Up to 255 characters. A retry with the same key and body returns the first answer (docs/api.md).",
)
RECORD_LIFETIME = timedelta(hours=24)


class IdempotencyKeyReusedError(ApplicationError):
    code = "idempotency_key_reused"
    status_code = 422


def _to_json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=JSONEncoder))


def request_fingerprint(request: Request) -> str:
    """SHA-256 of the parsed body as canonical JSON: key order and whitespace do not matter."""
    data = request.data
    if isinstance(data, QueryDict):
        data = dict(data.lists())
    canonical = json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _validated_key(key: str) -> str:
    if not key.strip() or len(key) > KEY_MAX_LENGTH:
        raise ApplicationError(
            f"The Idempotency-Key header must be 1 to {KEY_MAX_LENGTH} characters.", code="idempotency_key_invalid"
        )
    return key


def request_caller(request: Request) -> str:
    """Who owns the keys this request sends: its API key, else its signed-in person."""
    if isinstance(request.auth, ApiKey):
        return f"api_key:{request.auth.pk}"
    return f"user:{request.user.pk}"


def idempotent_post(*, organisation: Organisation, request: Request, key: str, run: Callable[[], Response]) -> Response:
    """Run ``run`` once per (organisation, caller, key); replay its answer to retries with the same body."""
    key, caller = _validated_key(key), request_caller(request)
    method, path, fingerprint = request.method or "POST", request.path, request_fingerprint(request)
    with transaction.atomic():
        IdempotencyRecord.objects.filter(
            organisation=organisation, caller=caller, key=key, created_at__lt=timezone.now() - RECORD_LIFETIME
        ).delete()
        record, created = IdempotencyRecord.objects.get_or_create(
            organisation=organisation,
            caller=caller,
            key=key,
            defaults={"method": method, "path": path, "request_hash": fingerprint, "response_status": 0},
        )
        if not created:
            return _replay(record, method=method, path=path, fingerprint=fingerprint)
        response = run()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)  # keep no record: the failed request changed nothing
            return response
        record.response_status, record.response_body = response.status_code, _to_json(response.data)
        record.save(update_fields=["response_status", "response_body"])
        return response


def _replay(record: IdempotencyRecord, *, method: str, path: str, fingerprint: str) -> Response:
    if (record.method, record.path, record.request_hash) != (method, path, fingerprint):
        raise IdempotencyKeyReusedError(
            "This Idempotency-Key was used for a different request; use a new key for a new request."
        )
    return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})


def idempotent(post: Callable[..., Response]) -> Callable[..., Response]:
    """Make an ``OrganisationApi`` POST honour ``Idempotency-Key``; without the header it runs as before."""

    @functools.wraps(post)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return post(view, request, *args, **kwargs)
        return idempotent_post(
            organisation=view.organisation, request=request, key=key, run=lambda: post(view, request, *args, **kwargs)
        )

    return extend_schema(parameters=[IDEMPOTENCY_PARAMETER])(wrapper)


def idempotency_records_expire() -> int:
    """Delete records older than 24 hours (run by beat); returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - RECORD_LIFETIME).delete()
    return deleted
