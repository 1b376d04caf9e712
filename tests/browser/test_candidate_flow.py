"""A candidate's attempt in a real browser: Chromium (Playwright) against the live server and a real grader.

1. The full attempt: a manager invites through the web page; the candidate starts, writes an answer
   and previews it, writes code in CodeMirror, runs the samples, reloads and finds everything,
   submits, and watches the hidden tests being graded.
2. The deadline passes while the page is open: the page freezes, the saved answer is kept, a late
   write is refused, the server finalises the attempt.
3. A stale tab gets the conflict notice and never overwrites newer work.
4. Text typed before the page script runs is kept.
5. Code with a syntax error: the submitted page says which line.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CodeSubmission,
    CodingSpec,
    HiddenFeedback,
    Invitation,
    QuestionSet,
    SubmissionPurpose,
    Visibility,
)
from assessments.services.attempts import attempt_start
from assessments.tasks import finalise_expired_attempts
from grading.models import GradingResult
from organisations.models import Role
from tests.assessments.test_attempts import invitation, question_set  # noqa: F401 - shared fixtures
from tests.browser.conftest import Grading, save_screenshot
from tests.factories import MembershipFactory, assessment_stage

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

WRITTEN = (
    "TF-IDF weighs a term by **how often** it appears in a document, discounted by how many documents "
    "contain it:\n\n- term frequency: `tf(t, d)`\n- inverse document frequency: `log(N / df(t))`\n"
)
BEHAVIOURAL = "A flaky test that only failed on Mondays: the fixture used the local week number."


def pane_ids(attempt: Attempt) -> dict[str, int]:
    """Attempt question ids by kind (the imported set has one of each)."""
    questions = AttemptQuestion.objects.filter(attempt=attempt).select_related("revision__question")
    return {question.revision.question.kind: question.pk for question in questions}


def editor_text(page: Any, question_id: int) -> str:
    """The CodeMirror document (its EditorView hangs off the content element as ``cmView.view``)."""
    return page.evaluate(
        """(id) => {
            const content = document.querySelector(`#editor-${id} .cm-content`);
            const view = content?.cmView?.view;
            if (view) return view.state.doc.toString();
            return [...content.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\\n');
        }""",
        question_id,
    )


def assert_editor_mounted(page: Any, question_id: int) -> None:
    """The bundle must load: a CodeMirror editor, not the plain fallback textarea."""
    loaded = page.evaluate("typeof window.LoopwrightEditor")
    if loaded != "object":
        pytest.fail(
            f"the editor bundle did not load (window.LoopwrightEditor is {loaded}); the page fell back to a "
            "textarea. Is assessments/static/candidate/editor.bundle.js built and served?",
            pytrace=False,
        )
    expect(page.locator(f"#editor-{question_id} .cm-content")).to_be_visible()
    expect(page.get_by_test_id(f"code-{question_id}")).to_be_hidden()


def wait_until_ready(page: Any) -> None:
    """The page's script has run (the countdown shows a time): typing now goes through the page's autosave."""
    expect(page.get_by_test_id("countdown")).not_to_have_text("--:--")


def wait_for_state(page: Any, test_id: str, states: tuple[str, ...], timeout: float) -> str:
    """Wait (bounded) until the element's data-state is one of ``states``; return it."""
    page.wait_for_function(
        "([id, states]) => states.includes(document.querySelector(`[data-testid='${id}']`)?.dataset.state)",
        arg=[test_id, list(states)],
        timeout=timeout,
    )
    return page.get_by_test_id(test_id).get_attribute("data-state")


def record_states(page: Any, element_id: str) -> None:
    """Record every data-state the element goes through into window.__states[element_id]."""
    page.evaluate(
        """(id) => {
            window.__states = window.__states || {};
            const states = (window.__states[id] = []);
            const el = document.getElementById(id);
            new MutationObserver(() => {
                if (states[states.length - 1] !== el.dataset.state) states.push(el.dataset.state);
            }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
        }""",
        element_id,
    )


def put_answer(page: Any, token: str, question_id: int, body: str, version: int) -> tuple[int, dict[str, Any]]:
    """A PUT sent from the page, as the page's own autosave would send it."""
    status, data = page.evaluate(
        """async ([url, body]) => {
            const response = await fetch(url, {
                method: 'PUT', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
            });
            return [response.status, await response.json()];
        }""",
        [f"/take/{token}/api/answers/{question_id}/", {"body": body, "version": version}],
    )
    return status, data


def hidden_inputs(spec: CodingSpec) -> list[str]:
    """Distinctive text of the hidden tests' arguments (long enough not to appear by chance)."""
    hidden = spec.test_cases.filter(visibility=Visibility.HIDDEN)
    return [json.dumps(test.args)[1:-1] for test in hidden if len(json.dumps(test.args)) > 60]


def test_full_attempt_from_invitation_to_graded(new_page, live_server, grader: Grading, organisation, question_set):  # noqa: F811
    # The hiring manager logs in and invites the candidate from the web page.
    QuestionSet.objects.filter(pk=question_set.pk).update(hidden_feedback=HiddenFeedback.PER_TEST)  # every verdict
    organisation.name = "Acme Language Lab"
    organisation.save(update_fields=["name"])
    stage = assessment_stage(question_set, duration_minutes=90)  # every invitation is to a loop's assessment stage
    manager = MembershipFactory(
        organisation=organisation, role=Role.HIRING_MANAGER, user__first_name="Hana", user__last_name="Manager"
    ).user
    office = new_page()
    office.goto("/accounts/login/?next=/manage/invitations/")
    office.fill("#id_username", manager.username)
    office.fill("#id_password", "pw-for-tests")
    office.get_by_role("button", name="Log in").click()
    expect(office).to_have_url(f"{live_server.url}/manage/invitations/")
    office.fill("#id_name", "Grace Hopper")
    office.fill("#id_email", "grace@example.test")
    office.select_option("#id_stage", value=str(stage.pk))
    office.fill("#id_duration_minutes", "60")
    office.fill("#id_days_open", "3")
    office.get_by_role("button", name="Create invitation").click()
    expect(office.locator(".messages")).to_contain_text("Invitation created")
    invitation = Invitation.objects.get(candidate__email="grace@example.test")  # noqa: F811
    token = invitation.token
    expect(office.locator(".messages")).to_contain_text(f"/take/{token}/")
    expect(office.locator("tbody")).to_contain_text("Grace Hopper")
    save_screenshot(office, grader, "manager-invitations.png")

    # The candidate (no account, another browser profile) opens the link and starts.
    page = new_page()
    page.goto(f"/take/{token}/")
    expect(page.get_by_test_id("landing-recorded")).to_contain_text("never used as an automatic rejection")
    expect(page.get_by_test_id("landing-total")).to_have_text("3 questions")
    save_screenshot(page, grader, "candidate-landing.png")
    page.get_by_test_id("start-button").click()
    # The page script records the question in view in the address (#q-<id>) once it has loaded,
    # so the address is matched with and without it: which one the first look sees is a race.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/take/{re.escape(token)}/attempt/(#q-\d+)?$"))
    wait_until_ready(page)
    attempt = Attempt.objects.get(invitation=invitation)
    ids = pane_ids(attempt)
    written, coding, behavioural = ids["conceptual"], ids["coding"], ids["behavioural"]
    expect(page).to_have_url(f"{live_server.url}/take/{token}/attempt/#q-{written}")
    expect(page.get_by_test_id("countdown")).to_have_attribute("data-state", "running")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")

    # A written answer in Markdown, and its preview (rendered by the server).
    page.get_by_test_id(f"answer-{written}").fill(WRITTEN)
    page.get_by_test_id(f"preview-toggle-{written}").click()
    preview = page.get_by_test_id(f"preview-{written}")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("how often")
    expect(preview.locator("li")).to_have_count(2)
    expect(page.get_by_test_id(f"answer-{written}")).to_be_hidden()
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    save_screenshot(page, grader, "candidate-written.png")
    page.get_by_test_id(f"preview-toggle-{written}").click()
    expect(page.get_by_test_id(f"answer-{written}")).to_be_visible()

    page.get_by_test_id(f"nav-{behavioural}").click()
    page.get_by_test_id(f"answer-{behavioural}").fill(BEHAVIOURAL)

    # The coding question: replace the starter code in CodeMirror with the reference solution.
    spec = CodingSpec.objects.get(revision__attempt_uses__pk=coding)
    page.get_by_test_id(f"nav-{coding}").click()
    assert_editor_mounted(page, coding)
    assert editor_text(page, coding) == spec.starter_code
    page.locator(f"#editor-{coding} .cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(spec.reference_solution)
    assert editor_text(page, coding) == spec.reference_solution

    # Run the samples: a visible progress state, then every sample accepted.
    record_states(page, f"run-status-{coding}")
    page.get_by_test_id(f"run-samples-{coding}").click()
    run_status = page.get_by_test_id(f"run-status-{coding}")
    ended = wait_for_state(page, f"run-status-{coding}", ("graded", "failed", "error"), timeout=60_000)
    assert ended == "graded", f"the sample run ended {ended}: {run_status.inner_text()}"
    states = page.evaluate("(id) => window.__states[id]", f"run-status-{coding}")
    # A visible progress state reported by the server (not just "sending"), then the verdicts.
    assert states[-1] == "graded" and {"queued", "running"} & set(states), states
    samples = spec.test_cases.filter(visibility=Visibility.SAMPLE).count()
    rows = page.locator(f"[data-testid^='sample-result-{coding}-']")
    expect(rows).to_have_count(samples)
    assert [rows.nth(i).get_attribute("data-verdict") for i in range(samples)] == ["accepted"] * samples
    expect(run_status).to_contain_text(f"{samples} of {samples} sample tests passed")
    page.evaluate(  # the code and the results in one view, below the sticky header
        "(id) => window.scrollTo(0, document.getElementById(`editor-label-${id}`).getBoundingClientRect().top"
        " + window.scrollY - 80)",
        coding,
    )
    save_screenshot(page, grader, "candidate-coding-samples.png")

    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    saved = dict(Answer.objects.filter(attempt_question__attempt=attempt).values_list("attempt_question_id", "body"))
    assert saved == {written: WRITTEN, coding: spec.reference_solution, behavioural: BEHAVIOURAL}

    # A reload finds everything: answers, code, the last sample run.
    page.reload()
    wait_until_ready(page)
    assert_editor_mounted(page, coding)
    assert editor_text(page, coding) == spec.reference_solution
    assert page.get_by_test_id(f"answer-{written}").input_value() == WRITTEN
    assert page.get_by_test_id(f"answer-{behavioural}").input_value() == BEHAVIOURAL
    expect(page.get_by_test_id(f"run-status-{coding}")).to_have_attribute("data-state", "graded")
    expect(page.locator(f"[data-testid^='sample-result-{coding}-']")).to_have_count(samples)
    expect(page.locator("#progress-count")).to_have_text("3")

    # Submit, confirm, and watch the hidden tests being graded (verdicts only).
    page.get_by_test_id("submit-button").click()
    dialog = page.get_by_test_id("submit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#submit-answered")).to_have_text("3 of 3")
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    expect(dialog).to_be_hidden()
    grading_status = page.get_by_test_id("grading-status")
    expect(grading_status).to_have_attribute("data-state", "done", timeout=90_000)
    final = CodeSubmission.objects.get(attempt_question_id=coding, purpose=SubmissionPurpose.FINAL)
    result = GradingResult.objects.get(submission=final)
    tests = result.test_results.count()
    assert tests >= spec.test_cases.filter(visibility=Visibility.HIDDEN).count() > 0
    verdicts = page.locator(f"[data-testid^='grading-q-{coding}-test-']")
    expect(verdicts).to_have_count(tests)
    assert {verdicts.nth(i).get_attribute("data-verdict") for i in range(tests)} == {"accepted"}
    expect(page.get_by_test_id(f"grading-q-{coding}")).to_contain_text(f"{tests} of {tests} tests accepted")
    expect(page.get_by_test_id("submit-button")).to_be_hidden()
    assert page.locator(f"#editor-{coding} .cm-content").get_attribute("contenteditable") == "false"
    save_screenshot(page, grader, "candidate-submitted.png")

    # Only verdicts: no hidden test input anywhere in the page (DOM, embedded state, visible text).
    html, text = page.content(), page.inner_text("body")
    secrets = hidden_inputs(spec)
    assert secrets and not [secret for secret in secrets if secret in html or secret in text]

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and not attempt.finalised_by_deadline
    assert result.score == 1.0 and result.verdict == "accepted"


def test_deadline_passes_while_the_page_is_open(new_page, grader: Grading, invitation):  # noqa: F811
    attempt = attempt_start(invitation=invitation)
    ids = pane_ids(attempt)
    written = ids["conceptual"]
    deadline = timezone.now() + timedelta(seconds=9)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    page = new_page()
    page.goto(f"/take/{invitation.token}/attempt/")
    wait_until_ready(page)
    countdown = page.get_by_test_id("countdown")
    expect(countdown).to_have_attribute("data-state", "warning")  # under five minutes left
    page.get_by_test_id(f"answer-{written}").fill("Saved before the bell.")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved", timeout=5_000)
    assert Answer.objects.get(attempt_question_id=written).body == "Saved before the bell."

    expect(countdown).to_have_attribute("data-state", "ended", timeout=15_000)
    assert timezone.now() >= deadline - timedelta(seconds=1)  # the page follows the server's clock
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    expect(page.locator("#closed-title")).to_have_text("Time is up")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "closed")
    expect(page.get_by_test_id(f"answer-{written}")).not_to_be_editable()
    expect(page.get_by_test_id("submit-button")).to_be_hidden()

    # The saved answer is kept; a late write is refused by the server.
    answer = Answer.objects.get(attempt_question_id=written)
    assert answer.body == "Saved before the bell."
    status, data = put_answer(page, invitation.token, written, "too late", answer.version)
    assert status == 403 and data["error"]["code"] == "deadline_passed", data
    assert Answer.objects.get(attempt_question_id=written).body == "Saved before the bell."

    # The server finalises it (the periodic task, run by the real worker); the open page follows.
    finalise_expired_attempts.delay()
    expect(page.get_by_test_id("grading-status")).to_have_attribute("data-state", "done", timeout=60_000)
    attempt.refresh_from_db()
    assert attempt.status in (AttemptStatus.SUBMITTED, AttemptStatus.GRADED)
    assert attempt.finalised_by_deadline and attempt.submitted_at is not None
    assert page.get_by_test_id("attempt").get_attribute("data-status") in ("submitted", "graded")
    status, data = put_answer(page, invitation.token, written, "too late", answer.version)
    assert status == 403 and data["error"]["code"] == "attempt_closed", data

    page.reload()
    expect(page.get_by_test_id("closed-banner")).to_be_visible()
    expect(page.locator("#closed-title")).to_have_text("Time is up")
    assert page.get_by_test_id(f"answer-{written}").input_value() == "Saved before the bell."


def test_a_stale_tab_gets_the_conflict_notice_and_overwrites_nothing(new_page, grader: Grading, invitation):  # noqa: F811
    attempt = attempt_start(invitation=invitation)
    written = pane_ids(attempt)["conceptual"]
    first = new_page()
    second = new_page(first.context)  # the same browser, a second tab on the same attempt
    for page in (first, second):
        page.goto(f"/take/{invitation.token}/attempt/")
        wait_until_ready(page)

    second.get_by_test_id(f"answer-{written}").fill("Newer text from the second tab.")
    expect(second.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    assert Answer.objects.get(attempt_question_id=written).version == 1

    first.get_by_test_id(f"answer-{written}").fill("Older tab typing over it.")
    expect(first.get_by_test_id("save-status")).to_have_attribute("data-state", "conflict")
    notice = first.get_by_test_id(f"notice-{written}")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("changed in another tab")
    answer = Answer.objects.get(attempt_question_id=written)
    assert (answer.body, answer.version) == ("Newer text from the second tab.", 1)
    # Typing on in the stale tab still does not overwrite; reloading shows the newer text.
    first.get_by_test_id(f"answer-{written}").press_sequentially(" More.")
    first.wait_for_timeout(2_000)  # longer than the autosave delay
    assert Answer.objects.get(attempt_question_id=written).body == "Newer text from the second tab."
    first.get_by_test_id(f"conflict-reload-{written}").click()
    wait_until_ready(first)
    expect(first.get_by_test_id(f"answer-{written}")).to_have_value("Newer text from the second tab.")
    expect(first.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")


def test_text_typed_before_the_page_script_runs_is_kept_and_saved(new_page, grader: Grading, invitation):  # noqa: F811
    """On a slow connection the textarea is usable before the scripts arrive: nothing typed then is lost."""
    attempt = attempt_start(invitation=invitation)
    written = pane_ids(attempt)["conceptual"]
    page = new_page()
    held: list[Any] = []
    page.route("**/static/candidate/attempt.js", lambda route: held.append(route))  # hold the script back
    page.goto(f"/take/{invitation.token}/attempt/", wait_until="commit")
    textarea = page.get_by_test_id(f"answer-{written}")
    textarea.fill("Typed while the scripts were loading.")
    for _ in range(100):  # bounded: the request for the script shows up while the test talks to the page
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked for attempt.js"
    expect(page.get_by_test_id("countdown")).to_have_text("--:--")  # the script has not run yet
    held[0].continue_()
    wait_until_ready(page)
    expect(textarea).to_have_value("Typed while the scripts were loading.")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    assert Answer.objects.get(attempt_question_id=written).body == "Typed while the scripts were loading."


def test_a_syntax_error_shows_its_line_on_the_submitted_page(new_page, grader: Grading, invitation):  # noqa: F811
    attempt = attempt_start(invitation=invitation)
    coding = pane_ids(attempt)["coding"]
    Answer.objects.filter(attempt_question_id=coding).update(
        body="def cosine_similarity(a, b):\n    return sum(x * y for x, y in zip(a b))\n", version=1
    )
    page = new_page()
    page.goto(f"/take/{invitation.token}/attempt/")
    wait_until_ready(page)
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("grading-status")).to_have_attribute("data-state", "done", timeout=90_000)
    expect(page.get_by_test_id(f"grading-q-{coding}")).to_contain_text("the code could not be loaded")
    message = page.get_by_test_id(f"grading-q-{coding}-message")
    expect(message).to_contain_text("SyntaxError on line 2, column ")


@pytest.mark.parametrize(
    ("policy", "shown"), [(HiddenFeedback.COUNT, "of {tests} tests accepted"), (HiddenFeedback.NONE, "submitted.")]
)
def test_the_submitted_page_shows_no_more_of_the_hidden_tests_than_the_set_allows(
    new_page,
    grader: Grading,
    invitation,  # noqa: F811
    policy,
    shown,
):
    QuestionSet.objects.filter(pk=invitation.question_set_id).update(hidden_feedback=policy)
    attempt = attempt_start(invitation=invitation)
    coding = pane_ids(attempt)["coding"]
    spec = CodingSpec.objects.get(revision__attempt_uses__pk=coding)
    wrong = "def cosine_similarity(a, b):\n    return 0.5\n"  # some hidden tests accepted, some not, maybe none
    Answer.objects.filter(attempt_question_id=coding).update(body=wrong, version=1)
    page = new_page()
    page.goto(f"/take/{invitation.token}/attempt/")
    wait_until_ready(page)
    page.get_by_test_id("submit-button").click()
    page.get_by_test_id("submit-confirm").click()
    expect(page.get_by_test_id("grading-status")).to_have_attribute("data-state", "done", timeout=90_000)
    final = CodeSubmission.objects.get(attempt_question_id=coding, purpose=SubmissionPurpose.FINAL)
    tests = GradingResult.objects.get(submission=final).test_results.count()
    expect(page.get_by_test_id(f"grading-q-{coding}")).to_contain_text(shown.format(tests=tests))
    expect(page.locator(f"[data-testid^='grading-q-{coding}-test-']")).to_have_count(0)
    text = page.inner_text("body")
    assert "wrong answer" not in text and "Test 1:" not in text
    if policy == HiddenFeedback.NONE:
        assert "accepted" not in page.get_by_test_id(f"grading-q-{coding}").inner_text()
    assert spec.test_cases.filter(visibility=Visibility.HIDDEN).exists()
