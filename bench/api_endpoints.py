"""What the API benchmark drives: the bare endpoints and the calls an ATS makes most, with ids from the seeded data."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import Count, F
from django.urls import Resolver404, resolve

from assessments.models import Answer, Attempt, AttemptStatus, Candidate, Invitation, Stage, StageKind
from bench.api_wrk import Load
from grading.models import TestResult
from organisations.models import Organisation
from rubrics.models import Rating, Scorecard

BARE, BARE_KEY = "bare", "bare + API key"
INVITATION_BODY = {"expires_at": "2099-01-01T00:00:00Z", "duration_minutes": 90}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # with "{id}" where the id goes
    ids_file: str = ""  # one id per line; the wrk script picks one at random per request
    targeted: bool = True  # a real read: the targets apply
    authenticated: bool = True

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded data, one file per kind, for the wrk scripts."""

    folder: Path
    stage_id: int  # the loop's assessment stage the POSTs invite to

    def file(self, name: str) -> str:
        return str(self.folder / f"{name}.txt")

    def first_id(self, name: str) -> str:
        return Path(self.file(name)).read_text().split("\n", 1)[0]


def seeded_ids_write(folder: Path, organisation: Organisation) -> Seeded:
    attempts = Attempt.objects.filter(organisation=organisation)
    finished = attempts.exclude(status=AttemptStatus.IN_PROGRESS)
    # Not the POSTed (they open when made): the seed's opened at least a day before it made them.
    seeded_invitations = Invitation.objects.filter(
        organisation=organisation, opens_at__lt=F("created_at") - timedelta(hours=12)
    )
    lists = {
        "attempts": attempts.values_list("pk", flat=True),
        "finished_attempts": finished.values_list("pk", flat=True),
        "invitations": seeded_invitations.values_list("pk", flat=True),
        "candidates": Candidate.objects.filter(organisation=organisation).values_list("pk", flat=True),
        "external_ids": Candidate.objects.filter(organisation=organisation).values_list("external_id", flat=True),
    }
    for name, values in lists.items():
        (folder / f"{name}.txt").write_text("\n".join(str(value) for value in values.order_by()) + "\n")
    stage = Stage.objects.filter(loop__organisation=organisation, kind=StageKind.ASSESSMENT).order_by("pk").first()
    assert stage is not None
    return Seeded(folder, stage.pk)


def data_summary(organisation: Organisation) -> str:
    """How much data the reads run against, in one line."""
    attempts = Attempt.objects.filter(organisation=organisation)
    statuses = dict(attempts.values_list("status").annotate(n=Count("pk")).order_by())
    counts = {
        "candidates": Candidate.objects.filter(organisation=organisation).count(),
        "invitations": Invitation.objects.filter(organisation=organisation).count(),
        "attempts": attempts.count(),
        "answers": Answer.objects.filter(attempt_question__attempt__organisation=organisation).count(),
        "test results": TestResult.objects.filter(result__submission__attempt_question__attempt__in=attempts).count(),
        "submitted scorecards": Scorecard.objects.filter(organisation=organisation, status="submitted").count(),
        "ratings": Rating.objects.filter(scorecard__organisation=organisation).count(),
    }
    by_status = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
    return ", ".join(f"{n} {name}" for name, n in counts.items()) + f" (attempts: {by_status})"


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def endpoints_for(seeded: Seeded) -> tuple[list[Endpoint], list[str]]:
    """The endpoints to drive, and notes on stand-ins used for calls the project does not route yet."""
    endpoints = [
        Endpoint(BARE, "GET", "/bench/bare/", targeted=False, authenticated=False),
        Endpoint(BARE_KEY, "GET", "/bench/bare-key/", targeted=False),
    ]
    notes = []
    for name, path, ids in (
        ("attempt status", "/api/v1/attempts/{id}/", "attempts"),
        ("attempt result", "/api/v1/attempts/{id}/result/", "finished_attempts"),
    ):
        if _routed(path.replace("{id}", seeded.first_id(ids))):
            endpoints.append(Endpoint(name, "GET", path, seeded.file(ids)))
        else:
            notes.append(f"{path} is not routed yet: not measured")
    endpoints += [
        Endpoint("invitation detail", "GET", "/api/v1/invitations/{id}/", seeded.file("invitations")),
        Endpoint(
            "candidate by external id", "GET", "/api/v1/candidates/?external_id={id}", seeded.file("external_ids")
        ),
        Endpoint("invitation create", "POST", "/api/v1/invitations/", seeded.file("candidates"), targeted=False),
    ]
    return endpoints, notes


def load_for(
    endpoint: Endpoint, *, base_url: str, seeded: Seeded, authorization: str, connections: int, seconds: int
) -> Load:
    args: tuple[str, ...]
    if endpoint.method == "POST":
        script, args = "post_invitation.lua", (endpoint.path, endpoint.ids_file, str(seeded.stage_id), _nonce())
    else:
        script, args = "get.lua", (endpoint.path, endpoint.ids_file or _single_line(seeded))
    return Load(
        url=base_url,
        script=script,
        script_args=args,
        connections=connections,
        duration_s=seconds,
        authorization=authorization if endpoint.authenticated else "",
    )


def _single_line(seeded: Seeded) -> str:
    """An ids file with one empty-ish id, for paths without ``{id}``."""
    path = seeded.folder / "none.txt"
    path.write_text("-\n")
    return str(path)


def _nonce() -> str:
    return uuid.uuid4().hex[:12]


def sample_request(endpoint: Endpoint, seeded: Seeded) -> tuple[str, str, bytes | None]:
    """One concrete request (method, path, JSON body) for the preflight and the in-process check."""
    if endpoint.method == "POST":
        body = {"candidate_id": int(seeded.first_id("candidates")), "stage_id": seeded.stage_id}
        return "POST", endpoint.path, json.dumps({**body, **INVITATION_BODY}).encode()
    ids = Path(endpoint.ids_file).read_text().split() if endpoint.ids_file else ["-"]
    return "GET", endpoint.path.replace("{id}", ids[len(ids) // 2]), None
