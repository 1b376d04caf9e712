"""What grading claims, graded for real in the sandbox, with values that would show if the claim were false.

- Expected values never reach the sandbox: a canary is put into a hidden test's expected value, and
  neither the job handed to the sandbox nor anything the candidate's code can read in its container
  holds it (the input canary, which must be there, shows the search would have found it).
- A score weighs each test: weights other than 1, through grading.
- The memory and output limits give their own verdicts through the status mapping and grading.
"""

import dataclasses
import json

import pytest

import sandbox
from assessments.models import CodingSpec, QuestionSet, StageKind, TestCase
from assessments.services.submissions import submission_create
from grading import runner
from grading.models import GradingResult, Verdict
from grading.services import submission_grade
from tests.assessments.test_report import _attempt
from tests.factories import CandidateFactory, LoopFactory, QuestionFactory, StageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox]

EXPECTED_CANARY = "EXPECTED-CANARY-7f3a"
INPUT_CANARY = "INPUT-CANARY-5c2e"

# Looks everywhere the code can read in its container: files, every process's command line and
# environment, and what it was given. Returns which needles it found where.
SEARCHING = f"""
import os

NEEDLES = ("-".join({EXPECTED_CANARY.split("-")!r}), "-".join({INPUT_CANARY.split("-")!r}))  # built, not written


def search(value):
    found = set()
    for needle in NEEDLES:
        if needle in repr(value):
            found.add(needle + " in args")
    for root in ("/tmp", "/opt", "/etc", "/home", "/root", "/var", "/srv", "/mnt", "/run", "/dev/shm"):
        for directory, _dirs, files in os.walk(root):
            for name in files:
                try:
                    with open(os.path.join(directory, name), "rb") as handle:
                        data = handle.read(1 << 20)
                except OSError:
                    continue
                found.update(needle + " in a file" for needle in NEEDLES if needle.encode() in data)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for part in ("cmdline", "environ"):
                try:
                    with open(f"/proc/{{pid}}/{{part}}", "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                found.update(needle + " in /proc" for needle in NEEDLES if needle.encode() in data)
    return sorted(found)
"""


def spec_with(organisation, function_name: str, tests: list[dict], **limits) -> tuple:
    loop = LoopFactory(organisation=organisation)
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug=f"s-{function_name}")
    stage = StageFactory(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60, title="S"
    )
    question = QuestionFactory(organisation=organisation, kind="coding", title=function_name)
    spec = CodingSpec.objects.create(
        revision=question.revisions.get(),
        function_name=function_name,
        signature=f"def {function_name}(value)",
        starter_code=f"def {function_name}(value):\n    pass\n",
        reference_solution=f"def {function_name}(value):\n    return value\n",
        **limits,
    )
    for position, test in enumerate(tests, start=1):
        TestCase.objects.create(spec=spec, position=position, name=f"t{position}", visibility="hidden", **test)
    return stage, question


def grade(organisation, stage, question, source: str) -> GradingResult:
    _, (attempt_question,) = _attempt(organisation, CandidateFactory(organisation=organisation), stage, [question])
    submission = submission_create(attempt_question=attempt_question, source=source, purpose="final")
    submission_grade(submission_id=submission.pk)
    return GradingResult.objects.get(submission=submission)


def test_an_expected_value_never_reaches_the_sandbox(organisation, docker_engine, no_enqueue, monkeypatch):
    stage, question = spec_with(organisation, "search", [{"args": [INPUT_CANARY], "expected": [EXPECTED_CANARY]}])
    assert TestCase.objects.filter(expected=[EXPECTED_CANARY]).exists()  # the canary is an expected value
    jobs: list[str] = []
    real_run = sandbox.run

    def recording_run(job, *, config):
        jobs.append(json.dumps(dataclasses.asdict(job)))
        return real_run(job, config=config)

    monkeypatch.setattr(runner.sandbox, "run", recording_run)
    result = grade(organisation, stage, question, SEARCHING)

    assert len(jobs) == 1 and INPUT_CANARY in jobs[0] and EXPECTED_CANARY not in jobs[0]
    (row,) = result.test_results.all()
    assert row.verdict == Verdict.WRONG_ANSWER  # it could not return what it could not find
    # the search works: the input, which must be there, is found
    assert row.actual["value"] == [f"{INPUT_CANARY} in args"]


def test_the_score_weighs_each_test(organisation, docker_engine, no_enqueue):
    tests = [{"args": [n], "expected": n, "weight": weight} for n, weight in ((1, 1.0), (2, 2.0), (3, 5.0), (4, 0.5))]
    stage, question = spec_with(organisation, "echo", tests)
    source = "def echo(value):\n    return value if value in (1, 3) else -1\n"
    result = grade(organisation, stage, question, source)
    verdicts = [row.verdict for row in result.test_results.order_by("test_case__position")]
    assert verdicts == [Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.ACCEPTED, Verdict.WRONG_ANSWER]
    assert result.score == pytest.approx((1.0 + 5.0) / (1.0 + 2.0 + 5.0 + 0.5))  # 0.706; unweighted it is 0.5
    assert result.verdict == Verdict.WRONG_ANSWER


MEMORY_HOG = """
def echo(value):
    if value == "hog":
        chunks = []
        while True:
            chunks.append(bytearray(8 * 1024 * 1024))
    return value
"""
CHATTERBOX = """
def echo(value):
    if value == "print":
        print("x" * (4 * 1024 * 1024))
    if value == "return":
        return "x" * (4 * 1024 * 1024)
    return value
"""


def test_going_over_the_memory_limit_is_memory_limit_exceeded(organisation, docker_engine, no_enqueue):
    tests = [{"args": ["fine"], "expected": "fine"}, {"args": ["hog"], "expected": "hog"}]
    stage, question = spec_with(organisation, "echo", tests, memory_mb=64)
    result = grade(organisation, stage, question, MEMORY_HOG)
    verdicts = [row.verdict for row in result.test_results.order_by("test_case__position")]
    assert verdicts[1] == Verdict.MEMORY_LIMIT_EXCEEDED
    assert result.verdict == Verdict.MEMORY_LIMIT_EXCEEDED


def test_going_over_the_output_limit_is_output_limit_exceeded(organisation, docker_engine, no_enqueue):
    tests = [{"args": [what], "expected": what} for what in ("fine", "return")]
    stage, question = spec_with(organisation, "echo", tests)
    result = grade(organisation, stage, question, CHATTERBOX)
    verdicts = [row.verdict for row in result.test_results.order_by("test_case__position")]
    assert verdicts == [Verdict.ACCEPTED, Verdict.OUTPUT_LIMIT_EXCEEDED]
    assert result.verdict == Verdict.OUTPUT_LIMIT_EXCEEDED
