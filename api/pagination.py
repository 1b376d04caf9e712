"""Cursor (keyset) pagination for every /api/v1/ list, ordered by last change, oldest first.

A page is ``{"results": [...], "next_cursor": str | null, "next": url | null}``. The cursor is the
``(updated_at, id)`` of the page's last row, so a page costs one indexed range query whatever its
position, and a row changed while a client pages moves to the end instead of being skipped. To
sync, keep the last row's ``updated_at`` and ask again later with ``updated_since``.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from common.exceptions import ApplicationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class InvalidCursorError(ApplicationError):
    code = "invalid_cursor"


class ListQuerySerializer(serializers.Serializer):
    """Query parameters every list accepts; a list's own filters subclass it."""

    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="Rows per page (1–200)."
    )
    cursor = serializers.CharField(
        required=False, max_length=200, help_text="`next_cursor` of the previous page; omit for the first page."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only rows changed at or after this time (ISO 8601 with a UTC offset)."
    )


def encode_cursor(row: Model) -> str:
    position = {"u": row.updated_at.isoformat(), "i": row.pk}  # type: ignore[attr-defined]
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
        updated_at, pk = datetime.fromisoformat(position["u"]), int(position["i"])
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("The cursor is not one this API gave out; start again without it.") from exc
    if updated_at.tzinfo is None:
        raise InvalidCursorError("The cursor is not one this API gave out; start again without it.")
    return updated_at, pk


def filtered(queryset: QuerySet, query: dict[str, Any], lookups: dict[str, str]) -> QuerySet:
    """Apply each filter the client gave: ``lookups`` maps a query parameter to its ORM lookup."""
    given = {lookup: query[name] for name, lookup in lookups.items() if query.get(name) not in (None, "")}
    return queryset.filter(**given)


def keyset_page(queryset: QuerySet, query: dict[str, Any]) -> tuple[list[Any], str | None]:
    """The page of ``queryset`` that ``query`` (a validated ListQuerySerializer) asks for, and the next cursor."""
    queryset = queryset.order_by("updated_at", "pk")
    if query.get("updated_since"):
        queryset = queryset.filter(updated_at__gte=query["updated_since"])
    if query.get("cursor"):
        updated_at, pk = decode_cursor(query["cursor"])
        queryset = queryset.filter(Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))
    limit = query.get("limit", DEFAULT_LIMIT)
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(rows[limit - 1])


class KeysetPagination(BasePagination):
    """Describes the page envelope to drf-spectacular; :func:`paginate` does the work."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next_cursor", "next"],
            "properties": {
                "results": schema,
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as `cursor` for the next page; null on the last page.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "The next page's URL."},
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []  # limit, cursor and updated_since come from each list's query serializer


def paginate(
    request: Request,
    queryset: QuerySet,
    serializer_class: type[serializers.BaseSerializer],
    *,
    query: dict[str, Any],
    context: dict[str, Any] | None = None,
) -> Response:
    rows, next_cursor = keyset_page(queryset, query)
    next_url = replace_query_param(request.build_absolute_uri(), "cursor", next_cursor) if next_cursor else None
    data = serializer_class(rows, many=True, context=context or {}).data
    return Response({"results": data, "next_cursor": next_cursor, "next": next_url})
