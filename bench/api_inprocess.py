"""In-process look at one request per endpoint: SQL queries, time in the database, time per layer.

Runs the same requests as the load through Django's test client (the full middleware stack, no
network, no gunicorn), so it tells how much of a request is Django, DRF and the ORM on one core.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.api_endpoints import Endpoint, Seeded, sample_request
from bench.api_profile import layer_shares, profiled, top_functions

REPEAT = 60


@dataclass(frozen=True)
class InProcess:
    endpoint: str
    status: int
    queries: int
    rows: int  # returned or changed, all queries together
    median_ms: float
    db_share: float  # of the median request's time, spent waiting on the database
    sql: tuple[str, ...]


class _DatabaseTimer:
    """A ``connection.execute_wrapper`` adding up the time spent in the database driver, and the rows."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.rows = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.rows += max(context["cursor"].rowcount, 0)


def _caller(endpoint: Endpoint, seeded: Seeded, authorization: str) -> Callable[[], Any]:
    client = Client(HTTP_AUTHORIZATION=authorization) if endpoint.authenticated else Client()
    method, path, body = sample_request(endpoint, seeded)
    if method == "GET":
        return lambda: client.get(path)
    counter, run = iter(range(10**9)), uuid.uuid4().hex[:12]  # new keys every run: a reused key is a replay
    return lambda: client.post(
        path, body, content_type="application/json", headers={"Idempotency-Key": f"bench-{run}-{next(counter)}"}
    )


def measure(endpoint: Endpoint, seeded: Seeded, authorization: str) -> InProcess:
    call = _caller(endpoint, seeded, authorization)
    call()  # warm: imports, the connection, the API key's last-used update
    with CaptureQueriesContext(connection) as captured:
        response = call()
    sql = tuple(query["sql"] for query in captured.captured_queries)  # now: the next request clears the log
    timings, db_seconds = [], []
    for _ in range(REPEAT):
        timer = _DatabaseTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            call()
            timings.append(time.perf_counter() - started)
        db_seconds.append(timer.seconds)
    median = statistics.median(timings)
    return InProcess(
        endpoint=endpoint.name,
        status=response.status_code,
        queries=len(sql),
        rows=timer.rows,
        median_ms=median * 1000,
        db_share=statistics.median(db_seconds) / median if median else 0.0,
        sql=sql,
    )


def layers(endpoint: Endpoint, seeded: Seeded, authorization: str, *, requests: int = 150) -> dict[str, float]:
    return layer_shares(profiled(_caller(endpoint, seeded, authorization), requests))


def profile_text(endpoint: Endpoint, seeded: Seeded, authorization: str, *, requests: int = 300) -> str:
    """The functions with the most own time over ``requests`` calls, as pstats prints them."""
    return top_functions(profiled(_caller(endpoint, seeded, authorization), requests))
