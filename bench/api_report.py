"""The API benchmark's table, targets and machine facts. Pure functions on results, no Django."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.api_cpu import CpuPerRequest
from bench.api_wrk import WrkResult

TARGET_CONNECTIONS = 8
TARGET_P99_MS = 20.0


@dataclass(frozen=True)
class Row:
    endpoint: str
    label: str
    targeted: bool
    connections: int
    result: WrkResult
    cpu: CpuPerRequest | None = None


def median_result(results: list[WrkResult]) -> WrkResult:
    """Several rounds of one endpoint as one: medians of the rates and percentiles, sums of the errors."""
    if len(results) == 1:
        return results[0]
    rates = [result.requests_per_s for result in results]
    duration = sum(result.duration_s for result in results)
    return WrkResult(
        requests=round(statistics.median(rates) * duration),
        duration_s=duration,
        p50_ms=statistics.median(result.p50_ms for result in results),
        p90_ms=statistics.median(result.p90_ms for result in results),
        p99_ms=statistics.median(result.p99_ms for result in results),
        max_ms=max(result.max_ms for result in results),
        non_2xx=sum(result.non_2xx for result in results),
        socket_errors=sum(result.socket_errors for result in results),
        first_non_2xx=next((result.first_non_2xx for result in results if result.first_non_2xx), ""),
    )


def median_cpu(samples: list[CpuPerRequest]) -> CpuPerRequest:
    return CpuPerRequest(
        app_ms=statistics.median(sample.app_ms for sample in samples),
        database_ms=statistics.median(sample.database_ms for sample in samples),
        load_generator_ms=statistics.median(sample.load_generator_ms for sample in samples),
    )


def _bare_rate(rows: list[Row], connections: int, bare: str) -> float:
    return next(
        (row.result.requests_per_s for row in rows if row.endpoint == bare and row.connections == connections), 0
    )


def table(rows: list[Row], *, bare: str, bare_key: str) -> str:
    header = f"{'endpoint':<26} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}"
    header += f" {'x bare':>6} {'x key':>6}  {'app':>5} {'db':>5} {'wrk':>5}"
    lines = [header, "-" * len(header)]
    for row in rows:
        result = row.result
        ratios = [
            result.requests_per_s / rate if rate else 0.0
            for rate in (_bare_rate(rows, row.connections, bare), _bare_rate(rows, row.connections, bare_key))
        ]
        errors = f"{result.non_2xx}" + (f"+{result.socket_errors}s" if result.socket_errors else "")
        lines.append(
            f"{row.endpoint:<26} {row.connections:>5} {result.requests_per_s:>8.0f} {result.p50_ms:>7.2f} "
            f"{result.p99_ms:>7.2f} {errors:>7} {ratios[0]:>6.2f} {ratios[1]:>6.2f}  {_cpu_columns(row.cpu)}"
        )
    return "\n".join(lines)


def _cpu_columns(cpu: CpuPerRequest | None) -> str:
    if cpu is None:
        return ""
    return f"{cpu.app_ms:>5.2f} {cpu.database_ms:>5.2f} {cpu.load_generator_ms:>5.2f}"


def _cpu_total(cpu: CpuPerRequest | None) -> float:
    return cpu.app_ms + cpu.database_ms + cpu.load_generator_ms if cpu else 0.0


def targets(rows: list[Row], *, bare: str) -> list[str]:
    """One line per real read at the target concurrency: p99 against its target, and the share of bare.

    The share of bare's requests/s is shown for information (its 50 % target was retired with the
    prepared reads): with the CPU time per request it predicts (bare's CPU / the read's), it says what
    a machine busy with nothing else would show once the server saturates the cores.
    """
    bare_row = next((r for r in rows if r.endpoint == bare and r.connections == TARGET_CONNECTIONS), None)
    bare_rate = bare_row.result.requests_per_s if bare_row else 0.0
    lines = []
    for row in rows:
        if not row.targeted or row.connections != TARGET_CONNECTIONS:
            continue
        share = row.result.requests_per_s / bare_rate if bare_rate else 0.0
        p99_ok = row.result.p99_ms < TARGET_P99_MS
        by_cpu = _cpu_total(bare_row.cpu if bare_row else None) / (_cpu_total(row.cpu) or 1.0)
        lines.append(
            f"{row.endpoint:<26} p99 {row.result.p99_ms:.1f} ms (< {TARGET_P99_MS:.0f} ms): "
            f"{'met' if p99_ok else 'NOT met'}; throughput {share:4.0%} of bare"
            + (f"; by CPU per request {by_cpu:.0%} of bare" if row.cpu else "")
            + ("" if row.result.valid else "  [INVALID: errors]")
        )
    return lines


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())
