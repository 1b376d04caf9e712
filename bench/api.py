"""API benchmark (issue 6): the REST API under gunicorn, loaded by wrk, beside a bare DRF endpoint.

Run: ``.venv/bin/python -m bench.api [--size 5000] [--connections 8] [--duration 15] [--rounds 1]``.
Not a test: it prints machine facts, one table and whether the targets are met, and exits
non-zero when any measured request was answered otherwise than 2xx (such a run is not a result).

What it does, in order:
  1. installs wrk from Debian's packages if it is missing;
  2. makes its own PostgreSQL database (``loopwright_bench``; reused when seeded with the same size,
     else dropped and made anew), migrates it and seeds it (``bench/api_seed.py``);
  3. issues a write-scoped API key and checks one request per endpoint in process: status, SQL
     queries and rows, time, share in the database driver, time per layer (``--profile NAME``
     adds that endpoint's SQL and its top functions);
  4. starts gunicorn (sync workers, two per core; ``--worker-class gthread`` to compare) with
     ``bench.settings``: the project's settings, DEBUG off, ``bench.urls`` (the project's URLs plus
     ``/bench/bare/`` and ``/bench/bare-key/``);
  5. sends one request per endpoint (any non-2xx stops the run), warms every endpoint, then loads
     each one with wrk for ``--duration`` seconds per connection count, endpoints interleaved over
     ``--rounds`` rounds, and accounts the CPU time gunicorn, PostgreSQL and wrk spent per request.
Targets (at 8 connections): every real read's p99 < 20 ms; its query count does not grow with the data
(the in-process check prints it). The share of the bare endpoint's requests/s is shown, no longer a target.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

DEFAULT_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-not-secret",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_DEBUG": "0",
    "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/loopwright_bench",
}
SEED_VERSION = 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=5000, help="candidates to seed (default 5000)")
    parser.add_argument("--connections", default="8", help="comma-separated wrk connection counts (default 8)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint, connection count and round")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the table shows their medians")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load per endpoint first")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="see docs/benchmarks.md")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--only", default="", help="comma-separated endpoint names to load (bare ones always)")
    parser.add_argument("--profile", default="", help="cProfile this endpoint in process (e.g. 'attempt result')")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database even if it fits")
    return parser.parse_args(argv)


def connection_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise ValueError(f"connection counts must be positive integers: {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for key, value in DEFAULT_ENV.items():
        os.environ.setdefault(key, value)
    from bench.api_run import run  # Django is set up from here on, with the environment above

    with tempfile.TemporaryDirectory(prefix="loopwright-bench-api-") as folder:
        return run(args, counts=connection_counts(args.connections), folder=Path(folder), rng=random.Random(6))  # noqa: S311 - reproducible data, not secrets


if __name__ == "__main__":
    sys.exit(main())
