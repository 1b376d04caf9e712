"""Numeric comparison with relative and absolute tolerance, for scalars and nested arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from grading.checkers.base import (
    CheckerError,
    CheckInput,
    CheckResult,
    accept,
    is_number,
    json_normalise,
    raised_instead,
    reject,
    short,
)

DEFAULT_REL_TOL = 1e-6
DEFAULT_ABS_TOL = 1e-9


def _all_numbers(value: Any) -> bool:
    if isinstance(value, list):
        return all(_all_numbers(item) for item in value)
    return is_number(value)


def to_array(value: Any) -> np.ndarray | None:
    """A float64 array of a number or a rectangular nesting of lists of numbers, else None."""
    try:
        value = json_normalise(value)
        if not _all_numbers(value):
            return None
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return None  # ragged, non-numeric, beyond float range or absurdly deep


def close_mask(actual: np.ndarray, expected: np.ndarray, rel_tol: float, abs_tol: float) -> np.ndarray:
    """Elementwise |a - e| <= max(abs_tol, rel_tol * |e|); NaN matches NaN; inf matches only itself."""
    with np.errstate(invalid="ignore", over="ignore"):
        within = np.abs(actual - expected) <= np.maximum(abs_tol, rel_tol * np.abs(expected))
    finite = np.isfinite(actual) & np.isfinite(expected)
    same_inf = np.isinf(expected) & (actual == expected)
    both_nan = np.isnan(actual) & np.isnan(expected)
    return (finite & within) | same_inf | both_nan


def _describe_mismatch(got: np.ndarray, want: np.ndarray, ok: np.ndarray) -> str:
    if want.ndim == 0:
        return f"expected {want.item()!r}, got {got.item()!r}"
    bad = np.argwhere(~ok)
    index = tuple(int(i) for i in bad[0])
    where = "[" + ", ".join(map(str, index)) + "]"
    detail = f"expected {want[index].item()!r}, got {got[index].item()!r}"
    return f"{len(bad)} of {want.size} values differ; at {where}: {detail}"


def check(
    actual: CheckInput, expected: Any, *, rel_tol: float = DEFAULT_REL_TOL, abs_tol: float = DEFAULT_ABS_TOL
) -> CheckResult:
    """Pass when the returned number or (nested) array matches ``expected`` within tolerance.

    Each element must satisfy ``|got - want| <= max(abs_tol, rel_tol * |want|)``. NaN matches NaN,
    +inf/-inf match only the same infinity; shapes must be equal; bools and strings are not numbers.
    """
    want = to_array(expected)
    if want is None:
        raise CheckerError(f"float checker: expected value is not numeric: {short(expected)}")
    failure = raised_instead(actual)
    if failure:
        return failure
    got = to_array(actual.value)
    if got is None:
        return reject(f"expected a number or array of numbers, got {short(actual.value)}")
    if got.shape != want.shape:
        return reject(f"shape mismatch: expected {want.shape}, got {got.shape}")
    ok = close_mask(got, want, rel_tol, abs_tol)
    if ok.all():
        return accept()
    return reject(_describe_mismatch(got, want, ok))
