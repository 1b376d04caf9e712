"""JSON a client sent, parsed strictly: no NUL characters (PostgreSQL text cannot hold them), no absurd nesting.

Both used to surface as 500s: a NUL as the database driver's ValueError, a 100,000-deep array as a
RecursionError inside the parser. Every JSON body the project reads goes through ``json_loads_checked``
(DRF's parser in ``api/parsers.py``, Greenhouse's views), so each is refused up front with a clear message.
"""

import json
from typing import Any

MAX_DEPTH = 64  # arrays and objects inside each other; real bodies here stay under 10


class UnsafeJsonError(ValueError):
    """The body is JSON but not acceptable: ``code`` says why (``nul_character`` or ``too_deep``)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number.")


def json_loads_checked(text: str | bytes) -> Any:
    """``json.loads`` that refuses NaN/Infinity, NUL characters anywhere and nesting deeper than ``MAX_DEPTH``."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep() from None
    json_check(value)
    return value


def json_check(value: Any) -> None:
    """Walk a parsed value without recursion: every string and key free of NUL, no deeper than ``MAX_DEPTH``."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            children = list(item.items()) if isinstance(item, dict) else [(None, child) for child in item]
            for key, child in children:
                if key is not None:
                    _check_text(key)
                stack.append((child, depth + 1))


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise UnsafeJsonError("Text may not contain NUL characters (\\u0000).", code="nul_character")


def _too_deep() -> UnsafeJsonError:
    return UnsafeJsonError(f"JSON may nest arrays and objects at most {MAX_DEPTH} deep.", code="too_deep")
