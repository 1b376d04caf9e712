"""The question set's hidden-test feedback policy: what a candidate sees of their final grading.

Per-test verdicts of hidden tests are a side channel (code can encode one bit of each hidden input in
each verdict), so a set chooses: ``per_test``, ``count`` (only "N of M accepted", the default) or
``none`` (only that the code was submitted). Sample runs are always shown in full. Checked where the
candidate reads: the submission API, the state API and the page's embedded state.
"""

import json

import pytest
from django.urls import reverse

from assessments.models import (
    Attempt,
    CodeSubmission,
    HiddenFeedback,
    QuestionSet,
    SubmissionPurpose,
    SubmissionStatus,
    Visibility,
)
from grading.models import GradingResult, TestResult
from tests.assessments.test_attempts import api, invitation, no_enqueue, question_set, started  # noqa: F401

pytestmark = pytest.mark.django_db

HIDDEN_VERDICTS = ["accepted", "wrong_answer", "accepted"]  # the wrong one is what a side channel would read


def graded(submission: CodeSubmission, visibility: str, verdicts: list[str]) -> None:
    tests = submission.attempt_question.revision.coding_spec.test_cases.filter(visibility=visibility)
    tests = list(tests.order_by("position"))[: len(verdicts)]
    result = GradingResult.objects.create(
        submission=submission, verdict="wrong_answer", score=0.5, compile_message="", test_revision="r1"
    )
    for test, verdict in zip(tests, verdicts, strict=True):
        TestResult.objects.create(result=result, test_case=test, verdict=verdict, actual=[1.0], stdout="printed")
    CodeSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.GRADED)


@pytest.fixture
def submitted(client, invitation, no_enqueue):  # noqa: F811
    """A submitted attempt whose coding question's final submission is graded on three hidden tests."""
    coding = next(q["id"] for q in started(client, invitation)["questions"] if q["kind"] == "coding")
    api(client, invitation, f"answers/{coding}/", "put", {"body": "def cosine_similarity(a, b): ...", "version": 0})
    assert api(client, invitation, "submit/", "post").status_code == 200
    final = CodeSubmission.objects.get(attempt_question_id=coding, purpose=SubmissionPurpose.FINAL)
    graded(final, Visibility.HIDDEN, HIDDEN_VERDICTS)
    return final


def seen(client, invitation, final) -> list[dict]:  # noqa: F811
    """The final submission as each candidate-facing read shows it."""
    page = client.get(reverse("candidate-attempt", args=[invitation.token])).content.decode()
    embedded = page.split('id="attempt-state" type="application/json">')[1].split("</script>")[0]
    return [
        api(client, invitation, f"submissions/{final.pk}/").json(),
        next(s for s in api(client, invitation, "state/").json()["final_submissions"] if s["id"] == final.pk),
        next(s for s in json.loads(embedded)["final_submissions"] if s["id"] == final.pk),
    ]


def set_policy(invitation, policy: str) -> None:  # noqa: F811
    QuestionSet.objects.filter(pk=invitation.question_set_id).update(hidden_feedback=policy)


def test_a_new_question_set_shows_only_the_count():
    assert QuestionSet._meta.get_field("hidden_feedback").default == HiddenFeedback.COUNT


def test_per_test_shows_each_hidden_verdict_and_nothing_of_the_tests(client, invitation, submitted):  # noqa: F811
    set_policy(invitation, HiddenFeedback.PER_TEST)
    for view in seen(client, invitation, submitted):
        assert view["feedback"] == "per_test" and view["verdict"] == "wrong_answer" and view["score"] == 0.5
        assert view["tests"] == [{"index": i, "verdict": v} for i, v in enumerate(HIDDEN_VERDICTS, start=1)]


def test_count_shows_only_how_many_were_accepted(client, invitation, submitted):  # noqa: F811
    set_policy(invitation, HiddenFeedback.COUNT)
    for view in seen(client, invitation, submitted):
        assert view["tests"] == [] and view["accepted"] == 2 and view["total"] == 3
        assert view["verdict"] is None and view["score"] is None  # which test failed, and how, stays unsaid
        assert "wrong_answer" not in json.dumps(view)


def test_none_shows_only_that_it_was_submitted(client, invitation, submitted):  # noqa: F811
    set_policy(invitation, HiddenFeedback.NONE)
    for view in seen(client, invitation, submitted):
        assert view == {
            "id": submitted.pk,
            "question_id": submitted.attempt_question_id,
            "purpose": "final",
            "status": "graded",
            "feedback": "none",
            "verdict": None,
            "score": None,
            "compile_message": "",
            "tests": [],
        }


@pytest.mark.parametrize("policy", HiddenFeedback.values)
def test_sample_runs_are_always_shown_in_full(client, invitation, no_enqueue, policy):  # noqa: F811
    set_policy(invitation, policy)
    coding = next(q["id"] for q in started(client, invitation)["questions"] if q["kind"] == "coding")
    response = api(client, invitation, f"answers/{coding}/run-samples/", "post", {"source": "x = 1"})
    run = CodeSubmission.objects.get(pk=response.json()["id"])
    graded(run, Visibility.SAMPLE, ["accepted", "wrong_answer"])
    view = api(client, invitation, f"submissions/{run.pk}/").json()
    assert [t["verdict"] for t in view["tests"]] == ["accepted", "wrong_answer"]
    assert all({"args", "expected", "actual", "stdout"} <= set(t) for t in view["tests"])
    assert view["verdict"] == "wrong_answer" and Attempt.objects.count() == 1


def test_the_rest_api_reads_and_writes_the_policy(manager_client, interviewer_client, question_set):  # noqa: F811
    url = f"/api/v1/question-sets/{question_set.pk}/"
    assert manager_client.get(url).json()["hidden_feedback"] == "count"
    response = manager_client.patch(url, {"hidden_feedback": "none"}, format="json")
    assert response.status_code == 200 and response.json()["hidden_feedback"] == "none"
    assert QuestionSet.objects.get(pk=question_set.pk).hidden_feedback == "none"
    invalid = manager_client.patch(url, {"hidden_feedback": "everything"}, format="json")
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "invalid"
    assert interviewer_client.patch(url, {"hidden_feedback": "per_test"}, format="json").status_code == 403
    assert QuestionSet.objects.get(pk=question_set.pk).hidden_feedback == "none"


def test_the_admin_edits_the_policy(admin_client, question_set):  # noqa: F811
    page = admin_client.get(f"/admin/assessments/questionset/{question_set.pk}/change/").content.decode()
    assert 'name="hidden_feedback"' in page and "Only how many hidden tests were accepted" in page


def test_an_empty_patch_changes_nothing(manager_client, question_set):  # noqa: F811
    response = manager_client.patch(f"/api/v1/question-sets/{question_set.pk}/", {}, format="json")
    assert response.status_code == 200 and response.json()["hidden_feedback"] == "count"
