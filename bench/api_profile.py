"""Where a request's time goes: a cProfile of in-process requests, added up by layer.

Each function's own time (tottime) goes to the layer its file belongs to; a C function (socket
reads, hashing, JSON) goes to the layer of the caller that spent the most time in it. cProfile
slows Python code more than C, so the shares are approximate; they say which layer dominates.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from typing import Any

LAYERS = (
    ("psycopg", "database driver and the wait for PostgreSQL"),
    ("/redis/", "rate limiter (Redis client and round trip)"),
    ("/django/db/", "ORM: building SQL, making model instances"),
    ("/rest_framework/", "DRF: request, authentication, serializers, rendering"),
    ("/django/", "Django: handler, middleware, URL resolving, response"),
    ("/site-packages/", "other libraries"),
)
PROJECT = "project code (views, selectors, services)"
PROJECT_DIRS = ("/api/", "/assessments/", "/common/", "/integrations/", "/grading/", "/rubrics/", "/bench/")
Function = tuple[str, int, str]


def layer_of(filename: str) -> str | None:
    """The layer of a Python file; None for C functions (filename "~") and unknown places."""
    for marker, layer in LAYERS:
        if marker in filename:
            return layer
    if any(directory in filename for directory in PROJECT_DIRS):
        return PROJECT
    return "Python standard library" if filename.endswith(".py") else None


def _attributed(function: Function, stats: dict[Function, Any], depth: int = 0) -> str:
    filename, _, name = function
    layer = layer_of(filename) or ("database driver and the wait for PostgreSQL" if "psycopg" in name else None)
    if layer or depth > 3:
        return layer or "other C functions"
    callers = stats[function][4]
    if not callers:
        return "other C functions"
    heaviest = max(callers, key=lambda caller: callers[caller][2] if isinstance(callers[caller], tuple) else 0)
    return _attributed(heaviest, stats, depth + 1)


def layer_shares(profiler: cProfile.Profile) -> dict[str, float]:
    """Share of the profiled time per layer, largest first."""
    stats: dict[Function, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for function, (_, _, own_time, _, _) in stats.items():
        layer = _attributed(function, stats)
        totals[layer] = totals.get(layer, 0.0) + own_time
    whole = sum(totals.values()) or 1.0
    return {layer: seconds / whole for layer, seconds in sorted(totals.items(), key=lambda item: -item[1])}


def profiled(call: Callable[[], Any], requests: int) -> cProfile.Profile:
    call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call()
    profiler.disable()
    return profiler


def top_functions(profiler: cProfile.Profile, count: int = 25) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(count)
    return out.getvalue()
