"""The API benchmark's run: database, in-process check, gunicorn, wrk, report (see bench/api.py)."""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from pathlib import Path

import django
import psycopg

django.setup()

import rest_framework  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from bench import api_cpu as cpu  # noqa: E402
from bench import api_report  # noqa: E402
from bench.api_cpu import CpuPerRequest  # noqa: E402
from bench.api_database import ORGANISATION_SLUG, database_prepare, postgres_version, seed_signature  # noqa: E402
from bench.api_endpoints import BARE, BARE_KEY, Endpoint, Seeded, endpoints_for, load_for, sample_request  # noqa: E402
from bench.api_inprocess import layers, measure, profile_text  # noqa: E402
from bench.api_report import Row  # noqa: E402
from bench.api_server import Server, ServerConfig, gunicorn, request  # noqa: E402
from bench.api_wrk import WrkResult, ensure_wrk, run_wrk, wrk_version  # noqa: E402
from integrations.models import ApiKeyScope  # noqa: E402
from integrations.services.api_keys import api_key_create  # noqa: E402
from organisations.models import Organisation  # noqa: E402


def run(args: argparse.Namespace, *, counts: list[int], folder: Path, rng: random.Random) -> int:
    load_before = api_report.load_average()
    wrk = ensure_wrk()
    seeded, authorization = _database(args, folder, rng)
    endpoints, notes = endpoints_for(seeded)
    endpoints = _selected(endpoints, args.only)
    config = ServerConfig(args.workers, args.threads, args.worker_class)
    _facts(wrk, config, load_before, args)
    for note in notes:
        print(f"note: {note}")
    _in_process(endpoints, seeded, authorization, args.profile)
    connections.close_all()
    env = {key: os.environ[key] for key in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "BENCH_DATABASE_URL")}
    with gunicorn(config, {**env, "DJANGO_SECURE_SSL_REDIRECT": "0"}) as server:
        if not _preflight(server.port, endpoints, seeded, authorization):
            return 1
        loader = Loader(wrk, server, seeded, authorization)
        try:
            rows = _measure(loader, endpoints, counts, args)
        finally:
            loader.database.close()
    return _report(rows)


def _database(args: argparse.Namespace, folder: Path, rng: random.Random) -> tuple[Seeded, str]:
    signature = seed_signature(args.size, _seed_version())
    started = time.monotonic()
    fresh = database_prepare(url=os.environ["BENCH_DATABASE_URL"], signature=signature, reseed=args.reseed)
    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        from bench.api_seed import seed

        print(f"seeding {args.size} candidates ...", flush=True)
        seed(size=args.size, signature=signature, rng=rng)
        print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"reusing the database seeded as {signature!r}", flush=True)
    _analyze()
    organisation = Organisation.objects.get(slug=ORGANISATION_SLUG)
    _, plaintext = api_key_create(organisation=organisation, name=f"bench {time.time():.0f}", scope=ApiKeyScope.WRITE)
    from bench.api_endpoints import data_summary, seeded_ids_write

    print(f"data: {data_summary(organisation)}")
    return seeded_ids_write(folder, organisation), f"Api-Key {plaintext}"


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them in a running deployment.

    Some servers run with autovacuum off (this machine's does); without statistics PostgreSQL
    plans the result's joins as if the bulk-seeded tables were empty (14 ms instead of 0.05 ms).
    """
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")


def _seed_version() -> int:
    from bench.api import SEED_VERSION

    return SEED_VERSION


def _selected(endpoints: list[Endpoint], only: str) -> list[Endpoint]:
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    return [e for e in endpoints if not wanted or e.name in wanted or e.name in (BARE, BARE_KEY)]


def _facts(wrk: str, config: ServerConfig, load_before: str, args: argparse.Namespace) -> None:
    print(f"cores: {os.cpu_count()} ({api_report.cpu_model()}); kernel {platform.release()}")
    print(f"load average at start: {load_before}")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, DRF {rest_framework.VERSION}, "
        f"{postgres_version(os.environ['BENCH_DATABASE_URL'])}, {wrk_version(wrk)}"
    )
    print(
        f"server: {config.describe()}; seeded candidates: {args.size}; "
        f"{args.duration} s per load, {args.rounds} round(s)"
    )


def _in_process(endpoints: list[Endpoint], seeded: Seeded, authorization: str, profiled: str) -> None:
    print("\nin process (Django test client, one core, no network): status, SQL queries and rows, median time,")
    print("  share of it in the database driver (incl. the wait for PostgreSQL);")
    print("  then where the time goes by layer (cProfile own time, approximate)")
    for endpoint in endpoints:
        found = measure(endpoint, seeded, authorization)
        print(
            f"  {found.endpoint:<26} {found.status}  {found.queries:>3} queries {found.rows:>4} rows"
            f"  {found.median_ms:6.2f} ms"
            f"  {found.db_share:4.0%} in DB"
        )
        shares = layers(endpoint, seeded, authorization)
        print("      " + "; ".join(f"{layer} {share:.0%}" for layer, share in shares.items() if share >= 0.03))
        if endpoint.name == profiled:
            print("\n".join(f"      {sql[:300]}" for sql in found.sql))
            print(profile_text(endpoint, seeded, authorization))


def _preflight(port: int, endpoints: list[Endpoint], seeded: Seeded, authorization: str) -> bool:
    """One request per endpoint through gunicorn: anything but 2xx stops the run before it measures errors."""
    ok = True
    for endpoint in endpoints:
        method, path, body = sample_request(endpoint, seeded)
        headers = {"Authorization": authorization} if endpoint.authenticated else {}
        if method == "POST":
            headers["Idempotency-Key"] = f"bench-preflight-{time.time_ns()}"
        status, answer = request(port, method, path, body=body, headers=headers)
        if not 200 <= status < 300:
            print(f"preflight: {method} {path} answered {status}: {answer[:300]!r}")
            ok = False
    return ok


class Loader:
    """Runs wrk against the server and accounts the CPU each process group spent on the load."""

    def __init__(self, wrk: str, server: Server, seeded: Seeded, authorization: str) -> None:
        self.wrk, self.server, self.seeded, self.authorization = wrk, server, seeded, authorization
        self.database_url = os.environ["BENCH_DATABASE_URL"]
        self.database = psycopg.connect(self.database_url, autocommit=True)

    def load(self, endpoint: Endpoint, connections_: int, seconds: int) -> tuple[WrkResult, CpuPerRequest]:
        spec = load_for(
            endpoint,
            base_url=f"http://127.0.0.1:{self.server.port}",
            seeded=self.seeded,
            authorization=self.authorization,
            connections=connections_,
            seconds=seconds,
        )
        name = self.database_url.rsplit("/", 1)[1]
        before = cpu.snapshot(self.server.pid, self.database, name)
        result = run_wrk(self.wrk, spec)[0]
        after = cpu.snapshot(self.server.pid, self.database, name)
        return result, cpu.per_request(before, after, result.requests)


def _measure(loader: Loader, endpoints: list[Endpoint], counts: list[int], args: argparse.Namespace) -> list[Row]:
    for endpoint in endpoints:
        loader.load(endpoint, max(counts), args.warmup)
    results: dict[tuple[str, int], list[tuple[WrkResult, CpuPerRequest]]] = {}
    for round_number in range(args.rounds):
        order = endpoints if round_number % 2 == 0 else endpoints[::-1]  # alternate the order round by round
        for count in counts:
            for endpoint in order:
                results.setdefault((endpoint.name, count), []).append(loader.load(endpoint, count, args.duration))
        print(f"round {round_number + 1}/{args.rounds} done; load average {api_report.load_average()}", flush=True)
    rows = []
    for count in counts:
        for endpoint in endpoints:
            measured = results[(endpoint.name, count)]
            result = api_report.median_result([wrk_result for wrk_result, _ in measured])
            cpu_used = api_report.median_cpu([cpu_used for _, cpu_used in measured])
            rows.append(Row(endpoint.name, endpoint.label, endpoint.targeted, count, result, cpu_used))
    return rows


def _report(rows: list[Row]) -> int:
    print()
    print(api_report.table(rows, bare=BARE, bare_key=BARE_KEY))
    print("(x bare, x key: requests/s as a share of the bare endpoint's, without and with the API key, same conns)")
    print()
    for line in api_report.targets(rows, bare=BARE):
        print(line)
    print(f"\nload average after: {api_report.load_average()}")
    invalid = [row for row in rows if not row.result.valid]
    for row in invalid:
        print(
            f"INVALID: {row.endpoint} at {row.connections} conns: {row.result.non_2xx} non-2xx, "
            f"{row.result.socket_errors} socket errors; first: {row.result.first_non_2xx}"
        )
    return 1 if invalid else 0
