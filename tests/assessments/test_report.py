from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    CodeSubmission,
    CodingSpec,
    Decision,
    IntegrityEvent,
    Invitation,
    QuestionSet,
    StageKind,
    SubmissionPurpose,
    SubmissionStatus,
    TestCase,
)
from assessments.services.decisions import decision_record
from common.exceptions import ApplicationError, NotFoundError
from grading.models import GradingResult, TestResult
from integrations.models import WebhookEvent
from integrations.services import webhook_endpoint_create
from manage.selectors.reports import candidate_report
from organisations.models import Role
from rubrics.models import Criterion, Level, Rating, ScorecardStatus
from tests.factories import (
    CandidateFactory,
    LoopFactory,
    MembershipFactory,
    QuestionFactory,
    RubricFactory,
    ScorecardFactory,
    StageFactory,
)

pytestmark = pytest.mark.django_db

STARTER = "def merge(intervals):\n    pass\n"
SOLUTION = """def merge(intervals):
    result = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return result
"""
# The same program with other names and a comment: the similarity check must see through it.
RENAMED = """def merge(spans):
    # merge overlapping spans
    out = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out
"""
DIFFERENT = """def merge(intervals):
    total = 0
    while total < len(intervals):
        total = total + 1
    print("done", total)
    return [[x, x] for x in range(total)]
"""


def _attempt(organisation, candidate, stage, questions):
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        candidate=candidate,
        question_set=stage.question_set,
        stage=stage,
        opens_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=1),
        duration_minutes=60,
    )
    attempt = Attempt.objects.create(
        organisation=organisation,
        invitation=invitation,
        status="graded",
        started_at=now - timedelta(hours=2),
        deadline=now - timedelta(hours=1),
        submitted_at=now - timedelta(hours=1),
    )
    return attempt, [
        AttemptQuestion.objects.create(attempt=attempt, revision=q.revisions.get(), position=i)
        for i, q in enumerate(questions, start=1)
    ]


def _graded(attempt_question, source, score, verdicts):
    submission = CodeSubmission.objects.create(
        attempt_question=attempt_question,
        purpose=SubmissionPurpose.FINAL,
        source=source,
        status=SubmissionStatus.GRADED,
    )
    result = GradingResult.objects.create(
        submission=submission,
        verdict="accepted" if score == 1 else "wrong_answer",
        score=score,
        image_digest="sha256:feedface",
        test_revision="r1-tests-0123abcd",
    )
    tests = attempt_question.revision.coding_spec.test_cases.order_by("position")
    for test, verdict in zip(tests, verdicts, strict=True):
        TestResult.objects.create(result=result, test_case=test, verdict=verdict)
    return submission


def _scorecard(stage, candidate, interviewer, ratings, *, question, submitted=True, recommendation="yes", notes=""):
    extra = {"status": ScorecardStatus.SUBMITTED, "submitted_at": timezone.now(), "recommendation": recommendation}
    card = ScorecardFactory(
        stage=stage, candidate=candidate, interviewer=interviewer, notes=notes, **(extra if submitted else {})
    )
    for criterion, score in ratings.items():
        Rating.objects.create(scorecard=card, criterion=criterion, question=question, score=score)
    return card


@pytest.fixture
def case(organisation):
    """A candidate with a graded coding answer, a written answer and scorecards in two interview stages."""
    manager = MembershipFactory(organisation=organisation, role=Role.HIRING_MANAGER)
    loop = LoopFactory(organisation=organisation)
    question_set = QuestionSet.objects.create(organisation=organisation, title="Screen", slug="screen")
    assessment = StageFactory(
        loop=loop, position=1, kind=StageKind.ASSESSMENT, question_set=question_set, duration_minutes=60, title="Screen"
    )
    onsite = StageFactory(loop=loop, position=2, weight=2.0, title="Onsite")
    final = StageFactory(loop=loop, position=3, weight=1.0, title="Final")

    coding = QuestionFactory(organisation=organisation, kind="coding", title="Merge intervals")
    spec = CodingSpec.objects.create(
        revision=coding.revisions.get(),
        function_name="merge",
        signature="def merge(intervals)",
        starter_code=STARTER,
        reference_solution=SOLUTION,
    )
    for position, visibility in ((1, "sample"), (2, "hidden")):
        TestCase.objects.create(spec=spec, position=position, name=f"t{position}", args=[[]], visibility=visibility)
    written = QuestionFactory(organisation=organisation, kind="conceptual", title="Why merge?")

    candidate = CandidateFactory(organisation=organisation, name="Ana Candidate")
    attempt, (coding_aq, written_aq) = _attempt(organisation, candidate, assessment, [coding, written])
    own = _graded(coding_aq, SOLUTION, 0.5, ["accepted", "wrong_answer"])
    Answer.objects.create(attempt_question=written_aq, body="Because **sorting** first <script>x</script>")
    now = timezone.now()
    for kind, question, data in [
        ("paste", coding_aq, {"chars": 10}),
        ("paste", coding_aq, {"chars": 30}),
        ("blur", None, {}),
        ("question_time", coding_aq, {"seconds": 40}),
        ("question_time", coding_aq, {"seconds": 20}),
        ("question_time", written_aq, {"seconds": 15}),
    ]:
        IntegrityEvent.objects.create(attempt=attempt, attempt_question=question, kind=kind, data=data, occurred_at=now)

    copier = CandidateFactory(organisation=organisation, name="Bo Copier")
    _graded(_attempt(organisation, copier, assessment, [coding])[1][0], RENAMED, 1.0, ["accepted", "accepted"])
    other = CandidateFactory(organisation=organisation, name="Cy Other")
    _graded(_attempt(organisation, other, assessment, [coding])[1][0], DIFFERENT, 0.2, ["accepted", "wrong_answer"])

    rubric = RubricFactory(organisation=organisation)
    depth = rubric.criteria.get()
    clarity = Criterion.objects.create(rubric=rubric, position=2, name="Clarity", weight=3.0)
    for score in range(1, 5):
        Level.objects.create(criterion=clarity, score=score, label=f"L{score}", description=f"Anchor {score}")
    topic = QuestionFactory(organisation=organisation, title="System design")
    alice = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    bob = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    carol = MembershipFactory(organisation=organisation, role=Role.INTERVIEWER).user
    _scorecard(onsite, candidate, alice, {depth: 4, clarity: 2}, question=topic, recommendation="yes")
    _scorecard(onsite, candidate, bob, {depth: 1, clarity: 1}, question=topic, submitted=False, notes="BOB-DRAFT-NOTE")
    _scorecard(final, candidate, carol, {depth: 2, clarity: 4}, question=topic, recommendation="strong_yes")
    return {
        "organisation": organisation,
        "manager": manager,
        "loop": loop,
        "candidate": candidate,
        "own_submission": own,
        "stages": (assessment, onsite, final),
        "interviewer": alice,
    }


# --- decisions ------------------------------------------------------------------------------------


def test_decision_records_and_emits_the_event_without_the_reason(case):
    organisation = case["organisation"]
    webhook_endpoint_create(organisation=organisation, url="https://hooks.example.test/", events=["candidate.decided"])
    decision = decision_record(
        organisation=organisation,
        candidate=case["candidate"],
        loop=case["loop"],
        outcome="advance",
        reason="  Strong onsite.  ",
        decided_by=case["manager"].user,
    )
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        "advance",
        "Strong onsite.",
        case["manager"].user,
    )
    data = WebhookEvent.objects.get(type="candidate.decided").payload["data"]
    assert data["decision_id"] == decision.pk
    assert (data["candidate_id"], data["loop_id"], data["outcome"]) == (
        case["candidate"].pk,
        case["loop"].pk,
        "advance",
    )
    assert data["decided_at"].endswith("Z")
    assert "reason" not in data


@pytest.mark.parametrize(
    ("outcome", "reason", "code"), [("advance", "   ", "reason_required"), ("maybe", "ok", "invalid_outcome")]
)
def test_decision_needs_a_reason_and_a_known_outcome(case, outcome, reason, code):
    with pytest.raises(ApplicationError) as caught:
        decision_record(
            organisation=case["organisation"],
            candidate=case["candidate"],
            loop=case["loop"],
            outcome=outcome,
            reason=reason,
            decided_by=case["manager"].user,
        )
    assert caught.value.code == code
    assert not Decision.objects.exists()


def test_decision_refuses_another_organisations_candidate_or_loop(case, other_organisation):
    common = {
        "organisation": case["organisation"],
        "outcome": "reject",
        "reason": "x",
        "decided_by": case["manager"].user,
    }
    with pytest.raises(NotFoundError):
        decision_record(candidate=CandidateFactory(organisation=other_organisation), loop=case["loop"], **common)
    with pytest.raises(NotFoundError):
        decision_record(candidate=case["candidate"], loop=LoopFactory(organisation=other_organisation), **common)
    assert not Decision.objects.exists()


def test_only_managers_decide_through_the_page(client, case):
    url = f"/manage/candidates/{case['candidate'].pk}/decide/"
    form = {"loop": case["loop"].pk, "outcome": "hold", "reason": "Waiting for the final round."}
    client.force_login(case["interviewer"])
    assert client.post(url, form).status_code == 403
    assert not Decision.objects.exists()

    client.force_login(case["manager"].user)
    assert client.post(url, {**form, "reason": " "}).status_code == 400
    assert not Decision.objects.exists()
    response = client.post(url, form, follow=True)
    decision = Decision.objects.get()
    assert (decision.outcome, decision.loop, decision.decided_by) == ("hold", case["loop"], case["manager"].user)
    assert "Waiting for the final round." in response.content.decode()


def test_another_organisations_manager_cannot_decide(client, case, other_organisation):
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.HIRING_MANAGER).user)
    form = {"loop": case["loop"].pk, "outcome": "reject", "reason": "no"}
    assert client.post(f"/manage/candidates/{case['candidate'].pk}/decide/", form).status_code == 404
    assert not Decision.objects.exists()


# --- the report selector --------------------------------------------------------------------------


def test_report_holds_coding_results_answers_integrity_and_similarity(case):
    report = candidate_report(membership=case["manager"], candidate=case["candidate"], loop=case["loop"])
    (attempt,) = report["attempts"]
    coding, written = attempt["questions"]
    result = coding["coding"]
    assert result["score"] == 0.5 and result["result"].verdict == "wrong_answer"
    assert [(t.test_case.name, t.verdict) for t in result["tests"]] == [("t1", "accepted"), ("t2", "wrong_answer")]
    assert (result["result"].image_digest, result["result"].test_revision) == ("sha256:feedface", "r1-tests-0123abcd")
    assert result["source"] == case["own_submission"].source
    # Other candidates on the question in this loop scored 1.0 and 0.2.
    distribution = result["distribution"]
    assert distribution["count"] == 2
    assert distribution["mean"] == pytest.approx(0.6)
    assert (distribution["q1"], distribution["q3"]) == (pytest.approx(0.4), pytest.approx(0.8))
    # The renamed copy is flagged; the different program is not.
    assert [flag["candidate"].name for flag in result["similar"]] == ["Bo Copier"]
    assert result["similar"][0]["score"] >= 0.8
    assert "<strong>sorting</strong>" in written["answer_html"] and "<script>" not in written["answer_html"]
    assert (coding["seconds"], written["seconds"]) == (60, 15)
    assert attempt["integrity"] == {"paste_count": 2, "paste_chars": 40, "tab_leaves": 1}


def test_report_aggregates_only_visible_submitted_scorecards(case):
    report = candidate_report(membership=case["manager"], candidate=case["candidate"], loop=case["loop"])
    shown = [card["scorecard"].interviewer for card in report["scorecards"]]
    assert len(shown) == 2 and all(card["submitted"] for card in report["scorecards"])  # Bob's draft is hidden
    assessment, onsite, final = case["stages"]
    stages = {row["stage"]: row["score"] for row in report["aggregate"]["stages"]}
    # Onsite: Alice depth 4 (weight 1), clarity 2 (weight 3) → 10 / 4. Final: Carol 2 and 4 → 14 / 4.
    assert stages == {assessment: None, onsite: pytest.approx(2.5), final: pytest.approx(3.5)}
    # Stage weights 2 and 1; the assessment stage has no rubric score and does not count.
    assert report["aggregate"]["overall"] == pytest.approx((2 * 2.5 + 1 * 3.5) / 3)
    counts = {row["value"]: row["count"] for row in report["recommendations"]}
    assert counts == {"strong_no": 0, "no": 0, "yes": 1, "strong_yes": 1}
    rows = {row["label"]: sorted(r["score"] for r in row["ratings"]) for row in report["criterion_ratings"]}
    assert rows == {"System design · Depth": [2, 4], "System design · Clarity": [2, 4]}


def test_report_follows_blind_feedback_for_an_interviewer_with_a_draft(case):
    bob_card = case["candidate"].scorecards.get(status=ScorecardStatus.DRAFT)
    bob = case["organisation"].memberships.get(user=bob_card.interviewer)
    report = candidate_report(membership=bob, candidate=case["candidate"], loop=case["loop"])
    assert [card["scorecard"] for card in report["scorecards"]] == [bob_card]
    assert report["aggregate"]["overall"] is None


def test_report_refuses_another_organisations_candidate(case, other_organisation):
    with pytest.raises(NotFoundError):
        candidate_report(
            membership=case["manager"], candidate=CandidateFactory(organisation=other_organisation), loop=case["loop"]
        )


# --- the page -------------------------------------------------------------------------------------


def _report_url(case):
    return f"/manage/candidates/{case['candidate'].pk}/report/?loop={case['loop'].pk}"


def test_manager_reads_the_report_with_charts_and_escaped_code(client, case, django_assert_max_num_queries):
    client.force_login(case["manager"].user)
    with django_assert_max_num_queries(24):
        response = client.get(_report_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2 and 'class="score"' in html and 'class="rating"' in html
    assert "start &lt;= result[-1][1]" in html  # code escaped inside <pre><code>
    assert "<strong>sorting</strong>" in html and "<script>x</script>" not in html
    assert "sha256:feedface" in html and "r1-tests-0123abcd" in html
    assert 'data-testid="similarity-flag"' in html and "Bo Copier" in html
    assert "BOB-DRAFT-NOTE" not in html
    assert "2.83 / 4" in html
    assert "@media print" in html
    assert 'action="/manage/candidates/' in html


def test_query_count_does_not_grow_with_more_scorecards_and_submissions(client, case, django_assert_max_num_queries):
    assessment, onsite, _ = case["stages"]
    rubric_criterion = Criterion.objects.get(name="Clarity")
    topic = QuestionFactory(organisation=case["organisation"])
    for _ in range(4):
        interviewer = MembershipFactory(organisation=case["organisation"], role=Role.INTERVIEWER).user
        _scorecard(onsite, case["candidate"], interviewer, {rubric_criterion: 3}, question=topic)
    coding = case["own_submission"].attempt_question.revision.question
    for _ in range(4):
        someone = CandidateFactory(organisation=case["organisation"])
        _graded(_attempt(case["organisation"], someone, assessment, [coding])[1][0], DIFFERENT, 0.3, ["accepted"] * 2)
    client.force_login(case["manager"].user)
    with django_assert_max_num_queries(24):
        assert client.get(_report_url(case)).status_code == 200


def test_page_roles(client, case, other_organisation):
    url = _report_url(case)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(case["interviewer"])
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(organisation=other_organisation, role=Role.HIRING_MANAGER).user)
    assert client.get(url).status_code == 404
    client.force_login(case["manager"].user)
    outside = client.get(f"/manage/candidates/{case['candidate'].pk}/report/")  # no loop: attempts outside loops
    assert outside.status_code == 200 and "No attempt outside the loops." in outside.content.decode()
    assert client.get(f"/manage/candidates/{case['candidate'].pk}/report/?loop=x").status_code == 404
    other_loop = LoopFactory(organisation=other_organisation)
    assert client.get(f"/manage/candidates/{case['candidate'].pk}/report/?loop={other_loop.pk}").status_code == 404


def test_report_survives_absurd_stored_integrity_numbers(client, case):
    """Rows stored before validation existed (or by hand) never break the page: huge, NaN-like, negative, text."""
    attempt = Attempt.objects.get(invitation__candidate=case["candidate"])
    coding_aq = attempt.questions.order_by("position").first()
    now = timezone.now()
    for kind, data in [
        ("question_time", {"seconds": 1e308}),
        ("question_time", {"seconds": 1e308}),
        ("question_time", {"seconds": -5}),
        ("question_time", {"seconds": "12"}),
        ("paste", {"chars": 1e308}),
        ("paste", {"chars": 10**40}),
    ]:
        IntegrityEvent.objects.create(
            attempt=attempt, attempt_question=coding_aq, kind=kind, data=data, occurred_at=now
        )
    report = candidate_report(membership=case["manager"], candidate=case["candidate"], loop=case["loop"])
    (row,) = report["attempts"]
    coding, _ = row["questions"]
    assert coding["seconds"] == 60  # the absurd values are left out, the plausible ones still count
    assert row["integrity"]["paste_chars"] == 40 and row["integrity"]["paste_count"] == 4
    client.force_login(case["manager"].user)
    assert client.get(_report_url(case)).status_code == 200


def test_the_report_does_not_load_candidate_images_from_other_hosts(client, case):
    """A candidate's Markdown answer may name any image; the staff page's policy allows only ours."""
    answer = Answer.objects.get(body__contains="sorting")
    answer.body = '![x](https://evil.example/x.png) <img src="https://evil.example/y.png">'
    answer.save(update_fields=["body"])
    client.force_login(case["manager"].user)
    response = client.get(_report_url(case))
    assert response.status_code == 200 and "evil.example/x.png" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy + ";" and "evil.example" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "no-store" in response["Cache-Control"]
