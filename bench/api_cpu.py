"""CPU time per request, by process group: gunicorn's workers, the PostgreSQL backends serving them, wrk.

CPU time barely moves when other sessions load the machine (they take turns, not work), so these
figures explain the throughput ceiling on a shared 2-core machine where requests/s and latency
cannot: at full load, requests/s ≈ cores / (CPU per request, all processes together).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

import psycopg

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    app: float  # seconds, gunicorn master and workers
    database: dict[int, float]  # seconds per backend pid of the bench database (not this process's own)
    children: float  # seconds, this process's finished children (wrk)


@dataclass(frozen=True)
class CpuPerRequest:
    app_ms: float
    database_ms: float
    load_generator_ms: float


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after "pid (comm)": field 3 onwards


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS if fields else 0.0  # utime, stime


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


def database_backends(connection: psycopg.Connection, database: str) -> list[int]:
    rows = connection.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
    ).fetchall()
    return [row[0] for row in rows]


def snapshot(server_pid: int, connection: psycopg.Connection, database: str) -> CpuSnapshot:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSnapshot(
        app=sum(_cpu_seconds(pid) for pid in process_tree(server_pid)),
        database={pid: _cpu_seconds(pid) for pid in database_backends(connection, database)},
        children=children.ru_utime + children.ru_stime,
    )


def per_request(before: CpuSnapshot, after: CpuSnapshot, requests: int) -> CpuPerRequest:
    """Milliseconds of CPU per request. A backend that ended during the load is missed (persistent ones don't)."""
    scale = 1000 / requests if requests else 0.0
    database = sum(seconds - before.database.get(pid, 0.0) for pid, seconds in after.database.items())
    return CpuPerRequest(
        app_ms=(after.app - before.app) * scale,
        database_ms=database * scale,
        load_generator_ms=(after.children - before.children) * scale,
    )
