"""A strict Content-Security-Policy, no-store on pages with candidate data, Swagger UI from our own files."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import QuestionSet, Section, SectionItem
from assessments.services.invitations import invitation_create
from tests.factories import CandidateFactory, QuestionFactory, assessment_stage

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_strict(response) -> None:
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no inline scripts, no eval, no other host
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["style-src-attr"] == ["'unsafe-inline'"]  # CodeMirror's style attributes, nothing else
    others = [value for name, values in directives.items() if name != "style-src-attr" for value in values]
    assert not [value for value in others if "unsafe" in value]
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_has_the_policy(client):
    assert_strict(client.get("/accounts/login/"))


def test_a_candidates_page_has_the_policy_and_is_not_stored(client, organisation):
    question_set = QuestionSet.objects.create(organisation=organisation, title="Concepts", slug="concepts")
    section = Section.objects.create(question_set=question_set, title="Concepts", position=1)
    SectionItem.objects.create(section=section, question=QuestionFactory(organisation=organisation), position=1)
    invitation = invitation_create(
        organisation=organisation,
        candidate=CandidateFactory(organisation=organisation),
        stage=assessment_stage(question_set),
        duration_minutes=60,
        expires_at=timezone.now() + timedelta(days=2),
    )
    response = client.get(f"/take/{invitation.token}/")
    assert response.status_code == 200
    assert_strict(response)


def test_inline_styles_carry_the_requests_nonce(client):
    response = client.get("/accounts/login/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert html.count("<style") == html.count(f'<style nonce="{nonce}">') >= 1
    assert " style=" not in html


def test_swagger_ui_loads_only_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith(("/static/", "/api/")) for source in sources), sources
    assert "cdn" not in html.lower() and "https://" not in html
    assert_strict(response)
    for source in sources:
        if source.startswith("/api/"):
            assert client.get(source).status_code == 200  # the split view's init script, same origin
