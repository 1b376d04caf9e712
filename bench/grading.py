"""Grading benchmark: the seed questions' submissions graded bare vs through the sandbox.

Run: ``.venv/bin/python -m bench.grading [--submissions N] [--concurrency C]`` after
``scripts/docker-setup`` (root, for the bare mode's chroot). No Django. Not a test: it prints one
table, and exits non-zero only if some mode graded a submission otherwise than bare did.

Every submission is one of the two seed coding questions' reference solutions, wrong solutions
(tests/assessments/wrong_solutions/) or compile errors, run on all of its question's tests (sample
and hidden) as one sandbox job; each outcome is checked as the platform's worker does: built-in
checkers in this process (``grading.checkers.run_test_checker``), and the beam-search question's
custom-checked tests in one checker run (``grading.checkers.run_custom_checks``) through the same
mode as the submission.

Modes, side by side:
  bare          the harness as a plain local subprocess: chroot into the image's unpacked filesystem
                (same python, numpy and harness), no namespaces, cgroups or runtime (``--bare-host``:
                this interpreter and the repository's harness instead);
  runc fresh    ``sandbox.run`` with a new runc container per submission (pool_size=0);
  runc pooled   ``sandbox.run`` with a pool of pre-started runc containers (each used once);
  runsc fresh / runsc pooled   the same under gVisor.
Per mode: sequential per-submission latency (run + checking) p50/p95, overhead over bare at p50,
and throughput at saturation (C threads grading concurrently) in submissions/s and as % of bare.
Modes are interleaved (each submission graded by every mode in turn; saturation in alternating
rounds) so that load from elsewhere on the machine falls on all of them alike.
Sequential submissions are spaced: before each one, the pool's refill and cleanup of the
previous submission are let finish (off the clock), as at moderate load. A saturation window
starts with a full pool and ends once the pool is full again and every container is removed, so
pre-started containers are not free throughput.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assessments.seed.coding import CODING_SEEDS, load_coding_seed
from grading.checkers import CUSTOM, CheckInput, CustomCase, expected_of, run_custom_checks, run_test_checker
from sandbox import CompileStatus, Job, Limits, RunResult, Runtime, SandboxConfig, TestInput, TestStatus, run
from sandbox import container as container_module
from sandbox.api import get_client, image_digest
from sandbox.harness import protocol
from sandbox.pool import drain_pools, wait_for_pools
from sandbox.results import Ending, build_result, limits_for_harness
from sandbox.stream import FrameReader

ROOT = Path(__file__).resolve().parents[1]
SUPERVISOR = ROOT / "sandbox" / "harness" / "supervisor.py"
WRONG_DIR = ROOT / "tests" / "assessments" / "wrong_solutions"
PREFIXES = {"cosine_similarity": "cosine_", "beam_search": "beam_"}
TARGET_OVERHEAD_MS = 30.0
TARGET_THROUGHPUT = 0.70
# The sandbox's failures become verdicts the same way grading/verdicts.py maps them.
STATUS_VERDICTS = {
    TestStatus.TIMEOUT: "time_limit_exceeded",
    TestStatus.MEMORY: "memory_limit_exceeded",
    TestStatus.OUTPUT_LIMIT: "output_limit_exceeded",
    TestStatus.BAD_RETURN: "runtime_error",
    TestStatus.CRASHED: "runtime_error",
    TestStatus.NOT_RUN: "runtime_error",
}
COMPILE_VERDICTS = {
    CompileStatus.SYNTAX_ERROR: "compile_error",
    CompileStatus.MISSING_ENTRY_POINT: "compile_error",
    CompileStatus.IMPORT_ERROR: "runtime_error",
    CompileStatus.IMPORT_TIMEOUT: "time_limit_exceeded",
}


# ---------------------------------------------------------------- the workload
@dataclass(frozen=True)
class Question:
    name: str
    tests: list[dict[str, Any]]
    checker_source: str
    limits: Limits


@dataclass(frozen=True)
class Submission:
    label: str  # e.g. cosine_similarity/reference
    question: Question
    job: Job


def load_questions() -> list[Question]:
    questions = []
    for name in CODING_SEEDS:
        seed = load_coding_seed(name)
        spec = seed["spec"]
        limits = Limits(cpu_seconds=spec["cpu_seconds"], wall_seconds=spec["wall_seconds"], memory_mb=spec["memory_mb"])
        questions.append(Question(name, seed["tests"], seed["checker_source"], limits))
    return questions


def submission_kinds(questions: list[Question]) -> list[Submission]:
    """Reference solutions, every wrong solution, a syntax error and a missing function."""
    kinds = []
    for question in questions:
        seed = load_coding_seed(question.name)
        entry = seed["spec"]["function_name"]
        sources = {"reference": seed["reference"]}
        for path in sorted(WRONG_DIR.glob(f"{PREFIXES[question.name]}*.py")):
            sources[path.stem] = path.read_text()
        if question.name == "cosine_similarity":
            sources["syntax_error"] = "def cosine_similarity(a, b)\n    return 0.0\n"
        else:
            sources["missing_function"] = "def beam(probs, beam_width):\n    return []\n"
        tests = [TestInput(str(index), test["args"]) for index, test in enumerate(question.tests)]
        for label, source in sources.items():
            job = Job(source=source, entry_point=entry, tests=tests, limits=question.limits)
            kinds.append(Submission(f"{question.name}/{label}", question, job))
    return kinds


def workload(kinds: list[Submission], count: int, seed: int = 7) -> list[Submission]:
    """``count`` submissions: every kind in turn (references twice as often), in a fixed shuffled order."""
    pool = kinds + [kind for kind in kinds if kind.label.endswith("/reference")]
    order = [pool[index % len(pool)] for index in range(count)]
    random.Random(seed).shuffle(order)  # noqa: S311 - a fixed, reproducible order
    return order


# ---------------------------------------------------------------- grading, as the worker does it
@dataclass(frozen=True)
class Graded:
    verdicts: tuple[str, ...]
    score: float  # weighted share of accepted hidden tests
    notes: tuple[str, ...] = field(default=(), compare=False)  # per test: what the sandbox said when not ok


def answer_or_verdict(test: dict[str, Any], outcome: Any) -> CheckInput | str:
    """Mirror of grading.verdicts (that module needs Django's models): a decided verdict, or the answer to check."""
    if outcome.status in STATUS_VERDICTS:
        return STATUS_VERDICTS[outcome.status]
    expects_exception = bool(test.get("expected_exception"))
    if outcome.status == TestStatus.EXCEPTION:
        if not expects_exception:
            return "runtime_error"
        return CheckInput.raising(outcome.exc_type or "Exception", outcome.message)
    if expects_exception:
        return "wrong_answer"
    return CheckInput.returned(outcome.value)


def verdicts_of(question: Question, outcomes: list[Any], runner: Callable[[Job], RunResult]) -> list[str]:
    answers = [answer_or_verdict(test, out) for test, out in zip(question.tests, outcomes, strict=True)]
    custom = [i for i, answer in enumerate(answers) if isinstance(answer, CheckInput) and is_custom(question.tests[i])]
    cases = [custom_case(question.tests[i], answers[i]) for i in custom]
    results = dict(zip(custom, run_custom_checks(question.checker_source, cases, run=runner), strict=True))
    verdicts = []
    for index, (test, answer) in enumerate(zip(question.tests, answers, strict=True)):
        if isinstance(answer, str):
            verdicts.append(answer)
        else:
            passed = (results.get(index) or run_test_checker(test, answer)).passed
            verdicts.append("accepted" if passed else "wrong_answer")
    return verdicts


def is_custom(test: dict[str, Any]) -> bool:
    return test.get("checker") == CUSTOM


def custom_case(test: dict[str, Any], answer: Any) -> CustomCase:
    return CustomCase(answer, expected_of(test), test.get("checker_options") or {}, test.get("args"))


def grade(submission: Submission, result: RunResult, runner: Callable[[Job], RunResult]) -> Graded:
    tests = submission.question.tests
    if not result.compiled:
        verdicts = [COMPILE_VERDICTS.get(result.compile_status, "compile_error")] * len(tests)
    else:
        verdicts = verdicts_of(submission.question, result.outcomes, runner)
    pairs = zip(tests, verdicts, strict=True)
    hidden = [(test["weight"], verdict) for test, verdict in pairs if test["visibility"] == "hidden"]
    total, outcomes = sum(weight for weight, _ in hidden), result.outcomes
    score = sum(weight for weight, verdict in hidden if verdict == "accepted") / total if total else 0.0
    notes = tuple("" if out.status == TestStatus.OK else f"{out.status}: {out.message[:160]}" for out in outcomes)
    notes = notes or (str(result.compile_status),) * len(tests)
    return Graded(tuple(verdicts), round(score, 6), notes)


# ---------------------------------------------------------------- the runners
class BareHarness:
    """The harness as a plain local subprocess: the same request and frames as a container, no container.

    As root, the sandbox image's filesystem is unpacked to a temporary directory and the harness runs
    there under ``chroot`` as the sandbox user: the image's own python, numpy and harness files, but no
    namespaces, cgroups, seccomp or container runtime. So the overhead measured is the container's
    alone, not a different interpreter's (the host's numpy imports at another cost). Otherwise the
    repository's harness runs with this interpreter.
    """

    def __init__(self) -> None:
        self.root: Path | None = None
        self.command = [sys.executable, "-I", str(SUPERVISOR)]
        self.describe = f"host python {platform.python_version()}, repository harness"

    def __enter__(self) -> BareHarness:
        chroot = shutil.which("chroot") or "/usr/sbin/chroot"
        if os.geteuid() != 0 or not os.access(chroot, os.X_OK):
            return self
        self.root = Path(tempfile.mkdtemp(prefix="loopwright-bench-root-"))
        try:
            self.root.chmod(0o755)  # the sandbox user must traverse it
            client = get_client(SandboxConfig())
            container = client.containers.create(SandboxConfig().image, command=["/bin/true"], network_mode="none")
            try:
                untar = subprocess.Popen(["tar", "-x", "-C", str(self.root)], stdin=subprocess.PIPE)
                assert untar.stdin is not None
                for chunk in container.export():
                    untar.stdin.write(chunk)  # type: ignore[call-overload]  # the stubs say str; it is bytes
                untar.stdin.close()
                if untar.wait() != 0:
                    raise RuntimeError("unpacking the sandbox image failed")
            finally:
                container.remove(force=True)
            subprocess.run(["mount", "--bind", "/proc", str(self.root / "proc")], check=True)  # the harness reads it
        except BaseException:
            self.__exit__()
            raise
        user = container_module.SANDBOX_USER
        self.command = [chroot, f"--userspec={user}", str(self.root), *container_module.HARNESS_COMMAND]
        self.describe = f"chroot into the image's filesystem as uid {user.split(':')[0]}: the image's python and numpy"
        return self

    def __exit__(self, *_: object) -> None:
        if self.root is None:
            return
        proc = self.root / "proc"
        if os.path.ismount(proc):
            subprocess.run(["umount", str(proc)], check=False)
        if os.path.ismount(proc):
            print(f"warning: {proc} is still mounted; {self.root} left in place", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def run(self, job: Job) -> RunResult:
        nonce = secrets.token_hex(16)
        body = {
            "nonce": nonce,
            "source": job.source,
            "entry_point": job.entry_point,
            "tests": [{"id": test.id, "args": test.args} for test in job.tests],
            "limits": limits_for_harness(job.limits),
            # Never "reap_strays" here: outside a container it SIGKILLs every process the harness may signal.
        }
        started = time.monotonic()
        completed = subprocess.run(
            self.command,
            input=protocol.encode_request(body),
            capture_output=True,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"},
            cwd="/",
            timeout=120,
            check=False,
        )
        limits = job.limits
        max_frame = 6 * (limits.return_bytes + 2 * limits.excerpt_bytes) + (64 << 10)
        reader = FrameReader(nonce, max_frame_bytes=max_frame, max_noise_bytes=1 << 20)
        reader.feed(completed.stdout)
        if not reader.done:
            raise RuntimeError(f"the bare harness failed: {completed.stderr[-2000:].decode(errors='replace')}")
        wall = time.monotonic() - started
        return build_result(job, reader.frames, Ending(), image="bare", digest="", runtime="bare", wall=wall)


@dataclass(frozen=True)
class Mode:
    name: str
    runtime: Runtime | None  # None: bare
    pool_size: int = 0

    def runner(self, bare: BareHarness) -> Callable[[Job], RunResult]:
        if self.runtime is None:
            return bare.run
        config = SandboxConfig(runtime=self.runtime, pool_size=self.pool_size)
        return lambda job: run(job, config=config)


@dataclass
class Measured:
    mode: Mode
    runner: Callable[[Job], RunResult]
    latencies_ms: list[float] = field(default_factory=list)
    saturated_seconds: float = 0.0
    saturated_count: int = 0
    gradings: dict[str, set[Graded]] = field(default_factory=dict)  # submission kind: every grading seen
    graded: int = 0

    @property
    def throughput(self) -> float:
        return self.saturated_count / self.saturated_seconds

    def check(self, submission: Submission, graded: Graded) -> None:
        self.graded += 1
        self.gradings.setdefault(submission.label, set()).add(graded)

    def mismatches(self, bare: Measured) -> list[str]:
        """Submission kinds this mode graded otherwise than bare did, or not always alike."""
        seen = self.gradings.items()
        return sorted(label for label, graded in seen if len(graded) > 1 or graded != bare.gradings.get(label))


def grade_one(runner: Callable[[Job], RunResult], submission: Submission) -> tuple[float, Graded]:
    started = time.perf_counter()
    graded = grade(submission, runner(submission.job), runner)
    return (time.perf_counter() - started) * 1000, graded


def saturate(measured: Measured, batch: list[Submission], concurrency: int) -> None:
    """Grade ``batch`` with ``concurrency`` threads; the window starts and ends with full pools, nothing pending."""
    wait_for_pools()
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as executor:
        futures = {executor.submit(grade_one, measured.runner, submission): submission for submission in batch}
        for future in concurrent.futures.as_completed(futures):
            measured.check(futures[future], future.result()[1])
    wait_for_pools()  # on the clock: removing used containers and refilling the pool are part of the cost
    measured.saturated_seconds += time.perf_counter() - started
    measured.saturated_count += len(batch)


def bare_startup_ms(bare: BareHarness, count: int = 10) -> float:
    """p50 of the bare harness serving a job with no tests: its two interpreters and ``import numpy``.

    A pooled container has paid this before the job arrives; bare and fresh containers pay it per job.
    """
    job = Job(source="def f():\n    pass\n", entry_point="f", tests=[])
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        bare.run(job)
        samples.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(samples, 50))


def measure(
    modes: list[Mode], bare: BareHarness, submissions: list[Submission], concurrency: int, rounds: int
) -> list[Measured]:
    """Both phases, modes interleaved so that load from elsewhere on the machine falls on all of them alike.

    Sequential: each submission is graded by every mode in turn (the order rotating), one at a time.
    Saturation: ``rounds`` batches per mode, alternating between modes.
    """
    measured = [Measured(mode, mode.runner(bare)) for mode in modes]
    try:
        for entry in measured:  # warm-up: Docker clients, page cache, the pools' first fill
            grade_one(entry.runner, submissions[0])
        for index, submission in enumerate(submissions):
            for entry in measured[index % len(measured) :] + measured[: index % len(measured)]:
                wait_for_pools()  # spaced submissions: the previous refill and cleanup land off the clock
                elapsed, graded = grade_one(entry.runner, submission)
                entry.latencies_ms.append(elapsed)
                entry.check(submission, graded)
        print(f"  sequential phase done ({len(submissions)} submissions x {len(modes)} modes)", flush=True)
        for round_index in range(rounds):
            batch = submissions[round_index::rounds]
            order = measured if round_index % 2 == 0 else measured[::-1]
            for entry in order:
                saturate(entry, batch, concurrency)
        print(f"  saturation phase done ({rounds} rounds per mode)", flush=True)
    finally:
        drain_pools()
    return measured


# ---------------------------------------------------------------- report
def _tool_version(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "?"
    return (done.stdout.splitlines() or ["?"])[0].strip()


def machine_facts(bare: BareHarness) -> list[str]:
    client = get_client(SandboxConfig())
    version = client.version()
    runtimes = client.info().get("Runtimes", {})
    runsc_args = " ".join(runtimes.get("runsc", {}).get("runtimeArgs", []))
    runc, runsc = _tool_version("runc", "--version"), _tool_version("runsc", "--version")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), cpu)
    return [
        f"cores: {os.cpu_count()} ({cpu}); kernel {platform.release()}; load average before: {load}",
        f"docker engine {version.get('Version')} (API {version.get('ApiVersion')}); {runc}; {runsc} ({runsc_args})",
        f"image {SandboxConfig().image} {image_digest(client, SandboxConfig().image)[:19]}; bare: {bare.describe}",
    ]


def table(results: list[Measured], concurrency: int) -> list[str]:
    bare = results[0]
    bare_p50 = float(np.percentile(bare.latencies_ms, 50))
    head = f"{'mode':<13} {'p50 ms':>8} {'p95 ms':>8} {'overhead p50':>13} {'sat. subs/s':>12} {'% of bare':>10}"
    head += "  verdicts"
    lines = [head, "-" * len(head)]
    for measured in results:
        p50, p95 = (float(np.percentile(measured.latencies_ms, q)) for q in (50, 95))
        overhead = "—" if measured is bare else f"{p50 - bare_p50:+.1f} ms"
        share = f"{100 * measured.throughput / bare.throughput:.0f} %"
        differ = measured.mismatches(bare)
        agree = "all as bare" if not differ else f"DIFFER: {', '.join(differ)}"
        lines.append(
            f"{measured.mode.name:<13} {p50:>8.1f} {p95:>8.1f} {overhead:>13} {measured.throughput:>12.2f} "
            f"{share:>10}  {agree}"
        )
    lines.append(f"(throughput: {concurrency} concurrent threads; latency: sequential, spaced submissions)")
    return lines


def differences(results: list[Measured]) -> list[str]:
    """For each submission kind a mode graded otherwise than bare: the verdict counts of each grading."""
    bare, lines = results[0], []

    def counts(graded: Graded) -> str:
        tally = collections.Counter(graded.verdicts)
        return f"score {graded.score:.3f} " + ", ".join(f"{verdict} {n}" for verdict, n in sorted(tally.items()))

    for measured in results:
        for label in measured.mismatches(bare):
            lines.append(f"{measured.mode.name} graded {label} otherwise than bare:")
            reference = next(iter(bare.gradings.get(label, set())), None)
            for graded in [*bare.gradings.get(label, set()), *measured.gradings[label]]:
                lines.append(
                    f"    {'bare' if graded in bare.gradings.get(label, set()) else measured.mode.name}: "
                    f"{counts(graded)}"
                )
                if reference is not None and graded != reference:
                    for index, (verdict, want) in enumerate(zip(graded.verdicts, reference.verdicts, strict=False)):
                        if verdict != want:
                            lines.append(f"        test {index}: {verdict} (bare: {want}) {graded.notes[index]}")
    return lines


def verdict_targets(results: list[Measured]) -> list[str]:
    bare = results[0]
    bare_p50 = float(np.percentile(bare.latencies_ms, 50))
    lines = []
    for measured in results[1:]:
        fast = float(np.percentile(measured.latencies_ms, 50)) - bare_p50 <= TARGET_OVERHEAD_MS
        full = measured.throughput / bare.throughput >= TARGET_THROUGHPUT
        lines.append(
            f"{measured.mode.name:<13} overhead ≤ {TARGET_OVERHEAD_MS:.0f} ms at p50: {'met' if fast else 'NOT met':<8}"
            f"throughput ≥ {TARGET_THROUGHPUT:.0%} of bare: {'met' if full else 'NOT met'}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=24, help="submissions per mode and phase (default 24)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="threads at saturation")
    parser.add_argument("--rounds", type=int, default=3, help="saturation batches per mode, interleaved (default 3)")
    parser.add_argument("--pool-size", type=int, default=0, help="pooled modes' pool size (default: concurrency)")
    parser.add_argument("--modes", default="", help="comma-separated subset, e.g. 'runc fresh,runc pooled'")
    parser.add_argument("--bare-host", action="store_true", help="bare mode on this interpreter, not the image's")
    args = parser.parse_args(argv)
    pool_size = args.pool_size or args.concurrency
    modes = [
        Mode("bare", None),
        Mode("runc fresh", Runtime.RUNC),
        Mode("runc pooled", Runtime.RUNC, pool_size),
        Mode("runsc fresh", Runtime.RUNSC),
        Mode("runsc pooled", Runtime.RUNSC, pool_size),
    ]
    if args.modes:
        wanted = {name.strip() for name in args.modes.split(",")} | {"bare"}
        modes = [mode for mode in modes if mode.name in wanted]
    kinds = submission_kinds(load_questions())
    submissions = workload(kinds, args.submissions)
    tests = {kind.question.name: len(kind.question.tests) for kind in kinds}
    print(
        f"grading benchmark: {args.submissions} submissions per mode ({len(kinds)} kinds: references, wrong "
        f"solutions, compile errors; tests per submission: {tests}), pool size {pool_size}",
        flush=True,
    )
    begun = time.perf_counter()
    with BareHarness() if not args.bare_host else contextlib.nullcontext(BareHarness()) as bare:
        facts = machine_facts(bare)
        results = measure(modes, bare, submissions, args.concurrency, args.rounds)
        startup = bare_startup_ms(bare)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print()
    note = f"bare harness start alone (an empty job: 2 interpreters + import numpy), p50: {startup:.0f} ms"
    note += " -- paid per job by bare and fresh containers, before the job by a pooled container"
    report = [*facts, "", *table(results, args.concurrency), note, "", *verdict_targets(results)]
    for line in report + ["", *differences(results)] * bool(differences(results)):
        print(line)
    total = sum(measured.graded for measured in results)
    print(f"\n{total} gradings in {time.perf_counter() - begun:.0f} s; load average after: {load}")
    return 0 if not any(measured.mismatches(results[0]) for measured in results) else 1


if __name__ == "__main__":
    sys.exit(main())
