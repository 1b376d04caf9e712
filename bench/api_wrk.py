"""wrk for the API benchmark: install it, run one load, read its summary line. No Django here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"
RESULT_PREFIX = "BENCH-RESULT "
WRK_THREADS = 2  # one per core; wrk needs no more to keep 32 connections busy at these rates


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    first_non_2xx: str = ""

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def valid(self) -> bool:
        """A run with any non-2xx answer or socket error measured something else than the endpoint."""
        return self.requests > 0 and self.non_2xx == 0 and self.socket_errors == 0


@dataclass(frozen=True)
class Load:
    """One wrk invocation: a script and its arguments against a URL."""

    url: str
    script: str
    script_args: tuple[str, ...]
    connections: int
    duration_s: int
    authorization: str = ""


def ensure_wrk() -> str:
    """Path of wrk, installed from the machine's Debian packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package (apt-get install -y wrk)", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(install, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


def wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk \S+", completed.stdout + completed.stderr)
    return match.group(0) if match else "wrk (unknown version)"


def wrk_command(wrk: str, load: Load) -> list[str]:
    threads = min(WRK_THREADS, load.connections)
    command = [wrk, f"-t{threads}", f"-c{load.connections}", f"-d{load.duration_s}s", "--latency", "--timeout", "5s"]
    if load.authorization:
        command += ["-H", f"Authorization: {load.authorization}"]
    return [*command, "-s", str(WRK_DIR / load.script), load.url, "--", *load.script_args]


def run_wrk(wrk: str, load: Load) -> tuple[WrkResult, str]:
    """Run one load; returns the parsed summary and wrk's full output (for the log)."""
    completed = subprocess.run(wrk_command(wrk, load), capture_output=True, text=True, check=False)
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise RuntimeError(f"wrk exited {completed.returncode}:\n{output}")
    return parse_wrk_output(output), output


def parse_wrk_output(output: str) -> WrkResult:
    """Read the summary line the scripts' ``done()`` prints (bench/wrk/common.lua)."""
    line = next((line for line in output.splitlines() if line.startswith(RESULT_PREFIX)), None)
    if line is None:
        raise ValueError(f"no {RESULT_PREFIX.strip()} line in wrk's output:\n{output}")
    data = json.loads(line.removeprefix(RESULT_PREFIX))
    errors = sum(data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return WrkResult(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non_2xx=data["non_2xx"],
        socket_errors=errors,
        first_non_2xx=data["first_non_2xx"],
    )


def parse_latency_distribution(output: str) -> dict[int, float]:
    """wrk's own ``--latency`` percentiles in ms ({50: …, 75: …, 90: …, 99: …}), to cross-check the summary line."""
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
    found = re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, flags=re.MULTILINE)
    return {int(percent): float(value) * units[unit] for percent, value, unit in found}
