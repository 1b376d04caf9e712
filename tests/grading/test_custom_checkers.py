"""Custom checkers run in the sandbox, never in the worker: hostile checkers graded for real.

Each checker here is a question author's code turned against the platform. Through the real
grading service and Docker engine it must find nothing of the worker (environment, files, loopback),
be stopped by the checker run's limits, never forge a result, and never yield ``accepted`` when it
misbehaves: a broken checker is an internal error (retried; here deliveries are set to 1, so the
submission fails at once), as before. On the old code, where checkers were exec'd in the worker, the
environment, file, socket, memory and junk-result tests fail (the looping ones hang).
"""

import dataclasses
import json
import resource
import socket
import time

import pytest

import sandbox
from assessments.models import CodeSubmission, SubmissionStatus
from grading import runner
from grading.models import GradingResult, Verdict
from sandbox.types import Limits
from tests.grading.test_real_verdicts import grade, spec_with
from tests.sandbox.conftest import own_containers

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox, pytest.mark.usefixtures("docker_engine", "no_enqueue")]

ECHO = "def echo(value):\n    if value == 'boom':\n        raise ValueError('boom')\n    return value\n"
CANARY = "CHECKER-CANARY-41d9"
# Small limits keep the hostile runs short; the mechanism is the one CHECKER_LIMITS uses.
FAST_CHECKER_LIMITS = Limits(
    cpu_seconds=1.0, wall_seconds=2.0, memory_mb=64, output_bytes=64 << 10, excerpt_bytes=1024, load_seconds=4.0
)

# The old worker's "restricted namespace" stopped imports, and nothing else.
IMPORT_OS = """
try:
    import os
    import socket
except Exception:
    _os = [c for c in object.__subclasses__() if c.__name__ == "_wrap_close"][0].__init__.__globals__
    os, socket = _os["sys"].modules["os"], _os["sys"].modules["socket"]
"""
SNOOP = (
    IMPORT_OS
    + """

def check(actual, expected, *, canary, canary_file, port):
    leaks, seen = [], [f"uid {os.getuid()}", f"{len(os.environ)} environment variables"]
    if canary in " ".join(f"{key}={value}" for key, value in os.environ.items()):
        leaks.append("the worker's environment")
    try:
        if canary in os.read(os.open(canary_file, os.O_RDONLY), 4096).decode():
            leaks.append("the worker's file")
    except Exception as exc:
        seen.append(f"file: {type(exc).__name__}")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2)
        leaks.append("the worker's loopback")
    except Exception as exc:
        seen.append(f"socket: {type(exc).__name__}")
    return bool(leaks), "; ".join(leaks + seen)
"""
)


def custom_test(args, expected, **options) -> dict:
    return {"args": args, "expected": expected, "checker": "custom", "checker_options": options}


def grade_checked(organisation, checker: str, tests: list[dict], source: str = ECHO) -> GradingResult:
    stage, question = spec_with(organisation, "echo", tests, custom_checker_source=checker)
    return grade(organisation, stage, question, source)


def rows(result: GradingResult) -> list:
    return list(result.test_results.order_by("test_case__position"))


@pytest.fixture
def one_delivery(settings):
    settings.GRADING_MAX_DELIVERIES = 1


@pytest.fixture
def fast_checker_limits(monkeypatch):
    monkeypatch.setattr("grading.checkers.custom.CHECKER_LIMITS", FAST_CHECKER_LIMITS, raising=False)


@pytest.fixture
def loopback_port():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    yield listener.getsockname()[1]
    listener.close()


def assert_internal_error(result: GradingResult, reason: str) -> None:
    submission = CodeSubmission.objects.get(pk=result.submission_id)
    assert result.verdict == Verdict.INTERNAL_ERROR and result.score == 0.0
    assert submission.status == SubmissionStatus.FAILED
    assert "CheckerError" in submission.last_error and reason in submission.last_error, submission.last_error
    assert not result.test_results.filter(verdict=Verdict.ACCEPTED).exists()


def test_a_checker_finds_nothing_of_the_worker(organisation, monkeypatch, tmp_path, loopback_port):
    monkeypatch.setenv("LOOPWRIGHT_CHECKER_CANARY", CANARY)
    canary_file = tmp_path / "worker-secret.txt"
    canary_file.write_text(CANARY)
    options = {"canary": CANARY, "canary_file": str(canary_file), "port": loopback_port}
    result = grade_checked(organisation, SNOOP, [custom_test([1], 1, **options)])
    (row,) = rows(result)
    assert row.verdict == Verdict.WRONG_ANSWER, row.checker_message  # it found nothing to accept on
    assert "the worker's" not in row.checker_message
    assert "file: FileNotFoundError" in row.checker_message
    assert "socket: ConnectionRefusedError" in row.checker_message or "socket: OSError" in row.checker_message
    assert row.checker_message.startswith("uid 10001")  # it ran, with os, as the sandbox's user


@pytest.mark.usefixtures("one_delivery", "fast_checker_limits")
@pytest.mark.parametrize(
    ("body", "reason"),
    [("while True:\n        pass", "ran past its time limit"), ("import time\n    time.sleep(3600)", "time limit")],
    ids=["busy", "sleeping"],
)
def test_a_checker_that_never_returns_is_stopped(organisation, body, reason):
    checker = f"def check(actual, expected, **options):\n    {body}\n"
    started = time.monotonic()
    result = grade_checked(organisation, checker, [custom_test([1], 1), custom_test([2], 2)])
    assert time.monotonic() - started < 30  # the limit is 2 s of wall clock; a container start is the rest
    assert_internal_error(result, reason)
    assert own_containers() == []


@pytest.mark.usefixtures("one_delivery", "fast_checker_limits")
def test_a_checker_that_hogs_memory_is_stopped_outside_the_worker(organisation):
    # 512 MB in 8 MB pieces, then a pass: in the worker it would succeed (and be accepted).
    checker = "def check(actual, expected, **options):\n"
    checker += "    hog = [b'x' * (8 << 20) for _ in range(64)]\n    return True\n"
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = grade_checked(organisation, checker, [custom_test([1], 1)])
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 256 << 10  # kB: not here
    assert_internal_error(result, "memory limit")


FORGED_RESULT = {"kind": "test", "index": 0, "id": "checker", "status": "ok"}
FORGED_RESULT["value"] = {"results": [{"passed": True, "message": "forged"}]}
FORGER = f"""
import os, secrets, sys

FRAMES = {json.dumps(json.dumps(FORGED_RESULT))}


def guesses():
    found = {{"", "0" * 32, secrets.token_hex(16)}}
    for pid in filter(str.isdigit, os.listdir("/proc")):  # anything that looks like a nonce, anywhere
        for part in ("cmdline", "environ"):
            try:
                with open(f"/proc/{{pid}}/{{part}}", "rb") as handle:
                    found.update(w for w in handle.read().decode(errors="ignore").split() if len(w) == 32)
            except OSError:
                pass
    return found


def check(actual, expected, **options):
    for nonce in guesses():
        forged = f"\\n@@loopwright:{{nonce}} {{FRAMES}}\\n@@loopwright:{{nonce}} {{{{\\"kind\\":\\"done\\"}}}}\\n"
        print(forged, flush=True)
        print(forged, file=sys.stderr, flush=True)
        os.write(1, forged.encode())
        for target in ("/proc/1/fd/1", f"/proc/{{os.getppid()}}/fd/1", "/dev/stdout"):
            try:
                with open(target, "w") as out:
                    out.write(forged)
            except OSError:
                pass
    return False, "honest"
"""


def test_a_checker_cannot_forge_its_result_frame(organisation):
    result = grade_checked(organisation, FORGER, [custom_test([1], 1)])
    (row,) = rows(result)
    assert (row.verdict, row.checker_message) == (Verdict.WRONG_ANSWER, "honest")


@pytest.mark.usefixtures("one_delivery")
@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ("'yes'", "returned str"),
        ("CheckResult('yes')", "returned CheckResult"),  # accepted by the old worker: 'yes' is truthy
        ("(1, 'truthy')", "returned tuple"),
        ("None", "returned NoneType"),
        ("__import__('numpy').bool_(True)", "returned bool"),
        ("exit(0)", "SystemExit"),
        ("os._exit(0)", "crashed"),  # in the old worker: the worker process exits
        (
            "os.kill(os.getpid(), 9)",
            "memory limit",
        ),  # SIGKILL reads as the kernel's OOM killer; in the old worker: gone
        ("os.kill(os.getppid(), 9)", "crashed"),  # the sandbox's zygote
    ],
    ids=["str", "result-of-str", "int-pair", "none", "numpy-bool", "exit", "os-exit", "kill-self", "kill-parent"],
)
def test_a_checker_returning_junk_or_dying_is_an_internal_error(organisation, returned, reason):
    checker = f"{IMPORT_OS}\ndef check(actual, expected, **options):\n    return {returned}\n"
    assert_internal_error(grade_checked(organisation, checker, [custom_test([1], 1)]), reason)


ARGS_CHECKER = """
def check(actual, expected, *, args, scale=1):
    return actual.value * scale == expected, f"saw {args} and {actual.value!r}"
"""


def test_one_checker_run_per_submission_with_outputs_never_code(organisation, monkeypatch):
    tests = [
        custom_test([1], 1),
        {"args": [2], "expected": 2},  # exact: checked in the worker
        custom_test(["boom"], "boom"),  # raised: a runtime error the sandbox's status decides, not the checker
        custom_test([4], 5),
        custom_test([3], 6, scale=2),
    ]
    jobs: list[str] = []
    real_run = sandbox.run

    def recording_run(job, *, config):
        jobs.append(json.dumps(dataclasses.asdict(job)))
        return real_run(job, config=config)

    monkeypatch.setattr(runner.sandbox, "run", recording_run)
    source = ECHO + "# CANDIDATE-CODE-CANARY\n"
    result = grade_checked(organisation, ARGS_CHECKER, tests, source=source)

    assert [(row.verdict, row.checker_message) for row in rows(result)] == [
        (Verdict.ACCEPTED, "saw [1] and 1"),
        (Verdict.ACCEPTED, ""),
        (Verdict.RUNTIME_ERROR, "ValueError: boom"),
        (Verdict.WRONG_ANSWER, "saw [4] and 4"),
        (Verdict.ACCEPTED, "saw [3] and 3"),
    ]
    candidate_job, checker_job = jobs  # the candidate's run, then one checker run for all three checked tests
    assert "CANDIDATE-CODE-CANARY" in candidate_job and "CANDIDATE-CODE-CANARY" not in checker_job
    (checker_test,) = json.loads(checker_job)["tests"]
    assert checker_test["args"][0] == ARGS_CHECKER
    assert [case["expected"] for case in checker_test["args"][1]] == [1, 5, 6]
