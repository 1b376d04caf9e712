"""Realistic data for the API benchmark, written through the project's models and services.

The demo organisation and its loop (``demo_load``: the seed question set, rubrics, coding specs,
interviewers), then ``size`` candidates, each invited to the assessment stage; most have started,
and of those some are in progress, some submitted (final code queued) and most graded (a grading
result per coding question with a row per test); a third of the graded have submitted scorecards.
Bulk inserts, in one transaction. Needs Django set up (``bench.settings``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Candidate,
    CodingSpec,
    Invitation,
    Loop,
    SectionItem,
    Stage,
    StageKind,
)
from assessments.services.questions import revisions_lock
from bench.api_seed_grading import Pinned, attempt_extras_create, final_submissions_create, scorecards_create
from organisations.models import Organisation
from rubrics.services.demo import demo_load

BATCH = 2000
STARTED_SHARE = 0.85
STATUS_WEIGHTS = {AttemptStatus.IN_PROGRESS: 0.2, AttemptStatus.SUBMITTED: 0.25, AttemptStatus.GRADED: 0.55}
VOCABULARY = "token attention softmax gradient embedding beam decoder corpus loss batch dropout the a of to and so we"
WORDS = VOCABULARY.split()  # written answers: a few hundred of these, in random order


@dataclass(frozen=True)
class Plan:
    organisation: Organisation
    stage: Stage
    pinned: list[Pinned]
    now: datetime


@transaction.atomic
def seed(*, size: int, signature: str, rng: random.Random) -> None:
    plan = _plan(demo_load())
    candidates = _candidates(plan, size)
    invitations = _invitations(plan, candidates, rng)
    attempts = _attempts(plan, invitations, rng)
    pinned_rows = _attempt_questions(plan, attempts, rng)
    final_submissions_create(plan.pinned, attempts, pinned_rows, rng)
    attempt_extras_create(attempts, pinned_rows, rng)
    scorecards_create(plan.stage.loop, [a for a in attempts if a.status == AttemptStatus.GRADED], rng)
    Organisation.objects.filter(pk=plan.organisation.pk).update(name=signature)


def _plan(loop: Loop) -> Plan:
    # The bench has no Docker engine: the coding questions count as published, as if their
    # reference solutions had passed in the sandbox (invitation_create insists on it).
    organisation = loop.organisation
    CodingSpec.objects.filter(revision__question__organisation=organisation).update(published_at=timezone.now())
    stage = loop.stages.get(kind=StageKind.ASSESSMENT)
    assert stage.question_set is not None
    items = SectionItem.objects.filter(section__question_set=stage.question_set).select_related("section", "question")
    pinned = []
    for position, item in enumerate(items.order_by("section__position", "position"), start=1):
        revision = item.question.current_revision
        assert revision is not None
        spec = CodingSpec.objects.filter(revision=revision).first()
        pinned.append(Pinned(revision, position, item.section.title, item.points, spec))
    revisions_lock(revision_ids=[p.revision.pk for p in pinned])
    return Plan(organisation, stage, pinned, timezone.now())


def _candidates(plan: Plan, size: int) -> list[Candidate]:
    candidates = [
        Candidate(
            organisation=plan.organisation,
            name=f"Candidate {index:05d}",
            email=f"candidate{index:05d}@example.com",
            external_id=f"ats-{index:06d}",
        )
        for index in range(size)
    ]
    return Candidate.objects.bulk_create(candidates, batch_size=BATCH)


def _invitations(plan: Plan, candidates: list[Candidate], rng: random.Random) -> list[Invitation]:
    invitations = []
    for candidate in candidates:
        opens_at = plan.now - timedelta(days=rng.uniform(1, 60))
        invitations.append(
            Invitation(
                organisation=plan.organisation,
                candidate=candidate,
                question_set=plan.stage.question_set,
                stage=plan.stage,
                opens_at=opens_at,
                expires_at=plan.now + timedelta(days=rng.uniform(1, 14)),
                duration_minutes=90,
            )
        )
    return Invitation.objects.bulk_create(invitations, batch_size=BATCH)


def _attempts(plan: Plan, invitations: list[Invitation], rng: random.Random) -> list[Attempt]:
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    attempts = []
    for invitation in invitations:
        if rng.random() > STARTED_SHARE:
            continue  # invited, not started
        status = rng.choices(statuses, weights)[0]
        if status == AttemptStatus.IN_PROGRESS:
            started_at = plan.now - timedelta(minutes=rng.uniform(1, 60))  # deadline still ahead
        else:
            started_at = invitation.opens_at + timedelta(hours=rng.uniform(1, 20))
        finished = status != AttemptStatus.IN_PROGRESS
        attempts.append(
            Attempt(
                organisation=plan.organisation,
                invitation=invitation,
                status=status,
                started_at=started_at,
                deadline=started_at + timedelta(minutes=invitation.duration_minutes),
                submitted_at=started_at + timedelta(minutes=rng.uniform(20, 89)) if finished else None,
            )
        )
    return Attempt.objects.bulk_create(attempts, batch_size=BATCH)


def _attempt_questions(plan: Plan, attempts: list[Attempt], rng: random.Random) -> list[AttemptQuestion]:
    """Every attempt's pinned questions and their answers; returned in attempt order, then position."""
    rows = [
        AttemptQuestion(
            attempt=attempt, revision=p.revision, position=p.position, section_title=p.section_title, points=p.points
        )
        for attempt in attempts
        for p in plan.pinned
    ]
    rows = AttemptQuestion.objects.bulk_create(rows, batch_size=BATCH)
    answers = [
        Answer(attempt_question=row, body=_answer_body(p, rng), version=rng.randint(1, 40))
        for row, p in zip(rows, plan.pinned * len(attempts), strict=True)
    ]
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    return rows


def _answer_body(pinned: Pinned, rng: random.Random) -> str:
    if pinned.spec is not None:
        return pinned.spec.reference_solution if rng.random() < 0.7 else pinned.spec.starter_code
    return " ".join(rng.choices(WORDS, k=rng.randint(40, 220)))
