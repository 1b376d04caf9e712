"""Exact comparison after JSON normalisation."""

from __future__ import annotations

import math
from typing import Any

from grading.checkers.base import (
    CheckInput,
    CheckResult,
    accept,
    is_number,
    json_normalise,
    numbers_close,
    raised_instead,
    reject,
    short,
)


def json_equal(
    actual: Any, expected: Any, *, strict_types: bool = False, tolerance: tuple[float, float] | None = None
) -> bool:
    """Structural equality of two normalised JSON values.

    Numbers compare by value (``2 == 2.0``) unless ``strict_types``; bools are never numbers;
    NaN equals NaN. With ``tolerance=(rel_tol, abs_tol)`` numbers compare within it.
    """
    if is_number(actual) and is_number(expected):
        if strict_types and type(actual) is not type(expected):
            return False
        if tolerance is not None:
            return numbers_close(actual, expected, *tolerance)
        both_nan = (
            isinstance(actual, float) and isinstance(expected, float) and math.isnan(actual) and math.isnan(expected)
        )
        return both_nan or actual == expected
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(
            json_equal(a, e, strict_types=strict_types, tolerance=tolerance)
            for a, e in zip(actual, expected, strict=True)
        )
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            json_equal(actual[k], expected[k], strict_types=strict_types, tolerance=tolerance) for k in expected
        )
    return bool(actual == expected)


def check(actual: CheckInput, expected: Any, *, strict_types: bool = False) -> CheckResult:
    """Pass when the returned value equals ``expected`` once both are normalised as JSON.

    Tuples and lists are the same; ``2`` equals ``2.0`` (JSON has one number type, and numpy
    answers often come back as floats) unless ``strict_types=True``; ``True`` never equals ``1``.
    """
    failure = raised_instead(actual)
    if failure:
        return failure
    try:
        value = json_normalise(actual.value)
    except (TypeError, ValueError) as exc:
        return reject(f"answer is not JSON-representable: {exc}")
    if json_equal(value, json_normalise(expected), strict_types=strict_types):
        return accept()
    return reject(f"expected {short(expected)}, got {short(value)}")
