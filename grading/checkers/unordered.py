"""Collection equality ignoring the order of its top-level elements."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

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
from grading.checkers.exact import json_equal

# Above this size a tolerant comparison of nested elements only tries the sorted pairing:
# the exact bipartite matching is quadratic.
MATCHING_LIMIT = 400


def _key(value: Any, strict_types: bool) -> Any:
    """A hashable key that is equal exactly when json_equal says the values are."""
    if is_number(value):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)
        return (type(value).__name__, value) if strict_types else ("num", value)
    if isinstance(value, list):
        return ("list", tuple(_key(item, strict_types) for item in value))
    if isinstance(value, dict):
        return ("dict", frozenset((k, _key(v, strict_types)) for k, v in value.items()))
    return (type(value).__name__, value)


def _order(value: Any) -> tuple[Any, ...]:
    """A total order on JSON values that sorts numbers numerically (NaN last)."""
    if is_number(value):
        return (0, math.inf, 1) if math.isnan(value) else (0, float(value), 0)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, list):
        return (2, tuple(_order(item) for item in value))
    if isinstance(value, dict):
        return (3, tuple(sorted((k, _order(v)) for k, v in value.items())))
    return (4, repr(value))


def _exact_match(got: list[Any], want: list[Any], strict_types: bool) -> CheckResult:
    got_keys = [_key(item, strict_types) for item in got]
    want_keys = [_key(item, strict_types) for item in want]
    missing = Counter(want_keys) - Counter(got_keys)
    if not missing:
        return accept()
    example = next(item for item, key in zip(want, want_keys, strict=True) if key in missing)
    return reject(f"{missing.total()} expected element(s) missing, e.g. {short(example)}")


def _has_perfect_matching(got: list[Any], want: list[Any], close: Any) -> bool:
    """Kuhn's augmenting-path bipartite matching: can every got[i] pair with a distinct want[j]?"""
    owner: list[int | None] = [None] * len(want)
    edges = [[j for j, w in enumerate(want) if close(g, w)] for g in got]

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                holder = owner[j]
                if holder is None or augment(holder, seen):
                    owner[j] = i
                    return True
        return False

    return all(augment(i, set()) for i in range(len(got)))


def _tolerant_match(got: list[Any], want: list[Any], tolerance: tuple[float, float], strict_types: bool) -> CheckResult:
    def close(a: Any, e: Any) -> bool:
        return json_equal(a, e, strict_types=strict_types, tolerance=tolerance)

    pairs = list(zip(sorted(got, key=_order), sorted(want, key=_order), strict=True))
    mismatch = next(((a, e) for a, e in pairs if not close(a, e)), None)
    if mismatch is None:
        return accept()
    if len(want) <= MATCHING_LIMIT and _has_perfect_matching(got, want, close):
        return accept()
    got_item, want_item = mismatch
    return reject(f"elements differ beyond tolerance: expected {short(want_item)}, nearest got {short(got_item)}")


def check(
    actual: CheckInput,
    expected: Any,
    *,
    rel_tol: float | None = None,
    abs_tol: float | None = None,
    strict_types: bool = False,
) -> CheckResult:
    """Pass when the returned list holds the same elements as ``expected`` in any order.

    Only the outer order is ignored; elements compare as in the exact checker. Give ``rel_tol``
    and/or ``abs_tol`` to compare numbers inside elements within tolerance (as the float checker).
    """
    want = json_normalise(expected)
    if not isinstance(want, list):
        raise CheckerError(f"unordered checker: expected value is not a list: {short(expected)}")
    failure = raised_instead(actual)
    if failure:
        return failure
    try:
        got = json_normalise(actual.value)
    except (TypeError, ValueError) as exc:
        return reject(f"answer is not JSON-representable: {exc}")
    if not isinstance(got, list):
        return reject(f"expected a list, got {short(got)}")
    if len(got) != len(want):
        return reject(f"expected {len(want)} elements, got {len(got)}")
    if rel_tol is None and abs_tol is None:
        return _exact_match(got, want, strict_types)
    return _tolerant_match(got, want, (rel_tol or 0.0, abs_tol or 0.0), strict_types)
