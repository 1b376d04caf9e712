from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import (
    Candidate,
    FocusQuestion,
    Invitation,
    Loop,
    Question,
    QuestionRevision,
    QuestionSet,
    Stage,
    StageInterviewer,
    StageKind,
)
from organisations.models import Membership, Organisation, Role
from rubrics.models import Criterion, Level, Rubric, Scorecard


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("pw-for-tests")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.HIRING_MANAGER


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.replace(' ', '.').lower()}@example.test")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    title = factory.Sequence(lambda n: f"Question {n}")
    kind = "conceptual"

    @factory.post_generation
    def revision(obj, create, extracted, **kwargs):
        if create:
            QuestionRevision.objects.create(question=obj, number=1, prompt=extracted or f"Explain {obj.title}.")


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    key = factory.Sequence(lambda n: f"rubric-{n}")
    title = factory.Sequence(lambda n: f"Rubric {n}")

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        criterion = Criterion.objects.create(rubric=obj, position=1, name="Depth")
        for score in range(1, 5):
            Level.objects.create(criterion=criterion, score=score, label=f"L{score}", description=f"Anchor {score}")


class LoopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loop

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Loop {n}")
    role = "Engineer"


class StageFactory(factory.django.DjangoModelFactory):
    """An interview stage (assessment stages need a question set and a duration)."""

    class Meta:
        model = Stage

    loop = factory.SubFactory(LoopFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = StageKind.INTERVIEW
    title = factory.Sequence(lambda n: f"Interview {n}")


class StageInterviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageInterviewer

    stage = factory.SubFactory(StageFactory)
    user = factory.SubFactory(UserFactory)


class FocusQuestionFactory(factory.django.DjangoModelFactory):
    """A focus question; pass `rubric=` to attach that rubric to the question's current revision."""

    class Meta:
        model = FocusQuestion
        skip_postgeneration_save = True

    stage = factory.SubFactory(StageFactory)
    question = factory.SubFactory(QuestionFactory, organisation=factory.SelfAttribute("..stage.loop.organisation"))
    position = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def rubric(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            QuestionRevision.objects.filter(question=obj.question).update(rubric=extracted)


class ScorecardFactory(factory.django.DjangoModelFactory):
    """A draft scorecard; for a submitted one pass status, submitted_at and recommendation."""

    class Meta:
        model = Scorecard

    stage = factory.SubFactory(StageFactory)
    organisation = factory.SelfAttribute("stage.loop.organisation")
    candidate = factory.SubFactory(CandidateFactory, organisation=factory.SelfAttribute("..organisation"))
    interviewer = factory.SubFactory(UserFactory)


class QuestionSetFactory(factory.django.DjangoModelFactory):
    """An empty question set (enough for an invitation that puts a candidate in a loop)."""

    class Meta:
        model = QuestionSet

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Set {n}")
    slug = factory.Sequence(lambda n: f"set-{n}")


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; pass ``stage=`` to put the candidate in that stage's loop."""

    class Meta:
        model = Invitation

    candidate = factory.SubFactory(CandidateFactory)
    organisation = factory.SelfAttribute("candidate.organisation")
    question_set = factory.SubFactory(QuestionSetFactory, organisation=factory.SelfAttribute("..organisation"))
    opens_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    duration_minutes = 60


def in_loop(candidate: Candidate, stage: Stage) -> Candidate:
    """Put the candidate in the stage's loop (an invitation to the stage); returns the candidate."""
    InvitationFactory(candidate=candidate, stage=stage)
    return candidate


def assessment_stage(question_set, *, loop=None, duration_minutes: int = 60, title: str = "Screen") -> Stage:
    """A loop's timed assessment stage on ``question_set`` (in a new loop of its organisation unless ``loop``)."""
    loop = loop or LoopFactory(organisation=question_set.organisation)
    position = (loop.stages.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return Stage.objects.create(
        loop=loop,
        position=position,
        kind=StageKind.ASSESSMENT,
        title=title,
        question_set=question_set,
        duration_minutes=duration_minutes,
    )
