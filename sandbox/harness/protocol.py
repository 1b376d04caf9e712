"""Wire format between the host, the supervisor and the zygote (stdlib only: runs inside the image).

Host -> supervisor (container stdin): ``b"<decimal length>\\n"`` then that many bytes of a JSON request
``{"nonce", "source", "entry_point", "tests": [{"id", "args"}], "limits": {...}}``.

Supervisor -> host (container stdout): one frame per line, ``b"\\n" + FRAME_PREFIX + nonce + b" " + json + b"\\n"``.
Frame kinds: ``compile`` (once), ``test`` (one per test, in order), ``done`` (last), ``harness_error``.
Only the supervisor knows the nonce; candidate code never runs in it, so nothing the candidate
prints or writes to the container's stdout can be taken for a frame.

Supervisor <-> zygote: one JSON object per line over private pipes.
"""

from __future__ import annotations

import json
import math
from typing import Any

FRAME_PREFIX = b"@@loopwright:"
SOURCE_NAME = "solution.py"  # the file name the candidate's code is compiled under (tracebacks name it)
MAX_REQUEST_BYTES = 64 * 1024 * 1024
TEST_STATUSES = ("ok", "exception", "bad_return", "timeout", "memory", "output_limit", "crashed", "not_run")
COMPILE_STATUSES = ("ok", "syntax_error", "missing_entry_point", "import_error", "import_timeout")


def encode_frame(nonce: str, payload: dict[str, Any]) -> bytes:
    """Serialise one supervisor frame (the leading newline ends any stray partial line)."""
    body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
    return b"\n" + FRAME_PREFIX + nonce.encode() + b" " + body + b"\n"


def parse_frame(line: bytes, nonce: str) -> dict[str, Any] | None:
    """Return the payload of a frame carrying ``nonce``, or None for any other line."""
    head = FRAME_PREFIX + nonce.encode() + b" "
    if not line.startswith(head):
        return None
    try:
        payload = json.loads(line[len(head) :])
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def encode_request(request: dict[str, Any]) -> bytes:
    """Length-prefixed request bytes for the supervisor's stdin (no EOF needed)."""
    body = json.dumps(request, separators=(",", ":"), allow_nan=False).encode()
    return str(len(body)).encode() + b"\n" + body


# ---------------------------------------------------------------- lossless JSON for answers
# Non-finite floats have no JSON literal: they travel as {"__float__": "nan" | "inf" | "-inf"}.
FLOAT_TAG = "__float__"


class UnserializableError(TypeError):
    """A returned value has no lossless JSON form."""


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """Turn a returned value (numpy scalars/arrays, tuples, dicts with str keys...) into plain JSON data."""
    if depth > 100:
        raise UnserializableError("returned value is nested more than 100 levels deep")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, list | tuple):
        return [to_jsonable(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return _mapping(value, depth)
    return _numpy(value, depth)


def _float(value: float) -> Any:
    if math.isnan(value):
        return {FLOAT_TAG: "nan"}
    if math.isinf(value):
        return {FLOAT_TAG: "inf" if value > 0 else "-inf"}
    return value


def _mapping(value: dict[Any, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise UnserializableError(f"dict key {key!r} is not a string; JSON objects need string keys")
        out[key] = to_jsonable(item, depth + 1)
    return out


def _numpy(value: Any, depth: int) -> Any:
    module = type(value).__module__ or ""
    if module == "numpy" or module.startswith("numpy."):
        if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "biufcOU" and hasattr(value, "tolist"):
            if value.dtype.kind == "c":
                raise UnserializableError("complex numbers have no JSON form; return real and imaginary parts")
            return to_jsonable(value.tolist(), depth + 1)
        raise UnserializableError(f"numpy value of dtype {getattr(value, 'dtype', '?')} cannot be returned as JSON")
    if isinstance(value, complex):
        raise UnserializableError("complex numbers have no JSON form; return real and imaginary parts")
    name = type(value).__qualname__
    raise UnserializableError(f"a value of type {name} cannot be returned as JSON (return numbers, str, list, dict)")


def from_jsonable(value: Any) -> Any:
    """Inverse of :func:`to_jsonable` for the non-finite float tags (host side)."""
    if isinstance(value, list):
        return [from_jsonable(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and FLOAT_TAG in value:
            return float(value[FLOAT_TAG])
        return {key: from_jsonable(item) for key, item in value.items()}
    return value
