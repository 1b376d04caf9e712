"""The API's one JSON parser: DRF's, made strict by ``common.json_input`` (no NUL, no absurd nesting)."""

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from common.json_input import UnsafeJsonError, json_loads_checked


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_loads_checked(stream.read().decode(encoding))
        except UnsafeJsonError as exc:
            raise ParseError(str(exc), code=exc.code) from None
        except ValueError as exc:  # not JSON, not in the declared encoding, NaN or Infinity
            raise ParseError(f"JSON parse error - {exc}") from None
