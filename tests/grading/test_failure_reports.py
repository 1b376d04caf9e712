"""What a failure tells the candidate and the reviewers, graded for real in the sandbox.

A syntax error names its line (and column) in the candidate's own code on the candidate's
submission and in the manager's report; the report shows each hidden test's name, verdict, time and
why it failed, and never the hidden input or the expected value (canaries put in both).
"""

import pytest

from assessments.models import AttemptQuestion, CodingSpec, QuestionSet, StageKind, TestCase
from assessments.services.submissions import submission_create
from grading.models import Verdict
from grading.services import submission_grade
from organisations.models import Role
from tests.assessments.test_report import _attempt
from tests.factories import CandidateFactory, LoopFactory, MembershipFactory, QuestionFactory, StageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sandbox]

SYNTAX_ERROR_ON_LINE_2 = "def echo(value):\n    return value +* 2\n"
ECHOING = 'def echo(value):\n    if value.endswith("1"):\n        raise KeyError(value)\n    return value\n'


@pytest.fixture
def echo_loop(organisation, docker_engine):
    """A loop whose assessment has one coding question with canaries in its hidden inputs and expected values."""
    loop = LoopFactory(organisation=organisation)
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug="echo-screen")
    stage = StageFactory(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60, title="Screen"
    )
    question = QuestionFactory(organisation=organisation, kind="coding", title="Echo")
    spec = CodingSpec.objects.create(
        revision=question.revisions.get(),
        function_name="echo",
        signature="def echo(value)",
        starter_code="def echo(value):\n    pass\n",
        reference_solution="def echo(value):\n    return value.replace('IN', 'OUT')\n",
    )
    for position in (1, 2):
        TestCase.objects.create(
            spec=spec,
            position=position,
            name=f"hidden case {position}",
            args=[f"CANARY-IN-{position}"],
            expected=f"CANARY-OUT-{position}",
            visibility="hidden",
        )
    return loop, stage, question


def graded(organisation, stage, question, source: str, no_enqueue) -> tuple[AttemptQuestion, object]:
    candidate = CandidateFactory(organisation=organisation)
    _, (attempt_question,) = _attempt(organisation, candidate, stage, [question])
    submission = submission_create(attempt_question=attempt_question, source=source, purpose="final")
    submission_grade(submission_id=submission.pk)
    return attempt_question, submission


def report(client, organisation, loop, candidate) -> str:
    client.force_login(MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER).user)
    response = client.get(f"/manage/candidates/{candidate.pk}/report/?loop={loop.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_syntax_error_on_line_2_says_line_2_to_the_candidate_and_the_manager(
    client, organisation, echo_loop, no_enqueue
):
    loop, stage, question = echo_loop
    attempt_question, submission = graded(organisation, stage, question, SYNTAX_ERROR_ON_LINE_2, no_enqueue)
    try:
        compile(SYNTAX_ERROR_ON_LINE_2, "solution.py", "exec")
    except SyntaxError as exc:
        where = f"SyntaxError on line 2, column {exc.offset}: {exc.msg}"
    token = attempt_question.attempt.invitation.token
    seen = client.get(f"/take/{token}/api/submissions/{submission.pk}/").json()
    assert seen["verdict"] == Verdict.COMPILE_ERROR
    assert seen["compile_message"] == where
    html = report(client, organisation, loop, attempt_question.attempt.invitation.candidate)
    assert where in html


def test_the_report_says_why_each_hidden_test_failed_without_its_input_or_expected_value(
    client, organisation, echo_loop, no_enqueue
):
    loop, stage, question = echo_loop
    attempt_question, _ = graded(organisation, stage, question, ECHOING, no_enqueue)
    results = attempt_question.submissions.get().results.get().test_results.order_by("test_case__position")
    assert [row.verdict for row in results] == [Verdict.RUNTIME_ERROR, Verdict.WRONG_ANSWER]
    assert "CANARY-OUT-2" in results[1].checker_message  # the admin's detail has it; the report must not
    html = report(client, organisation, loop, attempt_question.attempt.invitation.candidate)
    rows = html.split('data-testid="test-result"')[1:]
    assert len(rows) == 2
    assert "hidden case 1" in rows[0] and "Runtime error" in rows[0] and "raised KeyError on line 3" in rows[0]
    assert "hidden case 2" in rows[1] and "Wrong answer" in rows[1]
    assert "returned an answer the test does not accept" in rows[1]
    assert f"<td>{results[0].wall_ms}</td>" in rows[0] and results[0].wall_ms > 0
    assert "CANARY-IN" not in html and "CANARY-OUT" not in html
