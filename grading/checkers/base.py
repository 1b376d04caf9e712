"""Types shared by every checker: what the candidate produced, and what a checker decides."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MESSAGE_LIMIT = 300
_REPR_LIMIT = 80


class CheckerError(Exception):
    """A checker itself is broken or misconfigured: the platform's fault, graded as internal_error."""


@dataclass(frozen=True, slots=True)
class RaisedException:
    """An exception the candidate's code raised, as reported by the sandbox.

    ``bases`` names the exception's base classes, nearest first (``("ArithmeticError", "Exception",
    ...)``), when the sandbox reports them; it lets a subclass satisfy an expected type.
    """

    type_name: str
    message: str = ""
    bases: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What one test of the candidate's code produced: a returned JSON value or a raised exception."""

    value: Any = None
    raised: RaisedException | None = None

    @classmethod
    def returned(cls, value: Any) -> CheckInput:
        return cls(value=value)

    @classmethod
    def raising(cls, type_name: str, message: str = "", bases: Sequence[str] = ()) -> CheckInput:
        return cls(raised=RaisedException(type_name, message, tuple(bases)))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A checker's decision. ``message`` is for reviewers only; candidates see verdicts."""

    passed: bool
    message: str = ""

    def __post_init__(self) -> None:
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", self.message[: MESSAGE_LIMIT - 1] + "…")


def accept(message: str = "") -> CheckResult:
    return CheckResult(True, message)


def reject(message: str) -> CheckResult:
    return CheckResult(False, message)


def short(value: Any) -> str:
    """A bounded repr for messages: candidate output can be arbitrarily large."""
    text = repr(value)
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 1] + "…"


def raised_instead(actual: CheckInput) -> CheckResult | None:
    """The failure to report when a value was expected but the code raised, else None."""
    if actual.raised is None:
        return None
    return reject(f"raised {actual.raised}")


def _json_default(value: Any) -> Any:
    # numpy is optional at this point: duck-type its scalars (.item()) and arrays (.tolist()).
    for method in ("tolist", "item"):
        if callable(getattr(value, method, None)):
            return getattr(value, method)()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def json_normalise(value: Any) -> Any:
    """The value as JSON would carry it: tuples become lists, dict keys strings, numpy values plain.

    This is what the sandbox does to a returned value; applying it again here makes checkers give
    the same verdict whether they get the sandbox's JSON or a value straight from Python.
    Raises ``TypeError``/``ValueError`` for values JSON cannot represent.
    """
    return json.loads(json.dumps(value, default=_json_default, allow_nan=True))


def is_number(value: Any) -> bool:
    """True for ints and floats; bools are not numbers in JSON."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def numbers_close(actual: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    """|actual - expected| <= max(abs_tol, rel_tol * |expected|); NaN matches NaN, inf only itself."""
    try:
        actual, expected = float(actual), float(expected)
    except OverflowError:  # an int beyond float range: only an exact match will do
        return actual == expected
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    if math.isinf(expected) or math.isinf(actual):
        return actual == expected
    return abs(actual - expected) <= max(abs_tol, rel_tol * abs(expected))
